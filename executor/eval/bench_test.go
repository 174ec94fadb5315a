package eval

import (
	"testing"

	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf"
)

// A typical projection: a + b * 2, UCASE(s), a > b, over rows (a INT, b INT, s STRING).
func BenchmarkProjection(b *testing.B) {
	r := udf.NewRegistry()
	uc, err := r.ResolveScalar("UCASE", []*types.Type{tStr})
	if err != nil {
		b.Fatal(err)
	}
	exprs := []expr.Expr{
		bin(expr.Add, col(0, tInt), bin(expr.Mul, col(1, tInt), lit(2, tInt), tInt), tInt),
		&expr.Call{Name: "UCASE", Fn: uc.Fn, Args: []expr.Expr{col(2, tStr)}, T: tStr},
		bin(expr.Gt, col(0, tInt), col(1, tInt), tBool),
	}
	fs, err := CompileAll(exprs)
	if err != nil {
		b.Fatal(err)
	}
	row := []any{int32(1000), int32(2000), "hello world"}
	out := make([]any, len(fs))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, f := range fs {
			v, err := f(row)
			if err != nil {
				b.Fatal(err)
			}
			out[j] = v
		}
	}
}

func BenchmarkArith(b *testing.B) {
	f, _ := Compile(bin(expr.Add, col(0, tBig), bin(expr.Mul, col(1, tBig), lit(int64(2), tBig), tBig), tBig))
	row := []any{int64(1000), int64(2000)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, _ = f(row)
	}
}

func BenchmarkFilter(b *testing.B) {
	f, _ := Compile(bin(expr.And, bin(expr.Gt, col(0, tInt), lit(5, tInt), tBool),
		&expr.Like{X: col(1, tStr), Pattern: lit("%ell%", tStr)}, tBool))
	row := []any{int32(10), "hello"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, _ = f(row)
	}
}
