package ops

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/executor/state"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf/udaf"
)

// Store is the key-value state an operator keeps; state.Store implements
// it over Pebble with a changelog.
type Store interface {
	Get(key []byte) ([]byte, bool, error)
	Put(key, value []byte) error
	Delete(key []byte) error
	Range(lo, hi []byte, fn func(k, v []byte) bool) error
}

// aggregate folds rows into per-key (and per-window) accumulators kept in
// a store. Stored values are the latest input timestamp followed by each
// call's encoded accumulator.
type aggregate struct {
	step  *physical.Aggregate
	store Store
	// windows fronts the store of a hopping or tumbling aggregation.
	windows  *windowCache
	keyCodec *rowCodec
	aggs     []udaf.Aggregator
	args     [][]eval.Evaluator
	lits     [][]any
	next     Operator
	policy   ErrorPolicy
	// streamTime is the largest timestamp seen: windows close against it.
	streamTime int64
	// open tracks windows not yet emitted under EMIT FINAL, by store key.
	open map[string]openWindow
	// nextClose is the earliest closing time among open windows, so that
	// records arriving before it need not look at them.
	nextClose int64
}

type openWindow struct {
	key      []any
	start    int64
	end      int64
	closesAt int64
}

func newAggregate(step *physical.Aggregate, store Store, aggregates *udaf.Registry, cfg udaf.Config, next Operator, policy ErrorPolicy) (*aggregate, error) {
	in := step.Input.Schema()
	a := &aggregate{step: step, store: store, next: next, policy: policy, streamTime: math.MinInt64, open: map[string]openWindow{}, nextClose: math.MaxInt64}
	codec, err := newRowCodec(in.Columns[:step.KeyCount])
	if err != nil {
		return nil, err
	}
	a.keyCodec = codec
	if step.Window != nil && step.Window.Kind != "SESSION" {
		a.windows = newWindowCache(store, windowCacheBytes)
	}
	for _, c := range step.Calls {
		argTypes := make([]*types.Type, len(c.Args))
		for i, x := range c.Args {
			argTypes[i] = x.Type()
		}
		ag, err := aggregates.NewWithConfig(c.Name, argTypes, c.Literals, c.Return, cfg)
		if err != nil {
			return nil, err
		}
		evs, err := eval.CompileAll(c.Args)
		if err != nil {
			return nil, err
		}
		a.aggs = append(a.aggs, ag)
		a.args = append(a.args, evs)
		a.lits = append(a.lits, c.Literals)
	}
	return a, nil
}

// accs is one group's state.
type accs struct {
	ts   int64
	vals []any
}

func (a *aggregate) decode(b []byte) (accs, error) {
	if len(b) < 8 {
		return accs{}, errors.New("corrupt aggregate state")
	}
	st := accs{ts: int64(binary.BigEndian.Uint64(b)), vals: make([]any, len(a.aggs))}
	b = b[8:]
	for i, ag := range a.aggs {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return accs{}, errors.New("corrupt aggregate state")
		}
		v, err := ag.Decode(b[w : w+int(n)])
		if err != nil {
			return accs{}, err
		}
		st.vals[i] = v
		b = b[w+int(n):]
	}
	return st, nil
}

func (a *aggregate) encode(st accs) ([]byte, error) {
	out := binary.BigEndian.AppendUint64(nil, uint64(st.ts))
	for i, ag := range a.aggs {
		b, err := ag.Encode(st.vals[i])
		if err != nil {
			return nil, err
		}
		out = binary.AppendUvarint(out, uint64(len(b)))
		out = append(out, b...)
	}
	return out, nil
}

func (a *aggregate) initial() accs {
	st := accs{ts: math.MinInt64, vals: make([]any, len(a.aggs))}
	for i, ag := range a.aggs {
		st.vals[i] = ag.Init()
	}
	return st
}

// fold adds (or, for undo, removes) a row to st. A table update that kept
// its grouping key carries the previous row in Old: it is taken out first.
func (a *aggregate) fold(st accs, r *Record) (accs, error) {
	if r.Old != nil && !r.Undo {
		var err error
		if st, err = a.foldRow(st, r.Old, true); err != nil {
			return st, err
		}
	}
	st, err := a.foldRow(st, r.Row, r.Undo)
	if err != nil {
		return st, err
	}
	if r.Timestamp > st.ts {
		st.ts = r.Timestamp
	}
	return st, nil
}

func (a *aggregate) foldRow(st accs, row []any, undo bool) (accs, error) {
	for i, ag := range a.aggs {
		args := make([]any, len(a.args[i]))
		for j, ev := range a.args[i] {
			v, err := ev(row)
			if err != nil {
				return st, fmt.Errorf("evaluating %s argument: %w", a.step.Calls[i].Name, err)
			}
			args[j] = v
		}
		var err error
		var v any
		if undo {
			v, err = ag.Undo(st.vals[i], args)
		} else {
			v, err = ag.Add(st.vals[i], args)
		}
		if err != nil {
			return st, fmt.Errorf("%s: %w", a.step.Calls[i].Name, err)
		}
		st.vals[i] = v
	}
	return st, nil
}

// result builds the output row for a group.
func (a *aggregate) result(key []any, w *Window, st accs) ([]any, error) {
	row := make([]any, 0, len(a.step.Out.Columns))
	row = append(row, key...)
	if a.step.Window != nil {
		row = append(row, w.Start, w.End)
	}
	for i, ag := range a.aggs {
		v, err := ag.Result(st.vals[i])
		if err != nil {
			return nil, err
		}
		row = append(row, v)
	}
	return row, nil
}

func (a *aggregate) Process(ctx context.Context, r *Record) error {
	if r.Tombstone && !r.Undo {
		// A table delete arrives as the undo of the old row; the
		// tombstone itself carries nothing to fold.
		return nil
	}
	key := r.Row[:a.step.KeyCount]
	for _, k := range key {
		// As in ksqlDB, a row with any NULL grouping value is excluded.
		if k == nil {
			a.policy.logger().Warn("record with null grouping key skipped", "store", a.step.Store)
			return nil
		}
	}
	kb, err := a.keyCodec.encode(key)
	if err != nil {
		return err
	}
	if r.Timestamp > a.streamTime {
		a.streamTime = r.Timestamp
	}
	var perr error
	switch {
	case a.step.Window == nil:
		perr = a.processPlain(ctx, r, key, kb)
	case a.step.Window.Kind == "SESSION":
		perr = a.processSession(ctx, r, key, kb)
	default:
		perr = a.processTime(ctx, r, key, kb)
	}
	if perr != nil {
		var fatal fatalError
		if errors.As(perr, &fatal) {
			return perr
		}
		if errors.Is(perr, udaf.ErrOverflow) {
			// As in ksqlDB, an aggregate that no longer fits its type
			// stops the query rather than dropping input silently.
			return fmt.Errorf("Exception caught in process. store=%s: %w", a.step.Store, perr)
		}
		a.policy.logger().Warn("aggregation error, record skipped", "store", a.step.Store, "error", perr)
	}
	if a.step.Final {
		return a.emitClosed(ctx)
	}
	return nil
}

// fatalError marks failures of the state or downstream that must stop the
// query, as opposed to a bad record.
type fatalError struct{ err error }

func (f fatalError) Error() string { return f.err.Error() }
func (f fatalError) Unwrap() error { return f.err }

// load reads a group's accumulators; start is the window start of a time
// window, which the window cache files it under (ignored otherwise).
func (a *aggregate) load(sk []byte, start int64) (accs, bool, error) {
	var b []byte
	var ok bool
	var err error
	if a.windows != nil {
		b, ok, err = a.windows.get(sk, start)
	} else {
		b, ok, err = a.store.Get(sk)
	}
	if err != nil {
		return accs{}, false, fatalError{err}
	}
	if !ok {
		return a.initial(), false, nil
	}
	st, err := a.decode(b)
	if err != nil {
		return accs{}, false, fatalError{err}
	}
	return st, true, nil
}

func (a *aggregate) save(sk []byte, start int64, st accs) error {
	b, err := a.encode(st)
	if err != nil {
		return fatalError{err}
	}
	if a.windows != nil {
		err = a.windows.put(sk, start, b)
	} else {
		err = a.store.Put(sk, b)
	}
	if err != nil {
		return fatalError{err}
	}
	return nil
}

func (a *aggregate) emit(ctx context.Context, key []any, w *Window, st accs, r *Record) error {
	return a.emitChange(ctx, key, w, st, nil, false, r)
}

// emitChange emits a group's new result; when known, the previous result
// travels along (Old, nil if the group is new) so that HAVING can tell a
// row that stops matching, whose delete is due, from one that never did.
func (a *aggregate) emitChange(ctx context.Context, key []any, w *Window, st accs, prev []any, known bool, r *Record) error {
	row, err := a.result(key, w, st)
	if err != nil {
		return err
	}
	out := &Record{Row: row, Timestamp: st.ts, Partition: r.Partition, Offset: r.Offset, Window: w, OldKnown: known, Old: prev}
	if err := a.next.Process(ctx, out); err != nil {
		return fatalError{err}
	}
	return nil
}

func (a *aggregate) processPlain(ctx context.Context, r *Record, key []any, kb []byte) error {
	st, existed, err := a.load(kb, 0)
	if err != nil {
		return err
	}
	var prev []any
	if existed {
		// Results never share memory with the accumulators that folding
		// is about to change.
		if prev, err = a.result(key, nil, st); err != nil {
			return err
		}
	}
	if st, err = a.fold(st, r); err != nil {
		return err
	}
	if err := a.save(kb, 0, st); err != nil {
		return err
	}
	return a.emitChange(ctx, key, nil, st, prev, true, r)
}

// windowsFor lists the time windows containing ts, earliest first.
func (a *aggregate) windowsFor(ts int64) []int64 {
	w := a.step.Window
	adv := w.Advance
	if adv <= 0 {
		adv = w.Size
	}
	last := ts - floorMod(ts, adv)
	var starts []int64
	for s := last; s > ts-w.Size; s -= adv {
		if s < 0 && ts >= 0 {
			break
		}
		starts = append(starts, s)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	return starts
}

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func (a *aggregate) processTime(ctx context.Context, r *Record, key []any, kb []byte) error {
	w := a.step.Window
	for _, start := range a.windowsFor(r.Timestamp) {
		end := start + w.Size
		if end+w.Grace <= a.streamTime && !r.Undo {
			a.policy.logger().Debug("late record dropped", "store", a.step.Store, "window_end", end, "stream_time", a.streamTime)
			continue
		}
		sk := state.WindowKey(kb, start)
		st, existed, err := a.load(sk, start)
		if err != nil {
			return err
		}
		win := &Window{Start: start, End: end}
		var prev []any
		if existed && !a.step.Final {
			if prev, err = a.result(key, win, st); err != nil {
				return err
			}
		}
		if st, err = a.fold(st, r); err != nil {
			return err
		}
		if err := a.save(sk, start, st); err != nil {
			return err
		}
		if a.step.Final {
			a.open[string(sk)] = openWindow{key: append([]any(nil), key...), start: start, end: end, closesAt: end + w.Grace}
			a.nextClose = min(a.nextClose, end+w.Grace)
			continue
		}
		if err := a.emitChange(ctx, key, win, st, prev, true, r); err != nil {
			return err
		}
	}
	return nil
}

// processSession merges the record into the sessions of its key that it
// touches, deleting (and tombstoning) the sessions merged away.
func (a *aggregate) processSession(ctx context.Context, r *Record, key []any, kb []byte) error {
	w := a.step.Window
	gap := w.Size
	ts := r.Timestamp
	if ts+gap+w.Grace <= a.streamTime && ts < a.streamTime-gap-w.Grace {
		a.policy.logger().Debug("late record dropped", "store", a.step.Store)
		return nil
	}
	prefix := state.KeyPrefix(kb)
	type session struct {
		sk         []byte
		start, end int64
		st         accs
	}
	var merged []session
	var rerr error
	err := a.store.Range(prefix, state.PrefixEnd(prefix), func(k, v []byte) bool {
		_, end, start, err := state.DecodeSessionKey(k)
		if err != nil {
			rerr = err
			return false
		}
		if w.Retention > 0 && end < a.streamTime-w.Retention {
			// Expired from the session store (retention, by default gap
			// plus grace): it no longer merges.
			return true
		}
		if end >= ts-gap && start <= ts+gap {
			st, err := a.decode(v)
			if err != nil {
				rerr = err
				return false
			}
			merged = append(merged, session{sk: append([]byte(nil), k...), start: start, end: end, st: st})
		}
		return true
	})
	if err != nil {
		return fatalError{err}
	}
	if rerr != nil {
		return fatalError{rerr}
	}
	cur := session{start: ts, end: ts, st: a.initial()}
	for _, s := range merged {
		if s.start < cur.start {
			cur.start = s.start
		}
		if s.end > cur.end {
			cur.end = s.end
		}
		for i, ag := range a.aggs {
			v, err := ag.Merge(cur.st.vals[i], s.st.vals[i])
			if err != nil {
				return err
			}
			cur.st.vals[i] = v
		}
		if s.st.ts > cur.st.ts {
			cur.st.ts = s.st.ts
		}
	}
	st, err := a.fold(cur.st, r)
	if err != nil {
		return err
	}
	for _, s := range merged {
		if err := a.store.Delete(s.sk); err != nil {
			return fatalError{err}
		}
		if !a.step.Final {
			tomb := &Record{Row: append(append([]any(nil), key...), s.start, s.end), Timestamp: s.st.ts, Tombstone: true,
				Window: &Window{Start: s.start, End: s.end, Session: true}}
			for len(tomb.Row) < len(a.step.Out.Columns) {
				tomb.Row = append(tomb.Row, nil)
			}
			if err := a.next.Process(ctx, tomb); err != nil {
				return fatalError{err}
			}
		} else {
			delete(a.open, string(s.sk))
		}
	}
	sk := state.SessionKey(kb, cur.end, cur.start)
	if err := a.save(sk, cur.start, st); err != nil {
		return err
	}
	win := &Window{Start: cur.start, End: cur.end, Session: true}
	if a.step.Final {
		a.open[string(sk)] = openWindow{key: append([]any(nil), key...), start: cur.start, end: cur.end, closesAt: cur.end + gap + w.Grace}
		a.nextClose = min(a.nextClose, cur.end+gap+w.Grace)
		return nil
	}
	return a.emit(ctx, key, win, st, r)
}

// emitClosed emits, once, the windows that stream time has closed (EMIT
// FINAL).
func (a *aggregate) emitClosed(ctx context.Context) error {
	if len(a.open) == 0 || a.streamTime < a.nextClose {
		return nil
	}
	var due []string
	a.nextClose = math.MaxInt64
	for sk, ow := range a.open {
		if ow.closesAt <= a.streamTime {
			due = append(due, sk)
		} else {
			a.nextClose = min(a.nextClose, ow.closesAt)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		x, y := a.open[due[i]], a.open[due[j]]
		if x.end != y.end {
			return x.end < y.end
		}
		return due[i] < due[j]
	})
	w := a.step.Window
	for _, sk := range due {
		ow := a.open[sk]
		delete(a.open, sk)
		if w.Kind != "SESSION" && w.Retention > 0 && ow.start < a.streamTime-w.Retention {
			// The window store has already expired this window (Kafka
			// Streams' retention, by default size plus grace): a jump in
			// stream time past it leaves nothing to emit.
			continue
		}
		st, ok, err := a.load([]byte(sk), ow.start)
		if err != nil || !ok {
			continue
		}
		win := &Window{Start: ow.start, End: ow.end, Session: a.step.Window.Kind == "SESSION"}
		if err := a.emit(ctx, ow.key, win, st, &Record{}); err != nil {
			return err
		}
	}
	return nil
}

// rowCodec encodes rows of some columns as deterministic bytes (wrapped
// JSON), for store keys and internal topics.
type rowCodec struct {
	ser serde.Serializer
	de  serde.Deserializer
}

func newRowCodec(cols []types.Column) (*rowCodec, error) {
	var props serde.Props
	if len(cols) == 1 {
		wrap := true
		props.WrapSingleValue = &wrap
	}
	plain := make([]types.Column, len(cols))
	for i, c := range cols {
		c.Namespace = types.NsValue
		plain[i] = c
	}
	ser, err := serde.JSON.Serializer(plain, props)
	if err != nil {
		return nil, err
	}
	de, err := serde.JSON.Deserializer(plain, props)
	if err != nil {
		return nil, err
	}
	return &rowCodec{ser: ser, de: de}, nil
}

func (c *rowCodec) encode(row []any) ([]byte, error) { return c.ser.Serialize("", row) }
func (c *rowCodec) decode(b []byte) ([]any, error)   { return c.de.Deserialize("", b) }
