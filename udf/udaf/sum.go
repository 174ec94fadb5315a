package udaf

import (
	"errors"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

func registerSum(r *Registry) {
	r.register("SUM", &spec{
		undo: true,
		ret: func(c *call) (*types.Type, error) {
			if !arity(c, 1, 0) || !sumKind(c.args[0]) {
				return nil, c.errParams()
			}
			return c.args[0], nil
		},
		build: func(c *call) (Aggregator, error) { return newSum("SUM", c.ret, false), nil },
	})
	r.register("SUM_LIST", &spec{
		undo: true,
		ret: func(c *call) (*types.Type, error) {
			if !arity(c, 1, 0) || c.args[0].Kind != types.KindArray || !sumKind(c.args[0].Elem) ||
				c.args[0].Elem.Kind == types.KindDecimal {
				return nil, c.errParams()
			}
			return c.args[0].Elem, nil
		},
		build: func(c *call) (Aggregator, error) { return newSum("SUM_LIST", c.ret, true), nil },
	})
}

func sumKind(t *types.Type) bool {
	switch t.Kind {
	case types.KindInt, types.KindBigint, types.KindDouble, types.KindDecimal:
		return true
	}
	return false
}

// ErrOverflow is ksqlDB's error for a DECIMAL sum exceeding its precision.
var ErrOverflow = errors.New("Numeric field overflow")

// sumAgg is SUM (INT->INT wrapping like Java int, BIGINT->BIGINT,
// DOUBLE->DOUBLE, DECIMAL(p,s)->DECIMAL(p,s) failing on overflow) and
// SUM_LIST (sums the non-NULL elements of an array argument). NULL inputs
// are ignored; the empty sum is 0. The accumulator is the running sum in
// the return type's runtime representation.
type sumAgg struct {
	name  string
	t     *types.Type
	list  bool
	limit decimal.Decimal // DECIMAL: 10^(p-s), the first overflowing magnitude
}

func newSum(name string, t *types.Type, list bool) *sumAgg {
	a := &sumAgg{name: name, t: t, list: list}
	if t.Kind == types.KindDecimal {
		a.limit = decimal.New(1, int32(t.Precision-t.Scale))
	}
	return a
}

func (a *sumAgg) Init() any {
	switch a.t.Kind {
	case types.KindInt:
		return int32(0)
	case types.KindBigint:
		return int64(0)
	case types.KindDouble:
		return float64(0)
	}
	return decimal.New(0, -int32(a.t.Scale))
}

// addNumber adds (or, neg, subtracts) v to acc when both hold a T; ok1
// and ok2 tell whether acc and v did.
func addNumber[T int32 | int64 | float64](acc, v any, neg bool) (r any, ok1, ok2 bool) {
	s, ok1 := acc.(T)
	x, ok2 := v.(T)
	if !ok1 || !ok2 {
		return nil, ok1, ok2
	}
	if neg {
		return s - x, true, true
	}
	return s + x, true, true
}

// step adds sign*v to acc.
func (a *sumAgg) step(acc, v any, neg bool) (any, error) {
	if v == nil {
		return acc, nil
	}
	ok1, ok2 := false, false
	var r any
	switch a.t.Kind {
	case types.KindInt:
		r, ok1, ok2 = addNumber[int32](acc, v, neg)
	case types.KindBigint:
		r, ok1, ok2 = addNumber[int64](acc, v, neg)
	case types.KindDouble:
		r, ok1, ok2 = addNumber[float64](acc, v, neg)
	case types.KindDecimal:
		var s, x decimal.Decimal
		s, ok1 = acc.(decimal.Decimal)
		x, ok2 = v.(decimal.Decimal)
		if ok1 && ok2 {
			var d decimal.Decimal
			if neg {
				d = s.Sub(x)
			} else {
				d = s.Add(x)
			}
			d = d.Round(int32(a.t.Scale))
			if d.Abs().Cmp(a.limit) >= 0 {
				return acc, ErrOverflow
			}
			return d, nil
		}
	}
	if ok1 && ok2 {
		return r, nil
	}
	if !ok1 {
		return acc, badAcc(a.name, acc)
	}
	return acc, badValue(a.name, a.t, v)
}

func (a *sumAgg) fold(acc any, args []any, neg bool) (any, error) {
	if len(args) == 0 || args[0] == nil {
		return acc, nil
	}
	if !a.list {
		return a.step(acc, args[0], neg)
	}
	l, ok := args[0].([]any)
	if !ok {
		return acc, badValue(a.name, types.ArrayOf(a.t), args[0])
	}
	for _, v := range l {
		var err error
		if acc, err = a.step(acc, v, neg); err != nil {
			return acc, err
		}
	}
	return acc, nil
}

func (a *sumAgg) Add(acc any, args []any) (any, error)  { return a.fold(acc, args, false) }
func (a *sumAgg) Undo(acc any, args []any) (any, error) { return a.fold(acc, args, true) }
func (a *sumAgg) Merge(x, y any) (any, error)           { return a.step(x, y, false) }

func (a *sumAgg) Result(acc any) (any, error) {
	if acc == nil {
		return nil, badAcc(a.name, acc)
	}
	return acc, nil
}

func (a *sumAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *sumAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	if acc == nil {
		return nil, badAcc(a.name, acc)
	}
	return appendBody(dst, a.t, acc)
}

func (a *sumAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	v := r.body(a.t)
	if err := r.done(); err != nil {
		return nil, err
	}
	return v, nil
}
