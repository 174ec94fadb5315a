package udf

import (
	"strings"
	"testing"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

func inferType(v any) *types.Type {
	switch x := v.(type) {
	case nil:
		return types.NullType
	case bool:
		return types.BooleanType
	case int32:
		return types.IntType
	case int64:
		return types.BigintType
	case float64:
		return types.DoubleType
	case decimal.Decimal:
		s := max(int(-x.Exponent()), 0)
		return types.DecimalOf(max(len(x.Coefficient().String())+max(int(x.Exponent()), 0), s, 1), s)
	case string:
		return types.StringType
	case []byte:
		return types.BytesType
	case types.Date:
		return types.DateType
	case types.Time:
		return types.TimeType
	case types.Timestamp:
		return types.TimestampType
	case []any:
		for _, e := range x {
			if e != nil {
				return types.ArrayOf(inferType(e))
			}
		}
		return types.ArrayOf(types.StringType)
	case map[string]any:
		for _, e := range x {
			if e != nil {
				return types.MapOf(types.StringType, inferType(e))
			}
		}
		return types.MapOf(types.StringType, types.StringType)
	}
	return nil
}

// castArg applies the implicit numeric widening the planner would insert.
func castArg(v any, t *types.Type) any {
	if v == nil || t == nil {
		return v
	}
	switch t.Kind {
	case types.KindBigint:
		if x, ok := v.(int32); ok {
			return int64(x)
		}
	case types.KindDouble:
		if f, ok := types.ToFloat64(v); ok {
			return f
		}
	case types.KindDecimal:
		if i, ok := types.ToInt64(v); ok {
			return decimal.NewFromInt(i)
		}
	case types.KindArray:
		if arr, ok := v.([]any); ok {
			out := make([]any, len(arr))
			for i, e := range arr {
				out[i] = castArg(e, t.Elem)
			}
			return out
		}
	}
	return v
}

func TestExamples(t *testing.T) {
	r := NewRegistry()
	n := 0
	for _, f := range r.Functions() {
		if len(f.Examples) == 0 {
			t.Errorf("%s has no example", f.Name)
		}
		if f.Description == "" {
			t.Errorf("%s has no description", f.Name)
		}
		for _, e := range f.Examples {
			n++
			ts := e.Types
			if ts == nil {
				for _, a := range e.Args {
					ts = append(ts, inferType(a))
				}
			}
			var res *Resolved
			var err error
			switch f.Kind {
			case Scalar:
				res, err = r.ResolveScalar(f.Name, ts)
			case Table:
				res, err = r.ResolveTable(f.Name, ts)
			case Aggregate:
				res, err = r.ResolveAggregate(f.Name, ts)
			}
			if err != nil {
				t.Errorf("%s: resolve: %v", e.SQL, err)
				continue
			}
			if f.Kind == Aggregate {
				if got := res.Return.SQLName(); got != e.Result {
					t.Errorf("%s: return type %s, want %s", e.SQL, got, e.Result)
				}
				continue
			}
			args := make([]any, len(e.Args))
			for i, a := range e.Args {
				args[i] = castArg(a, res.ParamTypes[i])
			}
			got, err := res.Fn(args)
			if err != nil {
				t.Errorf("%s: %v", e.SQL, err)
				continue
			}
			if e.Volatile {
				continue
			}
			if s := types.FormatValue(got); s != e.Result {
				t.Errorf("%s = %s, want %s", e.SQL, s, e.Result)
			}
		}
	}
	t.Logf("%d functions, %d examples", len(r.Functions()), n)
}

func TestResolveErrors(t *testing.T) {
	r := NewRegistry()
	cases := []struct {
		name string
		args []*types.Type
		want string
	}{
		{"ABS", []*types.Type{tStr}, "Function 'Abs' does not accept parameters (STRING)."},
		{"GREATEST", []*types.Type{tInt, tBig, types.DecimalOf(50, 30)}, "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT, DECIMAL(50, 30))."},
		{"LEAST", []*types.Type{tNull, tNull, tNull, tNull}, "Function 'least' cannot be resolved due to ambiguous method parameters (null, null, null, null)."},
		{"LEAST", []*types.Type{tStr, tInt}, "Function 'least' does not accept parameters (STRING, INTEGER)."},
		{"TIMEADD", []*types.Type{tTime, tInt, tTime}, "Function 'timeadd' does not accept parameters (TIME, INTEGER, TIME)."},
		{"GEO_DISTANCE", []*types.Type{tDbl, tDbl, tStr, tInt}, "Function 'geo_distance' does not accept parameters"},
		{"COALESCE", nil, "Function 'COALESCE' does not accept parameters ()"},
		{"foo", nil, "Can't find any functions with the name 'foo'"},
		{"greatest", []*types.Type{tInt, tBig}, "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT)."},
		{"greatest", []*types.Type{tNull, tNull}, "ambiguous method parameters (null, null)"},
		{"greatest", nil, "Function 'greatest' does not accept parameters ()."},
		{"dateadd", []*types.Type{tDate, tInt, tDate}, "Function 'dateadd' does not accept parameters (DATE, INTEGER, DATE)."},
		{"COUNT", []*types.Type{tInt}, "is an aggregate function"},
	}
	for _, c := range cases {
		_, err := r.ResolveScalar(c.name, c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s%v: got %v, want %q", c.name, c.args, err, c.want)
		}
	}
}

func TestResolveCasts(t *testing.T) {
	r := NewRegistry()
	cases := []struct {
		name   string
		args   []*types.Type
		ret    string
		params string
	}{
		{"SQRT", []*types.Type{tInt}, "DOUBLE", "[DOUBLE]"},
		{"ABS", []*types.Type{tInt}, "INTEGER", "[INTEGER]"},
		{"ABS", []*types.Type{types.DecimalOf(4, 2)}, "DECIMAL(4, 2)", "[DECIMAL(4, 2)]"},
		{"ROUND", []*types.Type{tDbl}, "BIGINT", "[DOUBLE]"},
		{"ROUND", []*types.Type{types.DecimalOf(33, 16)}, "DECIMAL(17, 0)", "[DECIMAL(33, 16)]"},
		{"ROUND", []*types.Type{tDbl, tInt}, "DOUBLE", "[DOUBLE INTEGER]"},
		{"GREATEST", []*types.Type{tInt, tBig, types.DecimalOf(5, 2), tDbl, tNull}, "DOUBLE", "[DOUBLE DOUBLE DOUBLE DOUBLE DOUBLE]"},
		{"GREATEST", []*types.Type{types.DecimalOf(9, 2), types.DecimalOf(7, 6)}, "DECIMAL(13, 6)", "[DECIMAL(9, 2) DECIMAL(7, 6)]"},
		{"GREATEST", []*types.Type{types.DecimalOf(9, 3), types.DecimalOf(9, 3), tNull}, "DECIMAL(9, 3)", "[DECIMAL(9, 3) DECIMAL(9, 3) NULL]"},
		{"GREATEST", []*types.Type{tDate, tDate, tNull, tStr}, "DATE", "[DATE DATE DATE DATE]"},
		{"LEAST", []*types.Type{tTs, tStr}, "TIMESTAMP", "[TIMESTAMP TIMESTAMP]"},
		{"GREATEST", []*types.Type{tInt, tInt, tNull}, "INTEGER", "[INTEGER INTEGER INTEGER]"},
		{"CONCAT", []*types.Type{tStr, tNull, tStr}, "STRING", "[STRING STRING STRING]"},
		{"COALESCE", []*types.Type{tNull, tInt, tBig}, "BIGINT", "[BIGINT BIGINT BIGINT]"},
		{"ARRAY_UNION", []*types.Type{arrOf(tInt), arrOf(tBig)}, "ARRAY<BIGINT>", "[ARRAY<BIGINT> ARRAY<BIGINT>]"},
		{"ARRAY_CONTAINS", []*types.Type{arrOf(tStr), tStr}, "BOOLEAN", "[ARRAY<STRING> STRING]"},
		{"MAP_KEYS", []*types.Type{mapOf(tStr, tDbl)}, "ARRAY<STRING>", "[MAP<STRING, DOUBLE>]"},
		{"TIMESTAMPADD", []*types.Type{tUnit, tInt, tTs}, "TIMESTAMP", "[INTERVALUNIT BIGINT TIMESTAMP]"},
		{"TRANSFORM", []*types.Type{arrOf(tInt), lambdaType(tStr, tInt)}, "ARRAY<STRING>", "[ARRAY<INTEGER> LAMBDA]"},
		{"TRANSFORM", []*types.Type{mapOf(tStr, tInt), lambdaType(tStr, tStr, tInt), lambdaType(tDbl, tStr, tInt)}, "MAP<STRING, DOUBLE>", "[MAP<STRING, INTEGER> LAMBDA LAMBDA]"},
		{"REDUCE", []*types.Type{arrOf(tInt), tBig, lambdaType(tBig, tBig, tInt)}, "BIGINT", "[ARRAY<INTEGER> BIGINT LAMBDA]"},
		{"FILTER", []*types.Type{arrOf(tInt), lambdaType(tBool, tInt)}, "ARRAY<INTEGER>", "[ARRAY<INTEGER> LAMBDA]"},
	}
	for _, c := range cases {
		res, err := r.ResolveScalar(c.name, c.args)
		if err != nil {
			t.Errorf("%s%v: %v", c.name, c.args, err)
			continue
		}
		var ps []string
		for _, p := range res.ParamTypes {
			if p.Kind == types.KindLambda {
				ps = append(ps, "LAMBDA")
			} else {
				ps = append(ps, p.String())
			}
		}
		if got := "[" + strings.Join(ps, " ") + "]"; res.Return.String() != c.ret || got != c.params {
			t.Errorf("%s%v = %s %s, want %s %s", c.name, c.args, res.Return, got, c.ret, c.params)
		}
	}
	if _, err := r.ResolveScalar("REDUCE", []*types.Type{arrOf(tBig), tInt, lambdaType(tBig, tInt, tBig)}); err == nil {
		t.Errorf("REDUCE with state INT and BIGINT body should fail")
	}
}

func TestLambdaParamTypes(t *testing.T) {
	r := NewRegistry()
	cases := []struct {
		name string
		args []*types.Type
		idx  int
		want string
	}{
		{"TRANSFORM", []*types.Type{arrOf(tInt), nil}, 1, "[INTEGER]"},
		{"transform", []*types.Type{mapOf(tStr, arrOf(tInt)), nil, nil}, 2, "[STRING ARRAY<INTEGER>]"},
		{"REDUCE", []*types.Type{arrOf(tInt), tBig, nil}, 2, "[BIGINT INTEGER]"},
		{"REDUCE", []*types.Type{mapOf(tStr, tDbl), tDbl, nil}, 2, "[DOUBLE STRING DOUBLE]"},
		{"FILTER", []*types.Type{mapOf(tStr, tInt), nil}, 1, "[STRING INTEGER]"},
	}
	for _, c := range cases {
		got, err := r.LambdaParamTypes(c.name, c.args, c.idx)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var ps []string
		for _, p := range got {
			ps = append(ps, p.String())
		}
		if s := "[" + strings.Join(ps, " ") + "]"; s != c.want {
			t.Errorf("%s%v[%d] = %s, want %s", c.name, c.args, c.idx, s, c.want)
		}
	}
	if _, err := r.LambdaParamTypes("TRANSFORM", []*types.Type{tStr, nil}, 1); err == nil {
		t.Errorf("TRANSFORM(STRING, lambda) should fail")
	}
}

func TestLookup(t *testing.T) {
	r := NewRegistry()
	for _, n := range []string{"count", "Sum", "EXPLODE", "ucase"} {
		if _, ok := r.Lookup(n); !ok {
			t.Errorf("missing %s", n)
		}
	}
	f, _ := r.Lookup("topk")
	if f.Kind != Aggregate {
		t.Errorf("TOPK kind %v", f.Kind)
	}
}

func TestKsqlEdgeCases(t *testing.T) {
	r := NewRegistry()
	cases := []struct {
		name string
		args []any
		ts   []*types.Type
		want string
	}{
		{"SPLIT", []any{"", ""}, []*types.Type{tStr, tStr}, "[]"},
		{"SPLIT", []any{"", "."}, []*types.Type{tStr, tStr}, "[]"},
		{"SPLIT", []any{[]byte{}, []byte{}}, []*types.Type{tBytes, tBytes}, "[]"},
		{"LPAD", []any{[]byte("yes"), int32(3), []byte{}}, []*types.Type{tBytes, tInt, tBytes}, "null"},
		{"RPAD", []any{[]byte("yes"), int32(2), []byte{}}, []*types.Type{tBytes, tInt, tBytes}, "null"},
		{"TRUNC", []any{decimal.RequireFromString("1.2345670"), int32(1)}, []*types.Type{types.DecimalOf(12, 7), tInt}, "1.2000000"},
		{"TRUNC", []any{decimal.RequireFromString("-12345.6780000"), int32(2)}, []*types.Type{types.DecimalOf(12, 7), tInt}, "-12345.6700000"},
		{"TRUNC", []any{decimal.RequireFromString("111.0000000"), int32(-2)}, []*types.Type{types.DecimalOf(12, 7), tInt}, "100.0000000"},
		{"AS_VALUE", []any{int64(7)}, []*types.Type{tBig}, "7"},
		{"AS_VALUE", []any{nil}, []*types.Type{tStr}, "null"},
		{"GREATEST", []any{types.Date(19071), nil, types.Date(19157)}, []*types.Type{tDate, tNull, tDate}, "2022-06-14"},
	}
	for _, c := range cases {
		res, err := r.ResolveScalar(c.name, c.ts)
		if err != nil {
			t.Errorf("%s%v: %v", c.name, c.ts, err)
			continue
		}
		got, err := res.Fn(c.args)
		if err != nil {
			t.Errorf("%s%v: %v", c.name, c.args, err)
			continue
		}
		// SPLIT of an empty input is one empty element, printed as [].
		if s := types.FormatValue(got); s != c.want {
			t.Errorf("%s%v = %s, want %s", c.name, c.args, s, c.want)
		}
		if c.name == "SPLIT" && len(got.([]any)) != 1 {
			t.Errorf("%s%v has %d elements, want 1", c.name, c.args, len(got.([]any)))
		}
	}
}

func TestEncodeHexForms(t *testing.T) {
	r := NewRegistry()
	res, err := r.ResolveScalar("ENCODE", []*types.Type{tStr, tStr, tStr})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in   string
		want string // "error" when ENCODE must fail (the row gets null)
	}{
		{"4578616d706C6521", "Example!"},
		{"0x4578616d706C6521", "Example!"},
		{"X'4578616d706C6521'", "Example!"},
		{"x''", ""},
		{"0x", ""},
		{"0x578616d706C6521", "\x05xample!"},
		{"578616d706C6521", "error"},
		{"x'578616d706C6521'", "error"},
		{"x'4578616d706C6521", "error"},
		{"X'", "error"},
		{"0x0x", "error"},
	}
	for _, c := range cases {
		got, err := res.Fn([]any{c.in, "hex", "utf8"})
		switch {
		case c.want == "error" && err == nil:
			t.Errorf("ENCODE(%q) = %q, want an error", c.in, got)
		case c.want != "error" && (err != nil || got != c.want):
			t.Errorf("ENCODE(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestUserSignatures resolves the parameter kinds user functions can use:
// a variadic type variable binds one type, a variadic AnyParam takes mixed
// types, and messages print the declared name.
func TestUserSignatures(t *testing.T) {
	r := NewRegistry()
	a := TypeVar("A")
	f := &Function{Name: "my_agg", Display: "MY_AGG", Kind: Aggregate, Signatures: []*Signature{
		{Params: []*Param{a, a}, Variadic: true, Ret: ArrayParam(a), CallOnNull: true},
		{Params: []*Param{ParamOf(types.IntType), AnyParam()}, Variadic: true, Ret: MapParam(ParamOf(types.StringType), ParamOf(types.IntType)), CallOnNull: true},
	}}
	if err := r.RegisterUser(f); err != nil {
		t.Fatal(err)
	}
	res, err := r.ResolveAggregate("MY_AGG", []*types.Type{types.DoubleType, types.DoubleType, types.DoubleType})
	if err != nil || res.Return.String() != "ARRAY<DOUBLE>" {
		t.Fatalf("type variable: %v %v", res, err)
	}
	res, err = r.ResolveAggregate("MY_AGG", []*types.Type{types.IntType, types.StringType, types.BooleanType})
	if err != nil || res.Return.String() != "MAP<STRING, INTEGER>" || res.ParamTypes[2] != types.BooleanType {
		t.Fatalf("any: %+v %v", res, err)
	}
	_, err = r.ResolveAggregate("MY_AGG", []*types.Type{types.DoubleType, types.StringType, types.BooleanType})
	if err == nil || !strings.HasPrefix(err.Error(), "Function 'MY_AGG' does not accept parameters (DOUBLE, STRING, BOOLEAN).") {
		t.Fatalf("mismatch: %v", err)
	}
}
