package serde

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// This file holds the Java number semantics the serdes reproduce:
// Integer.parseInt, Long.parseLong, Double.parseDouble, BigDecimal parsing
// and printing, the narrowing of JSON numbers (Jackson's intValue/asLong),
// and ksqlDB's DecimalUtil.ensureFit.

func javaNumberFormat(s string) error {
	return fmt.Errorf("For input string: \"%s\"", s)
}

// parseJavaInt is Integer.parseInt.
func parseJavaInt(s string) (int32, error) {
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, javaNumberFormat(s)
	}
	return int32(v), nil
}

// parseJavaLong is Long.parseLong.
func parseJavaLong(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, javaNumberFormat(s)
	}
	return v, nil
}

// parseJavaDouble is Double.parseDouble: surrounding whitespace (<= ' ') is
// trimmed, "NaN" and "[+-]Infinity" are the only named values, and an
// optional trailing f/F/d/D type suffix is allowed.
func parseJavaDouble(s string) (float64, error) {
	t := strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	if t == "" {
		if s == "" {
			return 0, errors.New("empty String")
		}
		return 0, javaNumberFormat(s)
	}
	body := t
	sign := 1.0
	if body[0] == '+' || body[0] == '-' {
		if body[0] == '-' {
			sign = -1
		}
		body = body[1:]
	}
	switch body {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(int(sign)), nil
	}
	if n := len(body); n > 1 {
		switch body[n-1] {
		case 'f', 'F', 'd', 'D':
			if !strings.HasPrefix(body, "0x") && !strings.HasPrefix(body, "0X") {
				t = t[:len(t)-1]
			}
		}
	}
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9', c == '.', c == '+', c == '-', c == 'e', c == 'E':
		case c == 'x' || c == 'X' || c == 'p' || c == 'P' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			// hexadecimal floating point, as Java accepts (0x1.8p1)
		default:
			return 0, javaNumberFormat(s)
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return v, nil // Java rounds to infinity or zero
		}
		return 0, javaNumberFormat(s)
	}
	return v, nil
}

// parseJavaBigDecimal is new BigDecimal(String).
func parseJavaBigDecimal(s string) (decimal.Decimal, error) {
	ok := s != ""
	for i := 0; i < len(s) && ok; i++ {
		c := s[i]
		ok = (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E'
	}
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("Character array is missing \"exponent\" mark 'e' or 'E'. Got: %q", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("Invalid decimal: %s", s)
	}
	return d, nil
}

// numLit is a parsed JSON number literal: -?int(.frac)?([eE][+-]?exp)?
type numLit struct {
	raw     []byte
	neg     bool
	intPart []byte
	frac    []byte
	exp     int64
	isFloat bool // has a fraction or an exponent: Jackson makes it a DecimalNode
}

// nodeName is Jackson's JsonNode class for the literal (with
// USE_BIG_DECIMAL_FOR_FLOATS and exact big decimals, as ksqlDB configures).
func (n *numLit) nodeName() string {
	if n.isFloat {
		return "DecimalNode"
	}
	v, ok := n.int64Exact()
	switch {
	case !ok:
		return "BigIntegerNode"
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return "IntNode"
	}
	return "LongNode"
}

// int64Exact returns the value of an integer literal that fits in int64.
func (n *numLit) int64Exact() (int64, bool) {
	if n.isFloat || len(n.intPart) > 19 {
		return 0, false
	}
	v, err := strconv.ParseInt(string(n.raw), 10, 64)
	return v, err == nil
}

// truncated returns the literal's value truncated toward zero as a big.Int.
func (n *numLit) truncated() *big.Int {
	digits := make([]byte, 0, len(n.intPart)+len(n.frac))
	digits = append(digits, n.intPart...)
	digits = append(digits, n.frac...)
	shift := n.exp - int64(len(n.frac)) // value = digits * 10^shift
	z := new(big.Int)
	if shift <= -int64(len(digits)) {
		return z
	}
	if shift < 0 {
		digits = digits[:int64(len(digits))+shift]
		shift = 0
	}
	if len(digits) == 0 {
		return z
	}
	z.SetString(string(digits), 10)
	if shift > 0 {
		if shift > 100000 {
			shift = 100000 // beyond any long; the low bits are zero anyway
		}
		z.Mul(z, new(big.Int).Exp(big.NewInt(10), big.NewInt(shift), nil))
	}
	if n.neg {
		z.Neg(z)
	}
	return z
}

// longValue is Jackson's asLong()/longValue(): truncation, then the low 64
// bits (Java's narrowing of BigInteger / BigDecimal).
func (n *numLit) longValue() int64 {
	if v, ok := n.int64Exact(); ok {
		return v
	}
	z := n.truncated()
	// low 64 bits, two's complement
	m := new(big.Int).And(z, new(big.Int).SetUint64(math.MaxUint64))
	return int64(m.Uint64())
}

// intValue is Jackson's intValue(): the low 32 bits of the truncated value.
func (n *numLit) intValue() int32 { return int32(n.longValue()) }

func (n *numLit) float64() float64 {
	v, err := strconv.ParseFloat(string(n.raw), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return v
		}
	}
	return v
}

func (n *numLit) decimal() (decimal.Decimal, error) {
	return decimal.NewFromString(string(n.raw))
}

// javaText is JsonNode.asText() for the literal: the integer for integer
// nodes, BigDecimal.toString() for decimal nodes.
func (n *numLit) javaText() string {
	if !n.isFloat {
		if v, ok := n.int64Exact(); ok {
			return strconv.FormatInt(v, 10)
		}
		return n.truncated().String()
	}
	digits := strings.TrimLeft(string(n.intPart)+string(n.frac), "0")
	if digits == "" {
		digits = "0"
	}
	return bigDecimalString(n.neg && digits != "0", digits, int64(len(n.frac))-n.exp)
}

// bigDecimalString is BigDecimal.toString() for an unscaled value (its
// decimal digits, no leading zeros) and a scale.
func bigDecimalString(neg bool, digits string, scale int64) string {
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	adjusted := -scale + int64(len(digits)-1)
	if scale >= 0 && adjusted >= -6 {
		switch {
		case scale == 0:
			b.WriteString(digits)
		case int64(len(digits)) > scale:
			b.WriteString(digits[:int64(len(digits))-scale])
			b.WriteByte('.')
			b.WriteString(digits[int64(len(digits))-scale:])
		default:
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", int(scale-int64(len(digits)))))
			b.WriteString(digits)
		}
		return b.String()
	}
	b.WriteString(digits[:1])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('E')
	if adjusted >= 0 {
		b.WriteByte('+')
	}
	b.WriteString(strconv.FormatInt(adjusted, 10))
	return b.String()
}

var bigTen = big.NewInt(10)

func pow10(n int64) *big.Int { return new(big.Int).Exp(bigTen, big.NewInt(n), nil) }

// decimalPrecision is BigDecimal.precision(): digits of the unscaled value.
func decimalPrecision(d decimal.Decimal) int {
	c := d.Coefficient()
	c.Abs(c)
	if c.Sign() == 0 {
		return 1
	}
	return len(c.String())
}

// ensureFit is ksqlDB's DecimalUtil.ensureFit: the value must be below
// 10^(precision-scale) in absolute value and take the scale without
// rounding. The result carries exactly the type's scale.
func ensureFit(d decimal.Decimal, t *types.Type) (decimal.Decimal, error) {
	p, s := t.Precision, t.Scale
	digits := p - s
	if d.Abs().Cmp(decimal.New(1, int32(digits))) >= 0 {
		return decimal.Decimal{}, fmt.Errorf("Numeric field overflow: A field with precision %d and scale %d must round to an absolute value less than 10^%d. Got %s", p, s, digits, types.DecimalString(d))
	}
	return withScale(d, s, p)
}

// withScale is setScale(scale, UNNECESSARY).
func withScale(d decimal.Decimal, scale, precision int) (decimal.Decimal, error) {
	exp := int64(d.Exponent())
	want := -int64(scale)
	switch {
	case exp == want:
		return d, nil
	case exp > want:
		c := d.Coefficient()
		c.Mul(c, pow10(exp-want))
		return decimal.NewFromBigInt(c, int32(want)), nil
	}
	c := d.Coefficient()
	q, r := new(big.Int).QuoRem(c, pow10(want-exp), new(big.Int))
	if r.Sign() != 0 {
		return decimal.Decimal{}, fmt.Errorf("Cannot fit decimal '%s' into DECIMAL(%d, %d) without rounding. (Requires %d,%d)", types.DecimalString(d), precision, scale, decimalPrecision(d), -exp)
	}
	return decimal.NewFromBigInt(q, int32(want)), nil
}

// timeOrErr is SerdeUtils.returnTimeOrThrow.
func timeOrErr(ms int64) (types.Time, error) {
	if ms >= 0 && ms <= 86400000 {
		return types.Time(ms), nil
	}
	return 0, errors.New("Time values must use number of milliseconds greater than 0 and less than 86400000.")
}
