package udaf

import (
	"math"
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestMinMax(t *testing.T) {
	cases := []struct {
		fn   string
		arg  *types.Type
		in   []any
		want []any
	}{
		// max-group-by.json, key 0
		{"MAX", tInt, arr(nil, int32(-2147483647), int32(5), nil, int32(2000), int32(100)),
			arr(nil, int32(-2147483647), int32(5), int32(5), int32(2000), int32(2000))},
		{"MAX", tBig, arr(nil, int64(-1000000), int64(5), int64(math.MaxInt64), int64(100)),
			arr(nil, int64(-1000000), int64(5), int64(math.MaxInt64), int64(math.MaxInt64))},
		{"MAX", tDbl, arr(-1000000.123, 0.0, 5.1, nil, 2000.99), arr(-1000000.123, 0.0, 5.1, 5.1, 2000.99)},
		{"MAX", types.DecimalOf(4, 2), arr(dec("-10.12"), dec("0.00"), dec("5.10"), dec("20.99"), dec("10.11")),
			arr(dec("-10.12"), dec("0.00"), dec("5.10"), dec("20.99"), dec("20.99"))},
		{"MAX", types.DateType, arr(types.Date(-100), types.Date(5), nil, types.Date(1000)),
			arr(types.Date(-100), types.Date(5), types.Date(5), types.Date(1000))},
		{"MAX", types.TimeType, arr(types.Time(1), types.Time(5)), arr(types.Time(1), types.Time(5))},
		{"MAX", types.TimestampType, arr(types.Timestamp(-1), types.Timestamp(50), types.Timestamp(6)),
			arr(types.Timestamp(-1), types.Timestamp(50), types.Timestamp(50))},
		{"MAX", tStr, arr("B", "A", nil, "F", "D"), arr("B", "B", "B", "F", "F")},
		{"MAX", types.BytesType, arr([]byte("B"), []byte("A"), []byte("F")), arr([]byte("B"), []byte("B"), []byte("F"))},
		{"MIN", tInt, arr(nil, int32(5), int32(-3), int32(7)), arr(nil, int32(5), int32(-3), int32(-3))},
		{"MIN", tStr, arr("B", "A", "C"), arr("B", "A", "A")},
		{"MIN", types.DecimalOf(10, 3), arr(dec("1.500"), dec("-1234567.125")), arr(dec("1.500"), dec("-1234567.125"))},
	}
	for _, c := range cases {
		t.Run(c.fn+" "+c.arg.String(), func(t *testing.T) {
			a := mustNew(t, c.fn, ts(c.arg))
			steps := make([]step, len(c.in))
			for i := range c.in {
				steps[i] = add(c.want[i], c.in[i])
			}
			acc := script(t, a, steps)
			if _, err := a.Undo(acc, []any{c.in[0]}); err != ErrNoUndo {
				t.Fatalf("undo: %v", err)
			}
		})
	}
	t.Run("merge", func(t *testing.T) {
		a := mustNew(t, "MIN", ts(tInt))
		if got := merged(t, a, fold(t, a, int32(4), int32(9)), fold(t, a, int32(2))); got != int32(2) {
			t.Fatalf("merge = %v", got)
		}
		if got := merged(t, a, fold(t, a, int32(4)), a.Init()); got != int32(4) {
			t.Fatalf("merge with empty = %v", got)
		}
	})
	t.Run("types", func(t *testing.T) {
		for _, bad := range []*types.Type{tBool, types.ArrayOf(tInt), types.MapOf(tStr, tInt)} {
			if _, err := ReturnType("MAX", ts(bad), nil); err == nil {
				t.Errorf("MAX(%s) accepted", bad)
			}
		}
		a := mustNew(t, "MAX", ts(tInt))
		if _, err := a.Add(int32(1), []any{"x"}); err == nil {
			t.Fatal("bad value accepted")
		}
		if _, err := a.Add(nil, []any{"x"}); err == nil {
			t.Fatal("bad first value accepted")
		}
	})
}
