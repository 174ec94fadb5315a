package eval

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf"
	"github.com/shopspring/decimal"
)

var (
	tInt  = types.IntType
	tBig  = types.BigintType
	tDbl  = types.DoubleType
	tStr  = types.StringType
	tBool = types.BooleanType
	tTs   = types.TimestampType
	tNull = types.NullType
)

func col(i int, t *types.Type) *expr.Column  { return &expr.Column{Index: i, Name: "C", T: t} }
func lit(v any, t *types.Type) *expr.Literal { return &expr.Literal{Value: v, T: t} }
func null() *expr.Literal                    { return lit(nil, tNull) }
func bin(op expr.Op, l, r expr.Expr, t *types.Type) *expr.Binary {
	return &expr.Binary{Op: op, Left: l, Right: r, T: t}
}
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

type tcase struct {
	name string
	e    expr.Expr
	row  []any
	want any // compared with types.FormatValue, or errWant
}

type errWant struct{ sub string }

func run(t *testing.T, cases []tcase) {
	t.Helper()
	for _, c := range cases {
		f, err := Compile(c.e)
		if err != nil {
			if w, ok := c.want.(errWant); ok && strings.Contains(err.Error(), w.sub) {
				continue
			}
			t.Errorf("%s: compile: %v", c.name, err)
			continue
		}
		got, err := f(c.row)
		if w, ok := c.want.(errWant); ok {
			if err == nil || !strings.Contains(err.Error(), w.sub) {
				t.Errorf("%s: got %v, %v; want error %q", c.name, got, err, w.sub)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		want, ok := c.want.(string)
		if !ok {
			want = types.FormatValue(c.want)
			if c.want != nil && reflect.TypeOf(got) != reflect.TypeOf(c.want) {
				t.Errorf("%s: got %T, want %T", c.name, got, c.want)
			}
		}
		if s := types.FormatValue(got); s != want {
			t.Errorf("%s: got %s (%T), want %s", c.name, s, got, want)
		}
	}
}

func TestArithmetic(t *testing.T) {
	d52 := types.DecimalOf(5, 2)
	run(t, []tcase{
		{"int add", bin(expr.Add, col(0, tInt), col(1, tInt), tInt), []any{int32(2), int32(3)}, int32(5)},
		{"int wrap", bin(expr.Add, col(0, tInt), lit(1, tInt), tInt), []any{int32(math.MaxInt32)}, int32(math.MinInt32)},
		{"bigint wrap", bin(expr.Mul, col(0, tBig), lit(int64(2), tBig), tBig), []any{int64(math.MaxInt64)}, int64(-2)},
		{"int div", bin(expr.Div, lit(7, tInt), lit(-2, tInt), tInt), nil, int32(-3)},
		{"int mod", bin(expr.Mod, lit(-7, tInt), lit(2, tInt), tInt), nil, int32(-1)},
		{"int div zero", bin(expr.Div, lit(7, tInt), col(0, tInt), tInt), []any{int32(0)}, nil},
		{"int mod zero", bin(expr.Mod, lit(7, tBig), col(0, tBig), tBig), []any{int64(0)}, nil},
		{"minint / -1", bin(expr.Div, col(0, tInt), lit(-1, tInt), tInt), []any{int32(math.MinInt32)}, int32(math.MinInt32)},
		{"null operand", bin(expr.Add, col(0, tInt), col(1, tInt), tInt), []any{nil, int32(3)}, nil},
		{"double div zero", bin(expr.Div, lit(1.0, tDbl), lit(0.0, tDbl), tDbl), nil, "Infinity"},
		{"double mod", bin(expr.Mod, lit(7.5, tDbl), lit(2.0, tDbl), tDbl), nil, 1.5},
		{"double sum", bin(expr.Add, col(0, tDbl), lit(10, tDbl), tDbl), []any{3.21}, 13.21},
		{"decimal add", bin(expr.Add, col(0, d52), col(1, d52), types.DecimalOf(6, 2)), []any{dec("1.25"), dec("2.50")}, "3.75"},
		{"decimal mul scale", bin(expr.Mul, col(0, d52), col(1, d52), types.DecimalOf(11, 4)), []any{dec("1.25"), dec("2.50")}, "3.1250"},
		{"decimal div half up", bin(expr.Div, col(0, d52), col(1, d52), types.DecimalOf(8, 2)), []any{dec("2.00"), dec("3.00")}, "0.67"},
		{"decimal div neg half up", bin(expr.Div, lit(dec("-1"), types.DecimalOf(1, 0)), lit(dec("8"), types.DecimalOf(1, 0)), types.DecimalOf(3, 2)), nil, "-0.13"},
		{"decimal div zero", bin(expr.Div, col(0, d52), col(1, d52), d52), []any{dec("1.00"), dec("0.00")}, nil},
		{"decimal overflow", bin(expr.Mul, col(0, d52), col(1, d52), types.DecimalOf(3, 2)), []any{dec("100.00"), dec("100.00")}, errWant{"overflow"}},
		{"neg int", &expr.Neg{X: col(0, tInt)}, []any{int32(5)}, int32(-5)},
		{"neg decimal", &expr.Neg{X: col(0, d52)}, []any{dec("10.12")}, "-10.12"},
		{"neg null", &expr.Neg{X: col(0, tDbl)}, []any{nil}, nil},
		{"concat", bin(expr.Concat, col(0, tStr), lit("x", tStr), tStr), []any{"a"}, "ax"},
		{"literal int from Go int", bin(expr.Mul, lit(12, tInt), lit(4, tInt), tInt), nil, int32(48)},
	})
}

func TestLogicAndCompare(t *testing.T) {
	b := func(i int) *expr.Column { return col(i, tBool) }
	and := func(l, r expr.Expr) expr.Expr { return bin(expr.And, l, r, tBool) }
	or := func(l, r expr.Expr) expr.Expr { return bin(expr.Or, l, r, tBool) }
	run(t, []tcase{
		{"T and N", and(b(0), b(1)), []any{true, nil}, nil},
		{"F and N", and(b(0), b(1)), []any{false, nil}, false},
		{"N and F", and(b(0), b(1)), []any{nil, false}, false},
		{"T and T", and(b(0), b(1)), []any{true, true}, true},
		{"T or N", or(b(0), b(1)), []any{true, nil}, true},
		{"N or T", or(b(0), b(1)), []any{nil, true}, true},
		{"F or N", or(b(0), b(1)), []any{false, nil}, nil},
		{"not null", &expr.Not{X: b(0)}, []any{nil}, nil},
		{"not", &expr.Not{X: b(0)}, []any{true}, false},
		{"is null", &expr.IsNull{X: col(0, tInt)}, []any{nil}, true},
		{"is not null", &expr.IsNull{X: col(0, tInt), Not: true}, []any{nil}, false},
		{"eq null", bin(expr.Eq, col(0, tInt), col(1, tInt), tBool), []any{nil, int32(1)}, false},
		{"lt int", bin(expr.Lt, col(0, tInt), lit(5, tInt), tBool), []any{int32(1)}, true},
		{"ge big", bin(expr.Ge, col(0, tBig), lit(int64(5), tBig), tBool), []any{int64(5)}, true},
		{"string lt", bin(expr.Lt, col(0, tStr), lit("b2", tStr), tBool), []any{"B2"}, true},
		{"decimal eq scale", bin(expr.Eq, col(0, types.DecimalOf(3, 1)), col(1, types.DecimalOf(4, 2)), tBool), []any{dec("1.0"), dec("1.00")}, true},
		{"bool order", bin(expr.Lt, lit(false, tBool), lit(true, tBool), tBool), nil, true},
		{"ts vs string", bin(expr.Gt, col(0, tTs), lit("1970-01-01T00:00:00.010", tStr), tBool), []any{types.Timestamp(11)}, true},
		{"int vs double", bin(expr.Gt, col(0, tInt), lit(1e-1, tDbl), tBool), []any{int32(1)}, true},
		{"distinct nulls", bin(expr.IsDistinct, col(0, tInt), col(1, tInt), tBool), []any{nil, nil}, false},
		{"distinct null vs 1", bin(expr.IsDistinct, col(0, tInt), col(1, tInt), tBool), []any{nil, int32(1)}, true},
		{"not distinct", bin(expr.IsNotDistinct, col(0, tInt), col(1, tInt), tBool), []any{int32(1), int32(1)}, true},
		{"array eq", bin(expr.Eq, col(0, types.ArrayOf(tInt)), col(1, types.ArrayOf(tInt)), tBool), []any{[]any{int32(1), nil}, []any{int32(1), nil}}, true},
		{"map ne", bin(expr.Ne, col(0, types.MapOf(tStr, tInt)), col(1, types.MapOf(tStr, tInt)), tBool), []any{map[string]any{"a": int32(1)}, map[string]any{"a": int32(2)}}, true},
		{"in", &expr.In{X: col(0, tInt), List: []expr.Expr{lit(11, tInt), null(), col(1, tInt)}}, []any{int32(10), int32(10)}, true},
		{"in miss", &expr.In{X: col(0, tInt), List: []expr.Expr{lit(11, tInt), null()}}, []any{int32(10)}, false},
		{"not in", &expr.In{X: col(0, tInt), List: []expr.Expr{lit(11, tInt)}, Not: true}, []any{int32(10)}, true},
		{"in null x", &expr.In{X: col(0, tInt), List: []expr.Expr{lit(11, tInt)}}, []any{nil}, nil},
	})
}

func TestLike(t *testing.T) {
	like := func(p string, esc rune, not bool) expr.Expr {
		return &expr.Like{X: col(0, tStr), Pattern: lit(p, tStr), Escape: esc, Not: not}
	}
	run(t, []tcase{
		{"contains", like("%hi%", 0, false), []any{"this"}, true},
		{"prefix", like("th%", 0, false), []any{"this"}, true},
		{"suffix no", like("%hx", 0, false), []any{"this"}, false},
		{"underscore", like("t_is", 0, false), []any{"this"}, true},
		{"underscore short", like("t_is", 0, false), []any{"tis"}, false},
		{"mixed", like("a%b_c", 0, false), []any{"axxbyc"}, true},
		{"escape", like(`100\%`, '\\', false), []any{"100%"}, true},
		{"escape no", like(`100\%`, '\\', false), []any{"1000"}, false},
		{"regex chars", like("a.c", 0, false), []any{"abc"}, false},
		{"not like", like("a%", 0, true), []any{"abc"}, false},
		{"null", like("a%", 0, false), []any{nil}, nil},
		{"case sensitive", like("A%", 0, false), []any{"abc"}, false},
		{"dynamic", &expr.Like{X: col(0, tStr), Pattern: col(1, tStr)}, []any{"abc", "_b%"}, true},
	})
}

func TestCase(t *testing.T) {
	c := &expr.Case{Whens: []expr.When{
		{Cond: bin(expr.Lt, col(0, tDbl), lit(2.0, tDbl), tBool), Result: null()},
		{Cond: bin(expr.Lt, col(0, tDbl), lit(4.0, tDbl), tBool), Result: lit("medium", tStr)},
	}, Else: lit("large", tStr), T: tStr}
	run(t, []tcase{
		{"else", c, []any{4.2}, "large"},
		{"second", c, []any{3.99}, "medium"},
		{"null branch", c, []any{1.1}, nil},
		{"null cond", c, []any{nil}, "large"},
		{"no else", &expr.Case{Whens: []expr.When{{Cond: col(0, tBool), Result: lit(1, tInt)}}, T: tInt}, []any{false}, nil},
	})
}

func cast(e expr.Expr, t *types.Type) expr.Expr { return &expr.Cast{X: e, T: t} }

func TestCast(t *testing.T) {
	st := types.StructOf(types.Field{Name: "A", Type: tInt}, types.Field{Name: "B", Type: tStr})
	st2 := types.StructOf(types.Field{Name: "B", Type: tStr}, types.Field{Name: "A", Type: tBig}, types.Field{Name: "C", Type: tDbl})
	run(t, []tcase{
		{"double->int trunc", cast(col(0, tDbl), tInt), []any{-1.7}, int32(-1)},
		{"double->bigint sat", cast(col(0, tDbl), tBig), []any{1e300}, int64(math.MaxInt64)},
		{"bigint->int wrap", cast(col(0, tBig), tInt), []any{int64(2147483648)}, int32(math.MinInt32)},
		{"int->double", cast(col(0, tInt), tDbl), []any{int32(3)}, 3.0},
		{"int->decimal", cast(col(0, tInt), types.DecimalOf(5, 2)), []any{int32(3)}, "3.00"},
		{"double->decimal half up", cast(col(0, tDbl), types.DecimalOf(5, 1)), []any{2.25}, "2.3"},
		{"double->decimal neg", cast(col(0, tDbl), types.DecimalOf(5, 1)), []any{-2.25}, "-2.3"},
		{"decimal rescale", cast(col(0, types.DecimalOf(5, 3)), types.DecimalOf(4, 1)), []any{dec("12.345")}, "12.3"},
		{"decimal overflow", cast(col(0, types.DecimalOf(5, 1)), types.DecimalOf(3, 1)), []any{dec("1234.5")}, errWant{"overflow"}},
		{"decimal->int", cast(col(0, types.DecimalOf(5, 2)), tInt), []any{dec("-12.99")}, int32(-12)},
		{"decimal->double", cast(col(0, types.DecimalOf(5, 2)), tDbl), []any{dec("1.25")}, 1.25},
		{"string->int", cast(col(0, tStr), tInt), []any{" 42 "}, int32(42)},
		{"string->int bad", cast(col(0, tStr), tInt), []any{"4.2"}, errWant{"Cannot cast"}},
		{"string->bigint", cast(col(0, tStr), tBig), []any{"-9000000000"}, int64(-9000000000)},
		{"string->double", cast(col(0, tStr), tDbl), []any{"1.5e3"}, 1500.0},
		{"string->double bad", cast(col(0, tStr), tDbl), []any{"abc"}, errWant{"Cannot cast"}},
		{"string->decimal", cast(col(0, tStr), types.DecimalOf(4, 2)), []any{"1.234"}, "1.23"},
		{"string->bool", cast(col(0, tStr), tBool), []any{"TRUE"}, true},
		{"string->bool bad", cast(col(0, tStr), tBool), []any{"yes"}, errWant{"Cannot cast"}},
		{"double->string", cast(col(0, tDbl), tStr), []any{1.0}, "1.0"},
		{"double->string sci", cast(col(0, tDbl), tStr), []any{1.5e10}, "1.5E10"},
		{"double->string small", cast(col(0, tDbl), tStr), []any{0.0001}, "1.0E-4"},
		{"decimal->string", cast(col(0, types.DecimalOf(5, 2)), tStr), []any{dec("1.5")}, "1.50"},
		{"bool->string", cast(col(0, tBool), tStr), []any{false}, "false"},
		{"ts->string", cast(col(0, tTs), tStr), []any{types.Timestamp(10)}, "1970-01-01T00:00:00.010"},
		{"string->ts", cast(col(0, tStr), tTs), []any{"1970-01-01T00:00:01"}, types.Timestamp(1000)},
		{"string->ts ms", cast(col(0, tStr), tTs), []any{"1970-01-01T00:00:00.010"}, types.Timestamp(10)},
		{"string->ts zone", cast(col(0, tStr), tTs), []any{"1970-01-01T01:00:00+01:00"}, types.Timestamp(0)},
		{"string->ts bad", cast(col(0, tStr), tTs), []any{"foo"}, errWant{"Cannot cast"}},
		{"string->date", cast(col(0, tStr), types.DateType), []any{"2018-05-11"}, types.Date(17662)},
		{"string->time", cast(col(0, tStr), types.TimeType), []any{"16:43:40"}, types.Time(60220000)},
		{"time->string", cast(col(0, types.TimeType), tStr), []any{types.Time(60220000)}, "16:43:40"},
		{"ts->date", cast(col(0, tTs), types.DateType), []any{types.Timestamp(-1)}, types.Date(-1)},
		{"ts->time", cast(col(0, tTs), types.TimeType), []any{types.Timestamp(msPerDay + 5)}, types.Time(5)},
		{"date->ts", cast(col(0, types.DateType), tTs), []any{types.Date(1)}, types.Timestamp(msPerDay)},
		{"array", cast(col(0, types.ArrayOf(tInt)), types.ArrayOf(tStr)), []any{[]any{int32(1), nil}}, []any{"1", nil}},
		{"map", cast(col(0, types.MapOf(tStr, tInt)), types.MapOf(tStr, tDbl)), []any{map[string]any{"a": int32(1)}}, map[string]any{"a": 1.0}},
		{"struct by name", cast(col(0, st), st2), []any{types.StructValue{int32(1), "x"}}, types.StructValue{"x", int64(1), nil}},
		{"struct->string", cast(col(0, st), tStr), []any{types.StructValue{int32(1), "x"}}, "Struct{A=1,B=x}"},
		{"null", cast(col(0, tStr), tInt), []any{nil}, nil},
		{"unsupported", cast(col(0, tBool), tInt), []any{true}, errWant{"not supported"}},
	})
}

func TestCollections(t *testing.T) {
	arr := types.ArrayOf(tInt)
	m := types.MapOf(tStr, tInt)
	st := types.StructOf(types.Field{Name: "A", Type: tInt})
	sub := func(x, i expr.Expr, t *types.Type) expr.Expr { return &expr.Subscript{X: x, Index: i, T: t} }
	row := []any{[]any{int32(10), int32(20), int32(30)}}
	run(t, []tcase{
		{"first", sub(col(0, arr), lit(1, tInt), tInt), row, int32(10)},
		{"last", sub(col(0, arr), lit(-1, tInt), tInt), row, int32(30)},
		{"zero", sub(col(0, arr), lit(0, tInt), tInt), row, nil},
		{"out", sub(col(0, arr), lit(4, tInt), tInt), row, nil},
		{"neg out", sub(col(0, arr), lit(-4, tInt), tInt), row, nil},
		{"null array", sub(col(0, arr), lit(1, tInt), tInt), []any{nil}, nil},
		{"map", sub(col(0, m), lit("a", tStr), tInt), []any{map[string]any{"a": int32(1)}}, int32(1)},
		{"map miss", sub(col(0, m), lit("b", tStr), tInt), []any{map[string]any{"a": int32(1)}}, nil},
		{"field", &expr.Field{X: col(0, st), Index: 0, Name: "A", T: tInt}, []any{types.StructValue{int32(7)}}, int32(7)},
		{"field null", &expr.Field{X: col(0, st), Index: 0, Name: "A", T: tInt}, []any{nil}, nil},
		{"array ctor", &expr.ArrayCtor{Elems: []expr.Expr{lit(1, tInt), null(), col(0, tInt)}, T: arr}, []any{int32(3)}, []any{int32(1), nil, int32(3)}},
		{"array ctor widen", &expr.ArrayCtor{Elems: []expr.Expr{lit(1, tInt), col(0, tBig)}, T: types.ArrayOf(tBig)}, []any{int64(3)}, []any{int64(1), int64(3)}},
		{"map ctor", &expr.MapCtor{Keys: []expr.Expr{lit("a", tStr)}, Values: []expr.Expr{col(0, tInt)}, T: m}, []any{int32(1)}, map[string]any{"a": int32(1)}},
		{"struct ctor", &expr.StructCtor{Values: []expr.Expr{col(0, tInt)}, T: st}, []any{int32(1)}, types.StructValue{int32(1)}},
	})
}

func TestCallsAndLambdas(t *testing.T) {
	r := udf.NewRegistry()
	call := func(name string, args ...expr.Expr) expr.Expr {
		ts := make([]*types.Type, len(args))
		for i, a := range args {
			if l, ok := a.(*expr.Lambda); ok {
				fs := make([]types.Field, 0, len(l.ParamTypes)+1)
				for j, p := range l.ParamTypes {
					fs = append(fs, types.Field{Name: l.Params[j], Type: p})
				}
				fs = append(fs, types.Field{Name: "RETURN", Type: l.Body.Type()})
				ts[i] = &types.Type{Kind: types.KindLambda, Fields: fs}
			} else {
				ts[i] = a.Type()
			}
		}
		res, err := r.ResolveScalar(name, ts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, a := range args {
			if _, ok := a.(*expr.Lambda); !ok && !a.Type().Equal(res.ParamTypes[i]) {
				args[i] = cast(a, res.ParamTypes[i])
			}
		}
		return &expr.Call{Name: name, Fn: res.Fn, Args: args, T: res.Return}
	}
	lv := func(name string, depth, slot int, t *types.Type) *expr.LambdaVar {
		return &expr.LambdaVar{Name: name, Depth: depth, Slot: slot, T: t}
	}
	arr := types.ArrayOf(tInt)
	// TRANSFORM(a, x => x + c1)
	tr := call("TRANSFORM", col(0, arr), &expr.Lambda{Params: []string{"X"}, ParamTypes: []*types.Type{tInt},
		Body: bin(expr.Add, lv("X", 0, 0, tInt), col(1, tInt), tInt)})
	// REDUCE(a, 0, (s, x) => s + x)
	red := call("REDUCE", col(0, arr), lit(0, tInt), &expr.Lambda{Params: []string{"S", "X"}, ParamTypes: []*types.Type{tInt, tInt},
		Body: bin(expr.Add, lv("S", 0, 0, tInt), lv("X", 0, 1, tInt), tInt)})
	// TRANSFORM(nested, x => REDUCE(x, 0, (s, y) => s + y * outer-x-length))
	nested := types.ArrayOf(arr)
	inner := call("REDUCE", lv("X", 0, 0, arr), lit(0, tInt), &expr.Lambda{Params: []string{"S", "Y"}, ParamTypes: []*types.Type{tInt, tInt},
		Body: bin(expr.Add, lv("S", 0, 0, tInt), bin(expr.Mul, lv("Y", 0, 1, tInt), call("ARRAY_LENGTH", lv("X", 1, 0, arr)), tInt), tInt)})
	outer := call("TRANSFORM", col(0, nested), &expr.Lambda{Params: []string{"X"}, ParamTypes: []*types.Type{arr}, Body: inner})
	run(t, []tcase{
		{"ucase", call("UCASE", col(0, tStr)), []any{"abc"}, "ABC"},
		{"ucase null", call("UCASE", col(0, tStr)), []any{nil}, nil},
		{"sqrt int", call("SQRT", col(0, tInt)), []any{int32(16)}, 4.0},
		{"concat", call("CONCAT", lit("a", tStr), null(), col(0, tStr)), []any{"b"}, "ab"},
		{"transform", tr, []any{[]any{int32(1), int32(2)}, int32(5)}, []any{int32(6), int32(7)}},
		{"transform null", tr, []any{nil, int32(5)}, nil},
		{"reduce", red, []any{[]any{int32(3), int32(6)}}, int32(9)},
		// As ksqlDB: NULL arithmetic in a lambda throws, so the call is NULL.
		{"reduce null elem", red, []any{[]any{int32(5), nil}}, errWant{"null operand in lambda arithmetic"}},
		{"transform null elem", tr, []any{[]any{int32(5), nil}, int32(5)}, errWant{"null operand in lambda arithmetic"}},
		{"reduce null array", red, []any{nil}, int32(0)},
		{"nested lambdas", outer, []any{[]any{[]any{int32(1), int32(2)}, []any{int32(3)}}}, []any{int32(6), int32(3)}},
	})

	boom := &expr.Call{Name: "BOOM", Fn: func([]any) (any, error) { return nil, errors.New("bad") }, T: tInt}
	f, err := Compile(boom)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f(nil); err == nil || !strings.Contains(err.Error(), "BOOM") {
		t.Errorf("function error not returned: %v", err)
	}
}

func TestCompileAll(t *testing.T) {
	fs, err := CompileAll([]expr.Expr{col(1, tInt), lit("x", tStr)})
	if err != nil {
		t.Fatal(err)
	}
	row := []any{nil, int32(4)}
	if v, _ := fs[0](row); v != int32(4) {
		t.Errorf("got %v", v)
	}
	if v, _ := fs[1](row); v != "x" {
		t.Errorf("got %v", v)
	}
	if _, err := CompileAll([]expr.Expr{cast(col(0, tBool), types.DateType)}); err == nil {
		t.Errorf("expected compile error")
	}
}

func TestNoAllocComparisons(t *testing.T) {
	f, _ := Compile(bin(expr.And, bin(expr.Gt, col(0, tInt), lit(5, tInt), tBool), &expr.IsNull{X: col(1, tStr), Not: true}, tBool))
	row := []any{int32(10), "x"}
	if n := testing.AllocsPerRun(100, func() { _, _ = f(row) }); n != 0 {
		t.Errorf("filter allocates %v per row", n)
	}
}

// failing is a function call that always fails.
func failing(t *types.Type) *expr.Call {
	return &expr.Call{Name: "BOOM", T: t, Fn: func([]any) (any, error) { return nil, errors.New("boom") }}
}

func TestKsqlNullAndErrorSemantics(t *testing.T) {
	arrInt := types.ArrayOf(tInt)
	coalesce := &expr.Call{Name: "COALESCE", T: tInt, Args: []expr.Expr{failing(tInt), lit(int32(7), tInt)},
		Fn: func(a []any) (any, error) {
			for _, x := range a {
				if x != nil {
					return x, nil
				}
			}
			return nil, nil
		}}
	run(t, []tcase{
		// ksqlDB comparisons with a NULL operand are false, not NULL.
		{"lt null", bin(expr.Lt, col(0, tInt), col(1, tInt), tBool), []any{int32(1), nil}, false},
		{"gt bytes null", bin(expr.Gt, col(0, types.BytesType), col(1, types.BytesType), tBool), []any{nil, nil}, false},
		{"ne null literal", bin(expr.Ne, null(), null(), tBool), nil, false},
		{"eq failing call", bin(expr.Eq, failing(tInt), lit(int32(1), tInt), tBool), nil, false},
		{"array lt", bin(expr.Lt, col(0, arrInt), col(1, arrInt), tBool), nil, errWant{"Cannot compare C (ARRAY<INTEGER>) to C (ARRAY<INTEGER>) with LESS_THAN."}},
		// A failing function is NULL at its call site.
		{"coalesce of failing", coalesce, nil, int32(7)},
		{"failing call", failing(tInt), nil, errWant{"boom"}},
		// A failing constructor element is NULL; the value stands.
		{"array element error", &expr.ArrayCtor{Elems: []expr.Expr{lit(int32(44), tInt), failing(tInt)}, T: arrInt}, nil, "[44, null]"},
		{"map value error", &expr.MapCtor{Keys: []expr.Expr{lit("a", tStr), lit("b", tStr)}, Values: []expr.Expr{failing(tInt), lit(int32(3), tInt)}, T: types.MapOf(tStr, tInt)}, nil, "{a=null, b=3}"},
		{"struct field error", &expr.StructCtor{Values: []expr.Expr{lit("moo", tStr), failing(tInt)}, T: types.StructOf(types.Field{Name: "A", Type: tStr}, types.Field{Name: "B", Type: tInt})}, nil, "Struct{moo, null}"},
		// A NULL map key is kept (serialized as "null").
		{"map null key", &expr.MapCtor{Keys: []expr.Expr{lit("a", tStr), lit(nil, tStr)}, Values: []expr.Expr{lit(int32(1), tInt), lit(int32(2), tInt)}, T: types.MapOf(tStr, tInt)}, nil, "{a=1, null=2}"},
	})
}
