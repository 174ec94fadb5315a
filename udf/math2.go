package udf

import (
	"math"
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

// extremumSigs builds GREATEST/LEAST overloads: one variadic overload per
// comparable type; NULL arguments are ignored.
func extremumSigs(want int) []*Signature {
	impl := func(a []any) (any, error) {
		var best any
		for _, x := range a {
			if x == nil {
				continue
			}
			if best == nil {
				best = x
				continue
			}
			c, err := types.CompareValues(x, best)
			if err != nil {
				return nil, err
			}
			if c == want {
				best = x
			}
		}
		return best, nil
	}
	var out []*Signature
	for _, p := range []*Param{pInt, pBig, pDbl, pDec, pStr, pBytes, pDate, pTime, pTs} {
		s := sig(p, impl, p, p).variadic().onNull()
		if p == pDec {
			// ksqlDB takes any decimals without rescaling them; the result
			// type is their widest common decimal.
			s.ReturnFn = widestDecimal
		}
		out = append(out, s)
	}
	return out
}

func registerMath2(r *Registry) {
	r.scalar("GREATEST", "Greatest of the arguments, ignoring NULLs.", extremumSigs(1),
		ext("GREATEST(1, NULL, 5)", "5", ts(tInt, tNull, tInt), int32(1), nil, int32(5)),
		ex("GREATEST('apple', 'banana')", "banana", "apple", "banana"))
	r.scalar("LEAST", "Least of the arguments, ignoring NULLs.", extremumSigs(-1),
		ext("LEAST(1, NULL, 5)", "1", ts(tInt, tNull, tInt), int32(1), nil, int32(5)))

	geo := func(a []any) (any, error) {
		for _, x := range a[:4] {
			if x == nil {
				return nil, nil
			}
		}
		lat1, lon1, lat2, lon2 := a[0].(float64), a[1].(float64), a[2].(float64), a[3].(float64)
		radius := 6371.0
		if len(a) > 4 && a[4] != nil {
			switch strings.ToLower(a[4].(string)) {
			case "km", "kilometers", "kilometres":
			case "mi", "miles":
				radius = 3959.0
			default:
				return nil, errf("GeoDistance function units parameter must be one of miles, mi, km or kilometers, got %s", a[4])
			}
		}
		if lat1 < -90 || lat1 > 90 || lat2 < -90 || lat2 > 90 || lon1 < -180 || lon1 > 180 || lon2 < -180 || lon2 > 180 {
			return nil, errf("valid latitude values for GeoDistance function are in the range of -90 to 90 and longitude -180 to 180")
		}
		rad := math.Pi / 180
		dLat := (lat2 - lat1) * rad
		dLon := (lon2 - lon1) * rad
		sLat, sLon := math.Sin(dLat/2), math.Sin(dLon/2)
		h := sLat*sLat + sLon*sLon*math.Cos(lat1*rad)*math.Cos(lat2*rad)
		return 2 * math.Asin(math.Sqrt(h)) * radius, nil
	}
	r.scalar("GEO_DISTANCE", "Great-circle distance between two lat/lon points, in km (default) or miles ('MI').", sigs(
		sig(pDbl, geo, pDbl, pDbl, pDbl, pDbl),
		sig(pDbl, geo, pDbl, pDbl, pDbl, pDbl, pStr).onNull(),
	), ex("GEO_DISTANCE(37.4439, -122.1663, 51.5257, -0.1122)", "8634.659796579546", 37.4439, -122.1663, 51.5257, -0.1122))

}

// widestDecimal is the common DECIMAL type of decimal (or NULL) arguments.
func widestDecimal(args []*types.Type) (*types.Type, error) {
	var out *types.Type
	for _, a := range args {
		if a.Kind == types.KindNull {
			continue
		}
		if out == nil {
			out = asDecimal(a)
			continue
		}
		t, ok := commonType(out, asDecimal(a))
		if !ok {
			return nil, errf("no common decimal type for %s and %s", out, a)
		}
		out = t
	}
	if out == nil {
		return types.DecimalOf(38, 0), nil
	}
	return out, nil
}
