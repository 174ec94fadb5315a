package wire

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

func TestAppendValue(t *testing.T) {
	point := types.StructOf(types.Field{Name: "X", Type: types.IntType}, types.Field{Name: "lower", Type: types.DoubleType})
	cases := []struct {
		name string
		v    any
		t    *types.Type
		want string
	}{
		{"null", nil, types.StringType, `null`},
		{"bool", true, types.BooleanType, `true`},
		{"int", int32(-7), types.IntType, `-7`},
		{"bigint", int64(9007199254740993), types.BigintType, `9007199254740993`},
		{"double integral", 1.0, types.DoubleType, `1.0`},
		{"double fraction", 0.001, types.DoubleType, `0.001`},
		{"double big", 1.5e10, types.DoubleType, `1.5E10`},
		{"double small", 1e-4, types.DoubleType, `1.0E-4`},
		{"double nan", math.NaN(), types.DoubleType, `"NaN"`},
		{"double inf", math.Inf(-1), types.DoubleType, `"-Infinity"`},
		{"decimal scale", decimal.RequireFromString("12.3"), types.DecimalOf(5, 2), `12.30`},
		{"decimal untyped", decimal.RequireFromString("0.050"), nil, `0.050`},
		{"decimal plain", decimal.RequireFromString("1e-9"), types.DecimalOf(12, 10), `0.0000000010`},
		{"string escapes", "a\"b\\c\n\t\x01<>&é", types.StringType, `"a\"b\\c\n\t\u0001<>&é"`},
		{"string invalid utf8", "a\xffb", types.StringType, "\"a\uFFFDb\""},
		{"bytes", []byte{0, 1, 2, 250}, types.BytesType, `"AAEC+g=="`},
		{"date", types.Date(18628), types.DateType, `"2021-01-01"`},
		{"time minutes", types.Time(10 * 3600 * 1000), types.TimeType, `"10:00"`},
		{"time seconds", types.Time((10*3600+61)*1000 + 500), types.TimeType, `"10:01:01"`},
		{"timestamp", types.Timestamp(1609459200123), types.TimestampType, `"2021-01-01T00:00:00.123"`},
		{"array", []any{int32(1), nil, int32(3)}, types.ArrayOf(types.IntType), `[1,null,3]`},
		{"array of decimal", []any{decimal.New(5, 0)}, types.ArrayOf(types.DecimalOf(3, 1)), `[5.0]`},
		{"map sorted", map[string]any{"b": 2.0, "a": 1.5}, types.MapOf(types.StringType, types.DoubleType), `{"a":1.5,"b":2.0}`},
		{"struct", types.StructValue{int32(1), 2.0}, point, `{"X":1,"lower":2.0}`},
		{"struct short", types.StructValue{int32(1)}, point, `{"X":1,"lower":null}`},
		{"struct untyped", types.StructValue{int32(1), "a"}, nil, `[1,"a"]`},
		{"nested", []any{map[string]any{"k": types.StructValue{int32(1), nil}}},
			types.ArrayOf(types.MapOf(types.StringType, point)), `[{"k":{"X":1,"lower":null}}]`},
		{"json number", json.Number("12"), nil, `12`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(AppendValue(nil, c.v, c.t))
			if got != c.want {
				t.Fatalf("AppendValue(%#v) = %s, want %s", c.v, got, c.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not valid JSON: %s", got)
			}
		})
	}
}

func TestAppendStringMatchesJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "tab\there", "\u2028", "日本語", "\x00\x1f\x7f"} {
		var back string
		if err := json.Unmarshal(AppendString(nil, s), &back); err != nil || back != s {
			t.Errorf("round trip of %q: got %q, %v", s, back, err)
		}
	}
}
