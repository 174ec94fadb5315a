package udf

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

func registerStrings2(r *Registry) {
	r.scalar("REGEXP_EXTRACT", "Extracts the first match of a regular expression (or of its capture group), NULL when none.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return r.regexpExtract(a[0].(string), a[1].(string), 0) }, pStr, pStr),
		sig(ret(tStr), func(a []any) (any, error) {
			return r.regexpExtract(a[0].(string), a[1].(string), int(a[2].(int32)))
		}, pStr, pStr, pInt),
	), ex("REGEXP_EXTRACT('(.*) (.*)', 'steven zhang', 2)", "zhang", "(.*) (.*)", "steven zhang", int32(2)))

	r.scalar("REGEXP_EXTRACT_ALL", "Extracts all matches of a regular expression (or of its capture group).", sigs(
		sig(ret(arrOf(tStr)), func(a []any) (any, error) { return r.regexpExtractAll(a[0].(string), a[1].(string), 0) }, pStr, pStr),
		sig(ret(arrOf(tStr)), func(a []any) (any, error) {
			return r.regexpExtractAll(a[0].(string), a[1].(string), int(a[2].(int32)))
		}, pStr, pStr, pInt),
	), ex("REGEXP_EXTRACT_ALL('test.', 'some_test_string_testabab')", "[test_, testa]", "test.", "some_test_string_testabab"))

	r.scalar("REGEXP_REPLACE", "Replaces every match of a regular expression.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			re, err := r.regexp(a[1].(string))
			if err != nil {
				return nil, err
			}
			return re.ReplaceAllString(a[0].(string), javaReplacement(a[2].(string))), nil
		}, pStr, pStr, pStr),
	), ex("REGEXP_REPLACE('baababaa', '(ab)+', 'cat')", "bacataa", "baababaa", "(ab)+", "cat"))

	r.scalar("REGEXP_SPLIT_TO_ARRAY", "Splits a string on a regular expression.", sigs(
		sig(ret(arrOf(tStr)), func(a []any) (any, error) {
			re, err := r.regexp(a[1].(string))
			if err != nil {
				return nil, err
			}
			return strs(re.Split(a[0].(string), -1)), nil
		}, pStr, pStr),
	), ex("REGEXP_SPLIT_TO_ARRAY('aabcda', '(ab|cd)')", "[a, , a]", "aabcda", "(ab|cd)"))

	maskDesc := "Masks characters: upper case to 'X', lower case to 'x', digits to 'n', others to '-' (or the given replacement characters; NULL keeps that class)."
	r.scalar("MASK", maskDesc, sigs(
		sig(ret(tStr), func(a []any) (any, error) { return mask(a[0].(string), 0, -1, defaultMask), nil }, pStr),
		sig(ret(tStr), func(a []any) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			return mask(a[0].(string), 0, -1, maskChars(a[1:])), nil
		}, pStr, pStr, pStr, pStr, pStr).onNull(),
	), ex("MASK('AbC-12')", "XxX-nn", "AbC-12"),
		ext("MASK('AbC-12', '*', NULL, '#', NULL)", "*b*-##", ts(tStr, tStr, tNull, tStr, tNull), "AbC-12", "*", nil, "#", nil))
	r.scalar("MASK_KEEP_LEFT", "Masks all but the first n characters.", maskSigs(func(s string, n int, m [4]rune) string {
		return mask(s, n, -1, m)
	}), ex("MASK_KEEP_LEFT('AbC-12', 2)", "AbX-nn", "AbC-12", int32(2)))
	r.scalar("MASK_KEEP_RIGHT", "Masks all but the last n characters.", maskSigs(func(s string, n int, m [4]rune) string {
		return mask(s, 0, utf8.RuneCountInString(s)-n, m)
	}), ex("MASK_KEEP_RIGHT('AbC-12', 2)", "XxX-12", "AbC-12", int32(2)))
	r.scalar("MASK_LEFT", "Masks the first n characters.", maskSigs(func(s string, n int, m [4]rune) string {
		return mask(s, 0, n, m)
	}), ex("MASK_LEFT('AbC-12', 2)", "XxC-12", "AbC-12", int32(2)))
	r.scalar("MASK_RIGHT", "Masks the last n characters.", maskSigs(func(s string, n int, m [4]rune) string {
		return mask(s, max(utf8.RuneCountInString(s)-n, 0), -1, m)
	}), ex("MASK_RIGHT('AbC-12', 2)", "AbC-nn", "AbC-12", int32(2)))

	r.scalar("ENCODE", "Re-encodes a string from one encoding to another: 'hex', 'utf8', 'ascii', 'base64'.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			in, enc := a[0].(string), a[1].(string)
			var b []byte
			var err error
			if strings.EqualFold(enc, "hex") {
				b, err = decodeHexLiteral(in)
			} else {
				b, err = decodeString(in, enc)
			}
			if err != nil {
				return nil, err
			}
			return encodeBytes(b, a[2].(string), false)
		}, pStr, pStr, pStr),
	), ex("ENCODE('4578616d706C6521', 'hex', 'utf8')", "Example!", "4578616d706C6521", "hex", "utf8"))

	r.scalar("TO_BYTES", "Converts a string to bytes using an encoding: 'hex', 'utf8', 'ascii', 'base64'.", sigs(
		sig(ret(tBytes), func(a []any) (any, error) { return decodeString(a[0].(string), a[1].(string)) }, pStr, pStr),
	), ex("TO_BYTES('IQ==', 'base64')", "IQ==", "IQ==", "base64"))
	r.scalar("FROM_BYTES", "Converts bytes to a string using an encoding: 'hex', 'utf8', 'ascii', 'base64'.", sigs(
		sig(ret(tStr), func(a []any) (any, error) { return encodeBytes(a[0].([]byte), a[1].(string), true) }, pBytes, pStr),
	), ex("FROM_BYTES(TO_BYTES('1aB2', 'hex'), 'hex')", "1AB2", []byte{0x1a, 0xb2}, "hex"))

	r.scalar("UUID", "A random version 4 UUID, or the UUID held in 16 bytes.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			var b [16]byte
			if _, err := rand.Read(b[:]); err != nil {
				return nil, err
			}
			b[6] = b[6]&0x0f | 0x40
			b[8] = b[8]&0x3f | 0x80
			return formatUUID(b[:]), nil
		}),
		sig(ret(tStr), func(a []any) (any, error) {
			b := a[0].([]byte)
			if len(b) != 16 {
				return nil, errf("UUID requires 16 bytes, got %d", len(b))
			}
			return formatUUID(b), nil
		}, pBytes),
	), ex("UUID(TO_BYTES('AAECAwQFBgcICQoLDA0ODw==', 'base64'))", "00010203-0405-0607-0809-0a0b0c0d0e0f", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}))

	r.scalar("MD5", "Hex MD5 digest of a string.", sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			h := md5.Sum([]byte(a[0].(string)))
			return hex.EncodeToString(h[:]), nil
		}, pStr),
	), ex("MD5('r1')", "7c92cf1eee8d99cc85f8355a3d6e4b86", "r1"))

	fromBytes := func(name, desc string, size int, conv func(binary.ByteOrder, []byte) any, example Example) {
		impl := func(b []byte, order string) (any, error) {
			if len(b) != size {
				return nil, errf("Number of bytes must be equal to %d, but found %d", size, len(b))
			}
			var bo binary.ByteOrder = binary.BigEndian
			switch strings.ToUpper(order) {
			case "BIG_ENDIAN":
			case "LITTLE_ENDIAN":
				bo = binary.LittleEndian
			default:
				return nil, errf("Byte order must be BIG_ENDIAN or LITTLE_ENDIAN, got %q", order)
			}
			return conv(bo, b), nil
		}
		t := map[int]*Param{4: pInt, 8: pBig}[size]
		if name == "DOUBLE_FROM_BYTES" {
			t = pDbl
		}
		r.scalar(name, desc, sigs(
			sig(t, func(a []any) (any, error) { return impl(a[0].([]byte), "BIG_ENDIAN") }, pBytes),
			sig(t, func(a []any) (any, error) { return impl(a[0].([]byte), a[1].(string)) }, pBytes, pStr),
		), example)
	}
	fromBytes("INT_FROM_BYTES", "Reads an INT from 4 bytes (BIG_ENDIAN by default).", 4,
		func(bo binary.ByteOrder, b []byte) any { return int32(bo.Uint32(b)) },
		ex("INT_FROM_BYTES(TO_BYTES('AAAH5Q==', 'base64'))", "2021", []byte{0, 0, 7, 0xe5}))
	fromBytes("BIGINT_FROM_BYTES", "Reads a BIGINT from 8 bytes (BIG_ENDIAN by default).", 8,
		func(bo binary.ByteOrder, b []byte) any { return int64(bo.Uint64(b)) },
		ex("BIGINT_FROM_BYTES(TO_BYTES('AAAAASoF8gA=', 'base64'))", "5000000000", []byte{0, 0, 0, 1, 0x2a, 0x05, 0xf2, 0}))
	fromBytes("DOUBLE_FROM_BYTES", "Reads a DOUBLE from 8 bytes (BIG_ENDIAN by default).", 8,
		func(bo binary.ByteOrder, b []byte) any { return math.Float64frombits(bo.Uint64(b)) },
		ex("DOUBLE_FROM_BYTES(TO_BYTES('QICm/ZvJ9YI=', 'base64'))", "532.8738323", []byte{0x40, 0x80, 0xa6, 0xfd, 0x9b, 0xc9, 0xf5, 0x82}))
}

func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (r *Registry) regexpExtract(pattern, s string, group int) (any, error) {
	re, err := r.regexp(pattern)
	if err != nil {
		return nil, err
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil || group < 0 || 2*group+1 >= len(m) || m[2*group] < 0 {
		return nil, nil
	}
	return s[m[2*group]:m[2*group+1]], nil
}

func (r *Registry) regexpExtractAll(pattern, s string, group int) (any, error) {
	re, err := r.regexp(pattern)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if group < 0 || 2*group+1 >= len(m) {
			return nil, errf("No group %d", group)
		}
		if m[2*group] < 0 {
			out = append(out, nil)
			continue
		}
		out = append(out, s[m[2*group]:m[2*group+1]])
	}
	return out, nil
}

// javaReplacement converts Java's $1 / \$ replacement syntax to Go's ${1}.
func javaReplacement(s string) string {
	if !strings.ContainsAny(s, "$\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(s[i])
			}
		case c == '$':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j == i+1 {
				b.WriteString("$$")
				continue
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func strs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

var defaultMask = [4]rune{'X', 'x', 'n', '-'}

// maskChars reads replacement characters; -1 keeps the class unmasked.
func maskChars(a []any) [4]rune {
	var m [4]rune
	for i := range m {
		m[i] = -1
		if i < len(a) && a[i] != nil {
			if s := a[i].(string); s != "" {
				m[i], _ = utf8.DecodeRuneInString(s)
			}
		}
	}
	return m
}

// mask masks the runes with index in [from, to) (to < 0: to the end).
func mask(s string, from, to int, m [4]rune) string {
	rs := []rune(s)
	if to < 0 || to > len(rs) {
		to = len(rs)
	}
	for i := max(from, 0); i < to; i++ {
		c := rs[i]
		k := 3
		switch {
		case unicode.IsUpper(c):
			k = 0
		case unicode.IsLower(c):
			k = 1
		case unicode.IsDigit(c):
			k = 2
		}
		if m[k] >= 0 {
			rs[i] = m[k]
		}
	}
	return string(rs)
}

func maskSigs(f func(s string, n int, m [4]rune) string) []*Signature {
	return sigs(
		sig(ret(tStr), func(a []any) (any, error) {
			n := int(a[1].(int32))
			if n < 0 {
				return nil, errf("function input must be >= 0")
			}
			return f(a[0].(string), n, defaultMask), nil
		}, pStr, pInt),
		sig(ret(tStr), func(a []any) (any, error) {
			if a[0] == nil || a[1] == nil {
				return nil, nil
			}
			n := int(a[1].(int32))
			if n < 0 {
				return nil, errf("function input must be >= 0")
			}
			return f(a[0].(string), n, maskChars(a[2:])), nil
		}, pStr, pInt, pStr, pStr, pStr, pStr).onNull(),
	)
}

// decodeHexLiteral reads the hex forms ENCODE accepts: plain digits (even
// count), a 0x prefix (an odd count gets a leading zero, as an integer
// literal would) and the SQL binary literal X'..'.
func decodeHexLiteral(s string) ([]byte, error) {
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		s = s[2:]
		if len(s)%2 == 1 {
			s = "0" + s
		}
	case strings.HasPrefix(s, "X'") || strings.HasPrefix(s, "x'"):
		if len(s) < 3 || !strings.HasSuffix(s, "'") {
			return nil, fmt.Errorf("invalid hex literal %q: missing closing quote", s)
		}
		s = s[2 : len(s)-1]
	}
	if len(s)%2 == 1 {
		return nil, fmt.Errorf("invalid hex string %q: odd number of digits", s)
	}
	return hex.DecodeString(s)
}

func decodeString(s, enc string) ([]byte, error) {
	switch strings.ToLower(enc) {
	case "hex":
		if len(s)%2 == 1 {
			s = "0" + s
		}
		return hex.DecodeString(s)
	case "utf8", "utf-8":
		return []byte(s), nil
	case "ascii":
		var b bytes.Buffer
		for _, c := range s {
			if c > 127 {
				c = '?'
			}
			b.WriteByte(byte(c))
		}
		return b.Bytes(), nil
	case "base64":
		return base64.StdEncoding.DecodeString(s)
	}
	return nil, fmt.Errorf("Supported input formats are: [hex, utf8, ascii, base64] but got %s", enc)
}

func encodeBytes(b []byte, enc string, upperHex bool) (any, error) {
	switch strings.ToLower(enc) {
	case "hex":
		if upperHex {
			return strings.ToUpper(hex.EncodeToString(b)), nil
		}
		return hex.EncodeToString(b), nil
	case "utf8", "utf-8":
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	case "ascii":
		var sb strings.Builder
		for _, c := range b {
			if c > 127 {
				sb.WriteRune('\uFFFD')
			} else {
				sb.WriteByte(c)
			}
		}
		return sb.String(), nil
	case "base64":
		return base64.StdEncoding.EncodeToString(b), nil
	}
	return nil, fmt.Errorf("Supported output formats are: [hex, utf8, ascii, base64] but got %s", enc)
}
