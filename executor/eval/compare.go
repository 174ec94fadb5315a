package eval

import (
	"bytes"
	"cmp"
	"fmt"

	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// ordered specialises comparisons of Go-ordered runtime types.
func ordered[T cmp.Ordered](op expr.Op, l, r ev) ev {
	switch op {
	case expr.Eq:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := both(l, r, row, fr)
			if !ok {
				return nullCompare(err)
			}
			return a.(T) == b.(T), nil
		}
	case expr.Ne:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := both(l, r, row, fr)
			if !ok {
				return nullCompare(err)
			}
			return a.(T) != b.(T), nil
		}
	case expr.Lt:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := both(l, r, row, fr)
			if !ok {
				return nullCompare(err)
			}
			return a.(T) < b.(T), nil
		}
	case expr.Le:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := both(l, r, row, fr)
			if !ok {
				return nullCompare(err)
			}
			return a.(T) <= b.(T), nil
		}
	case expr.Gt:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := both(l, r, row, fr)
			if !ok {
				return nullCompare(err)
			}
			return a.(T) > b.(T), nil
		}
	}
	return func(row []any, fr *frame) (any, error) {
		a, b, ok, err := both(l, r, row, fr)
		if !ok {
			return nullCompare(err)
		}
		return a.(T) >= b.(T), nil
	}
}

// byCmp compares with a three-way comparison function.
func byCmp(op expr.Op, l, r ev, c func(a, b any) (int, error)) ev {
	test := opTest(op)
	return func(row []any, fr *frame) (any, error) {
		a, b, ok, err := both(l, r, row, fr)
		if !ok {
			return nullCompare(err)
		}
		n, err := c(a, b)
		if err != nil {
			return nil, err
		}
		return test(n), nil
	}
}

// nullCompare is the result of a comparison with a NULL operand: false,
// as in ksqlDB (its generated code tests for null first), unless the
// operand failed.
func nullCompare(err error) (any, error) {
	if err != nil && !isSoft(err) {
		return nil, err
	}
	return false, err
}

// opNames are ksqlDB's comparison operator names in type errors.
var opNames = map[expr.Op]string{
	expr.Eq: "EQUAL", expr.Ne: "NOT_EQUAL", expr.Lt: "LESS_THAN", expr.Le: "LESS_THAN_OR_EQUAL",
	expr.Gt: "GREATER_THAN", expr.Ge: "GREATER_THAN_OR_EQUAL",
}

func opTest(op expr.Op) func(int) bool {
	switch op {
	case expr.Eq:
		return func(n int) bool { return n == 0 }
	case expr.Ne:
		return func(n int) bool { return n != 0 }
	case expr.Lt:
		return func(n int) bool { return n < 0 }
	case expr.Le:
		return func(n int) bool { return n <= 0 }
	case expr.Gt:
		return func(n int) bool { return n > 0 }
	}
	return func(n int) bool { return n >= 0 }
}

func compileCompare(e *expr.Binary) (ev, error) {
	l, err := compile(e.Left)
	if err != nil {
		return nil, err
	}
	r, err := compile(e.Right)
	if err != nil {
		return nil, err
	}
	lt, rt := e.Left.Type(), e.Right.Type()
	// Align operand types when the planner left them different.
	if lt.Kind != rt.Kind && lt.Kind != types.KindNull && rt.Kind != types.KindNull {
		if t, ok := commonCompareType(lt, rt); ok {
			if l, err = coerce(l, lt, t); err != nil {
				return nil, err
			}
			if r, err = coerce(r, rt, t); err != nil {
				return nil, err
			}
			lt, rt = t, t
		}
	}
	if e.Op == expr.IsDistinct || e.Op == expr.IsNotDistinct {
		distinct := e.Op == expr.IsDistinct
		return func(row []any, fr *frame) (any, error) {
			a, err := l(row, fr)
			if err != nil {
				return nil, err
			}
			b, err := r(row, fr)
			if err != nil {
				return nil, err
			}
			return types.EqualValues(a, b) != distinct, nil
		}, nil
	}
	t := lt
	if t.Kind == types.KindNull {
		t = rt
	}
	switch t.Kind {
	case types.KindInt:
		return ordered[int32](e.Op, l, r), nil
	case types.KindBigint:
		return ordered[int64](e.Op, l, r), nil
	case types.KindDouble:
		return ordered[float64](e.Op, l, r), nil
	case types.KindString:
		return ordered[string](e.Op, l, r), nil
	case types.KindTimestamp:
		return ordered[types.Timestamp](e.Op, l, r), nil
	case types.KindDate:
		return ordered[types.Date](e.Op, l, r), nil
	case types.KindTime:
		return ordered[types.Time](e.Op, l, r), nil
	case types.KindDecimal:
		return byCmp(e.Op, l, r, func(a, b any) (int, error) { return a.(decimal.Decimal).Cmp(b.(decimal.Decimal)), nil }), nil
	case types.KindBytes:
		return byCmp(e.Op, l, r, func(a, b any) (int, error) { return bytes.Compare(a.([]byte), b.([]byte)), nil }), nil
	case types.KindBoolean:
		return byCmp(e.Op, l, r, types.CompareValues), nil
	case types.KindNull:
		return func([]any, *frame) (any, error) { return false, nil }, nil
	case types.KindArray, types.KindMap, types.KindStruct:
		if e.Op != expr.Eq && e.Op != expr.Ne {
			return nil, fmt.Errorf("Cannot compare %s (%s) to %s (%s) with %s.", e.Left, e.Left.Type(), e.Right, e.Right.Type(), opNames[e.Op])
		}
		ne := e.Op == expr.Ne
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := both(l, r, row, fr)
			if !ok {
				return nullCompare(err)
			}
			return types.EqualValues(a, b) != ne, nil
		}, nil
	}
	return nil, fmt.Errorf("operator %s not supported on %s", e.Op, t)
}

var numRank = map[types.Kind]int{types.KindInt: 1, types.KindBigint: 2, types.KindDecimal: 3, types.KindDouble: 4}

// commonCompareType picks the type two different operand types are
// compared in: the wider number, or the temporal type for a string.
func commonCompareType(a, b *types.Type) (*types.Type, bool) {
	ra, oka := numRank[a.Kind]
	rb, okb := numRank[b.Kind]
	if oka && okb {
		if ra < rb {
			a, b = b, a
		}
		if a.Kind == types.KindDecimal {
			switch b.Kind {
			case types.KindInt:
				b = types.DecimalOf(10, 0)
			case types.KindBigint:
				b = types.DecimalOf(19, 0)
			}
			s := max(a.Scale, b.Scale)
			return types.DecimalOf(min(max(a.Precision-a.Scale, b.Precision-b.Scale)+s, 38), s), true
		}
		return a, true
	}
	temporal := func(k types.Kind) bool {
		return k == types.KindTimestamp || k == types.KindDate || k == types.KindTime
	}
	switch {
	case a.Kind == types.KindString && temporal(b.Kind):
		return b, true
	case b.Kind == types.KindString && temporal(a.Kind):
		return a, true
	case a.Kind == types.KindTimestamp && b.Kind == types.KindDate, a.Kind == types.KindDate && b.Kind == types.KindTimestamp:
		return types.TimestampType, true
	}
	return nil, false
}

func compileIn(e *expr.In) (ev, error) {
	x, err := compile(e.X)
	if err != nil {
		return nil, err
	}
	xt := e.X.Type()
	list := make([]ev, len(e.List))
	for i, it := range e.List {
		f, err := compile(it)
		if err != nil {
			return nil, err
		}
		if it.Type().Kind != xt.Kind && it.Type().Kind != types.KindNull {
			if t, ok := commonCompareType(xt, it.Type()); ok && t.Kind == xt.Kind {
				if f, err = coerce(f, it.Type(), xt); err != nil {
					return nil, err
				}
			}
		}
		list[i] = f
	}
	not := e.Not
	return func(row []any, fr *frame) (any, error) {
		v, err := x(row, fr)
		if v == nil || err != nil {
			return nil, err
		}
		for _, f := range list {
			w, err := f(row, fr)
			if err != nil {
				return nil, err
			}
			if w != nil && types.EqualValues(v, w) {
				return !not, nil
			}
		}
		return not, nil
	}, nil
}
