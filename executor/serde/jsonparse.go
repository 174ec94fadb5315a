package serde

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonParser is a small strict JSON scanner over a byte slice (RFC 8259, as
// Jackson accepts it by default: no comments, no trailing commas, no
// leading zeros, no NaN tokens). Values are read in place; strings without
// escapes are returned as sub-slices of the input.
type jsonParser struct {
	data  []byte
	pos   int
	depth int
}

const maxJSONDepth = 1000

var errJSONEOF = errors.New("Unexpected end-of-input")

func (p *jsonParser) skipWS() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) unexpected(what string) error {
	if p.pos >= len(p.data) {
		return fmt.Errorf("Unexpected end-of-input: %s", what)
	}
	c := p.data[p.pos]
	if c < 0x80 {
		return fmt.Errorf("Unexpected character ('%c' (code %d)): %s", c, c, what)
	}
	return fmt.Errorf("Unexpected character (code %d): %s", c, what)
}

// nodeName is the Jackson node class of the value starting at p.pos (after
// whitespace); numbers are parsed to tell IntNode/LongNode/... apart.
func (p *jsonParser) nodeName() string {
	if p.pos >= len(p.data) {
		return "MissingNode"
	}
	switch p.data[p.pos] {
	case '{':
		return "ObjectNode"
	case '[':
		return "ArrayNode"
	case '"':
		return "TextNode"
	case 't', 'f':
		return "BooleanNode"
	case 'n':
		return "NullNode"
	}
	q := *p
	if n, err := q.readNumber(); err == nil {
		return n.nodeName()
	}
	return "JsonNode"
}

// literal consumes true/false/null.
func (p *jsonParser) literal(word string) error {
	end := p.pos + len(word)
	if end > len(p.data) || string(p.data[p.pos:end]) != word {
		return p.badToken()
	}
	if end < len(p.data) && isIdentByte(p.data[end]) {
		return p.badToken()
	}
	p.pos = end
	return nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (p *jsonParser) badToken() error {
	end := p.pos
	for end < len(p.data) && isIdentByte(p.data[end]) && end-p.pos < 256 {
		end++
	}
	if end == p.pos {
		return p.unexpected("expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
	}
	return fmt.Errorf("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", p.data[p.pos:end])
}

// readNumber consumes a number literal.
func (p *jsonParser) readNumber() (numLit, error) {
	var n numLit
	start := p.pos
	d := p.data
	i := p.pos
	if i < len(d) && d[i] == '-' {
		n.neg = true
		i++
	}
	is := i
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	if i == is {
		p.pos = start
		if i < len(d) && n.neg {
			p.pos = i
			return n, p.unexpected("expected digit (0-9) to follow minus sign, for valid numeric value")
		}
		return n, p.badToken()
	}
	if i-is > 1 && d[is] == '0' {
		return n, errors.New("Invalid numeric value: Leading zeroes not allowed")
	}
	n.intPart = d[is:i]
	if i < len(d) && d[i] == '.' {
		i++
		fs := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == fs {
			p.pos = i
			return n, p.unexpected("Decimal point not followed by a digit")
		}
		n.frac = d[fs:i]
		n.isFloat = true
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		neg := false
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			neg = d[i] == '-'
			i++
		}
		es := i
		var e int64
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			if e < 1<<40 {
				e = e*10 + int64(d[i]-'0')
			}
			i++
		}
		if i == es {
			p.pos = i
			return n, p.unexpected("Exponent indicator not followed by a digit")
		}
		if neg {
			e = -e
		}
		n.exp = e
		n.isFloat = true
	}
	n.raw = d[start:i]
	p.pos = i
	return n, nil
}

// readString consumes a string and returns its decoded bytes. Strings
// without escapes come back as a sub-slice of the input (do not modify).
func (p *jsonParser) readString() ([]byte, error) {
	d := p.data
	i := p.pos + 1 // past the opening quote
	start := i
	ascii := true
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			s := d[start:i]
			if !ascii && !utf8.Valid(s) {
				return nil, invalidUTF8(s)
			}
			p.pos = i + 1
			return s, nil
		case c == '\\':
			return p.readEscapedString(start, i)
		case c < 0x20:
			p.pos = i
			return nil, fmt.Errorf("Illegal unquoted character ((CTRL-CHAR, code %d)): has to be escaped using backslash to be included in string value", c)
		case c >= 0x80:
			ascii = false
		}
		i++
	}
	p.pos = i
	return nil, errJSONEOF
}

func invalidUTF8(s []byte) error {
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size <= 1 {
			return fmt.Errorf("Invalid UTF-8 start byte 0x%x", s[0])
		}
		s = s[size:]
	}
	return errors.New("Invalid UTF-8")
}

func (p *jsonParser) readEscapedString(start, i int) ([]byte, error) {
	d := p.data
	out := make([]byte, 0, i-start+16)
	out = append(out, d[start:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return nil, invalidUTF8(out)
			}
			p.pos = i + 1
			return out, nil
		case c < 0x20:
			p.pos = i
			return nil, fmt.Errorf("Illegal unquoted character ((CTRL-CHAR, code %d)): has to be escaped using backslash to be included in string value", c)
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		i++
		if i >= len(d) {
			break
		}
		e := d[i]
		i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(d, i)
			if !ok {
				p.pos = i
				return nil, errors.New("Unexpected character in Unicode escape: expected a hex-digit for character escape sequence")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r < 0xdc00 && i+6 <= len(d) && d[i] == '\\' && d[i+1] == 'u' {
					if r2, ok := hex4(d, i+2); ok && r2 >= 0xdc00 && r2 < 0xe000 {
						r = utf16.DecodeRune(r, r2)
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError // lone surrogate: Java keeps it, Go strings cannot
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			p.pos = i - 1
			if e < 0x80 {
				return nil, fmt.Errorf("Unrecognized character escape '%c' (code %d)", e, e)
			}
			return nil, fmt.Errorf("Unrecognized character escape (code %d)", e)
		}
	}
	p.pos = i
	return nil, errJSONEOF
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// skipValue consumes and validates one value (after whitespace).
func (p *jsonParser) skipValue() error {
	p.skipWS()
	if p.pos >= len(p.data) {
		return errJSONEOF
	}
	switch p.data[p.pos] {
	case '{':
		return p.skipObject()
	case '[':
		return p.skipArray()
	case '"':
		_, err := p.skipString()
		return err
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	}
	_, err := p.readNumber()
	return err
}

// skipString is readString without building the decoded value.
func (p *jsonParser) skipString() (bool, error) {
	d := p.data
	i := p.pos + 1
	start := i
	ascii := true
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(d[start:i]) {
				return false, invalidUTF8(d[start:i])
			}
			p.pos = i + 1
			return true, nil
		case c == '\\':
			_, err := p.readEscapedString(start, i)
			return err == nil, err
		case c < 0x20:
			p.pos = i
			return false, fmt.Errorf("Illegal unquoted character ((CTRL-CHAR, code %d)): has to be escaped using backslash to be included in string value", c)
		case c >= 0x80:
			ascii = false
		}
		i++
	}
	p.pos = i
	return false, errJSONEOF
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return fmt.Errorf("Document nesting depth exceeds the maximum allowed (%d)", maxJSONDepth)
	}
	return nil
}

func (p *jsonParser) skipObject() error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	return p.eachMember(func([]byte) error { return p.skipValue() })
}

func (p *jsonParser) skipArray() error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	return p.eachElement(func(int) error { return p.skipValue() })
}

// eachMember walks an object at p.pos ('{'), calling fn with each decoded
// key with p.pos at the member's value; fn must consume the value.
func (p *jsonParser) eachMember(fn func(key []byte) error) error {
	p.pos++ // '{'
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return nil
	}
	for {
		p.skipWS()
		if p.pos >= len(p.data) {
			return errJSONEOF
		}
		if p.data[p.pos] != '"' {
			return p.unexpected("was expecting double-quote to start field name")
		}
		key, err := p.readString()
		if err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.data) {
			return errJSONEOF
		}
		if p.data[p.pos] != ':' {
			return p.unexpected("was expecting a colon to separate field name and value")
		}
		p.pos++
		p.skipWS()
		if err := fn(key); err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.data) {
			return errJSONEOF
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return p.unexpected("was expecting comma to separate Object entries")
		}
	}
}

// eachElement walks an array at p.pos ('['); fn must consume the element.
func (p *jsonParser) eachElement(fn func(i int) error) error {
	p.pos++ // '['
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return nil
	}
	for i := 0; ; i++ {
		p.skipWS()
		if err := fn(i); err != nil {
			return err
		}
		p.skipWS()
		if p.pos >= len(p.data) {
			return errJSONEOF
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return nil
		default:
			return p.unexpected("was expecting comma to separate Array entries")
		}
	}
}

// checkRootEnd is Jackson's check that a root-level number is followed by
// white space or the end of the input (trailing content is otherwise
// ignored, as ObjectMapper.readTree does).
func (p *jsonParser) checkRootEnd(wasNumber bool) error {
	if wasNumber && p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
		default:
			return p.unexpected("Expected space separating root-level values")
		}
	}
	return nil
}

// ---- Java-style compact re-serialization, for JSON objects read as STRING ----

// appendJavaJSON re-writes the value at p.pos the way Jackson writes the
// Map/List it would build from it: compact, strings re-escaped, decimals
// as BigDecimal.toString(), duplicate keys keeping the first position and
// the last value.
func (p *jsonParser) appendJavaJSON(b []byte) ([]byte, error) {
	p.skipWS()
	if p.pos >= len(p.data) {
		return b, errJSONEOF
	}
	switch p.data[p.pos] {
	case '{':
		type member struct {
			key        string
			start, end int
		}
		var members []member
		err := p.eachMember(func(key []byte) error {
			start := p.pos
			if err := p.skipValue(); err != nil {
				return err
			}
			for i := range members {
				if members[i].key == string(key) {
					members[i].start, members[i].end = start, p.pos
					return nil
				}
			}
			members = append(members, member{string(key), start, p.pos})
			return nil
		})
		if err != nil {
			return b, err
		}
		b = append(b, '{')
		for i, m := range members {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, m.key)
			b = append(b, ':')
			q := jsonParser{data: p.data[:m.end], pos: m.start}
			if b, err = q.appendJavaJSON(b); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case '[':
		b = append(b, '[')
		err := p.eachElement(func(i int) error {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			b, err = p.appendJavaJSON(b)
			return err
		})
		return append(b, ']'), err
	case '"':
		s, err := p.readString()
		if err != nil {
			return b, err
		}
		return appendJSONStringBytes(b, s), nil
	case 't':
		return append(b, "true"...), p.literal("true")
	case 'f':
		return append(b, "false"...), p.literal("false")
	case 'n':
		return append(b, "null"...), p.literal("null")
	}
	n, err := p.readNumber()
	if err != nil {
		return b, err
	}
	return append(b, n.javaText()...), nil
}

// ---- writing ----

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way Jackson escapes:
// '"', '\\' and control characters only; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendJSONStringBytes(b []byte, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return appendJSONString(b, string(s))
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
