package udaf

import (
	"fmt"
	"sort"
	"sync/atomic"
	"time"

	"github.com/eddysql/eddy/planner/types"
)

func registerOffset(r *Registry) {
	for _, name := range []string{"EARLIEST_BY_OFFSET", "LATEST_BY_OFFSET"} {
		latest := name == "LATEST_BY_OFFSET"
		r.register(name, &spec{
			structured: true,
			cols:       func(n int) int { return min(n, 1) },
			ret: func(c *call) (*types.Type, error) {
				o, err := parseOffsetOpts(c)
				if err != nil {
					return nil, err
				}
				if o.n > 0 {
					return types.ArrayOf(c.args[0]), nil
				}
				return c.args[0], nil
			},
			build: func(c *call) (Aggregator, error) {
				o, _ := parseOffsetOpts(c)
				o.name, o.latest, o.t, o.seq = c.name, latest, c.args[0], r.seq
				if o.n > 0 {
					return &offsetNAgg{o}, nil
				}
				return &offsetAgg{o}, nil
			},
		})
	}
}

// offsetOpts are a call's settings: n (0: single value, not an array) and
// ignoreNulls (default true).
type offsetOpts struct {
	seq         *sequence
	name        string
	latest      bool
	t           *types.Type
	n           int
	ignoreNulls bool
}

func parseOffsetOpts(c *call) (offsetOpts, error) {
	o := offsetOpts{ignoreNulls: true}
	if len(c.args) != 1 || c.args[0].Kind == types.KindNull || len(c.lits) > 2 {
		return o, c.errParams()
	}
	lits := c.lits
	if len(lits) > 0 {
		if n, ok := litInt(lits[0]); ok {
			if n < 1 {
				return o, fmt.Errorf("%s: the number of values must be positive, got %d", c.name, n)
			}
			o.n = n
			lits = lits[1:]
		}
	}
	if len(lits) > 0 {
		b, ok := lits[0].(bool)
		if !ok || len(lits) > 1 {
			return o, c.errParams()
		}
		o.ignoreNulls = b
	}
	return o, nil
}

// sequence orders values by arrival across all the accumulators of a
// registry, so that session merges compare correctly (ksqlDB uses a global
// counter the same way). It starts at the wall clock in nanoseconds so
// values of a new process sort after restored state, and Decode raises it
// past every sequence number it sees.
type sequence struct{ n atomic.Int64 }

func newSequence() *sequence {
	s := &sequence{}
	s.n.Store(time.Now().UnixNano())
	return s
}

func (q *sequence) next() int64 { return q.n.Add(1) }

func (q *sequence) observe(s int64) {
	for {
		cur := q.n.Load()
		if s <= cur || q.n.CompareAndSwap(cur, s) {
			return
		}
	}
}

// offEntry is one retained value with its arrival sequence number.
type offEntry struct {
	seq int64
	val any
}

// offsetAgg is EARLIEST_BY_OFFSET(col [, ignoreNulls]) and
// LATEST_BY_OFFSET(col [, ignoreNulls]); the accumulator is an offAcc.
// No undo (ksqlDB rejects LATEST_BY_OFFSET over tables).
type offsetAgg struct{ offsetOpts }

type offAcc struct {
	has bool
	offEntry
}

func (a *offsetAgg) Init() any { return offAcc{} }

func (a *offsetAgg) Undo(acc any, args []any) (any, error) { return acc, ErrNoUndo }

func arg0(o *offsetOpts, args []any) (any, bool, error) {
	var v any
	if len(args) > 0 {
		v = args[0]
	}
	if v == nil {
		return nil, !o.ignoreNulls, nil
	}
	if !valueOfKind(o.t, v) {
		return nil, false, badValue(o.name, o.t, v)
	}
	return v, true, nil
}

func (a *offsetAgg) Add(acc any, args []any) (any, error) {
	s, ok := acc.(offAcc)
	if !ok {
		return acc, badAcc(a.name, acc)
	}
	v, keep, err := arg0(&a.offsetOpts, args)
	if err != nil || !keep || (s.has && !a.latest) {
		return acc, err
	}
	return offAcc{true, offEntry{a.seq.next(), v}}, nil
}

func (a *offsetAgg) Merge(x, y any) (any, error) {
	s, ok1 := x.(offAcc)
	t, ok2 := y.(offAcc)
	if !ok1 || !ok2 {
		return x, badAcc(a.name, x)
	}
	switch {
	case !s.has:
		return t, nil
	case !t.has:
		return s, nil
	case (t.seq < s.seq) != a.latest:
		return t, nil
	}
	return s, nil
}

func (a *offsetAgg) Result(acc any) (any, error) {
	s, ok := acc.(offAcc)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	return s.val, nil
}

func (a *offsetAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *offsetAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	s, ok := acc.(offAcc)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	if !s.has {
		return append(dst, 0), nil
	}
	dst = appendVarint(append(dst, 1), s.seq)
	return appendValue(dst, a.t, s.val)
}

func (a *offsetAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	var s offAcc
	if r.byte1() == 1 {
		s.has = true
		s.seq = r.varint()
		s.val = r.value(a.t)
		a.seq.observe(s.seq)
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return s, nil
}

// offsetNAgg is EARLIEST_BY_OFFSET(col, n [, ignoreNulls]) and
// LATEST_BY_OFFSET(col, n [, ignoreNulls]): arrays of up to n values in
// arrival order. The accumulator is []offEntry.
type offsetNAgg struct{ offsetOpts }

func (a *offsetNAgg) Init() any { return []offEntry{} }

func (a *offsetNAgg) Undo(acc any, args []any) (any, error) { return acc, ErrNoUndo }

func (a *offsetNAgg) Add(acc any, args []any) (any, error) {
	l, ok := acc.([]offEntry)
	if !ok {
		return acc, badAcc(a.name, acc)
	}
	v, keep, err := arg0(&a.offsetOpts, args)
	if err != nil || !keep || (!a.latest && len(l) >= a.n) {
		return acc, err
	}
	l = append(l, offEntry{a.seq.next(), v})
	if len(l) > a.n {
		l = append(l[:0], l[len(l)-a.n:]...)
	}
	return l, nil
}

func (a *offsetNAgg) Merge(x, y any) (any, error) {
	l1, ok1 := x.([]offEntry)
	l2, ok2 := y.([]offEntry)
	if !ok1 || !ok2 {
		return x, badAcc(a.name, x)
	}
	out := make([]offEntry, 0, len(l1)+len(l2))
	out = append(append(out, l1...), l2...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	if len(out) > a.n {
		if a.latest {
			out = out[len(out)-a.n:]
		} else {
			out = out[:a.n]
		}
	}
	return out, nil
}

func (a *offsetNAgg) Result(acc any) (any, error) {
	l, ok := acc.([]offEntry)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = e.val
	}
	return out, nil
}

func (a *offsetNAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *offsetNAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	l, ok := acc.([]offEntry)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	dst = appendUvarint(dst, uint64(len(l)))
	for _, e := range l {
		dst = appendVarint(dst, e.seq)
		var err error
		if dst, err = appendValue(dst, a.t, e.val); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func (a *offsetNAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	n := r.count()
	l := make([]offEntry, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		e := offEntry{seq: r.varint()}
		e.val = r.value(a.t)
		a.seq.observe(e.seq)
		l = append(l, e)
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return l, nil
}
