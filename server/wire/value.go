package wire

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

// AppendValue appends the REST JSON of a SQL value, as ksqlDB writes row
// columns: BOOLEAN, INT, BIGINT as JSON literals; DOUBLE as Java prints it
// (NaN and ±Infinity as strings, as Jackson does); DECIMAL as a plain number
// with the type's scale; STRING as a string; BYTES as base64; DATE
// "yyyy-MM-dd"; TIME "HH:mm" or "HH:mm:ss" (java.time.LocalTime of the
// second, as ksqlDB's TimeSerializer); TIMESTAMP "yyyy-MM-ddTHH:mm:ss.SSS"
// (UTC); ARRAY as an array; MAP as an object (keys sorted); STRUCT as an
// object of its type's field names; NULL as null.
//
// t may be nil: the value's Go type then decides (a STRUCT without a type
// is written as an array of its field values).
func AppendValue(buf []byte, v any, t *types.Type) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		return strconv.AppendBool(buf, x)
	case int32:
		return strconv.AppendInt(buf, int64(x), 10)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case int:
		return strconv.AppendInt(buf, int64(x), 10)
	case float64:
		return appendDouble(buf, x)
	case float32:
		return appendDouble(buf, float64(x))
	case decimal.Decimal:
		if t != nil && t.Kind == types.KindDecimal {
			return append(buf, types.FormatDecimal(x, t.Scale)...)
		}
		return append(buf, types.DecimalString(x)...)
	case string:
		return AppendString(buf, x)
	case []byte:
		buf = append(buf, '"')
		buf = base64.StdEncoding.AppendEncode(buf, x)
		return append(buf, '"')
	case types.Date:
		return AppendString(buf, x.String())
	case types.Time:
		return AppendString(buf, formatTime(int64(x)))
	case types.Timestamp:
		return AppendString(buf, x.String())
	case []any:
		var et *types.Type
		if t != nil && t.Kind == types.KindArray {
			et = t.Elem
		}
		return AppendValues(buf, x, func(int) *types.Type { return et })
	case map[string]any:
		var vt *types.Type
		if t != nil && t.Kind == types.KindMap {
			vt = t.Value
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = append(buf, '{')
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendString(buf, k)
			buf = append(buf, ':')
			buf = AppendValue(buf, x[k], vt)
		}
		return append(buf, '}')
	case types.StructValue:
		if t == nil || t.Kind != types.KindStruct {
			return AppendValues(buf, x, func(int) *types.Type { return nil })
		}
		buf = append(buf, '{')
		for i, f := range t.Fields {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendString(buf, f.Name)
			buf = append(buf, ':')
			var fv any
			if i < len(x) {
				fv = x[i]
			}
			buf = AppendValue(buf, fv, f.Type)
		}
		return append(buf, '}')
	case json.Number:
		return append(buf, x...)
	}
	b, err := Marshal(v)
	if err != nil {
		return append(buf, "null"...)
	}
	return append(buf, b...)
}

// AppendValues appends a JSON array of values; typeOf gives the type of the
// i-th value (it may return nil).
func AppendValues(buf []byte, vals []any, typeOf func(i int) *types.Type) []byte {
	buf = append(buf, '[')
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = AppendValue(buf, v, typeOf(i))
	}
	return append(buf, ']')
}

// AppendRowValues appends a row's columns as a JSON array, typed by cols
// (which may be shorter than vals, or nil).
func AppendRowValues(buf []byte, vals []any, cols []*types.Type) []byte {
	return AppendValues(buf, vals, func(i int) *types.Type {
		if i < len(cols) {
			return cols[i]
		}
		return nil
	})
}

func appendDouble(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return AppendString(buf, types.FormatDouble(f))
	}
	return append(buf, types.FormatDouble(f)...)
}

// formatTime prints milliseconds since midnight as java.time.LocalTime of the
// whole second does: "HH:mm" when the second is 0, else "HH:mm:ss".
func formatTime(ms int64) string {
	secs := ms / 1000
	if ms < 0 {
		secs = 0
	}
	h, m, s := secs/3600%24, secs/60%60, secs%60
	b := make([]byte, 0, 8)
	b = append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
	if s != 0 {
		b = append(b, ':', byte('0'+s/10), byte('0'+s%10))
	}
	return string(b)
}

const hexDigits = "0123456789ABCDEF"

// AppendString appends s as a JSON string, escaped as Jackson does: quote,
// backslash and control characters only (\b \t \n \f \r short forms, others
// as \u00XX); invalid UTF-8 becomes U+FFFD.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\t':
				buf = append(buf, '\\', 't')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\r':
				buf = append(buf, '\\', 'r')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\uFFFD"...)
			i++
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
