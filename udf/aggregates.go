package udf

// agg builds an aggregate signature (no implementation: the executor owns
// aggregation state).
func agg(ret *Param, params ...*Param) *Signature {
	return &Signature{Params: params, Ret: ret, CallOnNull: true}
}

func (r *Registry) aggregate(name, desc string, s []*Signature, e ...Example) {
	r.add(&Function{Name: name, Kind: Aggregate, Description: desc, Signatures: s, Examples: e})
}

func registerAggregates(r *Registry) {
	pNum := tvc("N", isNumeric)
	pPrim := tvc("T", isPrimitive)
	r.aggregate("COUNT", "Number of rows (COUNT(*)) or of non-NULL values.", sigs(agg(pBig), agg(pBig, pT)),
		ex("COUNT(*)", "BIGINT"), ex("COUNT(col)", "BIGINT", "x"))
	r.aggregate("SUM", "Sum of the values.", sigs(agg(pNum, pNum)), ex("SUM(col)", "INTEGER", int32(1)))
	r.aggregate("AVG", "Average of the values.", sigs(agg(pDbl, pNum)), ex("AVG(col)", "DOUBLE", int32(1)))
	r.aggregate("MIN", "Least value.", sigs(agg(pPrim, pPrim)), ex("MIN(col)", "INTEGER", int32(1)))
	r.aggregate("MAX", "Greatest value.", sigs(agg(pPrim, pPrim)), ex("MAX(col)", "INTEGER", int32(1)))
	r.aggregate("COUNT_DISTINCT", "Approximate number of distinct values.", sigs(agg(pBig, pPrim)), ex("COUNT_DISTINCT(col)", "BIGINT", "x"))
	r.aggregate("TOPK", "The k greatest values, descending; with other columns, structs of the sort column and them.",
		sigs(agg(arrP(pPrim), pPrim, pInt), agg(arrP(pPrim), pPrim, pU, pInt)), ex("TOPK(col, 3)", "ARRAY<INTEGER>", int32(1), int32(3)))
	r.aggregate("TOPKDISTINCT", "The k greatest distinct values, descending.", sigs(agg(arrP(pPrim), pPrim, pInt)), ex("TOPKDISTINCT(col, 3)", "ARRAY<INTEGER>", int32(1), int32(3)))
	r.aggregate("COLLECT_LIST", "Array of all values.", sigs(agg(pArrT, pT)), ex("COLLECT_LIST(col)", "ARRAY<STRING>", "x"))
	r.aggregate("COLLECT_SET", "Array of distinct values.", sigs(agg(pArrT, pT)), ex("COLLECT_SET(col)", "ARRAY<STRING>", "x"))
	offset := func(name, desc string) {
		r.aggregate(name, desc, sigs(
			agg(pT, pT), agg(pT, pT, pBool), agg(pArrT, pT, pInt), agg(pArrT, pT, pInt, pBool),
		), ex(name+"(col)", "STRING", "x"), ex(name+"(col, 2)", "ARRAY<STRING>", "x", int32(2)))
	}
	offset("EARLIEST_BY_OFFSET", "Value of the earliest record by offset (or the n earliest); NULLs ignored unless the flag is false.")
	offset("LATEST_BY_OFFSET", "Value of the latest record by offset (or the n latest); NULLs ignored unless the flag is false.")
	r.aggregate("HISTOGRAM", "Map of each value to its number of occurrences.", sigs(agg(mapP(pStr, pBig), pStr)), ex("HISTOGRAM(col)", "MAP<STRING, BIGINT>", "x"))
	r.aggregate("STDDEV_SAMP", "Sample standard deviation.", sigs(agg(pDbl, pNum)), ex("STDDEV_SAMP(col)", "DOUBLE", 1.0))
	r.aggregate("STDDEV_SAMPLE", "Sample standard deviation (alias of STDDEV_SAMP).", sigs(agg(pDbl, pNum)), ex("STDDEV_SAMPLE(col)", "DOUBLE", 1.0))
	r.aggregate("STDDEV_POP", "Population standard deviation.", sigs(agg(pDbl, pNum)), ex("STDDEV_POP(col)", "DOUBLE", 1.0))
	r.aggregate("ATTR", "The value when every row of the group has the same one, else NULL.", sigs(agg(pT, pT)), ex("ATTR(col)", "STRING", "x"))
	r.aggregate("SUM_LIST", "Sum of the elements of array values.", sigs(agg(pNum, arrP(pNum))), ex("SUM_LIST(col)", "INTEGER", ia(1, 2)))
	r.aggregate("CORRELATION", "Pearson correlation of two columns.", sigs(agg(pDbl, pDbl, pDbl)), ex("CORRELATION(x, y)", "DOUBLE", 1.0, 2.0))
}

func registerTableFunctions(r *Registry) {
	r.add(&Function{Name: "EXPLODE", Kind: Table, Description: "One row per element of an array (none for NULL or empty arrays).",
		Signatures: sigs(sig(pT, func(a []any) (any, error) {
			if a[0] == nil {
				return []any{}, nil
			}
			return append([]any{}, a[0].([]any)...), nil
		}, pArrT).onNull()),
		Examples: []Example{ex("EXPLODE(ARRAY[1, 2])", "[1, 2]", ia(1, 2))}})
	r.add(&Function{Name: "CUBE_EXPLODE", Kind: Table, Description: "One row per combination of the array's elements and NULLs (grouping sets).",
		Signatures: sigs(sig(pArrT, func(a []any) (any, error) {
			if a[0] == nil {
				return []any{}, nil
			}
			in := a[0].([]any)
			n := len(in)
			if n > 30 {
				return nil, errf("CUBE_EXPLODE supports at most 30 columns")
			}
			out := []any{}
		next:
			for mask := 0; mask < 1<<n; mask++ {
				row := make([]any, n)
				for i := range in {
					if mask&(1<<(n-1-i)) != 0 {
						if in[i] == nil {
							continue next
						}
						row[i] = in[i]
					}
				}
				out = append(out, row)
			}
			return out, nil
		}, pArrT).onNull()),
		Examples: []Example{ext("CUBE_EXPLODE(ARRAY[1, NULL])", "[[null, null], [1, null]]", ts(arrOf(tInt)), []any{int32(1), nil})}})
}
