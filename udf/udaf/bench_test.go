package udaf

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

// benchRow measures the per-row state cycle of a store-backed aggregation:
// Decode the stored state, Add the row, Encode it back.
func benchRow(b *testing.B, a Aggregator, arg any) {
	ap := a.(Appender)
	state, _ := a.Encode(a.Init())
	buf := make([]byte, 0, 64)
	args := []any{arg}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acc, err := a.Decode(state)
		if err != nil {
			b.Fatal(err)
		}
		if acc, err = a.Add(acc, args); err != nil {
			b.Fatal(err)
		}
		if buf, err = ap.AppendEncode(buf[:0], acc); err != nil {
			b.Fatal(err)
		}
		state = append(state[:0], buf...)
	}
}

func BenchmarkCount(b *testing.B) {
	a, _ := New("COUNT", nil, nil, nil)
	benchRow(b, a, nil)
}

func BenchmarkSumBigint(b *testing.B) {
	a, _ := New("SUM", []*types.Type{types.BigintType}, nil, nil)
	benchRow(b, a, int64(7))
}

func BenchmarkSumDouble(b *testing.B) {
	a, _ := New("SUM", []*types.Type{types.DoubleType}, nil, nil)
	benchRow(b, a, 1.5)
}

func BenchmarkSumDecimal(b *testing.B) {
	a, _ := New("SUM", []*types.Type{types.DecimalOf(18, 2)}, nil, nil)
	benchRow(b, a, dec("1.25"))
}

func BenchmarkAvgInt(b *testing.B) {
	a, _ := New("AVG", []*types.Type{types.IntType}, nil, nil)
	benchRow(b, a, int32(3))
}
