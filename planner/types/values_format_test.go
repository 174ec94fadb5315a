package types

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

func TestFormatDouble(t *testing.T) {
	cases := map[float64]string{
		1: "1.0", 1.5: "1.5", 0.001: "0.001", 1e-4: "1.0E-4", 1e7: "1.0E7", 1.5e10: "1.5E10",
		9999999: "9999999.0", 123.456: "123.456", -2.5: "-2.5", 0: "0.0", math.Copysign(0, -1): "-0.0",
		math.NaN(): "NaN", math.Inf(1): "Infinity", math.Inf(-1): "-Infinity", 1.946195068359375e15: "1.946195068359375E15",
		0.06666666666666667: "0.06666666666666667", 1.2345e-7: "1.2345E-7",
		math.SmallestNonzeroFloat64: "4.9E-324", -math.SmallestNonzeroFloat64: "-4.9E-324", 2 * math.SmallestNonzeroFloat64: "9.9E-324",
		1e10: "1.0E10", 2e-5: "2.0E-5", math.MaxFloat64: "1.7976931348623157E308", 2.2250738585072014e-308: "2.2250738585072014E-308",
	}
	for f, want := range cases {
		if got := FormatDouble(f); got != want {
			t.Errorf("FormatDouble(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestFormatValueAndCompare(t *testing.T) {
	v := []any{int32(1), nil, map[string]any{"b": "x", "a": 2.0}, decimal.RequireFromString("1.50")}
	if got := FormatValue(v); got != "[1, null, {a=2.0, b=x}, 1.50]" {
		t.Errorf("FormatValue = %s", got)
	}
	if c, err := CompareValues(int32(1), int64(2)); err != nil || c != -1 {
		t.Errorf("CompareValues = %d, %v", c, err)
	}
	if !EqualValues(decimal.RequireFromString("1.0"), decimal.RequireFromString("1.00")) {
		t.Errorf("decimals 1.0 and 1.00 should be equal")
	}
	if EqualValues([]any{int32(1)}, []any{int32(2)}) {
		t.Errorf("arrays differ")
	}
	if _, err := CompareValues([]any{}, []any{}); err == nil {
		t.Errorf("arrays are not ordered")
	}
}
