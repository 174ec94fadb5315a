package udaf

import (
	"github.com/eddysql/eddy/planner/types"
)

func registerCount(r *Registry) {
	r.register("COUNT", &spec{
		undo: true,
		ret: func(c *call) (*types.Type, error) {
			if len(c.args)+len(c.lits) > 1 {
				return nil, c.errParams()
			}
			return types.BigintType, nil
		},
		build: func(c *call) (Aggregator, error) {
			a := &countAgg{star: len(c.args) == 0}
			if len(c.lits) == 1 && c.lits[0] == nil {
				a.never = true // COUNT(NULL)
			}
			return a, nil
		},
	})
}

// countAgg is COUNT(*) (no argument: every row) or COUNT(col) (non-NULL
// values). The accumulator is an int64.
type countAgg struct {
	star  bool
	never bool
}

func (a *countAgg) counts(args []any) bool {
	if a.never {
		return false
	}
	return a.star || len(args) == 0 || args[0] != nil
}

func (a *countAgg) Init() any { return int64(0) }

func (a *countAgg) Add(acc any, args []any) (any, error) {
	n, ok := acc.(int64)
	if !ok {
		return acc, badAcc("COUNT", acc)
	}
	if a.counts(args) {
		n++
	}
	return n, nil
}

func (a *countAgg) Undo(acc any, args []any) (any, error) {
	n, ok := acc.(int64)
	if !ok {
		return acc, badAcc("COUNT", acc)
	}
	if a.counts(args) {
		n--
	}
	return n, nil
}

func (a *countAgg) Merge(x, y any) (any, error) {
	n, ok1 := x.(int64)
	m, ok2 := y.(int64)
	if !ok1 || !ok2 {
		return x, badAcc("COUNT", x)
	}
	return n + m, nil
}

func (a *countAgg) Result(acc any) (any, error) {
	if _, ok := acc.(int64); !ok {
		return nil, badAcc("COUNT", acc)
	}
	return acc, nil
}

func (a *countAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *countAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	n, ok := acc.(int64)
	if !ok {
		return nil, badAcc("COUNT", acc)
	}
	return appendVarint(dst, n), nil
}

func (a *countAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	n := r.varint()
	if err := r.done(); err != nil {
		return nil, err
	}
	return n, nil
}
