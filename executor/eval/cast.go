package eval

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// conv converts one non-NULL value.
type conv func(v any) (any, error)

// compileCast wraps x with the conversion from one type to another.
func compileCast(x ev, from, to *types.Type) (ev, error) {
	c, err := converter(from, to)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return x, nil
	}
	return func(row []any, fr *frame) (any, error) {
		v, err := x(row, fr)
		if v == nil || err != nil {
			return nil, err
		}
		return c(v)
	}, nil
}

func castErr(v any, to *types.Type, err error) error {
	if err != nil {
		return fmt.Errorf("Cannot cast %v to %s: %v", types.FormatValue(v), to.SQLName(), err)
	}
	return fmt.Errorf("Cannot cast %v to %s", types.FormatValue(v), to.SQLName())
}

// converter returns the conversion between two types (nil: identity).
func converter(from, to *types.Type) (conv, error) {
	if from == nil || to == nil || from.Kind == types.KindNull {
		return nil, nil
	}
	if from.Equal(to) {
		return nil, nil
	}
	switch to.Kind {
	case types.KindString:
		return toStringConv(from)
	case types.KindInt, types.KindBigint, types.KindDouble, types.KindDecimal:
		return toNumberConv(from, to)
	case types.KindBoolean:
		if from.Kind == types.KindString {
			return func(v any) (any, error) {
				switch strings.ToLower(strings.TrimSpace(v.(string))) {
				case "true":
					return true, nil
				case "false":
					return false, nil
				}
				return nil, castErr(v, to, nil)
			}, nil
		}
	case types.KindTimestamp, types.KindDate, types.KindTime:
		return toTemporalConv(from, to)
	case types.KindBytes:
		if from.Kind == types.KindString {
			return func(v any) (any, error) { return []byte(v.(string)), nil }, nil
		}
	case types.KindArray:
		if from.Kind == types.KindArray {
			ec, err := converter(from.Elem, to.Elem)
			if err != nil || ec == nil {
				return nil, err
			}
			return func(v any) (any, error) {
				in := v.([]any)
				out := make([]any, len(in))
				for i, e := range in {
					if e == nil {
						continue
					}
					c, err := ec(e)
					if err != nil {
						return nil, err
					}
					out[i] = c
				}
				return out, nil
			}, nil
		}
	case types.KindMap:
		if from.Kind == types.KindMap {
			vc, err := converter(from.Value, to.Value)
			if err != nil || vc == nil {
				return nil, err
			}
			return func(v any) (any, error) {
				in := v.(map[string]any)
				out := make(map[string]any, len(in))
				for k, e := range in {
					if e != nil {
						c, err := vc(e)
						if err != nil {
							return nil, err
						}
						e = c
					}
					out[k] = e
				}
				return out, nil
			}, nil
		}
	case types.KindStruct:
		if from.Kind == types.KindStruct {
			return structConv(from, to)
		}
	}
	return nil, fmt.Errorf("Cast of %s to %s is not supported", from.SQLName(), to.SQLName())
}

// structConv maps fields by name; target fields missing in the source are NULL.
func structConv(from, to *types.Type) (conv, error) {
	idx := make([]int, len(to.Fields))
	convs := make([]conv, len(to.Fields))
	for i, f := range to.Fields {
		idx[i] = from.FieldIndex(f.Name)
		if idx[i] < 0 {
			for j, g := range from.Fields {
				if strings.EqualFold(g.Name, f.Name) {
					idx[i] = j
				}
			}
		}
		if idx[i] >= 0 {
			c, err := converter(from.Fields[idx[i]].Type, f.Type)
			if err != nil {
				return nil, err
			}
			convs[i] = c
		}
	}
	return func(v any) (any, error) {
		in := v.(types.StructValue)
		out := make(types.StructValue, len(idx))
		for i, j := range idx {
			if j < 0 || j >= len(in) || in[j] == nil {
				continue
			}
			out[i] = in[j]
			if convs[i] != nil {
				c, err := convs[i](in[j])
				if err != nil {
					return nil, err
				}
				out[i] = c
			}
		}
		return out, nil
	}, nil
}

func toStringConv(from *types.Type) (conv, error) {
	switch from.Kind {
	case types.KindBoolean:
		return func(v any) (any, error) { return strconv.FormatBool(v.(bool)), nil }, nil
	case types.KindInt:
		return func(v any) (any, error) { return strconv.FormatInt(int64(v.(int32)), 10), nil }, nil
	case types.KindBigint:
		return func(v any) (any, error) { return strconv.FormatInt(v.(int64), 10), nil }, nil
	case types.KindDouble:
		return func(v any) (any, error) { return types.FormatDouble(v.(float64)), nil }, nil
	case types.KindDecimal:
		scale := from.Scale
		return func(v any) (any, error) { return types.FormatDecimal(v.(decimal.Decimal), scale), nil }, nil
	case types.KindBytes:
		return func(v any) (any, error) { return base64.StdEncoding.EncodeToString(v.([]byte)), nil }, nil
	case types.KindDate, types.KindTime, types.KindTimestamp:
		return func(v any) (any, error) { return fmt.Sprint(v), nil }, nil
	case types.KindArray, types.KindMap:
		return func(v any) (any, error) { return types.FormatValue(v), nil }, nil
	case types.KindStruct:
		fields := from.Fields
		return func(v any) (any, error) {
			var b strings.Builder
			b.WriteString("Struct{")
			first := true
			for i, e := range v.(types.StructValue) {
				if e == nil || i >= len(fields) {
					continue
				}
				if !first {
					b.WriteByte(',')
				}
				first = false
				b.WriteString(fields[i].Name + "=" + types.FormatValue(e))
			}
			b.WriteString("}")
			return b.String(), nil
		}, nil
	case types.KindString:
		return nil, nil
	}
	return nil, fmt.Errorf("Cast of %s to STRING is not supported", from.SQLName())
}

// double -> integer conversions saturate and truncate like Java's casts.
func doubleToInt64(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

func doubleToInt32(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

func toNumberConv(from, to *types.Type) (conv, error) {
	// Every numeric source goes through one of these canonical forms.
	var toInt32 func(any) (any, error)
	var toInt64 func(any) (any, error)
	var toDouble func(any) (any, error)
	var toDec func(any) (decimal.Decimal, error)
	switch from.Kind {
	case types.KindInt:
		toInt64 = func(v any) (any, error) { return int64(v.(int32)), nil }
		toDouble = func(v any) (any, error) { return float64(v.(int32)), nil }
		toDec = func(v any) (decimal.Decimal, error) { return decimal.NewFromInt(int64(v.(int32))), nil }
	case types.KindBigint:
		toInt32 = func(v any) (any, error) { return int32(v.(int64)), nil }
		toDouble = func(v any) (any, error) { return float64(v.(int64)), nil }
		toDec = func(v any) (decimal.Decimal, error) { return decimal.NewFromInt(v.(int64)), nil }
	case types.KindDouble:
		toInt32 = func(v any) (any, error) { return doubleToInt32(v.(float64)), nil }
		toInt64 = func(v any) (any, error) { return doubleToInt64(v.(float64)), nil }
		toDec = func(v any) (decimal.Decimal, error) {
			f := v.(float64)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return decimal.Decimal{}, fmt.Errorf("not a finite number")
			}
			return decimal.NewFromFloat(f), nil
		}
	case types.KindDecimal:
		toInt32 = func(v any) (any, error) { return int32(v.(decimal.Decimal).IntPart()), nil }
		toInt64 = func(v any) (any, error) { return v.(decimal.Decimal).IntPart(), nil }
		toDouble = func(v any) (any, error) { return v.(decimal.Decimal).InexactFloat64(), nil }
		toDec = func(v any) (decimal.Decimal, error) { return v.(decimal.Decimal), nil }
	case types.KindString:
		toInt32 = func(v any) (any, error) {
			n, err := strconv.ParseInt(strings.TrimSpace(v.(string)), 10, 32)
			if err != nil {
				return nil, castErr(v, to, nil)
			}
			return int32(n), nil
		}
		toInt64 = func(v any) (any, error) {
			n, err := strconv.ParseInt(strings.TrimSpace(v.(string)), 10, 64)
			if err != nil {
				return nil, castErr(v, to, nil)
			}
			return n, nil
		}
		toDouble = func(v any) (any, error) {
			f, err := parseJavaDouble(strings.TrimSpace(v.(string)))
			if err != nil {
				return nil, castErr(v, to, nil)
			}
			return f, nil
		}
		toDec = func(v any) (decimal.Decimal, error) {
			d, err := decimal.NewFromString(strings.TrimSpace(v.(string)))
			if err != nil {
				return decimal.Decimal{}, castErr(v, to, nil)
			}
			return d, nil
		}
	default:
		return nil, fmt.Errorf("Cast of %s to %s is not supported", from.SQLName(), to.SQLName())
	}
	switch to.Kind {
	case types.KindInt:
		return toInt32, nil
	case types.KindBigint:
		return toInt64, nil
	case types.KindDouble:
		return toDouble, nil
	}
	prec, scale := to.Precision, int32(to.Scale)
	return func(v any) (any, error) {
		d, err := toDec(v)
		if err != nil {
			return nil, err
		}
		return fitDecimal(d, prec, scale)
	}, nil
}

// parseJavaDouble accepts what Double.parseDouble does (incl. a trailing
// d/f suffix, NaN and Infinity).
func parseJavaDouble(s string) (float64, error) {
	if n := len(s); n > 1 && strings.ContainsRune("dDfF", rune(s[n-1])) {
		s = s[:n-1]
	}
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity", "+Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	if strings.ContainsAny(s, "iInN_") || strings.HasPrefix(s, "0x") {
		return 0, fmt.Errorf("invalid double %q", s)
	}
	return strconv.ParseFloat(s, 64)
}
