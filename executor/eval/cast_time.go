package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

const msPerDay = 86400000

func toTemporalConv(from, to *types.Type) (conv, error) {
	switch {
	case from.Kind == types.KindString:
		return func(v any) (any, error) {
			s := strings.TrimSpace(v.(string))
			var r any
			var err error
			switch to.Kind {
			case types.KindTimestamp:
				var ms int64
				ms, err = ParseTimestamp(s)
				r = types.Timestamp(ms)
			case types.KindDate:
				var d int32
				d, err = ParseDate(s)
				r = types.Date(d)
			default:
				var t int64
				t, err = ParseTime(s)
				r = types.Time(t)
			}
			if err != nil {
				return nil, castErr(v, to, err)
			}
			return r, nil
		}, nil
	case from.Kind == types.KindTimestamp && to.Kind == types.KindDate:
		return func(v any) (any, error) { return types.Date(floorDiv(int64(v.(types.Timestamp)), msPerDay)), nil }, nil
	case from.Kind == types.KindTimestamp && to.Kind == types.KindTime:
		return func(v any) (any, error) {
			ms := int64(v.(types.Timestamp)) % msPerDay
			if ms < 0 {
				ms += msPerDay
			}
			return types.Time(ms), nil
		}, nil
	case from.Kind == types.KindDate && to.Kind == types.KindTimestamp:
		return func(v any) (any, error) { return types.Timestamp(int64(v.(types.Date)) * msPerDay), nil }, nil
	}
	return nil, fmt.Errorf("Cast of %s to %s is not supported", from.SQLName(), to.SQLName())
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// ParseDate parses yyyy-MM-dd to days since the epoch. As in ksqlDB, the
// month and the day may be left out (yyyy-MM, yyyy): they default to the
// first.
func ParseDate(s string) (int32, error) {
	layout := "2006-01-02"
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, err
	}
	return int32(floorDiv(t.Unix(), 86400)), nil
}

// ParseTime parses HH:mm[:ss[.fffffffff]] to milliseconds since midnight.
func ParseTime(s string) (int64, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("invalid time %q", s)
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || len(parts[0]) != 2 || len(parts[1]) != 2 || h > 23 || m > 59 {
		return 0, fmt.Errorf("invalid time %q", s)
	}
	ms := int64(h)*3600000 + int64(m)*60000
	if len(parts) == 3 {
		sec, frac, _ := strings.Cut(parts[2], ".")
		sv, err := strconv.Atoi(sec)
		if err != nil || len(sec) != 2 || sv > 59 {
			return 0, fmt.Errorf("invalid time %q", s)
		}
		ms += int64(sv) * 1000
		if frac != "" {
			for len(frac) < 3 {
				frac += "0"
			}
			f, err := strconv.Atoi(frac[:3])
			if err != nil {
				return 0, fmt.Errorf("invalid time %q", s)
			}
			ms += int64(f)
		}
	}
	return ms, nil
}

// ParseTimestamp parses ISO-8601 timestamps as ksqlDB does: a date, then
// optionally 'T' and a time of day (hours, minutes, seconds and fraction
// each optional from the right), then optionally a zone (Z, +HH[:MM]).
// Without a zone the time is UTC.
func ParseTimestamp(s string) (int64, error) {
	datePart, rest := s, ""
	if i := strings.IndexAny(s, "T "); i >= 0 {
		datePart, rest = s[:i], s[i+1:]
	}
	days, err := ParseDate(datePart)
	if err != nil {
		return 0, fmt.Errorf("invalid timestamp %q", s)
	}
	var off int64
	if i := strings.IndexAny(rest, "Z+-"); i >= 0 {
		z := rest[i:]
		rest = rest[:i]
		if z != "Z" {
			sign := int64(1)
			if z[0] == '-' {
				sign = -1
			}
			z = strings.ReplaceAll(z[1:], ":", "")
			if len(z) != 2 && len(z) != 4 {
				return 0, fmt.Errorf("invalid zone in %q", s)
			}
			h, err := strconv.Atoi(z[:2])
			if err != nil {
				return 0, fmt.Errorf("invalid zone in %q", s)
			}
			m := 0
			if len(z) == 4 {
				if m, err = strconv.Atoi(z[2:]); err != nil {
					return 0, fmt.Errorf("invalid zone in %q", s)
				}
			}
			off = sign * (int64(h)*3600000 + int64(m)*60000)
		}
	}
	var tod int64
	if rest != "" {
		switch strings.Count(rest, ":") {
		case 0:
			rest += ":00"
		}
		if tod, err = ParseTime(rest); err != nil {
			return 0, fmt.Errorf("invalid timestamp %q", s)
		}
	}
	return int64(days)*msPerDay + tod - off, nil
}

// convertValue converts a literal's Go value to the runtime
// representation of t (e.g. int -> int32 for INT).
func convertValue(v any, t *types.Type) (any, error) {
	switch t.Kind {
	case types.KindInt:
		switch x := v.(type) {
		case int32:
			return x, nil
		case int:
			return int32(x), nil
		case int64:
			return int32(x), nil
		}
	case types.KindBigint:
		switch x := v.(type) {
		case int64:
			return x, nil
		case int:
			return int64(x), nil
		case int32:
			return int64(x), nil
		}
	case types.KindDouble:
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		case int:
			return float64(x), nil
		case int32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case decimal.Decimal:
			return x.InexactFloat64(), nil
		}
	case types.KindDecimal:
		var d decimal.Decimal
		switch x := v.(type) {
		case decimal.Decimal:
			d = x
		case int:
			d = decimal.NewFromInt(int64(x))
		case int32:
			d = decimal.NewFromInt(int64(x))
		case int64:
			d = decimal.NewFromInt(x)
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("not a finite number")
			}
			d = decimal.NewFromFloat(x)
		case string:
			var err error
			if d, err = decimal.NewFromString(x); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("cannot use %T as DECIMAL", v)
		}
		return fitDecimal(d, t.Precision, int32(t.Scale))
	case types.KindTimestamp:
		switch x := v.(type) {
		case int64:
			return types.Timestamp(x), nil
		case string:
			ms, err := ParseTimestamp(x)
			return types.Timestamp(ms), err
		}
	case types.KindDate:
		switch x := v.(type) {
		case int32:
			return types.Date(x), nil
		case string:
			d, err := ParseDate(x)
			return types.Date(d), err
		}
	case types.KindTime:
		switch x := v.(type) {
		case int64:
			return types.Time(x), nil
		case string:
			ms, err := ParseTime(x)
			return types.Time(ms), err
		}
	case types.KindBytes:
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
	}
	return v, nil
}
