package types

import (
	"encoding/base64"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// FormatDouble prints a float64 the way Java's Double.toString does:
// "1.0", "0.001", "1.5E10", "1.0E-4", "NaN", "Infinity", "-0.0".
func FormatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.ContainsRune(s, '.') {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // e.g. 1.5e+10, 1e-04
	if m, _, _ := strings.Cut(s, "e"); len(strings.TrimPrefix(m, "-")) == 1 {
		// Java picks, when one digit would do, the two-digit decimal
		// closest to the value: Double.MIN_VALUE is 4.9E-324, not 5.0E-324.
		if s2 := strconv.FormatFloat(f, 'e', 1, 64); s2 != s {
			if back, err := strconv.ParseFloat(s2, 64); err == nil && back == f {
				s = strings.Replace(s2, ".0e", "e", 1)
			}
		}
	}
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.ContainsRune(mant, '.') {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}

// FormatDecimal prints a decimal with exactly scale fractional digits
// (BigDecimal.toPlainString for a value of that scale).
func FormatDecimal(d decimal.Decimal, scale int) string {
	if scale < 0 {
		scale = 0
	}
	return d.StringFixed(int32(scale))
}

// DecimalString prints a decimal keeping the scale it carries (its exponent).
func DecimalString(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.StringFixed(0)
}

// FormatValue prints a runtime value for humans and examples: strings bare,
// doubles like Java, decimals with their scale, arrays as [a, b], maps as
// {k=v} (sorted keys), structs as {F=v} in field order when t is known,
// bytes in base64, temporal values in ISO form; NULL prints "null".
// Nested strings are not quoted.
func FormatValue(v any) string {
	var b strings.Builder
	formatValue(&b, v)
	return b.String()
}

func formatValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		b.WriteString(FormatDouble(x))
	case decimal.Decimal:
		b.WriteString(DecimalString(x))
	case string:
		b.WriteString(x)
	case []byte:
		b.WriteString(base64.StdEncoding.EncodeToString(x))
	case Date:
		b.WriteString(x.String())
	case Time:
		b.WriteString(x.String())
	case Timestamp:
		b.WriteString(x.String())
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			formatValue(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			formatValue(b, x[k])
		}
		b.WriteByte('}')
	case StructValue:
		b.WriteString("Struct{")
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			formatValue(b, e)
		}
		b.WriteByte('}')
	default:
		b.WriteString("?")
	}
}
