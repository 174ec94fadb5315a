package udf

import (
	"fmt"
	"regexp"
	"unicode/utf16"

	"github.com/eddysql/eddy/planner/types"
)

var (
	tBool  = types.BooleanType
	tInt   = types.IntType
	tBig   = types.BigintType
	tDbl   = types.DoubleType
	tStr   = types.StringType
	tBytes = types.BytesType
	tDate  = types.DateType
	tTime  = types.TimeType
	tTs    = types.TimestampType
	tNull  = types.NullType
	tUnit  = types.UnitType
)

// lambdaType builds the type of a lambda argument for examples.
func lambdaType(ret *types.Type, params ...*types.Type) *types.Type {
	fs := make([]types.Field, 0, len(params)+1)
	for i, p := range params {
		fs = append(fs, types.Field{Name: fmt.Sprintf("P%d", i), Type: p})
	}
	fs = append(fs, types.Field{Name: "RETURN", Type: ret})
	return &types.Type{Kind: types.KindLambda, Fields: fs}
}

// LambdaFunc is the runtime value of a lambda argument.
type LambdaFunc = func(args ...any) (any, error)

func errf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// regexp compiles a pattern once per registry.
func (r *Registry) regexp(p string) (*regexp.Regexp, error) {
	if re, ok := r.regexps.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	r.regexps.Store(p, re)
	return re, nil
}

func i64(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	}
	panic(fmt.Sprintf("not an integer: %T", v))
}

func ret(t *types.Type) *Param { return pc(t) }

func ts(t ...*types.Type) []*types.Type { return t }

func arrOf(e *types.Type) *types.Type    { return types.ArrayOf(e) }
func mapOf(k, v *types.Type) *types.Type { return types.MapOf(k, v) }

func utf16Decode(u []uint16) []rune { return utf16.Decode(u) }
