package eval

import (
	"fmt"
	"math"

	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// both evaluates two operands; ok is false when either is NULL or failed.
func both(l, r ev, row []any, fr *frame) (a, b any, ok bool, err error) {
	if a, err = l(row, fr); a == nil || err != nil {
		return nil, nil, false, err
	}
	if b, err = r(row, fr); b == nil || err != nil {
		return nil, nil, false, err
	}
	return a, b, true, nil
}

// operands evaluates an arithmetic operator's operands. Inside a lambda
// body (fr != nil) a NULL operand is an error: ksqlDB compiles lambdas to
// Java over boxed values, so x + 5 with x NULL throws and the function that
// called the lambda (TRANSFORM, REDUCE...) yields NULL.
func operands(l, r ev, row []any, fr *frame) (a, b any, ok bool, err error) {
	a, b, ok, err = both(l, r, row, fr)
	if !ok && err == nil && fr != nil {
		err = fmt.Errorf("null operand in lambda arithmetic")
	}
	return a, b, ok, err
}

type integer interface{ ~int32 | ~int64 }

// arithInt specialises integer arithmetic; overflow wraps as in Java and
// division or modulo by zero yields NULL.
func arithInt[T integer](op expr.Op, l, r ev) (ev, error) {
	switch op {
	case expr.Add:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok {
				return nil, err
			}
			return a.(T) + b.(T), nil
		}, nil
	case expr.Sub:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok {
				return nil, err
			}
			return a.(T) - b.(T), nil
		}, nil
	case expr.Mul:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok {
				return nil, err
			}
			return a.(T) * b.(T), nil
		}, nil
	case expr.Div:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok || b.(T) == 0 {
				return nil, err
			}
			return a.(T) / b.(T), nil
		}, nil
	case expr.Mod:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok || b.(T) == 0 {
				return nil, err
			}
			return a.(T) % b.(T), nil
		}, nil
	}
	return nil, fmt.Errorf("operator %s not supported on integers", op)
}

func arithDouble(op expr.Op, l, r ev) (ev, error) {
	var f func(a, b float64) float64
	switch op {
	case expr.Add:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok {
				return nil, err
			}
			return a.(float64) + b.(float64), nil
		}, nil
	case expr.Sub:
		f = func(a, b float64) float64 { return a - b }
	case expr.Mul:
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok {
				return nil, err
			}
			return a.(float64) * b.(float64), nil
		}, nil
	case expr.Div:
		f = func(a, b float64) float64 { return a / b }
	case expr.Mod:
		f = math.Mod
	default:
		return nil, fmt.Errorf("operator %s not supported on DOUBLE", op)
	}
	return func(row []any, fr *frame) (any, error) {
		a, b, ok, err := operands(l, r, row, fr)
		if !ok {
			return nil, err
		}
		return f(a.(float64), b.(float64)), nil
	}, nil
}

// arithDecimal computes exactly and rounds HALF_UP to the result scale;
// results wider than the result precision are errors.
func arithDecimal(op expr.Op, l, r ev, t *types.Type) (ev, error) {
	scale := int32(t.Scale)
	prec := t.Precision
	var f func(a, b decimal.Decimal) (decimal.Decimal, bool)
	switch op {
	case expr.Add:
		f = func(a, b decimal.Decimal) (decimal.Decimal, bool) { return a.Add(b), true }
	case expr.Sub:
		f = func(a, b decimal.Decimal) (decimal.Decimal, bool) { return a.Sub(b), true }
	case expr.Mul:
		f = func(a, b decimal.Decimal) (decimal.Decimal, bool) { return a.Mul(b), true }
	case expr.Div:
		f = func(a, b decimal.Decimal) (decimal.Decimal, bool) {
			if b.IsZero() {
				return decimal.Decimal{}, false
			}
			return a.DivRound(b, scale), true
		}
	case expr.Mod:
		f = func(a, b decimal.Decimal) (decimal.Decimal, bool) {
			if b.IsZero() {
				return decimal.Decimal{}, false
			}
			return a.Mod(b), true
		}
	default:
		return nil, fmt.Errorf("operator %s not supported on DECIMAL", op)
	}
	return func(row []any, fr *frame) (any, error) {
		a, b, ok, err := operands(l, r, row, fr)
		if !ok {
			return nil, err
		}
		d, ok := f(a.(decimal.Decimal), b.(decimal.Decimal))
		if !ok {
			return nil, nil
		}
		return fitDecimal(d, prec, scale)
	}, nil
}

// fitDecimal rounds HALF_UP to scale and checks the precision.
func fitDecimal(d decimal.Decimal, prec int, scale int32) (any, error) {
	d = d.Round(scale)
	if prec > 0 && digits(d)-int(scale) > prec-int(scale) {
		return nil, fmt.Errorf("Numeric field overflow: value %s does not fit DECIMAL(%d, %d)", d.String(), prec, scale)
	}
	return d, nil
}

// digits counts the digits of a decimal's coefficient at its exponent.
func digits(d decimal.Decimal) int {
	c := d.Coefficient()
	if c.Sign() < 0 {
		c.Neg(c)
	}
	n := len(c.String())
	if c.Sign() == 0 {
		n = 1
	}
	if e := int(d.Exponent()); e > 0 {
		n += e
	}
	return n
}

func compileBinary(e *expr.Binary) (ev, error) {
	switch e.Op {
	case expr.And, expr.Or:
		return compileLogic(e)
	case expr.Eq, expr.Ne, expr.Lt, expr.Le, expr.Gt, expr.Ge, expr.IsDistinct, expr.IsNotDistinct:
		return compileCompare(e)
	}
	l, err := compile(e.Left)
	if err != nil {
		return nil, err
	}
	r, err := compile(e.Right)
	if err != nil {
		return nil, err
	}
	if e.Op == expr.Concat {
		return compileConcat(l, r, e.T)
	}
	t := e.T
	if t == nil {
		t = e.Left.Type()
	}
	// Defensive: cast operands whose type differs from the result type.
	if l, err = coerce(l, e.Left.Type(), t); err != nil {
		return nil, err
	}
	if r, err = coerce(r, e.Right.Type(), t); err != nil {
		return nil, err
	}
	switch t.Kind {
	case types.KindInt:
		return arithInt[int32](e.Op, l, r)
	case types.KindBigint:
		return arithInt[int64](e.Op, l, r)
	case types.KindDouble:
		return arithDouble(e.Op, l, r)
	case types.KindDecimal:
		return arithDecimal(e.Op, l, r, t)
	}
	return nil, fmt.Errorf("operator %s not supported on %s", e.Op, t)
}

// coerce casts x from type from to type to when their kinds differ (DECIMAL
// operands keep their own precision: arithmetic rescales the result).
func coerce(x ev, from, to *types.Type) (ev, error) {
	if from == nil || to == nil || from.Kind == to.Kind || from.Kind == types.KindNull {
		return x, nil
	}
	return compileCast(x, from, to)
}

func compileConcat(l, r ev, t *types.Type) (ev, error) {
	if t != nil && t.Kind == types.KindBytes {
		return func(row []any, fr *frame) (any, error) {
			a, b, ok, err := operands(l, r, row, fr)
			if !ok {
				return nil, err
			}
			x, y := a.([]byte), b.([]byte)
			out := make([]byte, 0, len(x)+len(y))
			return append(append(out, x...), y...), nil
		}, nil
	}
	return func(row []any, fr *frame) (any, error) {
		a, b, ok, err := operands(l, r, row, fr)
		if !ok {
			return nil, err
		}
		return a.(string) + b.(string), nil
	}, nil
}

func compileNeg(e *expr.Neg) (ev, error) {
	x, err := compile(e.X)
	if err != nil {
		return nil, err
	}
	t := e.X.Type()
	switch t.Kind {
	case types.KindInt:
		return func(row []any, fr *frame) (any, error) {
			v, err := x(row, fr)
			if v == nil || err != nil {
				return nil, err
			}
			return -v.(int32), nil
		}, nil
	case types.KindBigint:
		return func(row []any, fr *frame) (any, error) {
			v, err := x(row, fr)
			if v == nil || err != nil {
				return nil, err
			}
			return -v.(int64), nil
		}, nil
	case types.KindDouble:
		return func(row []any, fr *frame) (any, error) {
			v, err := x(row, fr)
			if v == nil || err != nil {
				return nil, err
			}
			return -v.(float64), nil
		}, nil
	case types.KindDecimal:
		return func(row []any, fr *frame) (any, error) {
			v, err := x(row, fr)
			if v == nil || err != nil {
				return nil, err
			}
			return v.(decimal.Decimal).Neg(), nil
		}, nil
	case types.KindNull:
		return x, nil
	}
	return nil, fmt.Errorf("cannot negate %s", t)
}
