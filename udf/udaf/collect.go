package udaf

import (
	"github.com/eddysql/eddy/planner/types"
)

func registerCollect(r *Registry) {
	for _, name := range []string{"COLLECT_LIST", "COLLECT_SET"} {
		set := name == "COLLECT_SET"
		r.register(name, &spec{
			structured: true,
			undo:       !set,
			ret: func(c *call) (*types.Type, error) {
				if !arity(c, 1, 0) || c.args[0].Kind == types.KindNull {
					return nil, c.errParams()
				}
				return types.ArrayOf(c.args[0]), nil
			},
			build: func(c *call) (Aggregator, error) {
				lim := limitOf(c.cfg.CollectListLimit)
				if set {
					lim = limitOf(c.cfg.CollectSetLimit)
				}
				return &collectAgg{name: c.name, set: set, limit: lim, elemT: c.args[0], arrT: c.ret}, nil
			},
		})
	}
}

// collectAgg is COLLECT_LIST (every value in arrival order, NULLs
// included) and COLLECT_SET (distinct values in first-arrival order). Both
// stop growing at their configured limit (ksql.functions.collect_list.limit
// / collect_set.limit, default 1000). The accumulator is []any. Undo (list
// only, as in ksqlDB) removes the last occurrence of the value.
type collectAgg struct {
	name  string
	set   bool
	limit int
	elemT *types.Type
	arrT  *types.Type
}

func (a *collectAgg) Init() any { return []any{} }

func indexOf(l []any, v any) int {
	for i, e := range l {
		if types.EqualValues(e, v) {
			return i
		}
	}
	return -1
}

func (a *collectAgg) Add(acc any, args []any) (any, error) {
	l, ok := acc.([]any)
	if !ok {
		return acc, badAcc(a.name, acc)
	}
	var v any
	if len(args) > 0 {
		v = args[0]
	}
	if v != nil && !valueOfKind(a.elemT, v) {
		return acc, badValue(a.name, a.elemT, v)
	}
	if len(l) >= a.limit || (a.set && indexOf(l, v) >= 0) {
		return l, nil
	}
	return append(l, v), nil
}

func (a *collectAgg) Undo(acc any, args []any) (any, error) {
	if a.set {
		return acc, ErrNoUndo
	}
	l, ok := acc.([]any)
	if !ok {
		return acc, badAcc(a.name, acc)
	}
	var v any
	if len(args) > 0 {
		v = args[0]
	}
	for i := len(l) - 1; i >= 0; i-- {
		if types.EqualValues(l[i], v) {
			return append(l[:i], l[i+1:]...), nil
		}
	}
	return l, nil
}

func (a *collectAgg) Merge(x, y any) (any, error) {
	l1, ok1 := x.([]any)
	l2, ok2 := y.([]any)
	if !ok1 || !ok2 {
		return x, badAcc(a.name, x)
	}
	for _, v := range l2 {
		if len(l1) >= a.limit {
			break
		}
		if !a.set || indexOf(l1, v) < 0 {
			l1 = append(l1, v)
		}
	}
	return l1, nil
}

func (a *collectAgg) Result(acc any) (any, error) {
	l, ok := acc.([]any)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	return append([]any{}, l...), nil
}

func (a *collectAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *collectAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	l, ok := acc.([]any)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	return appendBody(dst, a.arrT, l)
}

func (a *collectAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	v := r.body(a.arrT)
	if err := r.done(); err != nil {
		return nil, err
	}
	return v, nil
}
