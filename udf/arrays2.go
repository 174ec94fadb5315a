package udf

import (
	"sort"

	"github.com/eddysql/eddy/planner/types"
)

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func registerArrays2(r *Registry) {
	r.scalar("SLICE", "Elements from 1-based position from to to, inclusive (NULL bounds: the ends); NULL when out of range.", sigs(
		sig(pArrT, func(a []any) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			arr := a[0].([]any)
			start, end := 0, len(arr)
			if a[1] != nil {
				start = int(a[1].(int32)) - 1
			}
			if a[2] != nil {
				end = int(a[2].(int32))
			}
			if start < 0 || end > len(arr) || start > end {
				return nil, nil
			}
			return append([]any{}, arr[start:end]...), nil
		}, pArrT, pInt, pInt).onNull(),
	), ex("SLICE(ARRAY['a', 'b', 'c', 'd'], 2, 3)", "[b, c]", []any{"a", "b", "c", "d"}, int32(2), int32(3)))

	series := func(start, end, step int64) (any, error) {
		if step == 0 {
			return nil, errf("GENERATE_SERIES step cannot be zero")
		}
		if (end-start)*step < 0 {
			return nil, errf("GENERATE_SERIES step has wrong sign")
		}
		return start, nil
	}
	r.scalar("GENERATE_SERIES", "Array of integers from start to end inclusive, by step (default 1 or -1).", sigs(
		sig(ret(arrOf(tInt)), func(a []any) (any, error) { return genSeries(a, series, false) }, pInt, pInt),
		sig(ret(arrOf(tInt)), func(a []any) (any, error) { return genSeries(a, series, false) }, pInt, pInt, pInt),
		sig(ret(arrOf(tBig)), func(a []any) (any, error) { return genSeries(a, series, true) }, pBig, pBig),
		sig(ret(arrOf(tBig)), func(a []any) (any, error) { return genSeries(a, series, true) }, pBig, pBig, pBig),
	), ex("GENERATE_SERIES(1, 7, 3)", "[1, 4, 7]", int32(1), int32(7), int32(3)),
		ex("GENERATE_SERIES(3, 1)", "[3, 2, 1]", int32(3), int32(1)))

	r.scalar("ELT", "The n-th (1-based) of the following strings; NULL when out of range.", sigs(
		sig(pStr, func(a []any) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			n := int(a[0].(int32))
			if n < 1 || n >= len(a) {
				return nil, nil
			}
			return a[n], nil
		}, pInt, pStr).variadic().onNull(),
	), ex("ELT(2, 'a', 'b')", "b", int32(2), "a", "b"))
	r.scalar("FIELD", "1-based position of the first string among the following ones; 0 when absent or NULL.", sigs(
		sig(pInt, func(a []any) (any, error) {
			if a[0] == nil {
				return int32(0), nil
			}
			for i, x := range a[1:] {
				if x != nil && x.(string) == a[0].(string) {
					return int32(i + 1), nil
				}
			}
			return int32(0), nil
		}, pStr, pStr).variadic().onNull(),
	), ex("FIELD('hello', 'world', 'hello')", "2", "hello", "world", "hello"))
}

func genSeries(a []any, check func(int64, int64, int64) (any, error), big bool) (any, error) {
	start, end := i64(a[0]), i64(a[1])
	step := int64(1)
	if len(a) > 2 {
		step = i64(a[2])
	} else if end < start {
		step = -1
	}
	if _, err := check(start, end, step); err != nil {
		return nil, err
	}
	n := (end-start)/step + 1
	if n > 1<<24 {
		return nil, errf("GENERATE_SERIES would produce %d elements", n)
	}
	out := make([]any, 0, n)
	for v := start; (step > 0 && v <= end) || (step < 0 && v >= end); v += step {
		if big {
			out = append(out, v)
		} else {
			out = append(out, int32(v))
		}
	}
	return out, nil
}

func registerMaps(r *Registry) {
	r.scalar("MAP_KEYS", "Keys of a map (sorted).", sigs(
		sig(arrP(pK), func(a []any) (any, error) { return strs(sortedKeys(a[0].(map[string]any))), nil }, pMapKV),
	), ext("MAP_KEYS(MAP('b' := 1, 'a' := 2))", "[a, b]", ts(mapOf(tStr, tInt)), map[string]any{"b": int32(1), "a": int32(2)}))
	r.scalar("MAP_VALUES", "Values of a map (in sorted key order).", sigs(
		sig(arrP(pV), func(a []any) (any, error) {
			m := a[0].(map[string]any)
			out := make([]any, 0, len(m))
			for _, k := range sortedKeys(m) {
				out = append(out, m[k])
			}
			return out, nil
		}, pMapKV),
	), ext("MAP_VALUES(MAP('b' := 1, 'a' := 2))", "[2, 1]", ts(mapOf(tStr, tInt)), map[string]any{"b": int32(1), "a": int32(2)}))
	r.scalar("MAP_UNION", "Merges two maps; the second wins on duplicate keys; NULL maps count as empty.", sigs(
		sig(pMapKV, func(a []any) (any, error) {
			if a[0] == nil && a[1] == nil {
				return nil, nil
			}
			out := map[string]any{}
			for _, x := range a {
				if x != nil {
					for k, v := range x.(map[string]any) {
						out[k] = v
					}
				}
			}
			return out, nil
		}, pMapKV, pMapKV).onNull(),
	), ext("MAP_UNION(MAP('a' := 1), MAP('b' := 2))", "{a=1, b=2}", ts(mapOf(tStr, tInt), mapOf(tStr, tInt)), map[string]any{"a": int32(1)}, map[string]any{"b": int32(2)}))
	r.scalar("AS_MAP", "Builds a map from an array of keys and an array of values.", sigs(
		sig(mapP(pStr, pT), func(a []any) (any, error) {
			keys, vals := a[0].([]any), a[1].([]any)
			out := make(map[string]any, len(keys))
			for i, k := range keys {
				if k == nil {
					continue
				}
				var v any
				if i < len(vals) {
					v = vals[i]
				}
				out[k.(string)] = v
			}
			return out, nil
		}, arrP(pStr), pArrT),
	), ex("AS_MAP(ARRAY['a', 'b'], ARRAY[1, 2])", "{a=1, b=2}", []any{"a", "b"}, ia(1, 2)))
	r.scalar("ENTRIES", "Array of STRUCT<K, V> entries of a map, optionally sorted by key.", sigs(
		&Signature{Params: []*Param{mapP(pStr, pV), pBool}, ReturnFn: func(args []*types.Type) (*types.Type, error) {
			return arrOf(types.StructOf(types.Field{Name: "K", Type: tStr}, types.Field{Name: "V", Type: args[0].Value})), nil
		}, Fn: func(a []any) (any, error) {
			m := a[0].(map[string]any)
			out := make([]any, 0, len(m))
			for _, k := range sortedKeys(m) {
				out = append(out, types.StructValue{k, m[k]})
			}
			return out, nil
		}},
	), ext("ENTRIES(MAP('b' := 1, 'a' := 2), true)", "[Struct{a, 2}, Struct{b, 1}]", ts(mapOf(tStr, tInt), tBool), map[string]any{"b": int32(1), "a": int32(2)}, true))
}
