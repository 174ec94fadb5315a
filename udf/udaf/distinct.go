package udaf

import (
	"sort"

	"github.com/eddysql/eddy/planner/types"
)

func registerDistinct(r *Registry) {
	r.register("COUNT_DISTINCT", &spec{
		structured: true,
		ret: func(c *call) (*types.Type, error) {
			if !arity(c, 1, 0) || c.args[0].Kind == types.KindNull {
				return nil, c.errParams()
			}
			return types.BigintType, nil
		},
		build: func(c *call) (Aggregator, error) { return &distinctAgg{t: c.args[0]}, nil },
	})
}

// distinctAgg is COUNT_DISTINCT. ksqlDB estimates with HyperLogLog; this
// counts exactly (identical for small cardinalities). NULLs are ignored.
// The accumulator is a set (map[string]struct{}) of the values' canonical
// encodings, so equal values of any type count once. No undo.
type distinctAgg struct {
	noUndo
	t *types.Type
}

func (a *distinctAgg) Init() any { return map[string]struct{}{} }

func (a *distinctAgg) Add(acc any, args []any) (any, error) {
	m, ok := acc.(map[string]struct{})
	if !ok {
		return acc, badAcc("COUNT_DISTINCT", acc)
	}
	if len(args) == 0 || args[0] == nil {
		return m, nil
	}
	k, err := appendBody(nil, a.t, canonical(args[0]))
	if err != nil {
		return acc, err
	}
	if _, ok := m[string(k)]; !ok {
		m[string(k)] = struct{}{}
	}
	return m, nil
}

// canonical normalises values whose encoding is not unique (decimals
// 1.0 and 1.00).
func canonical(v any) any {
	if d, ok := v.(decimalT); ok {
		if d.IsZero() {
			return decimalT{}
		}
		for d.Exponent() < 0 && d.Coefficient().BitLen() > 0 {
			t := d.Truncate(-d.Exponent() - 1)
			if !t.Equal(d) {
				break
			}
			d = t
		}
		return d
	}
	return v
}

func (a *distinctAgg) Merge(x, y any) (any, error) {
	m1, ok1 := x.(map[string]struct{})
	m2, ok2 := y.(map[string]struct{})
	if !ok1 || !ok2 {
		return x, badAcc("COUNT_DISTINCT", x)
	}
	for k := range m2 {
		m1[k] = struct{}{}
	}
	return m1, nil
}

func (a *distinctAgg) Result(acc any) (any, error) {
	m, ok := acc.(map[string]struct{})
	if !ok {
		return nil, badAcc("COUNT_DISTINCT", acc)
	}
	return int64(len(m)), nil
}

func (a *distinctAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *distinctAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	m, ok := acc.(map[string]struct{})
	if !ok {
		return nil, badAcc("COUNT_DISTINCT", acc)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = appendUvarint(dst, uint64(len(keys)))
	for _, k := range keys {
		dst = appendString(dst, k)
	}
	return dst, nil
}

func (a *distinctAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	n := r.count()
	m := make(map[string]struct{}, n)
	for i := 0; i < n && r.err == nil; i++ {
		m[r.str()] = struct{}{}
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return m, nil
}
