package conformance

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf"
	"github.com/eddysql/eddy/udf/udaf"
)

// This file holds the corpus's test-only functions (TEST_UDF, BAD_UDF,
// TEST_UDAF, GENERIC_VAR_ARG, OBJ_COL_ARG, ...). They are Java classes in
// ksqlDB's own test sources, on the classpath its query-validation tests
// run with, not functions ksqlDB ships; Eddy does not ship them either. The
// drivers register them, through the API that user-defined functions use,
// in each case's engine, as ksqlDB's harness does. Their behaviour is that
// of the Java classes as the corpus's expected outputs show it.

var (
	pInt     = udf.ParamOf(types.IntType)
	pBig     = udf.ParamOf(types.BigintType)
	pDbl     = udf.ParamOf(types.DoubleType)
	pBool    = udf.ParamOf(types.BooleanType)
	pStr     = udf.ParamOf(types.StringType)
	structA  = types.StructOf(types.Field{Name: "A", Type: types.StringType})
	structAB = types.StructOf(types.Field{Name: "A", Type: types.IntType}, types.Field{Name: "B", Type: types.IntType})
)

// registerTestFunctions adds the test-only functions to a registry.
func registerTestFunctions(r *udf.Registry) error {
	konst := func(v any) udf.Impl { return func([]any) (any, error) { return v, nil } }
	sig := func(ret *udf.Param, fn udf.Impl, params ...*udf.Param) *udf.Signature {
		return &udf.Signature{Params: params, Ret: ret, Fn: fn, CallOnNull: true}
	}
	variadic := func(s *udf.Signature) *udf.Signature { s.Variadic = true; return s }
	var calls sync.Mutex
	count := 0
	scalars := []*udf.Function{
		{Name: "TEST_UDF", Signatures: []*udf.Signature{
			sig(pStr, konst("doStuffIntString"), pInt, pStr),
			sig(pStr, konst("doStuffLongString"), pBig, pStr),
			sig(pStr, konst("doStuffLongLongString"), pBig, pBig, pStr),
			variadic(sig(pStr, konst("doStuffLongVarargs"), pBig)),
			sig(pStr, func(a []any) (any, error) {
				if s, ok := a[0].(types.StructValue); ok && len(s) > 0 {
					return s[0], nil
				}
				return nil, nil
			}, udf.ParamOf(structA)),
			sig(udf.ParamOf(structA), konst(types.StructValue{"foo"})),
		}},
		{Name: "BAD_UDF", Signatures: []*udf.Signature{
			sig(pStr, func([]any) (any, error) { return nil, errors.New("boom!") }, pInt),
			sig(pInt, func(a []any) (any, error) {
				if b, _ := a[0].(bool); b {
					return nil, errors.New("You asked me to throw...")
				}
				return int32(0), nil
			}, pBool),
			// Every other call returns NULL.
			sig(pStr, func(a []any) (any, error) {
				calls.Lock()
				defer calls.Unlock()
				if count++; count%2 == 1 {
					return nil, nil
				}
				return a[0], nil
			}, pStr),
		}},
		{Name: "WHENCONDITION", Signatures: []*udf.Signature{sig(pBool, whenEvaluated, pBool, pBool)}},
		{Name: "WHENRESULT", Signatures: []*udf.Signature{sig(pInt, whenEvaluated, pInt, pBool)}},
		{Name: "TOSTRUCT", Signatures: []*udf.Signature{sig(udf.ParamOf(structA), func(a []any) (any, error) {
			return types.StructValue{a[0]}, nil
		}, pStr)}},
	}
	for _, f := range scalars {
		f.Kind, f.Display = udf.Scalar, f.Name
		if err := r.Register(f); err != nil {
			return err
		}
	}
	if err := registerTestTableFunctions(r, sig); err != nil {
		return err
	}
	a, b, c := udf.TypeVar("A"), udf.TypeVar("B"), udf.TypeVar("C")
	aggs := []struct {
		fn   *udf.Function
		impl udaf.UserAggregate
	}{
		{&udf.Function{Name: "TEST_UDAF", Signatures: []*udf.Signature{
			sig(pBig, nil, pBig), sig(pBig, nil, pInt), sig(pDbl, nil, pDbl), sig(udf.ParamOf(structAB), nil, udf.ParamOf(structAB)),
		}}, udaf.UserAggregate{Undo: true, Return: testUDAFReturn, New: newTestUDAF}},
		{&udf.Function{Name: "GENERIC_VAR_ARG", Signatures: []*udf.Signature{
			variadic(sig(udf.ArrayParam(a), nil, a, b, c)), sig(udf.ArrayParam(a), nil, a, b),
		}}, udaf.UserAggregate{Return: arrayOfFirst, New: newCollectIfAllSet}},
		{&udf.Function{Name: "OBJ_COL_ARG", Signatures: []*udf.Signature{
			variadic(sig(udf.ArrayParam(pInt), nil, pInt, udf.AnyParam())), sig(udf.ArrayParam(pInt), nil, pInt),
		}}, udaf.UserAggregate{Return: arrayOfFirst, New: newCollectIfAllSet}},
		// MID_VAR_ARG(BIGINT, STRING..., INT, INT): the two INT literals
		// set the start; each row adds its BIGINT and its strings' lengths.
		{&udf.Function{Name: "MID_VAR_ARG", Signatures: []*udf.Signature{
			{Params: []*udf.Param{pBig, pStr, pInt, pInt}, Variadic: true, Trailing: 2, Ret: pBig, CallOnNull: true},
		}}, udaf.UserAggregate{InitArgs: 2, Return: func([]*types.Type) (*types.Type, error) { return types.BigintType, nil },
			New: newMidVarArg}},
	}
	for _, g := range aggs {
		g.fn.Kind, g.fn.Display = udf.Aggregate, g.fn.Name
		if err := r.Register(g.fn); err != nil {
			return err
		}
		if err := r.Aggregates().RegisterUser(g.fn.Name, g.impl); err != nil {
			return err
		}
	}
	return nil
}

// registerTestTableFunctions adds TEST_UDTF and THROWING_UDTF. TEST_UDTF
// gives one row per argument (Java's text of it, or the first element or
// map value of it), or echoes a single argument; NULLs fail the row.
func registerTestTableFunctions(r *udf.Registry, sig func(*udf.Param, udf.Impl, ...*udf.Param) *udf.Signature) error {
	dec := udf.ParamOf(&types.Type{Kind: types.KindDecimal})
	scalars := []*udf.Param{pInt, pBig, pDbl, pBool, pStr, dec, udf.ParamOf(structA)}
	arrays := make([]*udf.Param, len(scalars))
	mapsOf := make([]*udf.Param, len(scalars))
	for i, p := range scalars {
		arrays[i] = udf.ArrayParam(p)
		mapsOf[i] = udf.MapParam(pStr, p)
	}
	// texts binds to the argument types so that decimals print at their
	// scale, as Java's BigDecimal does.
	texts := func(pick func(any) any, params []*udf.Param) *udf.Signature {
		return &udf.Signature{Params: params, Ret: pStr, CallOnNull: true, Bind: func(argTypes []*types.Type, _ *types.Type) udf.Impl {
			return func(args []any) (any, error) {
				out := make([]any, len(args))
				for i, a := range args {
					v := pick(a)
					if v == nil {
						return nil, errors.New("NULL argument")
					}
					out[i] = javaText(v, valueType(argTypes[i]))
				}
				return out, nil
			}
		}}
	}
	first := func(a any) any {
		switch x := a.(type) {
		case []any:
			if len(x) > 0 {
				return x[0]
			}
			return nil
		case map[string]any:
			keys := slices.Sorted(maps.Keys(x))
			if len(keys) > 0 {
				return x[keys[0]]
			}
			return nil
		}
		return a
	}
	echo := func(args []any) (any, error) {
		if args[0] == nil {
			return nil, errors.New("NULL argument")
		}
		return []any{args[0]}, nil
	}
	sigs := []*udf.Signature{
		texts(func(a any) any { return a }, scalars),
		texts(first, arrays),
		texts(first, mapsOf),
		sig(udf.ParamOf(types.DecimalOf(30, 10)), echo, dec),
	}
	for _, p := range []*udf.Param{pInt, pBig, pDbl, pBool, pStr, udf.ParamOf(structA)} {
		sigs = append(sigs, sig(p, echo, p))
	}
	for _, f := range []*udf.Function{
		{Name: "TEST_UDTF", Signatures: sigs},
		{Name: "THROWING_UDTF", Signatures: []*udf.Signature{sig(pBool, func(a []any) (any, error) {
			if t, _ := a[0].(bool); t {
				return nil, errors.New("You asked me to throw...")
			}
			return []any{a[0]}, nil
		}, pBool)}},
	} {
		f.Kind, f.Display = udf.Table, f.Name
		if err := r.Register(f); err != nil {
			return err
		}
	}
	return nil
}

// valueType is the type of an argument's values: its elements or map
// values for containers.
func valueType(t *types.Type) *types.Type {
	switch t.Kind {
	case types.KindArray:
		return t.Elem
	case types.KindMap:
		return t.Value
	}
	return t
}

// javaText is Java's toString of a value of type t as the corpus's UDTF
// prints it.
func javaText(v any, t *types.Type) string {
	switch x := v.(type) {
	case float64:
		return types.FormatDouble(x)
	case decimal.Decimal:
		return x.StringFixed(int32(t.Scale))
	case types.StructValue:
		return fmt.Sprintf("Struct{A=%v}", x[0])
	}
	return fmt.Sprint(v)
}

// whenEvaluated returns its first argument, failing when its second says
// that it should not have been evaluated (CASE must be lazy).
func whenEvaluated(a []any) (any, error) {
	if ok, _ := a[1].(bool); !ok {
		return nil, errors.New("should not be evaluated")
	}
	return a[0], nil
}

func testUDAFReturn(args []*types.Type) (*types.Type, error) {
	if len(args) != 1 {
		return nil, errors.New("TEST_UDAF takes one argument")
	}
	switch args[0].Kind {
	case types.KindInt, types.KindBigint:
		return types.BigintType, nil
	case types.KindDouble, types.KindStruct:
		return args[0], nil
	}
	return nil, fmt.Errorf("Type %s is not handled.", args[0])
}

// testUDAF sums its argument (field by field for structs); it has no NULL
// handling, as the Java class has none: a NULL fails the row.
type testUDAF struct{ t *types.Type }

func newTestUDAF(args []*types.Type, _ []any, ret *types.Type) (udaf.Aggregator, error) {
	return testUDAF{ret}, nil
}

func (u testUDAF) Init() any {
	switch u.t.Kind {
	case types.KindDouble:
		return 0.0
	case types.KindStruct:
		return types.StructValue{int32(0), int32(0)}
	}
	return int64(0)
}

func (u testUDAF) step(acc any, args []any, sign int) (any, error) {
	switch x := acc.(type) {
	case int64:
		switch v := args[0].(type) {
		case int32:
			return x + int64(sign)*int64(v), nil
		case int64:
			return x + int64(sign)*v, nil
		}
	case float64:
		if v, ok := args[0].(float64); ok {
			return x + float64(sign)*v, nil
		}
	case types.StructValue:
		v, ok := args[0].(types.StructValue)
		if !ok || len(v) != 2 || v[0] == nil || v[1] == nil {
			break
		}
		return types.StructValue{x[0].(int32) + int32(sign)*v[0].(int32), x[1].(int32) + int32(sign)*v[1].(int32)}, nil
	}
	return nil, fmt.Errorf("TEST_UDAF: cannot add %v", args[0])
}

func (u testUDAF) Add(acc any, args []any) (any, error)  { return u.step(acc, args, 1) }
func (u testUDAF) Undo(acc any, args []any) (any, error) { return u.step(acc, args, -1) }
func (u testUDAF) Merge(a, b any) (any, error)           { return u.step(a, []any{b}, 1) }
func (u testUDAF) Result(acc any) (any, error)           { return acc, nil }
func (u testUDAF) Encode(acc any) ([]byte, error)        { return udaf.EncodeValue(u.t, acc) }
func (u testUDAF) Decode(b []byte) (any, error)          { return udaf.DecodeValue(u.t, b) }

func arrayOfFirst(args []*types.Type) (*types.Type, error) {
	if len(args) == 0 {
		return nil, errors.New("no arguments")
	}
	return types.ArrayOf(args[0]), nil
}

// collectIfAllSet collects its first argument from the rows where no
// argument is NULL (GENERIC_VAR_ARG, OBJ_COL_ARG).
type collectIfAllSet struct{ t *types.Type }

func newCollectIfAllSet(_ []*types.Type, _ []any, ret *types.Type) (udaf.Aggregator, error) {
	return collectIfAllSet{ret}, nil
}

func (collectIfAllSet) Init() any { return []any{} }

func (collectIfAllSet) Add(acc any, args []any) (any, error) {
	if slices.Contains(args, nil) {
		return acc, nil
	}
	return append(slices.Clone(acc.([]any)), args[0]), nil
}

func (collectIfAllSet) Undo(acc any, _ []any) (any, error) { return acc, udaf.ErrNoUndo }

func (collectIfAllSet) Merge(a, b any) (any, error) {
	return append(slices.Clone(a.([]any)), b.([]any)...), nil
}

func (collectIfAllSet) Result(acc any) (any, error)      { return acc, nil }
func (c collectIfAllSet) Encode(acc any) ([]byte, error) { return udaf.EncodeValue(c.t, acc) }
func (c collectIfAllSet) Decode(b []byte) (any, error)   { return udaf.DecodeValue(c.t, b) }

// midVarArg is MID_VAR_ARG: a BIGINT sum that starts at the sum of its two
// init arguments and adds each row's number and string lengths.
type midVarArg struct{ start int64 }

func newMidVarArg(_ []*types.Type, init []any, _ *types.Type) (udaf.Aggregator, error) {
	var start int64
	for _, v := range init {
		n, ok := v.(int32)
		if !ok {
			return nil, fmt.Errorf("MID_VAR_ARG: init argument %v is not an INT", v)
		}
		start += int64(n)
	}
	return midVarArg{start}, nil
}

func (m midVarArg) Init() any { return m.start }

func (midVarArg) Add(acc any, args []any) (any, error) {
	sum := acc.(int64)
	for _, a := range args {
		switch v := a.(type) {
		case int64:
			sum += v
		case string:
			sum += int64(len(v))
		}
	}
	return sum, nil
}

func (midVarArg) Undo(acc any, _ []any) (any, error) { return acc, udaf.ErrNoUndo }
func (midVarArg) Merge(a, b any) (any, error)        { return a.(int64) + b.(int64), nil }
func (midVarArg) Result(acc any) (any, error)        { return acc, nil }
func (midVarArg) Encode(acc any) ([]byte, error)     { return udaf.EncodeValue(types.BigintType, acc) }
func (midVarArg) Decode(b []byte) (any, error)       { return udaf.DecodeValue(types.BigintType, b) }
