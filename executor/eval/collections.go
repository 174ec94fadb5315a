package eval

import (
	"fmt"

	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

func compileSubscript(e *expr.Subscript) (ev, error) {
	x, err := compile(e.X)
	if err != nil {
		return nil, err
	}
	idx, err := compile(e.Index)
	if err != nil {
		return nil, err
	}
	switch e.X.Type().Kind {
	case types.KindArray:
		return func(row []any, fr *frame) (any, error) {
			a, i, ok, err := both(x, idx, row, fr)
			if !ok {
				return nil, err
			}
			arr := a.([]any)
			var n int64
			switch v := i.(type) {
			case int32:
				n = int64(v)
			case int64:
				n = v
			default:
				return nil, fmt.Errorf("array index must be an integer, got %T", i)
			}
			switch {
			case n > 0 && n <= int64(len(arr)):
				return arr[n-1], nil
			case n < 0 && -n <= int64(len(arr)):
				return arr[int64(len(arr))+n], nil
			}
			return nil, nil
		}, nil
	case types.KindMap:
		return func(row []any, fr *frame) (any, error) {
			m, k, ok, err := both(x, idx, row, fr)
			if !ok {
				return nil, err
			}
			ks, ok := k.(string)
			if !ok {
				ks = types.FormatValue(k)
			}
			return m.(map[string]any)[ks], nil
		}, nil
	}
	return nil, fmt.Errorf("cannot subscript %s", e.X.Type())
}

func compileField(e *expr.Field) (ev, error) {
	x, err := compile(e.X)
	if err != nil {
		return nil, err
	}
	i := e.Index
	if i < 0 {
		if t := e.X.Type(); t != nil {
			i = t.FieldIndex(e.Name)
		}
		if i < 0 {
			return nil, fmt.Errorf("unknown field %s", e.Name)
		}
	}
	return func(row []any, fr *frame) (any, error) {
		v, err := x(row, fr)
		if v == nil || err != nil {
			return nil, err
		}
		s := v.(types.StructValue)
		if i >= len(s) {
			return nil, nil
		}
		return s[i], nil
	}, nil
}

func compileList(es []expr.Expr, to func(i int) *types.Type) ([]ev, error) {
	out := make([]ev, len(es))
	for i, e := range es {
		f, err := compile(e)
		if err != nil {
			return nil, err
		}
		if t := to(i); t != nil && !e.Type().Equal(t) && e.Type().Kind != types.KindNull {
			if f, err = compileCast(f, e.Type(), t); err != nil {
				return nil, err
			}
		}
		out[i] = f
	}
	return out, nil
}

func compileArrayCtor(e *expr.ArrayCtor) (ev, error) {
	var et *types.Type
	if e.T != nil {
		et = e.T.Elem
	}
	elems, err := compileList(e.Elems, func(int) *types.Type { return et })
	if err != nil {
		return nil, err
	}
	return func(row []any, fr *frame) (any, error) {
		out := make([]any, len(elems))
		var first error
		for i, f := range elems {
			v, err := f(row, fr)
			if err != nil {
				// As ksqlDB: a failing element is NULL, the array stands.
				v, first = nil, firstErr(first, err)
			}
			out[i] = v
		}
		return out, first
	}, nil
}

func compileMapCtor(e *expr.MapCtor) (ev, error) {
	var kt, vt *types.Type
	if e.T != nil {
		kt, vt = e.T.Key, e.T.Value
	}
	keys, err := compileList(e.Keys, func(int) *types.Type { return kt })
	if err != nil {
		return nil, err
	}
	vals, err := compileList(e.Values, func(int) *types.Type { return vt })
	if err != nil {
		return nil, err
	}
	return func(row []any, fr *frame) (any, error) {
		out := make(map[string]any, len(keys))
		var first error
		for i, kf := range keys {
			k, err := kf(row, fr)
			if err != nil {
				k, first = nil, firstErr(first, err)
			}
			v, err := vals[i](row, fr)
			if err != nil {
				// As ksqlDB: a failing entry value is NULL.
				v, first = nil, firstErr(first, err)
			}
			// ksqlDB's maps (Java HashMaps) keep a NULL key, which the
			// serializers write as "null".
			ks, ok := k.(string)
			if !ok {
				ks = types.FormatValue(k)
			}
			out[ks] = v
		}
		return out, first
	}, nil
}

func compileStructCtor(e *expr.StructCtor) (ev, error) {
	vals, err := compileList(e.Values, func(i int) *types.Type {
		if e.T != nil && i < len(e.T.Fields) {
			return e.T.Fields[i].Type
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func(row []any, fr *frame) (any, error) {
		out := make(types.StructValue, len(vals))
		var first error
		for i, f := range vals {
			v, err := f(row, fr)
			if err != nil {
				// As ksqlDB: a failing field is NULL, the struct stands.
				v, first = nil, firstErr(first, err)
			}
			out[i] = v
		}
		return out, first
	}, nil
}

// firstErr keeps the first error of a constructor's elements, as a soft
// error: the constructed value is still produced.
func firstErr(first, err error) error {
	if first != nil {
		return first
	}
	return soft(err)
}
