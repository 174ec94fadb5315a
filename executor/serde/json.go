package serde

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// JSON is the JSON format. A wrapped record is an object with one field per
// column (names written exactly as the columns are named; read by exact
// name first, then by the upper-cased JSON name, as ksqlDB does; unknown
// fields ignored; missing fields NULL). An unwrapped single column is the
// bare JSON value. Values are coerced like ksqlDB's KsqlJsonDeserializer.
var JSON Format = jsonFormat{}

type jsonFormat struct{}

func (jsonFormat) Name() string           { return "JSON" }
func (jsonFormat) SupportsWrapping() bool { return true }

func (f jsonFormat) Validate(cols []types.Column, p Props) error {
	if err := validateCommon(f, cols, p); err != nil {
		return err
	}
	for _, c := range cols {
		if err := jsonCheckMaps(c.Type); err != nil {
			return keySchemaError("JSON", cols, p, err)
		}
	}
	return nil
}

func jsonCheckMaps(t *types.Type) error {
	if t == nil {
		return nil
	}
	switch t.Kind {
	case types.KindMap:
		if t.Key == nil || t.Key.Kind != types.KindString {
			return errors.New("JSON only supports MAP types with STRING keys")
		}
		return jsonCheckMaps(t.Value)
	case types.KindArray:
		return jsonCheckMaps(t.Elem)
	case types.KindStruct:
		for _, f := range t.Fields {
			if err := jsonCheckMaps(f.Type); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f jsonFormat) Serializer(cols []types.Column, p Props) (Serializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	s := &jsonSerializer{cols: slices.Clone(cols), wrapped: wrapped(cols, p), target: target(p)}
	if len(cols) == 0 && p.IsKey {
		s.void = true
	}
	for i, c := range cols {
		var b []byte
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = appendJSONString(b, c.Name)
		b = append(b, ':')
		s.prefixes = append(s.prefixes, b)
	}
	return s, nil
}

func (f jsonFormat) Deserializer(cols []types.Column, p Props) (Deserializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	d := &jsonDeserializer{wrapped: wrapped(cols, p), target: target(p)}
	if len(cols) == 0 && p.IsKey {
		d.void = true
	}
	names := make([]string, len(cols))
	typs := make([]*types.Type, len(cols))
	for i, c := range cols {
		names[i], typs[i] = c.Name, c.Type
	}
	d.row = newStructPlan(names, typs)
	if len(cols) == 1 {
		d.single = cols[0].Type
	}
	return d, nil
}

// ---- reading ----

// structPlan maps JSON field names to struct fields (or row columns).
type structPlan struct {
	names []string
	types []*types.Type
	index map[string]int
	typ   string // connect-style type name for errors
	plans map[*types.Type]*structPlan
}

func newStructPlan(names []string, typs []*types.Type) *structPlan {
	sp := &structPlan{names: names, types: typs, index: make(map[string]int, len(names))}
	fields := make([]types.Field, len(names))
	for i, n := range names {
		if _, dup := sp.index[n]; !dup {
			sp.index[n] = i
		}
		fields[i] = types.Field{Name: n, Type: typs[i]}
	}
	sp.typ = connectTypeName(types.StructOf(fields...))
	sp.plans = map[*types.Type]*structPlan{}
	for _, t := range typs {
		collectStructPlans(t, sp.plans)
	}
	return sp
}

// collectStructPlans precomputes plans of nested struct types (read-only
// after construction, so deserializers stay safe for concurrent use).
func collectStructPlans(t *types.Type, into map[*types.Type]*structPlan) {
	if t == nil {
		return
	}
	switch t.Kind {
	case types.KindArray:
		collectStructPlans(t.Elem, into)
	case types.KindMap:
		collectStructPlans(t.Value, into)
	case types.KindStruct:
		if _, ok := into[t]; ok {
			return
		}
		names := make([]string, len(t.Fields))
		typs := make([]*types.Type, len(t.Fields))
		for i, f := range t.Fields {
			names[i], typs[i] = f.Name, f.Type
		}
		sp := &structPlan{names: names, types: typs, index: make(map[string]int, len(names)), typ: connectTypeName(t)}
		for i, n := range names {
			if _, dup := sp.index[n]; !dup {
				sp.index[n] = i
			}
		}
		into[t] = sp
		for _, f := range t.Fields {
			collectStructPlans(f.Type, into)
		}
	}
}

// lookup finds the field of a JSON name: exact match, else match of the
// upper-cased name (exact=false).
func (sp *structPlan) lookup(key []byte) (int, bool) {
	if i, ok := sp.index[string(key)]; ok {
		return i, true
	}
	var buf [64]byte
	up := buf[:0]
	for _, c := range key {
		if c >= utf8.RuneSelf {
			if i, ok := sp.index[strings.ToUpper(string(key))]; ok {
				return i, false
			}
			return -1, false
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = append(up, c)
	}
	if i, ok := sp.index[string(up)]; ok {
		return i, false
	}
	return -1, false
}

type jsonDeserializer struct {
	wrapped bool
	void    bool
	target  string
	row     *structPlan
	single  *types.Type
}

// pathError is a coercion failure; path parts are collected innermost first.
type pathError struct {
	msg  string
	path []string
}

func (e *pathError) Error() string {
	var b strings.Builder
	b.WriteString(e.msg)
	b.WriteString(", path: $")
	for i := len(e.path) - 1; i >= 0; i-- {
		b.WriteString(e.path[i])
	}
	return b.String()
}

func withPath(err error, part string) error {
	if pe, ok := err.(*pathError); ok {
		pe.path = append(pe.path, part)
		return pe
	}
	return err
}

func convErr(node, required string) error {
	return &pathError{msg: "Can't convert type. sourceType: " + node + ", requiredType: " + required}
}

func coerceStrErr(required string) error {
	return &pathError{msg: "Can't coerce string to type. targetType: " + required}
}

// Deserialize reads one JSON record. A nil input or the document `null`
// (or, unwrapped, a null value) gives a nil row and no error.
func (d *jsonDeserializer) Deserialize(topic string, data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	if d.void {
		return []any{}, nil
	}
	row, err := d.read(data)
	if err != nil {
		return nil, fmt.Errorf("Failed to deserialize %s from topic: %s. %s", d.target, topic, err.Error())
	}
	return row, nil
}

func (d *jsonDeserializer) read(data []byte) ([]any, error) {
	p := jsonParser{data: data}
	p.skipWS()
	if p.pos >= len(data) {
		return nil, errors.New("No content to map due to end-of-input")
	}
	c := data[p.pos]
	if c == 'n' {
		if err := p.literal("null"); err != nil {
			return nil, err
		}
		return nil, nil
	}
	if d.wrapped {
		if c != '{' {
			q := p
			if err := q.skipValue(); err != nil {
				return nil, err
			}
			if err := q.checkRootEnd(c != '"' && c != '[' && c != 't' && c != 'f'); err != nil {
				return nil, err
			}
			return nil, convErr(p.nodeName(), d.row.typ)
		}
		row := make([]any, len(d.row.names))
		if err := d.readObject(&p, d.row, row); err != nil {
			return nil, err
		}
		return row, nil
	}
	// Unwrapped: validate the whole value first (Jackson builds the tree
	// before coercing), then coerce it.
	q := p
	if err := q.skipValue(); err != nil {
		return nil, err
	}
	if err := q.checkRootEnd(c == '-' || (c >= '0' && c <= '9')); err != nil {
		return nil, err
	}
	v, err := d.coerce(&p, d.single)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	return []any{v}, nil
}

type span struct {
	start, end int
	state      uint8 // 0 unset, 1 matched by upper-cased name, 2 exact
}

// readObject reads an object into out (aligned with sp's fields). The
// object is scanned and validated completely first, remembering where the
// value of each matched field is; then the values are coerced in field
// order, so duplicate names resolve like Jackson's tree (last one wins, an
// exact name beats a case-insensitive one).
func (d *jsonDeserializer) readObject(p *jsonParser, sp *structPlan, out []any) error {
	var buf [16]span
	var spans []span
	if len(out) <= len(buf) {
		spans = buf[:len(out)]
	} else {
		spans = make([]span, len(out))
	}
	if err := p.enter(); err != nil {
		return err
	}
	err := p.eachMember(func(key []byte) error {
		start := p.pos
		if err := p.skipValue(); err != nil {
			return err
		}
		i, exact := sp.lookup(key)
		if i < 0 {
			return nil
		}
		switch {
		case exact:
			spans[i] = span{start, p.pos, 2}
		case spans[i].state != 2:
			spans[i] = span{start, p.pos, 1}
		}
		return nil
	})
	p.depth--
	if err != nil {
		return err
	}
	for i := range out {
		s := spans[i]
		if s.state == 0 {
			out[i] = nil
			continue
		}
		// The value was validated by the scan above: re-read it in place.
		saved := p.pos
		p.pos = s.start
		v, err := d.coerce(p, sp.types[i])
		p.pos = saved
		if err != nil {
			return withPath(err, "."+sp.names[i])
		}
		out[i] = v
	}
	return nil
}

// coerce reads the (already validated) value at p.pos as type t.
func (d *jsonDeserializer) coerce(p *jsonParser, t *types.Type) (any, error) {
	p.skipWS()
	if p.pos >= len(p.data) {
		return nil, errJSONEOF
	}
	c := p.data[p.pos]
	if c == 'n' {
		return nil, p.literal("null")
	}
	isNum := c == '-' || (c >= '0' && c <= '9')
	switch t.Kind {
	case types.KindBoolean:
		switch c {
		case 't':
			return true, p.literal("true")
		case 'f':
			return false, p.literal("false")
		}
		return nil, convErr(p.nodeName(), "BOOLEAN")

	case types.KindInt:
		if isNum {
			n, err := p.readNumber()
			return n.intValue(), err
		}
		if c == '"' {
			s, err := p.readString()
			if err != nil {
				return nil, err
			}
			v, err := parseJavaInt(string(s))
			if err != nil {
				return nil, coerceStrErr("INTEGER")
			}
			return v, nil
		}
		return nil, convErr(p.nodeName(), "INTEGER")

	case types.KindBigint, types.KindDate, types.KindTime, types.KindTimestamp:
		name := t.Kind.String()
		var v int64
		switch {
		case isNum:
			n, err := p.readNumber()
			if err != nil {
				return nil, err
			}
			v = n.longValue()
		case c == '"':
			s, err := p.readString()
			if err != nil {
				return nil, err
			}
			var perr error
			if v, perr = parseJavaLong(string(s)); perr != nil {
				return nil, coerceStrErr(name)
			}
		default:
			return nil, convErr(p.nodeName(), name)
		}
		switch t.Kind {
		case types.KindDate:
			return types.Date(v), nil
		case types.KindTime:
			tv, err := timeOrErr(v)
			if err != nil {
				return nil, &pathError{msg: err.Error()}
			}
			return tv, nil
		case types.KindTimestamp:
			return types.Timestamp(v), nil
		}
		return v, nil

	case types.KindDouble:
		if isNum {
			n, err := p.readNumber()
			return n.float64(), err
		}
		if c == '"' {
			s, err := p.readString()
			if err != nil {
				return nil, err
			}
			v, err := parseJavaDouble(string(s))
			if err != nil {
				return nil, coerceStrErr("DOUBLE")
			}
			return v, nil
		}
		return nil, convErr(p.nodeName(), "DOUBLE")

	case types.KindString:
		return d.coerceString(p)

	case types.KindDecimal:
		var dv decimal.Decimal
		switch {
		case isNum:
			n, err := p.readNumber()
			if err != nil {
				return nil, err
			}
			if dv, err = n.decimal(); err != nil {
				return nil, &pathError{msg: err.Error()}
			}
		case c == '"':
			s, err := p.readString()
			if err != nil {
				return nil, err
			}
			if dv, err = parseJavaBigDecimal(string(s)); err != nil {
				return nil, &pathError{msg: err.Error()}
			}
		default:
			return nil, convErr(p.nodeName(), connectTypeName(t))
		}
		v, err := ensureFit(dv, t)
		if err != nil {
			return nil, &pathError{msg: err.Error()}
		}
		return v, nil

	case types.KindBytes:
		if c != '"' {
			return nil, convErr(p.nodeName(), "BYTES")
		}
		s, err := p.readString()
		if err != nil {
			return nil, err
		}
		b, err := decodeBase64(s)
		if err != nil {
			return nil, &pathError{msg: "Value is not a valid Base64 encoded string: " + string(s)}
		}
		return b, nil

	case types.KindArray:
		if c != '[' {
			return nil, convErr(p.nodeName(), connectTypeName(t))
		}
		return d.coerceArray(p, t.Elem)

	case types.KindMap:
		if c != '{' {
			return nil, convErr(p.nodeName(), connectTypeName(t))
		}
		m := map[string]any{}
		if err := p.enter(); err != nil {
			return nil, err
		}
		err := p.eachMember(func(key []byte) error {
			v, err := d.coerce(p, t.Value)
			if err != nil {
				return withPath(err, "."+string(key)+".value")
			}
			m[string(key)] = v
			return nil
		})
		p.depth--
		if err != nil {
			return nil, err
		}
		return m, nil

	case types.KindStruct:
		sp := d.structPlan(t)
		if c != '{' {
			return nil, convErr(p.nodeName(), sp.typ)
		}
		out := make(types.StructValue, len(t.Fields))
		if err := d.readObject(p, sp, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return nil, &pathError{msg: "Type is not supported: " + t.String()}
}

func (d *jsonDeserializer) structPlan(t *types.Type) *structPlan {
	if sp, ok := d.row.plans[t]; ok {
		return sp
	}
	// not precomputed (should not happen): build one
	m := map[*types.Type]*structPlan{}
	collectStructPlans(t, m)
	return m[t]
}

func (d *jsonDeserializer) coerceArray(p *jsonParser, elem *types.Type) ([]any, error) {
	out := []any{}
	if err := p.enter(); err != nil {
		return nil, err
	}
	err := p.eachElement(func(i int) error {
		v, err := d.coerce(p, elem)
		if err != nil {
			return withPath(err, "["+strconv.Itoa(i)+"]")
		}
		out = append(out, v)
		return nil
	})
	p.depth--
	return out, err
}

// coerceString is ksqlDB's processString: text as is, other scalars as
// their text, objects as compact JSON, arrays as "[a, b]" of their
// elements read as strings.
func (d *jsonDeserializer) coerceString(p *jsonParser) (any, error) {
	switch c := p.data[p.pos]; {
	case c == '"':
		s, err := p.readString()
		if err != nil {
			return nil, err
		}
		return string(s), nil
	case c == 't':
		return "true", p.literal("true")
	case c == 'f':
		return "false", p.literal("false")
	case c == '{':
		b, err := p.appendJavaJSON(nil)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case c == '[':
		var b strings.Builder
		b.WriteByte('[')
		if err := p.enter(); err != nil {
			return nil, err
		}
		err := p.eachElement(func(i int) error {
			if i > 0 {
				b.WriteString(", ")
			}
			v, err := d.coerce(p, types.StringType)
			if err != nil {
				return withPath(err, "["+strconv.Itoa(i)+"]")
			}
			if v == nil {
				b.WriteString("null")
			} else {
				b.WriteString(v.(string))
			}
			return nil
		})
		p.depth--
		if err != nil {
			return nil, err
		}
		b.WriteByte(']')
		return b.String(), nil
	}
	n, err := p.readNumber()
	if err != nil {
		return nil, err
	}
	return n.javaText(), nil
}

// decodeBase64 is Jackson's default (MIME, no line feeds) base64 reading:
// padding required, no whitespace.
func decodeBase64(s []byte) ([]byte, error) {
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(out, s)
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}

// connectTypeName prints a type as ksqlDB's SqlSchemaFormatter prints the
// Connect schema in JSON coercion errors: INT, VARCHAR, unquoted struct
// field names.
func connectTypeName(t *types.Type) string {
	if t == nil {
		return "?"
	}
	switch t.Kind {
	case types.KindInt, types.KindDate, types.KindTime:
		return "INT"
	case types.KindBigint, types.KindTimestamp:
		return "BIGINT"
	case types.KindString:
		return "VARCHAR"
	case types.KindDecimal:
		return fmt.Sprintf("DECIMAL(%d, %d)", t.Precision, t.Scale)
	case types.KindArray:
		return "ARRAY<" + connectTypeName(t.Elem) + ">"
	case types.KindMap:
		return "MAP<" + connectTypeName(t.Key) + ", " + connectTypeName(t.Value) + ">"
	case types.KindStruct:
		if len(t.Fields) == 0 {
			return "STRUCT< >"
		}
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + " " + connectTypeName(f.Type)
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	}
	return t.Kind.String()
}

// ---- writing ----

type jsonSerializer struct {
	cols     []types.Column
	prefixes [][]byte
	wrapped  bool
	void     bool
	target   string
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Serialize writes one JSON record: an object of all columns (NULLs as
// null) when wrapped, the bare value otherwise (a NULL single value is a
// Kafka null).
func (s *jsonSerializer) Serialize(topic string, values []any) ([]byte, error) {
	if values == nil || s.void {
		return nil, nil
	}
	if len(values) != len(s.cols) {
		return nil, countMismatch(topic, len(s.cols), len(values), true)
	}
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	var err error
	if s.wrapped {
		if len(s.cols) == 0 {
			b = append(b, '{')
		}
		for i, c := range s.cols {
			b = append(b, s.prefixes[i]...)
			if b, err = appendJSONValue(b, values[i], c.Type); err != nil {
				err = fmt.Errorf("Error serializing JSON message for %s of topic %s: column %s: %w", s.target, topic, types.QuoteIdent(c.Name), err)
				break
			}
		}
		b = append(b, '}')
	} else {
		if values[0] == nil {
			bufPool.Put(bp)
			return nil, nil
		}
		if b, err = appendJSONValue(b, values[0], s.cols[0].Type); err != nil {
			err = fmt.Errorf("Error serializing JSON message for %s of topic %s: %w", s.target, topic, err)
		}
	}
	var out []byte
	if err == nil {
		out = make([]byte, len(b))
		copy(out, b)
	}
	if cap(b) <= 64<<10 {
		*bp = b
		bufPool.Put(bp)
	}
	return out, err
}

func typeMismatch(v any, t *types.Type) error {
	return fmt.Errorf("value does not match expected type. expected: %s, but got: %T", t.String(), v)
}

// appendJSONValue writes v of SQL type t.
func appendJSONValue(b []byte, v any, t *types.Type) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	switch t.Kind {
	case types.KindBoolean:
		if x, ok := v.(bool); ok {
			return strconv.AppendBool(b, x), nil
		}
	case types.KindInt, types.KindBigint, types.KindDate, types.KindTime, types.KindTimestamp:
		if n, ok := asInt64(v); ok {
			return strconv.AppendInt(b, n, 10), nil
		}
	case types.KindDouble:
		if f, ok := asFloat64(v); ok {
			return appendJSONDouble(b, f), nil
		}
	case types.KindDecimal:
		if x, ok := v.(decimal.Decimal); ok {
			return append(b, types.DecimalString(x)...), nil
		}
	case types.KindString:
		if x, ok := v.(string); ok {
			return appendJSONString(b, x), nil
		}
	case types.KindBytes:
		if x, ok := v.([]byte); ok {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, x)
			return append(b, '"'), nil
		}
	case types.KindArray:
		if x, ok := v.([]any); ok {
			b = append(b, '[')
			for i, e := range x {
				if i > 0 {
					b = append(b, ',')
				}
				var err error
				if b, err = appendJSONValue(b, e, t.Elem); err != nil {
					return b, err
				}
			}
			return append(b, ']'), nil
		}
	case types.KindMap:
		if x, ok := v.(map[string]any); ok {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			b = append(b, '{')
			for i, k := range keys {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, k)
				b = append(b, ':')
				var err error
				if b, err = appendJSONValue(b, x[k], t.Value); err != nil {
					return b, err
				}
			}
			return append(b, '}'), nil
		}
	case types.KindStruct:
		var fields []any
		switch x := v.(type) {
		case types.StructValue:
			fields = x
		case []any:
			fields = x
		default:
			return b, typeMismatch(v, t)
		}
		if len(fields) != len(t.Fields) {
			return b, fmt.Errorf("struct value has %d fields, type %s has %d", len(fields), t.String(), len(t.Fields))
		}
		b = append(b, '{')
		for i, f := range t.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f.Name)
			b = append(b, ':')
			var err error
			if b, err = appendJSONValue(b, fields[i], f.Type); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	}
	return b, typeMismatch(v, t)
}

// appendJSONDouble writes a double as Jackson does: Java's Double.toString,
// and NaN/Infinity as strings.
func appendJSONDouble(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b = append(b, '"')
		b = append(b, types.FormatDouble(f)...)
		return append(b, '"')
	}
	return append(b, types.FormatDouble(f)...)
}

// asInt64 accepts the integer runtime types (and the temporal ones).
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case types.Date:
		return int64(x), true
	case types.Time:
		return int64(x), true
	case types.Timestamp:
		return int64(x), true
	}
	return 0, false
}

func asFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case decimal.Decimal:
		f, _ := x.Float64()
		return f, true
	}
	return 0, false
}
