package udf

import (
	"github.com/eddysql/eddy/planner/types"
)

func mapKey(v any) (string, bool) {
	if v == nil {
		return "", false
	}
	if s, ok := v.(string); ok {
		return s, true
	}
	return types.FormatValue(v), true
}

func registerLambdas(r *Registry) {
	k2, v2 := tv("K2"), tv("V2")
	r.scalar("TRANSFORM", "Applies a lambda to each element of an array, or two lambdas to each key and value of a map.", sigs(
		sig(arrP(pU), func(a []any) (any, error) {
			arr, f := a[0].([]any), a[1].(LambdaFunc)
			out := make([]any, len(arr))
			for i, e := range arr {
				v, err := f(e)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			return out, nil
		}, pArrT, lam(pU, pT)),
		sig(mapP(k2, v2), func(a []any) (any, error) {
			m, fk, fv := a[0].(map[string]any), a[1].(LambdaFunc), a[2].(LambdaFunc)
			out := make(map[string]any, len(m))
			for _, k := range sortedKeys(m) {
				nk, err := fk(k, m[k])
				if err != nil {
					return nil, err
				}
				nv, err := fv(k, m[k])
				if err != nil {
					return nil, err
				}
				if s, ok := mapKey(nk); ok {
					if _, dup := out[s]; dup {
						return nil, errf("Duplicate key %s in the result of TRANSFORM", s)
					}
					out[s] = nv
				}
			}
			return out, nil
		}, pMapKV, lam(k2, pK, pV), lam(v2, pK, pV)),
	), ext("TRANSFORM(ARRAY[1, 2], x => x + 5)", "[6, 7]", ts(arrOf(tInt), lambdaType(tInt, tInt)),
		ia(1, 2), LambdaFunc(func(x ...any) (any, error) { return x[0].(int32) + 5, nil })))

	r.scalar("FILTER", "Keeps the array elements, or map entries, for which a lambda is true.", sigs(
		sig(pArrT, func(a []any) (any, error) {
			arr, f := a[0].([]any), a[1].(LambdaFunc)
			out := []any{}
			for _, e := range arr {
				v, err := f(e)
				if err != nil {
					return nil, err
				}
				if v == true {
					out = append(out, e)
				}
			}
			return out, nil
		}, pArrT, lam(pBool, pT)),
		sig(pMapKV, func(a []any) (any, error) {
			m, f := a[0].(map[string]any), a[1].(LambdaFunc)
			out := map[string]any{}
			for _, k := range sortedKeys(m) {
				v, err := f(k, m[k])
				if err != nil {
					return nil, err
				}
				if v == true {
					out[k] = m[k]
				}
			}
			return out, nil
		}, pMapKV, lam(pBool, pK, pV)),
	), ext("FILTER(ARRAY[1, 6, 7], x => x > 5)", "[6, 7]", ts(arrOf(tInt), lambdaType(tBool, tInt)),
		ia(1, 6, 7), LambdaFunc(func(x ...any) (any, error) { return x[0].(int32) > 5, nil })))

	pS := tv("S")
	r.scalar("REDUCE", "Folds an array (or a map's entries, in key order) into a state with a lambda; a NULL collection gives the initial state.", sigs(
		sig(pS, func(a []any) (any, error) {
			if a[1] == nil {
				return nil, nil
			}
			if a[0] == nil {
				return a[1], nil
			}
			s, f := a[1], a[2].(LambdaFunc)
			for _, e := range a[0].([]any) {
				var err error
				if s, err = f(s, e); err != nil {
					return nil, err
				}
			}
			return s, nil
		}, pArrT, pS, lam(pS, pS, pT)).onNull(),
		sig(pS, func(a []any) (any, error) {
			if a[1] == nil {
				return nil, nil
			}
			if a[0] == nil {
				return a[1], nil
			}
			s, f := a[1], a[2].(LambdaFunc)
			m := a[0].(map[string]any)
			for _, k := range sortedKeys(m) {
				var err error
				if s, err = f(s, k, m[k]); err != nil {
					return nil, err
				}
			}
			return s, nil
		}, pMapKV, pS, lam(pS, pS, pK, pV)).onNull(),
	), ext("REDUCE(ARRAY[3, 6], 2, (s, x) => s + x)", "11", ts(arrOf(tInt), tInt, lambdaType(tInt, tInt, tInt)),
		ia(3, 6), int32(2), LambdaFunc(func(x ...any) (any, error) { return x[0].(int32) + x[1].(int32), nil })))
}
