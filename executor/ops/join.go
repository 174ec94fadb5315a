package ops

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/executor/state"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf/udaf"
)

// join joins two keyed inputs. Stream sides keep their rows in window
// stores (key, time, sequence); table sides keep the latest row per key.
// Stored values are the row's timestamp followed by the encoded row.
type join struct {
	step       *physical.Join
	fk         eval.Evaluator // foreign-key joins: the left row's right key
	index      Store          // foreign-key joins: (right key, left key) -> nothing
	stores     [2]Store
	keys       [2]*rowCodec
	rowTypes   [2][]*types.Type
	widths     [2]int
	next       Operator
	policy     ErrorPolicy
	seq        uint64
	streamTime int64
	// sideTime is, per side of a stream-stream join, the newest row its
	// window store has taken.
	sideTime  [2]int64
	unmatched map[string]pendingOuter // outer rows awaiting window close (with GRACE)
}

type pendingOuter struct {
	side    int
	row     []any
	ts      int64
	closeAt int64
	window  *Window // the record's window, when the sources are windowed
}

// joinPort feeds one side of a join.
type joinPort struct {
	j    *join
	side int
}

func (p joinPort) Process(ctx context.Context, r *Record) error { return p.j.process(ctx, p.side, r) }

func newJoin(step *physical.Join, stores func(string) (Store, error), next Operator, policy ErrorPolicy) (*join, error) {
	j := &join{step: step, next: next, policy: policy, streamTime: math.MinInt64, sideTime: [2]int64{math.MinInt64, math.MinInt64}, unmatched: map[string]pendingOuter{}}
	for side, in := range []physical.Step{step.Left, step.Right} {
		cols := in.Schema().Columns
		// Both sides must encode equal keys to equal bytes: the key
		// column's name differs per side, so it is dropped.
		keyCols := append([]types.Column(nil), cols[:j.keyCount(side)]...)
		for i := range keyCols {
			keyCols[i].Name = fmt.Sprintf("K%d", i)
		}
		k, err := newRowCodec(keyCols)
		if err != nil {
			return nil, err
		}
		j.keys[side], j.widths[side] = k, len(cols)
		for _, c := range cols {
			j.rowTypes[side] = append(j.rowTypes[side], c.Type)
		}
	}
	var err error
	if j.stores[0], err = stores(step.LeftStore); err != nil {
		return nil, err
	}
	if j.stores[1], err = stores(step.RightStore); err != nil {
		return nil, err
	}
	if step.LeftFK != nil {
		if j.fk, err = eval.Compile(step.LeftFK); err != nil {
			return nil, err
		}
		if j.index, err = stores(step.LeftStore + "-index"); err != nil {
			return nil, err
		}
	}
	return j, nil
}

func (j *join) encodeRow(side int, ts int64, row []any) ([]byte, error) {
	return udaf.AppendValues(binary.BigEndian.AppendUint64(nil, uint64(ts)), j.rowTypes[side], row)
}

func (j *join) decodeRow(side int, v []byte) (int64, []any, error) {
	if len(v) < 8 {
		return 0, nil, errors.New("corrupt join state")
	}
	row, err := udaf.DecodeValues(j.rowTypes[side], v[8:])
	return int64(binary.BigEndian.Uint64(v)), row, err
}

// keyCount is how many leading columns of a side's rows are its key: the
// left table's key columns in a foreign-key join, else one.
func (j *join) keyCount(side int) int {
	if side == 0 && j.step.KeyColumns > 1 {
		return j.step.KeyColumns
	}
	return 1
}

func (j *join) process(ctx context.Context, side int, r *Record) error {
	n := j.keyCount(side)
	if n == 1 && r.Row[0] == nil {
		return nil // null keys never join
	}
	kb, err := j.keys[side].encode(r.Row[:n])
	if err != nil {
		return err
	}
	if w := r.Window; w != nil {
		// Windowed keys match with their window, as their serialized
		// forms do: the start, and for sessions the end too.
		kb = binary.BigEndian.AppendUint64(kb, uint64(w.Start))
		if w.Session {
			kb = binary.BigEndian.AppendUint64(kb, uint64(w.End))
		}
	}
	if r.Timestamp > j.streamTime {
		j.streamTime = r.Timestamp
	}
	switch j.step.Sides {
	case "FOREIGN_KEY":
		err = j.foreignKey(ctx, side, r, kb)
	case "STREAM_STREAM":
		err = j.streamStream(ctx, side, r, kb)
	case "STREAM_TABLE":
		err = j.streamTable(ctx, side, r, kb)
	default:
		err = j.tableTable(ctx, side, r, kb)
	}
	if err != nil {
		return err
	}
	return j.flushUnmatched(ctx)
}

// outer tells whether a side's unmatched rows are emitted.
func (j *join) outer(side int) bool {
	t := j.step.Type
	return t == "FULL" || (side == 0 && t == "LEFT") || (side == 1 && t == "RIGHT")
}

func (j *join) streamStream(ctx context.Context, side int, r *Record, kb []byte) error {
	if r.Tombstone {
		return nil
	}
	ts := r.Timestamp
	// As in Kafka Streams, each side's window store keeps rows for the
	// join window plus the grace period behind the newest row it has
	// taken: a row older than that is not stored (but still looks for
	// matches on the other side), and stored rows that old match no more.
	stored := !j.expired(side, ts)
	var sk []byte
	if stored {
		j.seq++
		sk = binary.BigEndian.AppendUint64(state.WindowKey(kb, ts), j.seq)
		v, err := j.encodeRow(side, ts, r.Row)
		if err != nil {
			return err
		}
		if err := j.stores[side].Put(sk, v); err != nil {
			return err
		}
		j.sideTime[side] = max(j.sideTime[side], ts)
	}
	// The other side's rows within the window: for a left row at t, right
	// rows in [t-before, t+after]; for a right row, left rows in
	// [t-after, t+before].
	lo, hi := ts-j.step.Before, ts+j.step.After
	if side == 1 {
		lo, hi = ts-j.step.After, ts+j.step.Before
	}
	other := 1 - side
	from, to := state.WindowRange(kb, lo, hi)
	type match struct {
		ts  int64
		row []any
		sk  string
	}
	var matches []match
	var derr error
	err := j.stores[other].Range(from, to, func(k, v []byte) bool {
		ots, row, err := j.decodeRow(other, v)
		if err != nil {
			derr = err
			return false
		}
		if !j.expired(other, ots) {
			matches = append(matches, match{ts: ots, row: row, sk: string(k)})
		}
		return true
	})
	if err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	for _, m := range matches {
		delete(j.unmatched, pendingKey(other, m.sk))
		l, rr := leftRight(side, r.Row, m.row)
		if err := j.emit(ctx, l, rr, max(ts, m.ts), r); err != nil {
			return err
		}
	}
	if len(matches) > 0 || !j.outer(side) {
		return nil
	}
	if j.step.Grace == nil {
		// Without a grace period ksqlDB emits outer results eagerly.
		l, rr := leftRight(side, r.Row, nil)
		return j.emit(ctx, l, rr, ts, r)
	}
	after := j.step.After
	if side == 1 {
		after = j.step.Before
	}
	closeAt := ts + after + *j.step.Grace
	if closeAt < j.streamTime || !stored {
		// The window is already closed: no later record can match.
		l, rr := leftRight(side, r.Row, nil)
		return j.emit(ctx, l, rr, ts, r)
	}
	j.unmatched[pendingKey(side, string(sk))] = pendingOuter{side: side, row: r.Row, ts: ts, closeAt: closeAt, window: r.Window}
	return nil
}

// expired tells whether a row at ts is older than what a side's window
// store keeps (only with a grace period, which bounds the store).
func (j *join) expired(side int, ts int64) bool {
	if j.step.Grace == nil || j.sideTime[side] == math.MinInt64 {
		return false
	}
	return ts < j.sideTime[side]-(j.step.Before+j.step.After+*j.step.Grace)
}

// leftRight orders a row of side and one of the other side as the join's
// left and right rows.
func leftRight(side int, this, other []any) (l, r []any) {
	if side == 1 {
		return other, this
	}
	return this, other
}

func pendingKey(side int, sk string) string { return fmt.Sprint(side) + sk }

// flushUnmatched emits outer results whose window has closed.
func (j *join) flushUnmatched(ctx context.Context) error {
	if len(j.unmatched) == 0 {
		return nil
	}
	var due []string
	for k, p := range j.unmatched {
		if p.closeAt < j.streamTime {
			due = append(due, k)
		}
	}
	sort.Slice(due, func(a, b int) bool {
		x, y := j.unmatched[due[a]], j.unmatched[due[b]]
		if x.ts != y.ts {
			return x.ts < y.ts
		}
		return due[a] < due[b]
	})
	for _, k := range due {
		p := j.unmatched[k]
		delete(j.unmatched, k)
		l, r := leftRight(p.side, p.row, nil)
		if err := j.emit(ctx, l, r, p.ts, &Record{Window: p.window}); err != nil {
			return err
		}
	}
	return nil
}

func (j *join) lookup(side int, kb []byte) (int64, []any, bool, error) {
	v, ok, err := j.stores[side].Get(kb)
	if err != nil || !ok {
		return 0, nil, false, err
	}
	ts, row, err := j.decodeRow(side, v)
	return ts, row, err == nil, err
}

func (j *join) update(side int, r *Record, kb []byte) error {
	if r.Tombstone {
		return j.stores[side].Delete(kb)
	}
	v, err := j.encodeRow(side, r.Timestamp, r.Row)
	if err != nil {
		return err
	}
	return j.stores[side].Put(kb, v)
}

func (j *join) streamTable(ctx context.Context, side int, r *Record, kb []byte) error {
	if side == 1 {
		return j.update(1, r, kb)
	}
	if r.Tombstone {
		return nil
	}
	_, right, found, err := j.lookup(1, kb)
	if err != nil {
		return err
	}
	if !found && j.step.Type != "LEFT" {
		return nil
	}
	return j.emit(ctx, r.Row, right, r.Timestamp, r)
}

func (j *join) tableTable(ctx context.Context, side int, r *Record, kb []byte) error {
	oldTs, oldThis, _, err := j.lookup(side, kb)
	if err != nil {
		return err
	}
	if err := j.update(side, r, kb); err != nil {
		return err
	}
	other := 1 - side
	ots, orow, _, err := j.lookup(other, kb)
	if err != nil {
		return err
	}
	var newThis []any
	if !r.Tombstone {
		newThis = r.Row
	}
	pair := func(this []any) (l, rr []any) { return leftRight(side, this, orow) }
	ts := max(r.Timestamp, ots)
	// The key's previous result goes along as Old, for what downstream
	// must undo (an aggregation of the join).
	var prev []any
	if l, rr := pair(oldThis); j.exists(l, rr) {
		prev = j.joined(l, rr, max(oldTs, ots), r).Row
	}
	if l, rr := pair(newThis); j.exists(l, rr) {
		out := j.joined(l, rr, ts, r)
		out.Old, out.OldKnown = prev, true
		return j.next.Process(ctx, out)
	}
	if prev == nil {
		return nil // there was no result for the key, and there is none
	}
	// The key's result no longer exists: delete it.
	tomb := &Record{Row: make([]any, len(j.step.Out.Columns)), Timestamp: ts, Tombstone: true, Partition: r.Partition, Offset: r.Offset,
		Window: r.Window, Old: prev, OldKnown: true}
	tomb.Row[0] = r.Row[0]
	return j.next.Process(ctx, tomb)
}

// exists tells whether a table join has a result for the rows present.
func (j *join) exists(l, r []any) bool {
	switch j.step.Type {
	case "LEFT":
		return l != nil
	case "RIGHT":
		return r != nil
	case "FULL":
		return l != nil || r != nil
	}
	return l != nil && r != nil
}

// emit sends the joined row of l and r on.
func (j *join) emit(ctx context.Context, l, r []any, ts int64, src *Record) error {
	return j.next.Process(ctx, j.joined(l, r, ts, src))
}

// joined builds the joined row: key, left values, right values, pseudo
// columns. Windowed sources join on windowed keys: the result keeps the
// window (its start is what the keys share; its size is the left one's).
func (j *join) joined(l, r []any, ts int64, src *Record) *Record {
	out := make([]any, 0, len(j.step.Out.Columns))
	switch {
	case l != nil && j.step.Type != "RIGHT":
		out = append(out, l[:j.keyCount(0)]...)
	case r != nil:
		out = append(out, r[0])
	case l != nil:
		out = append(out, l[:j.keyCount(0)]...)
	default:
		out = append(out, nil)
	}
	for _, i := range j.step.LeftValues {
		if l == nil {
			out = append(out, nil)
		} else {
			out = append(out, l[i])
		}
	}
	for _, i := range j.step.RightValues {
		if r == nil {
			out = append(out, nil)
		} else {
			out = append(out, r[i])
		}
	}
	out = append(out, ts, src.Partition, src.Offset)
	w := src.Window
	if size := j.step.LeftWindowSize; size > 0 && w != nil && w.End-w.Start != size {
		w = &Window{Start: w.Start, End: w.Start + size}
	}
	return &Record{Row: out, Timestamp: ts, Partition: src.Partition, Offset: src.Offset, Window: w}
}
