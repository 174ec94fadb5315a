package udf

import (
	"github.com/eddysql/eddy/planner/types"
)

func registerNulls(r *Registry) {
	// AS_VALUE returns its argument: ksqlDB uses it to copy a key column
	// into the value (SELECT K, AS_VALUE(K) AS V ... GROUP BY K).
	r.scalar("AS_VALUE", "Returns its argument unchanged; used to copy a key column into the value.", sigs(
		sig(pT, func(a []any) (any, error) { return a[0], nil }, pT).onNull(),
	), ex("AS_VALUE(5)", "5", int32(5)), ex("AS_VALUE('k')", "k", "k"))
	r.scalar("COALESCE", "First non-NULL argument.", sigs(
		sig(pT, func(a []any) (any, error) {
			for _, x := range a {
				if x != nil {
					return x, nil
				}
			}
			return nil, nil
		}, pT, pT).variadic().onNull(),
	), ext("COALESCE(NULL, 'a', 'b')", "a", ts(tNull, tStr, tStr), nil, "a", "b"))
	r.scalar("IFNULL", "The first argument, or the second when the first is NULL.", sigs(
		sig(pT, func(a []any) (any, error) {
			if a[0] != nil {
				return a[0], nil
			}
			return a[1], nil
		}, pT, pT).onNull(),
	), ext("IFNULL(NULL, 5)", "5", ts(tInt, tInt), nil, int32(5)))
	r.scalar("NULLIF", "NULL when both arguments are equal, else the first.", sigs(
		sig(pT, func(a []any) (any, error) {
			if a[0] != nil && a[1] != nil && types.EqualValues(a[0], a[1]) {
				return nil, nil
			}
			return a[0], nil
		}, pT, pT).onNull(),
	), ex("NULLIF(1, 1)", "null", int32(1), int32(1)), ex("NULLIF('a', 'b')", "a", "a", "b"))
}
