package udf

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

func registerStrings(r *Registry) {
	r.scalar("CONCAT", "Concatenates strings or bytes; NULL arguments are skipped.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			var b strings.Builder
			for _, x := range a {
				if x != nil {
					b.WriteString(x.(string))
				}
			}
			return b.String(), nil
		}, pStr).variadic().onNull(),
		sig(ret(tBytes), func(a []any) (any, error) {
			var b []byte
			for _, x := range a {
				if x != nil {
					b = append(b, x.([]byte)...)
				}
			}
			if b == nil {
				b = []byte{}
			}
			return b, nil
		}, pBytes).variadic().onNull(),
	), ex("CONCAT('a', 'b', 'c')", "abc", "a", "b", "c"),
		ext("CONCAT('a', NULL)", "a", ts(tStr, tNull), "a", nil))

	r.scalar("CONCAT_WS", "Concatenates values with a separator; NULL values are skipped, a NULL separator yields NULL.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			parts := make([]string, 0, len(a)-1)
			for _, x := range a[1:] {
				if x != nil {
					parts = append(parts, x.(string))
				}
			}
			return strings.Join(parts, a[0].(string)), nil
		}, pStr, pStr).variadic().onNull(),
		sig(ret(tBytes), func(a []any) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			parts := make([][]byte, 0, len(a)-1)
			for _, x := range a[1:] {
				if x != nil {
					parts = append(parts, x.([]byte))
				}
			}
			return bytes.Join(parts, a[0].([]byte)), nil
		}, pBytes, pBytes).variadic().onNull(),
	), ex("CONCAT_WS('-', 'a', 'b')", "a-b", "-", "a", "b"))

	r.scalar("LEN", "Length of a string in characters, or of bytes.", sigs(
		sig(ret(tInt), func(a []any) (any, error) { return int32(utf8.RuneCountInString(a[0].(string))), nil }, pStr),
		sig(ret(tInt), func(a []any) (any, error) { return int32(len(a[0].([]byte))), nil }, pBytes),
	), ex("LEN('héllo')", "5", "héllo"))

	r.scalar("LCASE", "Converts a string to lower case.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return strings.ToLower(a[0].(string)), nil }, pStr),
	), ex("LCASE('HeLLo')", "hello", "HeLLo"))
	r.scalar("UCASE", "Converts a string to upper case.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return strings.ToUpper(a[0].(string)), nil }, pStr),
	), ex("UCASE('hello')", "HELLO", "hello"))
	r.scalar("TRIM", "Removes leading and trailing whitespace.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return strings.TrimFunc(a[0].(string), isJavaSpace), nil }, pStr),
	), ex("TRIM('  a b ')", "a b", "  a b "))
	r.scalar("LTRIM", "Removes leading whitespace.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return strings.TrimLeftFunc(a[0].(string), isJavaSpace), nil }, pStr),
	), ex("LTRIM('  a ')", "a ", "  a "))
	r.scalar("RTRIM", "Removes trailing whitespace.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return strings.TrimRightFunc(a[0].(string), isJavaSpace), nil }, pStr),
	), ex("RTRIM('  a ')", "  a", "  a "))

	r.scalar("LPAD", "Pads the input on the left with padding up to length characters (or bytes); truncates longer input.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return padString(a, true), nil }, pStr, pInt, pStr),
		sig(ret(tBytes), func(a []any) (any, error) { return padBytes(a, true), nil }, pBytes, pInt, pBytes),
	), ex("LPAD('foo', 7, 'Bar')", "BarBfoo", "foo", int32(7), "Bar"))
	r.scalar("RPAD", "Pads the input on the right with padding up to length characters (or bytes); truncates longer input.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return padString(a, false), nil }, pStr, pInt, pStr),
		sig(ret(tBytes), func(a []any) (any, error) { return padBytes(a, false), nil }, pBytes, pInt, pBytes),
	), ex("RPAD('foo', 7, 'Bar')", "fooBarB", "foo", int32(7), "Bar"))

	r.scalar("SUBSTRING", "Substring from 1-based position pos (negative counts from the end), optionally of length len.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			rs := []rune(a[0].(string))
			s, e := substrBounds(len(rs), a[1].(int32), nil)
			return string(rs[s:e]), nil
		}, pStr, pInt),
		sig(ret(tStr), func(a []any) (any, error) {
			rs := []rune(a[0].(string))
			s, e := substrBounds(len(rs), a[1].(int32), a[2])
			return string(rs[s:e]), nil
		}, pStr, pInt, pInt),
		sig(ret(tBytes), func(a []any) (any, error) {
			b := a[0].([]byte)
			s, e := substrBounds(len(b), a[1].(int32), nil)
			return append([]byte{}, b[s:e]...), nil
		}, pBytes, pInt),
		sig(ret(tBytes), func(a []any) (any, error) {
			b := a[0].([]byte)
			s, e := substrBounds(len(b), a[1].(int32), a[2])
			return append([]byte{}, b[s:e]...), nil
		}, pBytes, pInt, pInt),
	), ex("SUBSTRING('some_string', 6)", "string", "some_string", int32(6)),
		ex("SUBSTRING('some_string', -6, 3)", "str", "some_string", int32(-6), int32(3)))

	r.scalar("REPLACE", "Replaces every occurrence of a substring.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			return strings.ReplaceAll(a[0].(string), a[1].(string), a[2].(string)), nil
		}, pStr, pStr, pStr),
	), ex("REPLACE('anaconda', 'a', 'o')", "onocondo", "anaconda", "a", "o"))

	r.scalar("INSTR", "1-based position of the occurrence-th occurrence of substring, searching from position (negative: backwards from the end); 0 when absent.", sigs(
		sig(ret(tInt), func(a []any) (any, error) { return instr(a[0].(string), a[1].(string), 1, 1), nil }, pStr, pStr),
		sig(ret(tInt), func(a []any) (any, error) { return instr(a[0].(string), a[1].(string), int(a[2].(int32)), 1), nil }, pStr, pStr, pInt),
		sig(ret(tInt), func(a []any) (any, error) {
			return instr(a[0].(string), a[1].(string), int(a[2].(int32)), int(a[3].(int32))), nil
		}, pStr, pStr, pInt, pInt),
	), ex("INSTR('corporate floor', 'or', 4, 2)", "14", "corporate floor", "or", int32(4), int32(2)),
		ex("INSTR('corporate floor', 'or', -4)", "5", "corporate floor", "or", int32(-4)))

	r.scalar("INITCAP", "Capitalises the first letter of each space-separated word and lower-cases the rest.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			rs := []rune(a[0].(string))
			start := true
			for i, c := range rs {
				if unicode.IsSpace(c) {
					start = true
					continue
				}
				if start {
					rs[i] = unicode.ToTitle(c)
				} else {
					rs[i] = unicode.ToLower(c)
				}
				start = false
			}
			return string(rs), nil
		}, pStr),
	), ex("INITCAP('the   Quick br0wn fOx')", "The   Quick Br0wn Fox", "the   Quick br0wn fOx"))

	r.scalar("SPLIT", "Splits a string or bytes on a delimiter (empty delimiter: every character).", sigs(
		sig(ret(arrOf(tStr)), func(a []any) (any, error) {
			parts := strings.Split(a[0].(string), a[1].(string))
			if len(parts) == 0 { // an empty string split on '': [""] as in ksqlDB
				parts = []string{""}
			}
			out := make([]any, len(parts))
			for i, p := range parts {
				out[i] = p
			}
			return out, nil
		}, pStr, pStr),
		sig(ret(arrOf(tBytes)), func(a []any) (any, error) {
			b, d := a[0].([]byte), a[1].([]byte)
			var parts [][]byte
			if len(d) == 0 {
				for i := range b {
					parts = append(parts, b[i:i+1])
				}
				if len(b) == 0 {
					parts = [][]byte{{}}
				}
			} else {
				parts = bytes.Split(b, d)
			}
			out := make([]any, len(parts))
			for i, p := range parts {
				out[i] = append([]byte{}, p...)
			}
			return out, nil
		}, pBytes, pBytes),
	), ex("SPLIT('a.b.c', '.')", "[a, b, c]", "a.b.c", "."))

	r.scalar("SPLIT_TO_MAP", "Splits a string into a map: entries on entryDelim, key and value on kvDelim; malformed entries are skipped.", sigs(
		sig(ret(mapOf(tStr, tStr)), func(a []any) (any, error) {
			s, ed, kd := a[0].(string), a[1].(string), a[2].(string)
			if ed == "" || kd == "" {
				return nil, errf("delimiters must not be empty")
			}
			out := map[string]any{}
			for _, e := range strings.Split(s, ed) {
				if e == "" {
					continue
				}
				kv := strings.Split(e, kd)
				if len(kv) >= 2 {
					out[kv[0]] = kv[1]
				}
			}
			return out, nil
		}, pStr, pStr, pStr),
	), ex("SPLIT_TO_MAP('a:1/b:2', '/', ':')", "{a=1, b=2}", "a:1/b:2", "/", ":"))

	r.scalar("CHR", "Character for a Unicode code point, or for a '\\uXXXX' escape string.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			c := a[0].(int32)
			if c < 0 || c > unicode.MaxRune {
				return nil, nil
			}
			return string(rune(c)), nil
		}, pInt),
		sig(ret(tStr), func(a []any) (any, error) { return chrEscape(a[0].(string)), nil }, pStr),
	), ex("CHR(75)", "K", int32(75)), ex("CHR('\\u597d')", "好", `\u597d`))
}

func isJavaSpace(r rune) bool { return r <= ' ' }

func padString(a []any, left bool) any {
	in, n, pad := []rune(a[0].(string)), int(a[1].(int32)), []rune(a[2].(string))
	if n < 0 || len(pad) == 0 && n > len(in) {
		return nil
	}
	if n <= len(in) {
		return string(in[:n])
	}
	fill := make([]rune, 0, n-len(in))
	for len(fill) < n-len(in) {
		fill = append(fill, pad[len(fill)%len(pad)])
	}
	if left {
		return string(fill) + string(in)
	}
	return string(in) + string(fill)
}

func padBytes(a []any, left bool) any {
	in, n, pad := a[0].([]byte), int(a[1].(int32)), a[2].([]byte)
	if n < 0 || len(pad) == 0 { // as ksqlDB: empty padding bytes give NULL
		return nil
	}
	if n <= len(in) {
		return append([]byte{}, in[:n]...)
	}
	fill := make([]byte, 0, n)
	for len(fill) < n-len(in) {
		fill = append(fill, pad[len(fill)%len(pad)])
	}
	if left {
		return append(fill, in...)
	}
	return append(append([]byte{}, in...), fill...)
}

// substrBounds implements ksqlDB's SUBSTRING index rules.
func substrBounds(n int, pos int32, length any) (int, int) {
	var s int
	if pos < 0 {
		s = max(n+int(pos), 0)
	} else {
		s = max(min(int(pos)-1, n), 0)
	}
	if length == nil {
		return s, n
	}
	l := int(length.(int32))
	return s, max(min(s+l, n), s)
}

func instr(s, sub string, pos, occ int) any {
	rs, ss := []rune(s), []rune(sub)
	if occ <= 0 || pos == 0 {
		return int32(0)
	}
	idx := -1
	if pos > 0 {
		from := pos - 1
		for k := 0; k < occ; k++ {
			idx = runeIndex(rs, ss, from)
			if idx < 0 {
				return int32(0)
			}
			from = idx + 1
		}
	} else {
		from := len(rs) + pos
		for k := 0; k < occ; k++ {
			idx = runeLastIndex(rs, ss, from)
			if idx < 0 {
				return int32(0)
			}
			from = idx - 1
		}
	}
	return int32(idx + 1)
}

func runeIndex(rs, sub []rune, from int) int {
	for i := max(from, 0); i+len(sub) <= len(rs); i++ {
		if runesEq(rs[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func runeLastIndex(rs, sub []rune, from int) int {
	for i := min(from, len(rs)-len(sub)); i >= 0; i-- {
		if runesEq(rs[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func runesEq(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// chrEscape decodes '\uXXXX' (with surrogate pairs) as Java's CHR(STRING).
func chrEscape(s string) any {
	var units []uint16
	for len(s) > 0 {
		if len(s) < 6 || s[0] != '\\' || (s[1] != 'u' && s[1] != 'U') {
			return nil
		}
		var v uint16
		for _, c := range s[2:6] {
			d := strings.IndexRune("0123456789abcdef", unicode.ToLower(c))
			if d < 0 {
				return nil
			}
			v = v<<4 | uint16(d)
		}
		units = append(units, v)
		s = s[6:]
	}
	if len(units) == 0 {
		return nil
	}
	return string(utf16Decode(units))
}
