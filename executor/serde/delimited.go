package serde

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// Delimited is the DELIMITED format: one CSV record (Apache Commons CSV's
// DEFAULT format with the configured delimiter) with one field per column.
// An empty field is NULL. Only primitive types are supported; BYTES are
// base64, DATE epoch days, TIME and TIMESTAMP milliseconds.
var Delimited Format = delimitedFormat{}

type delimitedFormat struct{}

func (delimitedFormat) Name() string           { return "DELIMITED" }
func (delimitedFormat) SupportsWrapping() bool { return false }

func (f delimitedFormat) Validate(cols []types.Column, p Props) error {
	if err := validateCommon(f, cols, p); err != nil {
		return err
	}
	for _, c := range cols {
		switch c.Type.Kind {
		case types.KindArray, types.KindMap, types.KindStruct:
			return keySchemaError("DELIMITED", cols, p, fmt.Errorf("The 'DELIMITED' format does not support type '%s', column: %s", c.Type.Kind, types.QuoteIdent(c.Name)))
		}
	}
	return nil
}

func delimiterOf(p Props) rune {
	if p.Delimiter == "" {
		return ','
	}
	r, err := ParseDelimiter(p.Delimiter, p.IsKey)
	if err != nil {
		return ','
	}
	return r
}

func (f delimitedFormat) Serializer(cols []types.Column, p Props) (Serializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	return &delimitedSerializer{cols: slices.Clone(cols), delim: delimiterOf(p), isKey: p.IsKey}, nil
}

func (f delimitedFormat) Deserializer(cols []types.Column, p Props) (Deserializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	return &delimitedDeserializer{cols: slices.Clone(cols), delim: delimiterOf(p)}, nil
}

// ---- writing ----

type delimitedSerializer struct {
	cols  []types.Column
	delim rune
	isKey bool
}

var csvPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// Serialize prints one CSV record with Commons CSV's MINIMAL quoting (as
// the version ksqlDB ships: a first field not starting with [0-9A-Za-z] is
// quoted). NULLs print as nothing; zero columns give a Kafka null.
func (s *delimitedSerializer) Serialize(topic string, values []any) ([]byte, error) {
	if values == nil || len(s.cols) == 0 || (s.isKey && allNil(values)) {
		// A key whose columns are all NULL is a Kafka null key, as in
		// ksqlDB (its key is a null object then).
		return nil, nil
	}
	if len(values) != len(s.cols) {
		return nil, countMismatch(topic, len(s.cols), len(values), true)
	}
	bp := csvPool.Get().(*[]byte)
	b := (*bp)[:0]
	var err error
	for i, c := range s.cols {
		if i > 0 {
			b = utf8.AppendRune(b, s.delim)
		}
		v := values[i]
		if v == nil {
			continue
		}
		var text string
		if text, err = delimitedText(v, c.Type); err != nil {
			err = fmt.Errorf("Error serializing CSV message: column %s: %w", types.QuoteIdent(c.Name), err)
			break
		}
		b = appendCSVField(b, text, i == 0, s.delim)
	}
	var out []byte
	if err == nil {
		out = make([]byte, len(b))
		copy(out, b)
	}
	if cap(b) <= 64<<10 {
		*bp = b
		csvPool.Put(bp)
	}
	return out, err
}

func allNil(values []any) bool {
	for _, v := range values {
		if v != nil {
			return false
		}
	}
	return true
}

func delimitedText(v any, t *types.Type) (string, error) {
	switch t.Kind {
	case types.KindBoolean:
		if x, ok := v.(bool); ok {
			return strconv.FormatBool(x), nil
		}
	case types.KindInt, types.KindBigint, types.KindDate, types.KindTime, types.KindTimestamp:
		if n, ok := asInt64(v); ok {
			return strconv.FormatInt(n, 10), nil
		}
	case types.KindDouble:
		if f, ok := asFloat64(v); ok {
			return types.FormatDouble(f), nil
		}
	case types.KindDecimal:
		if x, ok := v.(decimal.Decimal); ok {
			return types.FormatDecimal(x, t.Scale), nil
		}
	case types.KindString:
		if x, ok := v.(string); ok {
			return x, nil
		}
	case types.KindBytes:
		if x, ok := v.([]byte); ok {
			return base64.StdEncoding.EncodeToString(x), nil
		}
	}
	return "", typeMismatch(v, t)
}

// appendCSVField appends one non-NULL field with Commons CSV's MINIMAL
// quote decision.
func appendCSVField(b []byte, s string, first bool, delim rune) []byte {
	quote := false
	switch {
	case s == "":
		quote = first // an empty first field is quoted so the line is not empty
	default:
		c := s[0]
		switch {
		case first && !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'):
			quote = true
		case c <= '#':
			quote = true
		default:
			for _, r := range s {
				if r == '\n' || r == '\r' || r == '"' || r == delim {
					quote = true
					break
				}
			}
			if !quote && s[len(s)-1] <= ' ' {
				quote = true
			}
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// ---- reading ----

type delimitedDeserializer struct {
	cols  []types.Column
	delim rune
}

// Deserialize parses the first CSV record of data.
func (d *delimitedDeserializer) Deserialize(topic string, data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	if len(d.cols) == 0 {
		return []any{}, nil
	}
	row, err := d.read(topic, data)
	if err != nil {
		return nil, fmt.Errorf("Error deserializing delimited: %w", err)
	}
	return row, nil
}

func (d *delimitedDeserializer) read(topic string, data []byte) ([]any, error) {
	var buf [16]csvField
	fields, err := parseCSVRecord(data, d.delim, buf[:0])
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, errors.New("No fields in record")
	}
	if len(fields) != len(d.cols) {
		return nil, countMismatch(topic, len(d.cols), len(fields), false)
	}
	row := make([]any, len(d.cols))
	for i, f := range fields {
		if f.len() == 0 {
			continue
		}
		v, err := parseDelimitedField(f.text(data), d.cols[i].Type)
		if err != nil {
			return nil, err
		}
		row[i] = v
	}
	return row, nil
}

func parseDelimitedField(s string, t *types.Type) (any, error) {
	switch t.Kind {
	case types.KindBoolean:
		return strings.EqualFold(s, "true"), nil // Boolean.parseBoolean
	case types.KindInt:
		return parseJavaInt(s)
	case types.KindBigint:
		return parseJavaLong(s)
	case types.KindDouble:
		return parseJavaDouble(s)
	case types.KindString:
		return s, nil
	case types.KindDecimal:
		d, err := parseJavaBigDecimal(s)
		if err != nil {
			return nil, err
		}
		return ensureFit(d, t)
	case types.KindBytes:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("Illegal base64 character in %q", s)
		}
		return b, nil
	case types.KindDate:
		v, err := parseJavaLong(s)
		return types.Date(v), err
	case types.KindTime:
		v, err := parseJavaLong(s)
		if err != nil {
			return nil, err
		}
		return timeOrErr(v)
	case types.KindTimestamp:
		v, err := parseJavaLong(s)
		return types.Timestamp(v), err
	}
	return nil, fmt.Errorf("The 'DELIMITED' format does not support type '%s'", t.Kind)
}

// csvField is one parsed field: a range of the input, or (when it had
// doubled quotes) its own unescaped text.
type csvField struct {
	start, end int
	own        string
	hasOwn     bool
}

func (f csvField) len() int {
	if f.hasOwn {
		return len(f.own)
	}
	return f.end - f.start
}

func (f csvField) text(data []byte) string {
	if f.hasOwn {
		return f.own
	}
	return string(data[f.start:f.end])
}

// parseCSVRecord reads the first record of data as Apache Commons CSV's
// lexer does with CSVFormat.DEFAULT (quote '"', no escape, no comments,
// empty lines ignored, no trimming).
func parseCSVRecord(data []byte, delim rune, fields []csvField) ([]csvField, error) {
	var dl [utf8.UTFMax]byte
	dn := utf8.EncodeRune(dl[:], delim)
	dbytes := dl[:dn]
	isDelim := func(i int) bool {
		if dn == 1 {
			return data[i] == dbytes[0]
		}
		return i+dn <= len(data) && string(data[i:i+dn]) == string(dbytes)
	}
	i := 0
	// skip empty lines
	for i < len(data) && (data[i] == '\n' || data[i] == '\r') {
		i++
	}
	if i >= len(data) {
		return fields, nil
	}
	line := 1
	for {
		// start of a token
		if i >= len(data) {
			// after a delimiter: an empty last field
			return append(fields, csvField{start: i, end: i}), nil
		}
		c := data[i]
		switch {
		case isDelim(i):
			fields = append(fields, csvField{start: i, end: i})
			i += dn
			continue
		case c == '\n' || c == '\r':
			return append(fields, csvField{start: i, end: i}), nil
		case c == '"':
			// encapsulated token
			i++
			start := i
			var own []byte
			hasOwn := false
			for {
				if i >= len(data) {
					return nil, fmt.Errorf("(startline %d) EOF reached before encapsulated token finished", line)
				}
				if data[i] == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						if !hasOwn {
							own = append(own, data[start:i]...)
							hasOwn = true
						}
						own = append(own, '"')
						i += 2
						continue
					}
					break
				}
				if hasOwn {
					own = append(own, data[i])
				}
				i++
			}
			f := csvField{start: start, end: i}
			if hasOwn {
				f = csvField{own: string(own), hasOwn: true}
			}
			fields = append(fields, f)
			i++ // closing quote
			// white space until delimiter, end of line or end of input
			for {
				if i >= len(data) || data[i] == '\n' || data[i] == '\r' {
					return fields, nil
				}
				if isDelim(i) {
					i += dn
					break
				}
				r, size := utf8.DecodeRune(data[i:])
				if !unicode.IsSpace(r) || r == 0x85 || r == 0xa0 {
					return nil, fmt.Errorf("(line %d) invalid char between encapsulated token and delimiter", line)
				}
				i += size
			}
			if i >= len(data) {
				return append(fields, csvField{start: i, end: i}), nil
			}
		default:
			start := i
			for i < len(data) && data[i] != '\n' && data[i] != '\r' && !isDelim(i) {
				i++
			}
			fields = append(fields, csvField{start: start, end: i})
			if i >= len(data) || data[i] == '\n' || data[i] == '\r' {
				return fields, nil
			}
			i += dn
			if i >= len(data) {
				return append(fields, csvField{start: i, end: i}), nil
			}
		}
	}
}
