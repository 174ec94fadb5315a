package udf

import (
	"math"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// unary builds the INT, BIGINT, DOUBLE, DECIMAL overloads of a numeric
// function returning its argument type.
func numericSigs(fi func(int32) any, fl func(int64) any, fd func(float64) any, fdec func(decimal.Decimal, *types.Type) any) []*Signature {
	var out []*Signature
	if fi != nil {
		out = append(out, sig(pInt, func(a []any) (any, error) { return fi(a[0].(int32)), nil }, pInt))
	}
	if fl != nil {
		out = append(out, sig(pBig, func(a []any) (any, error) { return fl(a[0].(int64)), nil }, pBig))
	}
	if fd != nil {
		out = append(out, sig(pDbl, func(a []any) (any, error) { return fd(a[0].(float64)), nil }, pDbl))
	}
	if fdec != nil {
		out = append(out, &Signature{Params: []*Param{pDec}, ReturnFn: sameType,
			Bind: func(args []*types.Type, _ *types.Type) Impl {
				t := args[0]
				return func(a []any) (any, error) { return fdec(a[0].(decimal.Decimal), t), nil }
			}})
	}
	return out
}

func sameType(args []*types.Type) (*types.Type, error) { return args[0], nil }

// doubleFn registers a DOUBLE -> DOUBLE function (INT/BIGINT/DECIMAL widen).
func (r *Registry) doubleFn(name, desc string, f func(float64) float64, e Example) {
	r.scalar(name, desc, sigs(sig(pDbl, func(a []any) (any, error) { return f(a[0].(float64)), nil }, pDbl)), e)
}

// roundHalfUp rounds to places decimal places, halves toward positive
// infinity (Java's Math.round, as ksqlDB's ROUND).
func roundHalfUp(d decimal.Decimal, places int32) decimal.Decimal {
	shift := d.Shift(places)
	return shift.Add(decimal.New(5, -1)).Floor().Shift(-places)
}

func registerMath(r *Registry) {
	r.scalar("ABS", "Absolute value.", numericSigs(
		func(x int32) any {
			if x < 0 {
				return -x
			}
			return x
		},
		func(x int64) any {
			if x < 0 {
				return -x
			}
			return x
		},
		func(x float64) any { return math.Abs(x) },
		func(d decimal.Decimal, t *types.Type) any { return d.Abs() },
	), ex("ABS(-3)", "3", int32(-3)), ex("ABS(-2.5E0)", "2.5", -2.5))

	r.scalar("CEIL", "Smallest integral value not less than the argument.", numericSigs(
		func(x int32) any { return x }, func(x int64) any { return x },
		func(x float64) any { return math.Ceil(x) },
		func(d decimal.Decimal, t *types.Type) any { return d.Ceil().Round(int32(t.Scale)) },
	), ex("CEIL(1.2E0)", "2.0", 1.2))
	r.scalar("FLOOR", "Largest integral value not greater than the argument.", numericSigs(
		func(x int32) any { return x }, func(x int64) any { return x },
		func(x float64) any { return math.Floor(x) },
		func(d decimal.Decimal, t *types.Type) any { return d.Floor().Round(int32(t.Scale)) },
	), ex("FLOOR(-1.2E0)", "-2.0", -1.2))

	roundDecType := func(args []*types.Type) (*types.Type, error) {
		t := args[0]
		return types.DecimalOf(max(t.Precision-t.Scale, 1), 0), nil
	}
	r.scalar("ROUND", "Rounds half up (toward positive infinity on ties, like Java's Math.round), optionally to a number of decimal places (negative rounds left of the point). ROUND(DOUBLE) returns BIGINT.", sigs(
		sig(pInt, func(a []any) (any, error) { return a[0], nil }, pInt),
		sig(pBig, func(a []any) (any, error) { return a[0], nil }, pBig),
		sig(pBig, func(a []any) (any, error) {
			x := a[0].(float64)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, errf("cannot round %v", x)
			}
			return int64(math.Floor(x + 0.5)), nil
		}, pDbl),
		sig(pDbl, func(a []any) (any, error) {
			x := a[0].(float64)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return x, nil
			}
			f, _ := roundHalfUp(decimal.NewFromFloat(x), a[1].(int32)).Float64()
			return f, nil
		}, pDbl, pInt),
		&Signature{Params: []*Param{pDec}, ReturnFn: roundDecType, Fn: func(a []any) (any, error) {
			return roundHalfUp(a[0].(decimal.Decimal), 0), nil
		}},
		&Signature{Params: []*Param{pDec, pInt}, ReturnFn: sameType, Bind: func(args []*types.Type, _ *types.Type) Impl {
			scale := int32(args[0].Scale)
			return func(a []any) (any, error) {
				return roundHalfUp(a[0].(decimal.Decimal), a[1].(int32)).Round(scale), nil
			}
		}},
	), ex("ROUND(1.5E0)", "2", 1.5), ex("ROUND(-1.5E0)", "-1", -1.5),
		ex("ROUND(12345.678E0, -1)", "12350.0", 12345.678, int32(-1)),
		ext("ROUND(1.25, 1)", "1.30", ts(types.DecimalOf(3, 2), tInt), decimal.RequireFromString("1.25"), int32(1)))

	truncD := func(d decimal.Decimal, places int32) decimal.Decimal {
		if places >= 0 {
			return d.Truncate(places)
		}
		return d.Shift(places).Truncate(0).Shift(-places)
	}
	r.scalar("TRUNC", "Truncates toward zero, optionally to a number of decimal places. TRUNC(DOUBLE) returns BIGINT.", sigs(
		sig(pInt, func(a []any) (any, error) { return a[0], nil }, pInt),
		sig(pBig, func(a []any) (any, error) { return a[0], nil }, pBig),
		sig(pBig, func(a []any) (any, error) { return int64(math.Trunc(a[0].(float64))), nil }, pDbl),
		sig(pDbl, func(a []any) (any, error) {
			x := a[0].(float64)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return x, nil
			}
			p := a[1].(int32)
			d := decimal.NewFromFloat(x)
			if p >= 0 {
				d = d.Truncate(p)
			} else {
				d = d.Shift(p).Truncate(0).Shift(-p)
			}
			f, _ := d.Float64()
			return f, nil
		}, pDbl, pInt),
		&Signature{Params: []*Param{pDec}, ReturnFn: roundDecType, Fn: func(a []any) (any, error) {
			return a[0].(decimal.Decimal).Truncate(0), nil
		}},
		&Signature{Params: []*Param{pDec, pInt}, ReturnFn: sameType, Bind: func(args []*types.Type, _ *types.Type) Impl {
			scale := int32(args[0].Scale)
			return func(a []any) (any, error) {
				return truncD(a[0].(decimal.Decimal), a[1].(int32)).Round(scale), nil
			}
		}},
	), ex("TRUNC(-1.7E0)", "-1", -1.7), ex("TRUNC(12345.678E0, 2)", "12345.67", 12345.678, int32(2)))

	r.scalar("SIGN", "Sign of the argument: -1, 0 or 1.", sigs(
		sig(pInt, func(a []any) (any, error) { return sign(float64(a[0].(int32))), nil }, pInt),
		sig(pInt, func(a []any) (any, error) { return sign(float64(a[0].(int64))), nil }, pBig),
		sig(pInt, func(a []any) (any, error) { return sign(a[0].(float64)), nil }, pDbl),
		sig(pInt, func(a []any) (any, error) { return int32(a[0].(decimal.Decimal).Sign()), nil }, pDec),
	), ex("SIGN(-7)", "-1", int32(-7)))

	r.doubleFn("SQRT", "Square root.", math.Sqrt, ex("SQRT(16.0E0)", "4.0", 16.0))
	r.doubleFn("CBRT", "Cube root.", math.Cbrt, ex("CBRT(27.0E0)", "3.0", 27.0))
	r.doubleFn("EXP", "e raised to the argument.", math.Exp, ex("EXP(0.0E0)", "1.0", 0.0))
	r.doubleFn("LN", "Natural logarithm.", math.Log, ex("LN(1.0E0)", "0.0", 1.0))
	r.scalar("LOG", "Natural logarithm, or LOG(base, value) the logarithm in base.", sigs(
		sig(pDbl, func(a []any) (any, error) { return math.Log(a[0].(float64)), nil }, pDbl),
		sig(pDbl, func(a []any) (any, error) {
			b, v := a[0].(float64), a[1].(float64)
			if b <= 0 || b == 1 {
				return math.NaN(), nil
			}
			return math.Log(v) / math.Log(b), nil
		}, pDbl, pDbl),
	), ex("LOG(100.0E0, 10.0E0)", "0.5", 100.0, 10.0), ex("LOG(1.0E0)", "0.0", 1.0))
	r.scalar("POWER", "base raised to exponent.", sigs(
		sig(pDbl, func(a []any) (any, error) { return math.Pow(a[0].(float64), a[1].(float64)), nil }, pDbl, pDbl),
	), ex("POWER(2.0E0, 10.0E0)", "1024.0", 2.0, 10.0))
	r.scalar("PI", "The constant pi.", sigs(sig(pDbl, func([]any) (any, error) { return math.Pi, nil })),
		ex("PI()", "3.141592653589793"))
	r.scalar("RANDOM", "A pseudo-random DOUBLE in [0, 1).", sigs(sig(pDbl, func([]any) (any, error) { return r.random(), nil })),
		Example{SQL: "RANDOM()", Result: "0.5", Volatile: true})
	r.doubleFn("DEGREES", "Converts radians to degrees.", func(x float64) float64 { return x * 180 / math.Pi }, ex("DEGREES(PI())", "180.0", math.Pi))
	r.doubleFn("RADIANS", "Converts degrees to radians.", func(x float64) float64 { return x / 180 * math.Pi }, ex("RADIANS(180.0E0)", "3.141592653589793", 180.0))
	r.doubleFn("SIN", "Sine.", math.Sin, ex("SIN(0.0E0)", "0.0", 0.0))
	r.doubleFn("COS", "Cosine.", math.Cos, ex("COS(0.0E0)", "1.0", 0.0))
	r.doubleFn("TAN", "Tangent.", math.Tan, ex("TAN(0.0E0)", "0.0", 0.0))
	r.doubleFn("COT", "Cotangent.", func(x float64) float64 { return 1 / math.Tan(x) }, ex("COT(PI() / 4)", "1.0", math.Pi/4))
	r.doubleFn("ASIN", "Arc sine.", math.Asin, ex("ASIN(0.0E0)", "0.0", 0.0))
	r.doubleFn("ACOS", "Arc cosine.", math.Acos, ex("ACOS(1.0E0)", "0.0", 1.0))
	r.doubleFn("ATAN", "Arc tangent.", math.Atan, ex("ATAN(0.0E0)", "0.0", 0.0))
	r.doubleFn("SINH", "Hyperbolic sine.", math.Sinh, ex("SINH(0.0E0)", "0.0", 0.0))
	r.doubleFn("COSH", "Hyperbolic cosine.", math.Cosh, ex("COSH(0.0E0)", "1.0", 0.0))
	r.doubleFn("TANH", "Hyperbolic tangent.", math.Tanh, ex("TANH(0.0E0)", "0.0", 0.0))
	r.scalar("ATAN2", "Arc tangent of y/x using the signs of both.", sigs(
		sig(pDbl, func(a []any) (any, error) { return math.Atan2(a[0].(float64), a[1].(float64)), nil }, pDbl, pDbl),
	), ex("ATAN2(1.0E0, 1.0E0)", "0.7853981633974483", 1.0, 1.0))
}

func sign(x float64) any {
	switch {
	case x > 0:
		return int32(1)
	case x < 0:
		return int32(-1)
	}
	return int32(0)
}

// random is a splitmix64 generator per registry.
func (r *Registry) random() float64 {
	r.rngMu.Lock()
	r.rngState += 0x9E3779B97F4A7C15
	z := r.rngState
	r.rngMu.Unlock()
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}
