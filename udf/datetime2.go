package udf

import (
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

// intervalMillis converts n units to milliseconds (truncating like Java's
// TimeUnit conversions).
func intervalMillis(unit string, n int64) (int64, error) {
	switch strings.TrimSuffix(strings.ToUpper(unit), "S") {
	case "MICROSECOND":
		return n / 1000, nil
	case "NANOSECOND":
		return n / 1000000, nil
	}
	m, err := unitMillis(unit)
	return n * m, err
}

func registerDatetime2(r *Registry) {
	dateAdd := func(sign int64) Impl {
		return func(a []any) (any, error) {
			ms, err := intervalMillis(a[0].(string), i64(a[1]))
			if err != nil {
				return nil, err
			}
			return types.Date(int64(a[2].(types.Date)) + sign*(ms/msPerDay)), nil
		}
	}
	r.scalar("DATEADD", "Adds an interval of a time unit to a DATE.", sigs(sig(pDate, dateAdd(1), pUnit, pInt, pDate)),
		ext("DATEADD(DAYS, 10, FROM_DAYS(10))", "1970-01-21", ts(tUnit, tInt, tDate), "DAYS", int32(10), types.Date(10)))
	r.scalar("DATESUB", "Subtracts an interval of a time unit from a DATE.", sigs(sig(pDate, dateAdd(-1), pUnit, pInt, pDate)),
		ext("DATESUB(DAYS, 10, FROM_DAYS(10))", "1970-01-01", ts(tUnit, tInt, tDate), "DAYS", int32(10), types.Date(10)))

	tsAdd := func(sign int64) Impl {
		return func(a []any) (any, error) {
			ms, err := intervalMillis(a[0].(string), i64(a[1]))
			if err != nil {
				return nil, err
			}
			return types.Timestamp(int64(a[2].(types.Timestamp)) + sign*ms), nil
		}
	}
	r.scalar("TIMESTAMPADD", "Adds an interval of a time unit to a TIMESTAMP.", sigs(sig(pTs, tsAdd(1), pUnit, pBig, pTs)),
		ext("TIMESTAMPADD(MILLISECONDS, 5, FROM_UNIXTIME(10))", "1970-01-01T00:00:00.015", ts(tUnit, tInt, tTs), "MILLISECONDS", int64(5), types.Timestamp(10)))
	r.scalar("TIMESTAMPSUB", "Subtracts an interval of a time unit from a TIMESTAMP.", sigs(sig(pTs, tsAdd(-1), pUnit, pBig, pTs)),
		ext("TIMESTAMPSUB(SECONDS, 1, FROM_UNIXTIME(1000))", "1970-01-01T00:00:00.000", ts(tUnit, tInt, tTs), "SECONDS", int64(1), types.Timestamp(1000)))

	timeAdd := func(sign int64) Impl {
		return func(a []any) (any, error) {
			ms, err := intervalMillis(a[0].(string), i64(a[1]))
			if err != nil {
				return nil, err
			}
			v := (int64(a[2].(types.Time)) + sign*ms) % msPerDay
			if v < 0 {
				v += msPerDay
			}
			return types.Time(v), nil
		}
	}
	r.scalar("TIMEADD", "Adds an interval of a time unit to a TIME, wrapping around midnight.", sigs(sig(pTime, timeAdd(1), pUnit, pInt, pTime)),
		ext("TIMEADD(MILLISECONDS, 10, PARSE_TIME('23:59:59.995', 'HH:mm:ss.SSS'))", "00:00:00.005", ts(tUnit, tInt, tTime), "MILLISECONDS", int32(10), types.Time(86399995)))
	r.scalar("TIMESUB", "Subtracts an interval of a time unit from a TIME, wrapping around midnight.", sigs(sig(pTime, timeAdd(-1), pUnit, pInt, pTime)),
		ext("TIMESUB(MILLISECONDS, 5, PARSE_TIME('00:00:00.002', 'HH:mm:ss.SSS'))", "23:59:59.997", ts(tUnit, tInt, tTime), "MILLISECONDS", int32(5), types.Time(2)))
}
