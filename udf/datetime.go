package udf

import (
	"strings"
	"time"
	_ "time/tzdata" // zone rules for CONVERT_TZ and formats with zones

	"github.com/eddysql/eddy/planner/types"
)

func (r *Registry) javaFormat(p string) (*javaFormat, error) {
	if f, ok := r.formats.Load(p); ok {
		return f.(*javaFormat), nil
	}
	f, err := compileJavaFormat(p)
	if err != nil {
		return nil, err
	}
	r.formats.Store(p, f)
	return f, nil
}

func (r *Registry) zone(s string) (*time.Location, error) {
	key := "\x00tz:" + s
	if l, ok := r.formats.Load(key); ok {
		return l.(*time.Location), nil
	}
	l, err := parseZone(s)
	if err != nil {
		return nil, err
	}
	r.formats.Store(key, l)
	return l, nil
}

// formatMillis formats epoch millis with a Java pattern in zone tz ("" = UTC).
func (r *Registry) formatMillis(ms int64, pattern string, tz any) (any, error) {
	f, err := r.javaFormat(pattern)
	if err != nil {
		return nil, err
	}
	loc := time.UTC
	if tz != nil {
		if loc, err = r.zone(tz.(string)); err != nil {
			return nil, err
		}
	}
	return f.format(time.UnixMilli(ms).In(loc)), nil
}

// parseMillis parses text with a Java pattern to epoch millis.
func (r *Registry) parseMillis(s, pattern string, tz any) (int64, error) {
	f, err := r.javaFormat(pattern)
	if err != nil {
		return 0, err
	}
	loc := time.UTC
	if tz != nil {
		if loc, err = r.zone(tz.(string)); err != nil {
			return 0, err
		}
	}
	t, _, err := f.parse(s, loc)
	if err != nil {
		return 0, err
	}
	return t.UnixMilli(), nil
}

const msPerDay = 86400000

func registerDatetime(r *Registry) {
	r.scalar("UNIX_TIMESTAMP", "Milliseconds since the epoch: now, or of a TIMESTAMP.", sigs(
		sig(pBig, func([]any) (any, error) { return time.Now().UnixMilli(), nil }),
		sig(pBig, func(a []any) (any, error) { return int64(a[0].(types.Timestamp)), nil }, pTs),
	), ex("UNIX_TIMESTAMP(FROM_UNIXTIME(100))", "100", types.Timestamp(100)))
	r.scalar("UNIX_DATE", "Days since the epoch: today, or of a DATE.", sigs(
		sig(pInt, func([]any) (any, error) { return int32(time.Now().UnixMilli() / msPerDay), nil }),
		sig(pInt, func(a []any) (any, error) { return int32(a[0].(types.Date)), nil }, pDate),
	), ex("UNIX_DATE(FROM_DAYS(10))", "10", types.Date(10)))
	r.scalar("FROM_UNIXTIME", "TIMESTAMP from milliseconds since the epoch.", sigs(
		sig(pTs, func(a []any) (any, error) { return types.Timestamp(a[0].(int64)), nil }, pBig),
	), ex("FROM_UNIXTIME(1589234313000)", "2020-05-11T21:58:33.000", int64(1589234313000)))
	r.scalar("FROM_DAYS", "DATE from days since the epoch.", sigs(
		sig(pDate, func(a []any) (any, error) { return types.Date(a[0].(int32)), nil }, pInt),
	), ex("FROM_DAYS(18993)", "2022-01-01", int32(18993)))

	r.scalar("TIMESTAMPTOSTRING", "Formats epoch milliseconds with a Java DateTimeFormatter pattern, optionally in a time zone.", sigs(
		sig(pStr, func(a []any) (any, error) { return r.formatMillis(a[0].(int64), a[1].(string), nil) }, pBig, pStr),
		sig(pStr, func(a []any) (any, error) { return r.formatMillis(a[0].(int64), a[1].(string), a[2]) }, pBig, pStr, pStr),
	), ex("TIMESTAMPTOSTRING(1526075913000, 'yyyy-MM-dd HH:mm:ss zzz', 'America/Los_Angeles')", "2018-05-11 14:58:33 PDT",
		int64(1526075913000), "yyyy-MM-dd HH:mm:ss zzz", "America/Los_Angeles"))
	r.scalar("STRINGTOTIMESTAMP", "Parses a string with a Java DateTimeFormatter pattern to epoch milliseconds, optionally in a time zone.", sigs(
		sig(pBig, func(a []any) (any, error) { return r.parseMillis(a[0].(string), a[1].(string), nil) }, pStr, pStr),
		sig(pBig, func(a []any) (any, error) { return r.parseMillis(a[0].(string), a[1].(string), a[2]) }, pStr, pStr, pStr),
	), ex("STRINGTOTIMESTAMP('2018-05-11T21:58:33Z', 'yyyy-MM-dd''T''HH:mm:ssX')", "1526075913000", "2018-05-11T21:58:33Z", "yyyy-MM-dd'T'HH:mm:ssX"))

	r.scalar("FORMAT_TIMESTAMP", "Formats a TIMESTAMP with a Java DateTimeFormatter pattern, optionally in a time zone.", sigs(
		sig(pStr, func(a []any) (any, error) { return r.formatMillis(int64(a[0].(types.Timestamp)), a[1].(string), nil) }, pTs, pStr),
		sig(pStr, func(a []any) (any, error) { return r.formatMillis(int64(a[0].(types.Timestamp)), a[1].(string), a[2]) }, pTs, pStr, pStr),
	), ex("FORMAT_TIMESTAMP(FROM_UNIXTIME(1526075913000), 'yyyy-MM-dd HH:mm:ss')", "2018-05-11 21:58:33",
		types.Timestamp(1526075913000), "yyyy-MM-dd HH:mm:ss"))
	r.scalar("PARSE_TIMESTAMP", "Parses a string with a Java DateTimeFormatter pattern to a TIMESTAMP, optionally in a time zone.", sigs(
		sig(pTs, func(a []any) (any, error) {
			ms, err := r.parseMillis(a[0].(string), a[1].(string), nil)
			return types.Timestamp(ms), err
		}, pStr, pStr),
		sig(pTs, func(a []any) (any, error) {
			ms, err := r.parseMillis(a[0].(string), a[1].(string), a[2])
			return types.Timestamp(ms), err
		}, pStr, pStr, pStr),
	), ex("PARSE_TIMESTAMP('2018-05-11T21:58:33 PST', 'yyyy-MM-dd''T''HH:mm:ss zzz')", "2018-05-12T04:58:33.000",
		"2018-05-11T21:58:33 PST", "yyyy-MM-dd'T'HH:mm:ss zzz"))

	dateToString := func(a []any) (any, error) {
		return r.formatMillis(int64(toDays(a[0]))*msPerDay, a[1].(string), nil)
	}
	stringToDays := func(a []any) (int32, error) {
		ms, err := r.parseMillis(a[0].(string), a[1].(string), nil)
		return int32(floorDiv(ms, msPerDay)), err
	}
	r.scalar("DATETOSTRING", "Formats days since the epoch with a Java date pattern.", sigs(
		sig(pStr, dateToString, pInt, pStr),
	), ex("DATETOSTRING(18993, 'dd-MMM-yyyy')", "01-Jan-2022", int32(18993), "dd-MMM-yyyy"))
	r.scalar("STRINGTODATE", "Parses a string with a Java date pattern to days since the epoch.", sigs(
		sig(pInt, func(a []any) (any, error) { return stringToDays(a) }, pStr, pStr),
	), ex("STRINGTODATE('01-Jan-2022', 'dd-MMM-yyyy')", "18993", "01-Jan-2022", "dd-MMM-yyyy"))
	r.scalar("FORMAT_DATE", "Formats a DATE with a Java date pattern.", sigs(
		sig(pStr, dateToString, pDate, pStr),
	), ex("FORMAT_DATE(FROM_DAYS(18027), 'dd/MM/yyyy')", "11/05/2019", types.Date(18027), "dd/MM/yyyy"))
	r.scalar("PARSE_DATE", "Parses a string with a Java date pattern to a DATE (text after the pattern is ignored, as ksqlDB's SimpleDateFormat does).", sigs(
		sig(pDate, func(a []any) (any, error) {
			f, err := r.javaFormat(a[1].(string))
			if err != nil {
				return nil, err
			}
			t, _, err := f.parseText(a[0].(string), time.UTC, true)
			if err != nil {
				return nil, err
			}
			return types.Date(floorDiv(t.UnixMilli(), msPerDay)), nil
		}, pStr, pStr),
	), ex("PARSE_DATE('2018-05-11Lit', 'yyyy-MM-dd''Lit''')", "2018-05-11", "2018-05-11Lit", "yyyy-MM-dd'Lit'"),
		ex("PARSE_DATE('2003-12-24-01-01', 'yyyy-MM-dd')", "2003-12-24", "2003-12-24-01-01", "yyyy-MM-dd"))
	r.scalar("FORMAT_TIME", "Formats a TIME with a Java time pattern.", sigs(
		sig(pStr, func(a []any) (any, error) { return r.formatMillis(int64(a[0].(types.Time)), a[1].(string), nil) }, pTime, pStr),
	), ex("FORMAT_TIME(PARSE_TIME('00:01:05', 'HH:mm:ss'), 'HH_mm_ss_SSS')", "00_01_05_000", types.Time(65000), "HH_mm_ss_SSS"))
	r.scalar("PARSE_TIME", "Parses a string with a Java time pattern to a TIME.", sigs(
		sig(pTime, func(a []any) (any, error) {
			f, err := r.javaFormat(a[1].(string))
			if err != nil {
				return nil, err
			}
			t, _, err := f.parse(a[0].(string), time.UTC)
			if err != nil {
				return nil, err
			}
			return types.Time(int64(t.Hour())*3600000 + int64(t.Minute())*60000 + int64(t.Second())*1000 + int64(t.Nanosecond()/1e6)), nil
		}, pStr, pStr),
	), ex("PARSE_TIME('01:00:00 PM', 'hh:mm:ss a')", "13:00:00", "01:00:00 PM", "hh:mm:ss a"))

	r.scalar("CONVERT_TZ", "Converts a TIMESTAMP's wall-clock time from one time zone to another.", sigs(
		sig(pTs, func(a []any) (any, error) {
			from, err := r.zone(a[1].(string))
			if err != nil {
				return nil, err
			}
			to, err := r.zone(a[2].(string))
			if err != nil {
				return nil, err
			}
			ms := int64(a[0].(types.Timestamp))
			t := time.UnixMilli(ms)
			_, offFrom := t.In(from).Zone()
			_, offTo := t.In(to).Zone()
			return types.Timestamp(ms + int64(offTo-offFrom)*1000), nil
		}, pTs, pStr, pStr),
	), ex("CONVERT_TZ(FROM_UNIXTIME(100), '+0200', '+0500')", "1970-01-01T03:00:00.100", types.Timestamp(100), "+0200", "+0500"))
}

func toDays(v any) int32 {
	switch x := v.(type) {
	case types.Date:
		return int32(x)
	case int32:
		return x
	}
	return 0
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// unitMillis converts a time unit name to milliseconds per unit.
func unitMillis(u string) (int64, error) {
	switch strings.TrimSuffix(strings.ToUpper(u), "S") {
	case "MILLISECOND":
		return 1, nil
	case "SECOND":
		return 1000, nil
	case "MINUTE":
		return 60000, nil
	case "HOUR":
		return 3600000, nil
	case "DAY":
		return msPerDay, nil
	case "MICROSECOND", "NANOSECOND":
		return 0, nil
	}
	return 0, errf("Unsupported time unit: %s", u)
}

// TimestampParser returns a parser of strings in a Java DateTimeFormatter
// pattern to epoch milliseconds (UTC unless the text carries a zone); the
// runtime uses it for TIMESTAMP_FORMAT.
func (r *Registry) TimestampParser(pattern string) (func(string) (int64, error), error) {
	if _, err := r.javaFormat(pattern); err != nil {
		return nil, err
	}
	return func(s string) (int64, error) { return r.parseMillis(s, pattern, nil) }, nil
}
