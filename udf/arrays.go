package udf

import (
	"sort"
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

func indexOf(arr []any, v any) int {
	for i, e := range arr {
		if types.EqualValues(e, v) {
			return i
		}
	}
	return -1
}

func distinct(arr []any) []any {
	out := make([]any, 0, len(arr))
	for _, e := range arr {
		if indexOf(out, e) < 0 {
			out = append(out, e)
		}
	}
	return out
}

// sortValues sorts comparable values, NULLs last; desc reverses non-NULLs.
func sortValues(arr []any, desc bool) []any {
	out := append([]any{}, arr...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a == nil || b == nil {
			return a != nil && b == nil
		}
		c, _ := types.CompareValues(a, b)
		if desc {
			return c > 0
		}
		return c < 0
	})
	return out
}

func arrExtremum(want int) Impl {
	return func(a []any) (any, error) {
		var best any
		for _, e := range a[0].([]any) {
			if e == nil {
				continue
			}
			if best == nil {
				best = e
				continue
			}
			c, err := types.CompareValues(e, best)
			if err != nil {
				return nil, err
			}
			if c == want {
				best = e
			}
		}
		return best, nil
	}
}

var pArrPrim = arrP(tvc("T", isPrimitive))

func ia(vs ...int32) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func registerArrays(r *Registry) {
	r.scalar("ARRAY_CONTAINS", "Whether an array contains a value (NULL array: false).", sigs(
		sig(pBool, func(a []any) (any, error) {
			if a[0] == nil {
				return false, nil
			}
			return indexOf(a[0].([]any), a[1]) >= 0, nil
		}, pArrT, pT).onNull(),
	), ex("ARRAY_CONTAINS(ARRAY[1, 2, 3], 2)", "true", ia(1, 2, 3), int32(2)))

	r.scalar("ARRAY_DISTINCT", "Distinct elements of an array, in order of first appearance.", sigs(
		sig(pArrT, func(a []any) (any, error) { return distinct(a[0].([]any)), nil }, pArrT),
	), ex("ARRAY_DISTINCT(ARRAY[1, 1, 2, 1])", "[1, 2]", ia(1, 1, 2, 1)))

	r.scalar("ARRAY_EXCEPT", "Distinct elements of the first array not in the second.", sigs(
		sig(pArrT, func(a []any) (any, error) {
			var out []any
			for _, e := range distinct(a[0].([]any)) {
				if indexOf(a[1].([]any), e) < 0 {
					out = append(out, e)
				}
			}
			return nonNil(out), nil
		}, pArrT, pArrT),
	), ex("ARRAY_EXCEPT(ARRAY[1, 2, 3, 2], ARRAY[3])", "[1, 2]", ia(1, 2, 3, 2), ia(3)))

	r.scalar("ARRAY_INTERSECT", "Distinct elements present in both arrays.", sigs(
		sig(pArrT, func(a []any) (any, error) {
			var out []any
			for _, e := range distinct(a[0].([]any)) {
				if indexOf(a[1].([]any), e) >= 0 {
					out = append(out, e)
				}
			}
			return nonNil(out), nil
		}, pArrT, pArrT),
	), ex("ARRAY_INTERSECT(ARRAY[1, 2, 3], ARRAY[3, 2, 5])", "[2, 3]", ia(1, 2, 3), ia(3, 2, 5)))

	r.scalar("ARRAY_UNION", "Distinct elements of both arrays.", sigs(
		sig(pArrT, func(a []any) (any, error) {
			return distinct(append(append([]any{}, a[0].([]any)...), a[1].([]any)...)), nil
		}, pArrT, pArrT),
	), ex("ARRAY_UNION(ARRAY[1, 2], ARRAY[2, 3])", "[1, 2, 3]", ia(1, 2), ia(2, 3)))

	r.scalar("ARRAY_CONCAT", "Concatenates two arrays (a NULL array counts as empty; both NULL gives NULL).", sigs(
		sig(pArrT, func(a []any) (any, error) {
			if a[0] == nil && a[1] == nil {
				return nil, nil
			}
			var out []any
			for _, x := range a {
				if x != nil {
					out = append(out, x.([]any)...)
				}
			}
			return nonNil(out), nil
		}, pArrT, pArrT).onNull(),
	), ex("ARRAY_CONCAT(ARRAY[1, 2], ARRAY[2, 3])", "[1, 2, 2, 3]", ia(1, 2), ia(2, 3)))

	join := func(a []any, sep string) (any, error) {
		var b strings.Builder
		for i, e := range a[0].([]any) {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(types.FormatValue(e))
		}
		return b.String(), nil
	}
	r.scalar("ARRAY_JOIN", "Joins the elements of a primitive array into a string, with ',' or the given delimiter.", sigs(
		sig(pStr, func(a []any) (any, error) { return join(a, ",") }, pArrPrim),
		sig(pStr, func(a []any) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			sep := ""
			if a[1] != nil {
				sep = a[1].(string)
			}
			return join(a, sep)
		}, pArrPrim, pStr).onNull(),
	), ex("ARRAY_JOIN(ARRAY[true, NULL, false])", "true,null,false", []any{true, nil, false}),
		ex("ARRAY_JOIN(ARRAY['a', 'b'], '|')", "a|b", []any{"a", "b"}, "|"))

	r.scalar("ARRAY_LENGTH", "Number of elements of an array.", sigs(
		sig(pInt, func(a []any) (any, error) { return int32(len(a[0].([]any))), nil }, pArrT),
	), ex("ARRAY_LENGTH(ARRAY[1, 2, 3])", "3", ia(1, 2, 3)))
	r.scalar("ARRAY_MAX", "Greatest non-NULL element of a primitive array (NULL if none).", sigs(
		sig(pT, arrExtremum(1), pArrPrim),
	), ex("ARRAY_MAX(ARRAY[1, NULL, 3])", "3", []any{int32(1), nil, int32(3)}))
	r.scalar("ARRAY_MIN", "Least non-NULL element of a primitive array (NULL if none).", sigs(
		sig(pT, arrExtremum(-1), pArrPrim),
	), ex("ARRAY_MIN(ARRAY['foo', 'bar'])", "bar", []any{"foo", "bar"}))
	r.scalar("ARRAY_REMOVE", "Removes every element equal to the value (NULL removes NULLs).", sigs(
		sig(pArrT, func(a []any) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			out := []any{}
			for _, e := range a[0].([]any) {
				if !types.EqualValues(e, a[1]) {
					out = append(out, e)
				}
			}
			return out, nil
		}, pArrT, pT).onNull(),
	), ex("ARRAY_REMOVE(ARRAY['foo', 'bar', 'foo'], 'foo')", "[bar]", []any{"foo", "bar", "foo"}, "foo"))
	r.scalar("ARRAY_SORT", "Sorts a primitive array, ascending or with 'DESC' descending; NULLs last.", sigs(
		sig(pArrT, func(a []any) (any, error) { return sortValues(a[0].([]any), false), nil }, pArrPrim),
		sig(pArrT, func(a []any) (any, error) {
			switch strings.ToUpper(a[1].(string)) {
			case "ASC":
				return sortValues(a[0].([]any), false), nil
			case "DESC":
				return sortValues(a[0].([]any), true), nil
			}
			return nil, nil
		}, pArrPrim, pStr),
	), ex("ARRAY_SORT(ARRAY[3, NULL, 1])", "[1, 3, null]", []any{int32(3), nil, int32(1)}),
		ex("ARRAY_SORT(ARRAY[3, NULL, 1], 'desc')", "[3, 1, null]", []any{int32(3), nil, int32(1)}, "desc"))
}

func nonNil(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}
