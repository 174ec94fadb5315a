package udaf

import (
	"fmt"

	"github.com/eddysql/eddy/planner/types"
)

func registerTopK(r *Registry) {
	topkCols := func(n int) int { return max(n-1, 0) }
	r.register("TOPK", &spec{structured: true, cols: topkCols, ret: topkRet(false), build: topkBuild(false)})
	r.register("TOPKDISTINCT", &spec{structured: true, cols: topkCols, ret: topkRet(true), build: topkBuild(true)})
}

func topkRet(distinct bool) func(c *call) (*types.Type, error) {
	return func(c *call) (*types.Type, error) {
		if len(c.args) < 1 || len(c.lits) != 1 || !isComparable(c.args[0]) || (distinct && len(c.args) != 1) {
			return nil, c.errParams()
		}
		k, ok := litInt(c.lits[0])
		if !ok {
			return nil, c.errParams()
		}
		if k < 1 {
			return nil, fmt.Errorf("%s: k must be positive, got %d", c.name, k)
		}
		if len(c.args) == 1 {
			return types.ArrayOf(c.args[0]), nil
		}
		fields := []types.Field{{Name: "sort_col", Type: c.args[0]}}
		for i, t := range c.args[1:] {
			fields = append(fields, types.Field{Name: fmt.Sprintf("col%d", i), Type: t})
		}
		return types.ArrayOf(types.StructOf(fields...)), nil
	}
}

func topkBuild(distinct bool) func(c *call) (Aggregator, error) {
	return func(c *call) (Aggregator, error) {
		k, _ := litInt(c.lits[0])
		return &topkAgg{name: c.name, k: k, distinct: distinct, sortT: c.args[0], elemT: c.ret.Elem,
			arrT: c.ret, structs: len(c.args) > 1}, nil
	}
}

// topkAgg is TOPK(col, k), TOPK(col, other..., k) and TOPKDISTINCT(col, k).
// The accumulator ([]any) holds the k greatest elements, descending; an
// element equal to existing ones goes after them (ksqlDB's stable sort).
// With extra columns elements are STRUCT<sort_col, col0, ...> ordered by
// sort_col. NULL sort values are ignored. No undo (ksqlDB has none).
type topkAgg struct {
	noUndo
	name     string
	k        int
	distinct bool
	structs  bool
	sortT    *types.Type
	elemT    *types.Type
	arrT     *types.Type
}

func (a *topkAgg) key(e any) any {
	if a.structs {
		return e.(types.StructValue)[0]
	}
	return e
}

func (a *topkAgg) Init() any { return []any{} }

func (a *topkAgg) Add(acc any, args []any) (any, error) {
	l, ok := acc.([]any)
	if !ok {
		return acc, badAcc(a.name, acc)
	}
	if len(args) == 0 || args[0] == nil {
		return acc, nil
	}
	v := args[0]
	if !valueOfKind(a.sortT, v) {
		return acc, badValue(a.name, a.sortT, v)
	}
	i := 0
	for ; i < len(l); i++ {
		c, err := types.CompareValues(a.key(l[i]), v)
		if err != nil {
			return acc, err
		}
		if c == 0 && a.distinct {
			return acc, nil
		}
		if c < 0 {
			break
		}
	}
	if i >= a.k {
		return acc, nil
	}
	e := any(v)
	if a.structs {
		sv := make(types.StructValue, len(a.elemT.Fields))
		copy(sv, args)
		e = sv
	}
	if len(l) < a.k {
		l = append(l, nil)
	}
	copy(l[i+1:], l[i:])
	l[i] = e
	return l, nil
}

func (a *topkAgg) Merge(x, y any) (any, error) {
	l1, ok1 := x.([]any)
	l2, ok2 := y.([]any)
	if !ok1 || !ok2 {
		return x, badAcc(a.name, x)
	}
	out := make([]any, 0, min(a.k, len(l1)+len(l2)))
	i, j := 0, 0
	for len(out) < a.k && (i < len(l1) || j < len(l2)) {
		var e any
		if j >= len(l2) {
			e, i = l1[i], i+1
		} else if i >= len(l1) {
			e, j = l2[j], j+1
		} else {
			c, err := types.CompareValues(a.key(l1[i]), a.key(l2[j]))
			if err != nil {
				return x, err
			}
			if c >= 0 {
				e, i = l1[i], i+1
			} else {
				e, j = l2[j], j+1
			}
		}
		if a.distinct && len(out) > 0 && types.EqualValues(out[len(out)-1], e) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func (a *topkAgg) Result(acc any) (any, error) {
	l, ok := acc.([]any)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	return append([]any{}, l...), nil
}

func (a *topkAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *topkAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	l, ok := acc.([]any)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	return appendBody(dst, a.arrT, l)
}

func (a *topkAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	v := r.body(a.arrT)
	if err := r.done(); err != nil {
		return nil, err
	}
	return v, nil
}
