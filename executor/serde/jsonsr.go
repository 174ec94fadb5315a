package serde

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

// JSONSR is the JSON_SR format: ksqlDB's JSON (same wrapping rules and
// coercions) in Confluent's framing (magic byte 0 and a 4-byte schema id
// before the document), with the JSON Schema of the columns registered as
// Kafka Connect's JsonSchemaData writes it.
type JSONSR struct {
	sr SchemaRegistry
	// cache remembers the ids of the schemas serializers registered; the
	// reader needs no schema (the document is read as ksqlDB's JSON), so
	// nothing is ever parsed by id.
	cache *schemaCache[struct{}]
}

// NewJSONSR returns the JSON_SR format over a schema registry.
func NewJSONSR(sr SchemaRegistry) *JSONSR {
	return &JSONSR{sr: sr, cache: newSchemaCache(sr, SchemaTypeJSON, func(RegistrySchema) (struct{}, error) {
		return struct{}{}, nil
	})}
}

// Name implements Format.
func (*JSONSR) Name() string { return "JSON_SR" }

// SupportsWrapping implements Format.
func (*JSONSR) SupportsWrapping() bool { return true }

// Validate implements Format.
func (f *JSONSR) Validate(cols []types.Column, p Props) error {
	if err := validateCommon(f, cols, p); err != nil {
		return err
	}
	for _, c := range cols {
		if err := jsonCheckMaps(c.Type); err != nil {
			return keySchemaError(f.Name(), cols, p, err)
		}
	}
	return nil
}

// Serializer implements Format.
func (f *JSONSR) Serializer(cols []types.Column, p Props) (Serializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	inner, err := JSON.Serializer(cols, p)
	if err != nil {
		return nil, err
	}
	schema, err := json.Marshal(jsonSchemaOf(cols, wrapped(cols, p)))
	if err != nil {
		return nil, err
	}
	return &jsonSRSerializer{f: f, inner: inner, isKey: p.IsKey, schema: string(schema)}, nil
}

type jsonSRSerializer struct {
	f      *JSONSR
	inner  Serializer
	isKey  bool
	schema string
}

func (s *jsonSRSerializer) Serialize(topic string, values []any) ([]byte, error) {
	doc, err := s.inner.Serialize(topic, values)
	if err != nil || doc == nil {
		return doc, err
	}
	id, err := s.f.cache.register(Subject(topic, s.isKey), s.schema, struct{}{})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 5, 5+len(doc))
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return append(b, doc...), nil
}

// Deserializer implements Format.
func (f *JSONSR) Deserializer(cols []types.Column, p Props) (Deserializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	inner, err := JSON.Deserializer(cols, p)
	if err != nil {
		return nil, err
	}
	return jsonSRDeserializer{inner}, nil
}

type jsonSRDeserializer struct{ inner Deserializer }

func (d jsonSRDeserializer) Deserialize(topic string, data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	if len(data) < 5 || data[0] != 0 {
		return nil, fmt.Errorf("Error deserializing JSON_SR message from topic: %s: Unknown magic byte!", topic)
	}
	return d.inner.Deserialize(topic, data[5:])
}

// InferColumns returns the columns of one side of a topic from its JSON
// Schema, as for AVRO: an object's properties become columns unless the
// side is unwrapped; anything else is one column, ROWVAL or ROWKEY.
func (f *JSONSR) InferColumns(topic string, p Props) ([]types.Column, error) {
	rs, err := inferenceSchema(f.sr, topic, p, SchemaTypeJSON)
	if err != nil || rs == nil {
		return nil, err
	}
	subject := Subject(topic, p.IsKey)
	single, unwrapped := inferredShape(p)
	node, err := parseJSONSchema([]byte(rs.Text))
	if err != nil {
		return nil, fmt.Errorf("schema of subject %s: %w", subject, err)
	}
	node = node.nonNull()
	if !unwrapped && node.isStruct() {
		t, err := node.sqlType()
		if err != nil {
			return nil, fmt.Errorf("schema of subject %s: %w", subject, err)
		}
		cols := make([]types.Column, len(t.Fields))
		for i, fl := range t.Fields {
			cols[i] = types.Column{Name: fl.Name, Type: fl.Type}
		}
		return cols, nil
	}
	t, err := node.sqlType()
	if err != nil {
		return nil, fmt.Errorf("schema of subject %s: %w", subject, err)
	}
	return []types.Column{{Name: single, Type: t}}, nil
}

// ---- SQL types -> JSON Schema ----

// jsonSchemaOf is the schema of a row: an object of the columns, or the
// single column's schema when unwrapped.
func jsonSchemaOf(cols []types.Column, wrap bool) map[string]any {
	if !wrap && len(cols) == 1 {
		return jsonNullable(jsonSchemaType(cols[0].Type))
	}
	fields := make([]types.Field, len(cols))
	for i, c := range cols {
		fields[i] = types.Field{Name: c.Name, Type: c.Type}
	}
	return jsonSchemaType(types.StructOf(fields...))
}

func jsonNullable(s map[string]any) map[string]any {
	return map[string]any{"oneOf": []any{map[string]any{"type": "null"}, s}}
}

func connectLogical(name, typ, connectType string) map[string]any {
	return map[string]any{"type": typ, "title": "org.apache.kafka.connect.data." + name, "connect.version": 1, "connect.type": connectType}
}

func jsonSchemaType(t *types.Type) map[string]any {
	switch t.Kind {
	case types.KindBoolean:
		return map[string]any{"type": "boolean", "connect.type": "boolean"}
	case types.KindInt:
		return map[string]any{"type": "integer", "connect.type": "int32"}
	case types.KindBigint:
		return map[string]any{"type": "integer", "connect.type": "int64"}
	case types.KindDouble:
		return map[string]any{"type": "number", "connect.type": "float64"}
	case types.KindBytes:
		return map[string]any{"type": "string", "connect.type": "bytes"}
	case types.KindDecimal:
		s := connectLogical("Decimal", "number", "bytes")
		s["connect.parameters"] = map[string]any{"scale": strconv.Itoa(t.Scale), "connect.decimal.precision": strconv.Itoa(t.Precision)}
		return s
	case types.KindDate:
		return connectLogical("Date", "integer", "int32")
	case types.KindTime:
		return connectLogical("Time", "integer", "int32")
	case types.KindTimestamp:
		return connectLogical("Timestamp", "integer", "int64")
	case types.KindArray:
		return map[string]any{"type": "array", "items": jsonNullable(jsonSchemaType(t.Elem))}
	case types.KindMap:
		return map[string]any{"type": "object", "connect.type": "map", "additionalProperties": jsonNullable(jsonSchemaType(t.Value))}
	case types.KindStruct:
		props := make(map[string]any, len(t.Fields))
		for i, f := range t.Fields {
			s := jsonNullable(jsonSchemaType(f.Type))
			s["connect.index"] = i
			props[f.Name] = s
		}
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{"type": "string", "connect.type": "string"}
}

// ---- JSON Schema -> SQL types (inference) ----

// jsonSchemaNode is a parsed JSON Schema object; properties keep their
// order of appearance (columns follow connect.index, then that order).
type jsonSchemaNode struct {
	fields    map[string]json.RawMessage
	propNames []string
}

func parseJSONSchema(raw []byte) (*jsonSchemaNode, error) {
	n := &jsonSchemaNode{}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("true")) {
		return n, nil
	}
	if err := json.Unmarshal(raw, &n.fields); err != nil {
		return nil, fmt.Errorf("JSON schema must be an object: %w", err)
	}
	if props, ok := n.fields["properties"]; ok {
		keys, err := objectKeys(props)
		if err != nil {
			return nil, err
		}
		n.propNames = keys
	}
	return n, nil
}

// objectKeys lists the keys of a JSON object in document order.
func objectKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("properties must be an object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func (n *jsonSchemaNode) str(key string) string {
	var s string
	_ = json.Unmarshal(n.fields[key], &s)
	return s
}

func (n *jsonSchemaNode) child(raw json.RawMessage) *jsonSchemaNode {
	c, err := parseJSONSchema(raw)
	if err != nil {
		return &jsonSchemaNode{}
	}
	return c
}

// nonNull resolves oneOf/anyOf with a null branch to the other branch.
func (n *jsonSchemaNode) nonNull() *jsonSchemaNode {
	for _, k := range []string{"oneOf", "anyOf"} {
		var branches []json.RawMessage
		if json.Unmarshal(n.fields[k], &branches) != nil {
			continue
		}
		var rest []*jsonSchemaNode
		for _, b := range branches {
			c := n.child(b)
			if c.str("type") != "null" {
				rest = append(rest, c)
			}
		}
		if len(rest) == 1 {
			return rest[0].nonNull()
		}
	}
	// "type": ["null", "x"]
	var typs []string
	if json.Unmarshal(n.fields["type"], &typs) == nil {
		for _, t := range typs {
			if t != "null" {
				c := &jsonSchemaNode{fields: map[string]json.RawMessage{}, propNames: n.propNames}
				for k, v := range n.fields {
					c.fields[k] = v
				}
				c.fields["type"], _ = json.Marshal(t)
				return c
			}
		}
	}
	return n
}

func (n *jsonSchemaNode) isStruct() bool {
	return n.str("type") == "object" && n.str("connect.type") != "map" && n.fields["properties"] != nil
}

func (n *jsonSchemaNode) sqlType() (*types.Type, error) {
	n = n.nonNull()
	title := n.str("title")
	switch n.str("type") {
	case "boolean":
		return types.BooleanType, nil
	case "integer":
		switch title {
		case "org.apache.kafka.connect.data.Date":
			return types.DateType, nil
		case "org.apache.kafka.connect.data.Time":
			return types.TimeType, nil
		case "org.apache.kafka.connect.data.Timestamp":
			return types.TimestampType, nil
		}
		switch n.str("connect.type") {
		case "int8", "int16", "int32":
			return types.IntType, nil
		}
		return types.BigintType, nil
	case "number":
		if title == "org.apache.kafka.connect.data.Decimal" {
			var params map[string]string
			_ = json.Unmarshal(n.fields["connect.parameters"], &params)
			p, _ := strconv.Atoi(params["connect.decimal.precision"])
			s, _ := strconv.Atoi(params["scale"])
			if p <= 0 {
				p = 64
			}
			return types.DecimalOf(p, s), nil
		}
		return types.DoubleType, nil
	case "string":
		if n.str("connect.type") == "bytes" {
			return types.BytesType, nil
		}
		return types.StringType, nil
	case "array":
		items, ok := n.fields["items"]
		if !ok {
			return nil, errors.New("JSON schema array without items")
		}
		et, err := n.child(items).sqlType()
		if err != nil {
			return nil, err
		}
		return types.ArrayOf(et), nil
	case "object":
		if n.isStruct() {
			return n.structType()
		}
		vt := types.StringType
		if ap, ok := n.fields["additionalProperties"]; ok && !bytes.Equal(bytes.TrimSpace(ap), []byte("true")) {
			var err error
			if vt, err = n.child(ap).sqlType(); err != nil {
				return nil, err
			}
		}
		return types.MapOf(types.StringType, vt), nil
	}
	return nil, fmt.Errorf("JSON schema type %q is not supported", n.str("type"))
}

func (n *jsonSchemaNode) structType() (*types.Type, error) {
	var props map[string]json.RawMessage
	if err := json.Unmarshal(n.fields["properties"], &props); err != nil {
		return nil, err
	}
	type field struct {
		types.Field
		index int
	}
	fields := make([]field, 0, len(n.propNames))
	for pos, name := range n.propNames {
		c := n.child(props[name])
		t, err := c.sqlType()
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", name, err)
		}
		idx := pos
		if raw, ok := c.fields["connect.index"]; ok {
			_ = json.Unmarshal(raw, &idx)
		}
		fields = append(fields, field{types.Field{Name: strings.ToUpper(name), Type: t}, idx})
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].index < fields[j].index })
	out := make([]types.Field, len(fields))
	for i, f := range fields {
		out[i] = f.Field
	}
	return types.StructOf(out...), nil
}
