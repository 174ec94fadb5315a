package udaf

import (
	"github.com/eddysql/eddy/planner/types"
)

func registerMinMax(r *Registry) {
	for _, name := range []string{"MIN", "MAX"} {
		max := name == "MAX"
		r.register(name, &spec{
			ret: func(c *call) (*types.Type, error) {
				if !arity(c, 1, 0) || !isComparable(c.args[0]) {
					return nil, c.errParams()
				}
				return c.args[0], nil
			},
			build: func(c *call) (Aggregator, error) {
				return &minMaxAgg{name: c.name, t: c.ret, max: max}, nil
			},
		})
	}
}

// minMaxAgg is MIN/MAX over INT, BIGINT, DOUBLE, DECIMAL, STRING, BYTES,
// DATE, TIME and TIMESTAMP. NULLs are ignored; the result is NULL until a
// non-NULL value arrives. The accumulator is the current extreme (or nil).
// No undo: ksqlDB rejects MIN/MAX over tables.
type minMaxAgg struct {
	noUndo
	name string
	t    *types.Type
	max  bool
}

func (a *minMaxAgg) Init() any { return nil }

func (a *minMaxAgg) pick(cur, v any) (any, error) {
	if v == nil {
		return cur, nil
	}
	if cur == nil {
		if !valueOfKind(a.t, v) {
			return cur, badValue(a.name, a.t, v)
		}
		return v, nil
	}
	c, err := types.CompareValues(v, cur)
	if err != nil || !valueOfKind(a.t, v) {
		return cur, badValue(a.name, a.t, v)
	}
	if (a.max && c > 0) || (!a.max && c < 0) {
		return v, nil
	}
	return cur, nil
}

func (a *minMaxAgg) Add(acc any, args []any) (any, error) {
	if len(args) == 0 {
		return acc, nil
	}
	return a.pick(acc, args[0])
}

func (a *minMaxAgg) Merge(x, y any) (any, error) { return a.pick(x, y) }

func (a *minMaxAgg) Result(acc any) (any, error) { return acc, nil }

func (a *minMaxAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *minMaxAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	return appendValue(dst, a.t, acc)
}

func (a *minMaxAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	v := r.value(a.t)
	if err := r.done(); err != nil {
		return nil, err
	}
	return v, nil
}

// valueOfKind checks a primitive runtime value against its type.
func valueOfKind(t *types.Type, v any) bool {
	var ok bool
	switch t.Kind {
	case types.KindBoolean:
		_, ok = v.(bool)
	case types.KindInt:
		_, ok = v.(int32)
	case types.KindBigint:
		_, ok = v.(int64)
	case types.KindDouble:
		_, ok = v.(float64)
	case types.KindDecimal:
		_, ok = v.(decimalT)
	case types.KindString:
		_, ok = v.(string)
	case types.KindBytes:
		_, ok = v.([]byte)
	case types.KindDate:
		_, ok = v.(types.Date)
	case types.KindTime:
		_, ok = v.(types.Time)
	case types.KindTimestamp:
		_, ok = v.(types.Timestamp)
	case types.KindArray:
		_, ok = v.([]any)
	case types.KindMap:
		_, ok = v.(map[string]any)
	case types.KindStruct:
		_, ok = v.(types.StructValue)
	}
	return ok
}
