package udaf

import (
	"sort"

	"github.com/eddysql/eddy/planner/types"
)

func registerHistogram(r *Registry) {
	r.register("HISTOGRAM", &spec{
		structured: true,
		undo:       true,
		ret: func(c *call) (*types.Type, error) {
			if !arity(c, 1, 0) || c.args[0].Kind != types.KindString {
				return nil, c.errParams()
			}
			return types.MapOf(types.StringType, types.BigintType), nil
		},
		build: func(c *call) (Aggregator, error) { return histAgg{}, nil },
	})
}

// histLimit is ksqlDB's fixed cap on distinct histogram keys.
const histLimit = 1000

// histAgg is HISTOGRAM(string) -> MAP<STRING, BIGINT>: value counts, at
// most 1000 distinct keys (later new keys are ignored). NULL values are
// ignored (a MAP cannot hold a NULL key here). Undo decrements and drops
// keys reaching zero. The accumulator is map[string]int64.
type histAgg struct{}

func (histAgg) Init() any { return map[string]int64{} }

func (histAgg) fold(acc any, args []any, d int64) (any, error) {
	m, ok := acc.(map[string]int64)
	if !ok {
		return acc, badAcc("HISTOGRAM", acc)
	}
	if len(args) == 0 || args[0] == nil {
		return m, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return acc, badValue("HISTOGRAM", types.StringType, args[0])
	}
	n, present := m[s]
	switch {
	case d > 0 && (present || len(m) < histLimit):
		m[s] = n + 1
	case d < 0 && present:
		if n <= 1 {
			delete(m, s)
		} else {
			m[s] = n - 1
		}
	}
	return m, nil
}

func (h histAgg) Add(acc any, args []any) (any, error)  { return h.fold(acc, args, 1) }
func (h histAgg) Undo(acc any, args []any) (any, error) { return h.fold(acc, args, -1) }

func (histAgg) Merge(x, y any) (any, error) {
	m1, ok1 := x.(map[string]int64)
	m2, ok2 := y.(map[string]int64)
	if !ok1 || !ok2 {
		return x, badAcc("HISTOGRAM", x)
	}
	for _, k := range sortedKeys(m2) {
		if _, ok := m1[k]; ok || len(m1) < histLimit {
			m1[k] += m2[k]
		}
	}
	return m1, nil
}

func (histAgg) Result(acc any) (any, error) {
	m, ok := acc.(map[string]int64)
	if !ok {
		return nil, badAcc("HISTOGRAM", acc)
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out, nil
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (h histAgg) Encode(acc any) ([]byte, error) { return h.AppendEncode(nil, acc) }

func (histAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	m, ok := acc.(map[string]int64)
	if !ok {
		return nil, badAcc("HISTOGRAM", acc)
	}
	dst = appendUvarint(dst, uint64(len(m)))
	for _, k := range sortedKeys(m) {
		dst = appendString(dst, k)
		dst = appendVarint(dst, m[k])
	}
	return dst, nil
}

func (histAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	n := r.count()
	m := make(map[string]int64, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.str()
		m[k] = r.varint()
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return m, nil
}
