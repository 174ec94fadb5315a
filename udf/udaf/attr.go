package udaf

import (
	"github.com/eddysql/eddy/planner/types"
)

func registerAttr(r *Registry) {
	r.register("ATTR", &spec{
		structured: true,
		undo:       true,
		ret: func(c *call) (*types.Type, error) {
			if !arity(c, 1, 0) || c.args[0].Kind == types.KindNull {
				return nil, c.errParams()
			}
			return c.args[0], nil
		},
		build: func(c *call) (Aggregator, error) {
			return &attrAgg{t: c.args[0]}, nil
		},
	})
}

// attrAgg is ATTR: the value when every row of the group has the same one
// (NULL counts as a value), else NULL. The accumulator counts each
// distinct value ([]attrEntry, first-arrival order) so rows can be taken
// back out (table aggregations).
type attrAgg struct {
	t *types.Type
}

type attrEntry struct {
	v any
	n int64
}

func (a *attrAgg) Init() any { return []attrEntry{} }

func (a *attrAgg) entries(acc any) ([]attrEntry, error) {
	es, ok := acc.([]attrEntry)
	if !ok {
		return nil, badAcc("ATTR", acc)
	}
	return es, nil
}

func attrFind(es []attrEntry, v any) int {
	for i, e := range es {
		if (e.v == nil) == (v == nil) && (v == nil || types.EqualValues(e.v, v)) {
			return i
		}
	}
	return -1
}

func (a *attrAgg) Add(acc any, args []any) (any, error) {
	es, err := a.entries(acc)
	if err != nil {
		return acc, err
	}
	var v any
	if len(args) > 0 {
		v = args[0]
	}
	if v != nil && !valueOfKind(a.t, v) {
		return acc, badValue("ATTR", a.t, v)
	}
	if i := attrFind(es, v); i >= 0 {
		es[i].n++
		return es, nil
	}
	return append(es, attrEntry{v: v, n: 1}), nil
}

func (a *attrAgg) Undo(acc any, args []any) (any, error) {
	es, err := a.entries(acc)
	if err != nil {
		return acc, err
	}
	var v any
	if len(args) > 0 {
		v = args[0]
	}
	i := attrFind(es, v)
	if i < 0 {
		return es, nil
	}
	es[i].n--
	if es[i].n <= 0 {
		es = append(es[:i], es[i+1:]...)
	}
	return es, nil
}

func (a *attrAgg) Merge(x, y any) (any, error) {
	es, err := a.entries(x)
	if err != nil {
		return x, err
	}
	other, err := a.entries(y)
	if err != nil {
		return x, err
	}
	for _, e := range other {
		if i := attrFind(es, e.v); i >= 0 {
			es[i].n += e.n
		} else {
			es = append(es, e)
		}
	}
	return es, nil
}

func (a *attrAgg) Result(acc any) (any, error) {
	es, err := a.entries(acc)
	if err != nil {
		return nil, err
	}
	if len(es) != 1 {
		return nil, nil
	}
	// Results must not alias the accumulator: copy through the codec.
	b, err := appendValue(nil, a.t, es[0].v)
	if err != nil {
		return nil, err
	}
	r := reader{b: b}
	v := r.value(a.t)
	return v, r.done()
}

func (a *attrAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *attrAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	es, err := a.entries(acc)
	if err != nil {
		return nil, err
	}
	dst = appendUvarint(dst, uint64(len(es)))
	for _, e := range es {
		if dst, err = appendValue(dst, a.t, e.v); err != nil {
			return nil, err
		}
		dst = appendVarint(dst, e.n)
	}
	return dst, nil
}

func (a *attrAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	n := r.count()
	es := make([]attrEntry, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		v := r.value(a.t)
		es = append(es, attrEntry{v: v, n: r.varint()})
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return es, nil
}
