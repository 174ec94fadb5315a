package serde

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/eddysql/eddy/planner/types"
)

// SchemaRegistry is what the schema-registry formats need from a
// Confluent-compatible registry. server/schemaregistry implements it in
// process; NewSRClient adapts a franz-go sr.Client talking HTTP to any
// registry.
type SchemaRegistry interface {
	// Register registers a schema under a subject (or finds it) and
	// returns its global id.
	Register(ctx context.Context, subject string, schema RegistrySchema) (int, error)
	// SchemaByID returns the schema of an id.
	SchemaByID(ctx context.Context, id int) (RegistrySchema, error)
	// SchemaByVersion returns a version of a subject (-1: the latest) and
	// its id.
	SchemaByVersion(ctx context.Context, subject string, version int) (id int, schema RegistrySchema, err error)
}

// Schema types as the registry names them.
const (
	SchemaTypeAvro     = "AVRO"
	SchemaTypeProtobuf = "PROTOBUF"
	SchemaTypeJSON     = "JSON"
)

// RegistrySchema is a schema as a registry stores it.
type RegistrySchema struct {
	// Type is SchemaTypeAvro, SchemaTypeProtobuf or SchemaTypeJSON; ""
	// means AVRO, as in Confluent's API.
	Type string
	Text string
	// References are the schemas this one imports (Protobuf imports by
	// file name), each a version of another subject.
	References []SchemaReference
}

// SchemaReference names a referenced schema as Confluent's API does.
type SchemaReference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// TypeName is the schema's type, AVRO when Type is "".
func (s RegistrySchema) TypeName() string {
	if s.Type == "" {
		return SchemaTypeAvro
	}
	return strings.ToUpper(s.Type)
}

// IsType tells whether the schema is of type t.
func (s RegistrySchema) IsType(t string) bool { return s.TypeName() == t }

// RegistryOption configures a format Registry.
type RegistryOption func(*Registry)

// WithSchemaRegistry makes the schema-registry formats (AVRO) available,
// backed by c.
func WithSchemaRegistry(c SchemaRegistry) RegistryOption {
	return func(r *Registry) { r.sr = c }
}

// SchemaRegistryClient returns the registry client the formats use, or nil.
func (r *Registry) SchemaRegistryClient() SchemaRegistry { return r.sr }

// ErrSchemaRegistryNotConfigured is wrapped (with ErrNeedsSchemaRegistry)
// when a format needs a schema registry and none is configured; the REST
// error code for it is 42801.
var ErrSchemaRegistryNotConfigured = errors.New("schema registry not configured")

func noRegistryError(format string) error {
	return fmt.Errorf("The '%s' format requires a schema registry, but none is configured: set 'ksql.schema.registry.url' (error 42801): %w",
		format, errors.Join(ErrNeedsSchemaRegistry, ErrSchemaRegistryNotConfigured))
}

// registryTimeout bounds one call to the schema registry from a serde.
const registryTimeout = 30 * time.Second

// Avro is the AVRO format: Confluent's wire format (magic byte 0, a 4-byte
// big-endian schema id, then Avro binary), with ksqlDB's schemas.
type Avro struct {
	sr    SchemaRegistry
	cache *schemaCache[avro.Schema]
}

// NewAvro returns the AVRO format over a schema registry.
func NewAvro(sr SchemaRegistry) *Avro {
	return &Avro{sr: sr, cache: newSchemaCache(sr, SchemaTypeAvro, func(rs RegistrySchema) (avro.Schema, error) {
		return parseAvro(rs.Text)
	})}
}

// Name implements Format.
func (*Avro) Name() string { return "AVRO" }

// SupportsWrapping implements Format.
func (*Avro) SupportsWrapping() bool { return true }

// Validate implements Format.
func (f *Avro) Validate(cols []types.Column, p Props) error {
	if err := validateCommon(f, cols, p); err != nil {
		return err
	}
	if len(cols) == 0 {
		return nil
	}
	wrap := wrapped(cols, p)
	for _, c := range cols {
		if wrap {
			if err := checkAvroName(c.Name); err != nil {
				return keySchemaError(f.Name(), cols, p, fmt.Errorf("Schema is not compatible with Avro: %w", err))
			}
		}
		if err := avroCheckType(c.Type); err != nil {
			return keySchemaError(f.Name(), cols, p, err)
		}
	}
	return nil
}

func avroName(p Props) string {
	if n := strings.TrimSpace(p.SchemaFullName); n != "" {
		return n
	}
	if p.IsKey {
		return AvroNamespace + "." + AvroKeyName
	}
	return AvroNamespace + "." + AvroValueName
}

// Subject is the registry subject of a topic's key or value schema.
func Subject(topic string, isKey bool) string {
	if isKey {
		return topic + "-key"
	}
	return topic + "-value"
}

// Serializer implements Format.
func (f *Avro) Serializer(cols []types.Column, p Props) (Serializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("the AVRO format needs at least one %s column", target(p))
	}
	wrap := wrapped(cols, p)
	if p.SchemaID > 0 {
		// KEY_/VALUE_SCHEMA_ID: records are written with that schema and
		// id, as ksqlDB does, its defaults filling what they lack.
		schema, err := f.SchemaByID(p.SchemaID)
		if err != nil {
			return nil, fmt.Errorf("reading the schema of id %d: %w", p.SchemaID, err)
		}
		// The columns are the record's fields, or the one value a
		// schema of another type holds.
		_, record := unwrapNull(schema).(*avro.RecordSchema)
		return &avroSerializer{f: f, cols: cols, wrap: record, isKey: p.IsKey, schema: schema, id: p.SchemaID}, nil
	}
	text, err := AvroSchemaFor(cols, wrap, avroName(p))
	if err != nil {
		return nil, err
	}
	schema, err := parseAvro(text)
	if err != nil {
		return nil, fmt.Errorf("Schema is not compatible with Avro: %w", err)
	}
	return &avroSerializer{f: f, cols: cols, wrap: wrap, isKey: p.IsKey, text: text, schema: schema}, nil
}

type avroSerializer struct {
	f      *Avro
	cols   []types.Column
	wrap   bool
	isKey  bool
	text   string
	schema avro.Schema
	id     int // the schema's id when given (KEY_/VALUE_SCHEMA_ID), else registered
}

func (s *avroSerializer) Serialize(topic string, values []any) ([]byte, error) {
	if values == nil {
		return nil, nil
	}
	if len(values) != len(s.cols) {
		return nil, countMismatch(topic, len(s.cols), len(values), true)
	}
	var v any
	if s.wrap {
		m := make(map[string]any, len(s.cols))
		for i, c := range s.cols {
			m[c.Name] = toGeneric(values[i], c.Type)
		}
		v = m
	} else {
		if values[0] == nil {
			return nil, nil
		}
		v = toGeneric(values[0], s.cols[0].Type)
	}
	id := s.id
	if id == 0 {
		var err error
		if id, err = s.f.cache.register(Subject(topic, s.isKey), s.text, s.schema); err != nil {
			return nil, err
		}
	}
	b := make([]byte, 5, 64)
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	b, err := avroAppend(b, s.schema, v)
	if err != nil {
		return nil, fmt.Errorf("Error serializing AVRO message from topic: %s: %w", topic, err)
	}
	return b, nil
}

// Deserializer implements Format.
func (f *Avro) Deserializer(cols []types.Column, p Props) (Deserializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	return &avroDeserializer{f: f, cols: cols, wrap: wrapped(cols, p)}, nil
}

type avroDeserializer struct {
	f    *Avro
	cols []types.Column
	wrap bool
}

// SchemaByID returns the parsed writer schema of an id, cached.
func (f *Avro) SchemaByID(id int) (avro.Schema, error) { return f.cache.get(id) }

// DecodeAvro decodes Confluent-framed Avro data to generic values.
func (f *Avro) DecodeAvro(data []byte) (any, error) {
	if len(data) < 5 || data[0] != 0 {
		return nil, errors.New("Unknown magic byte!")
	}
	id := int(binary.BigEndian.Uint32(data[1:5]))
	s, err := f.SchemaByID(id)
	if err != nil {
		return nil, err
	}
	r := &avroReader{b: data[5:]}
	v, err := r.read(s)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// EncodeAvro writes a generic value (JSON-like values are accepted) with
// the schema of id in Confluent's framing.
func (f *Avro) EncodeAvro(id int, v any) ([]byte, error) {
	s, err := f.SchemaByID(id)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 5, 64)
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return avroAppend(b, s, v)
}

func (d *avroDeserializer) Deserialize(topic string, data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	v, err := d.f.DecodeAvro(data)
	if err != nil {
		return nil, fmt.Errorf("Error deserializing AVRO message from topic: %s: %w", topic, err)
	}
	if v == nil {
		return nil, nil
	}
	if !d.wrap {
		x, err := fromGeneric(v, d.cols[0].Type)
		if err != nil {
			return nil, fmt.Errorf("Error deserializing AVRO message from topic: %s: %w", topic, err)
		}
		return []any{x}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Error deserializing AVRO message from topic: %s: expected a record, got %T", topic, v)
	}
	out := make([]any, len(d.cols))
	for i, c := range d.cols {
		fv, _ := lookupField(m, c.Name)
		if out[i], err = fromGeneric(fv, c.Type); err != nil {
			return nil, fmt.Errorf("Error deserializing AVRO message from topic: %s: column %s: %w", topic, c.Name, err)
		}
	}
	return out, nil
}

// Wrapped tells whether the columns of one side are written as a record
// (or JSON object) rather than as a bare single value, under p.
func Wrapped(cols []types.Column, p Props) bool { return wrapped(cols, p) }

// inferenceSchema reads the schema of type typ that a topic's key or value
// columns are inferred from: the one of KEY_/VALUE_SCHEMA_ID if given, else
// the latest of the side's subject. A key subject that does not exist gives
// nil and no error; a missing value subject is ksqlDB's error, and a schema
// of another type an error too.
func inferenceSchema(sr SchemaRegistry, topic string, p Props, typ string) (*RegistrySchema, error) {
	ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
	defer cancel()
	subject := Subject(topic, p.IsKey)
	var rs RegistrySchema
	var err error
	if p.SchemaID > 0 {
		if rs, err = sr.SchemaByID(ctx, p.SchemaID); err != nil {
			return nil, fmt.Errorf("reading the schema of id %d: %w", p.SchemaID, err)
		}
	} else if _, rs, err = sr.SchemaByVersion(ctx, subject, -1); err != nil {
		if errors.Is(err, ErrSubjectNotFound) {
			if p.IsKey {
				return nil, nil
			}
			return nil, missingValueSchema(topic, subject)
		}
		return nil, fmt.Errorf("reading the schema of subject %s: %w", subject, err)
	}
	if !rs.IsType(typ) {
		return nil, fmt.Errorf("the schema of subject %s is a %s schema, not %s", subject, rs.TypeName(), typ)
	}
	return &rs, nil
}

// inferredShape tells how a side's inferred schema maps to columns: the
// name of its one column if the schema is not a record, and whether the
// side is unwrapped (values with WRAP_SINGLE_VALUE=false, keys unless
// wrapped explicitly), which makes even a record one column.
func inferredShape(p Props) (single string, unwrapped bool) {
	if p.IsKey {
		return "ROWKEY", p.WrapSingleValue == nil || !*p.WrapSingleValue
	}
	return "ROWVAL", p.WrapSingleValue != nil && !*p.WrapSingleValue
}

func missingValueSchema(topic, subject string) error {
	return fmt.Errorf("Schema for message values on topic '%s' does not exist in the Schema Registry.Subject: %s\n\nPossible causes include:\n- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n- Messages on the topic are not serialized using a format Schema Registry supports\n\t-> Use PRINT '%s' FROM BEGINNING; to verify\n- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n- The schema is registered on a different instance of the Schema Registry\n\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n- You do not have Read access to the subject\n\t-> Check that you have read access to the subject on the schema registry.", topic, subject, topic)
}

// ErrSubjectNotFound is matched (errors.Is) by registry errors for a
// subject that has no schema.
var ErrSubjectNotFound = errors.New("subject not found")

// ErrSchemaNotFound is matched (errors.Is) by registry errors for an
// unknown schema id or subject version.
var ErrSchemaNotFound = errors.New("schema not found")

// IsNotFound tells a registry's "no such subject, version or id" from its
// other errors.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrSubjectNotFound) || errors.Is(err, ErrSchemaNotFound)
}

// InferColumns returns the columns of one side of a topic from the latest
// schema of its subject, as ksqlDB's schema inference does: a record's
// fields become columns (unless the side is unwrapped: values with
// WRAP_SINGLE_VALUE=false, keys unless wrapped explicitly); anything else
// is one column, ROWVAL or ROWKEY. A key subject that does not exist gives
// no columns; a missing value subject is an error.
func (f *Avro) InferColumns(topic string, p Props) ([]types.Column, error) {
	rs, err := inferenceSchema(f.sr, topic, p, SchemaTypeAvro)
	if err != nil || rs == nil {
		return nil, err
	}
	subject := Subject(topic, p.IsKey)
	text := rs.Text
	single, unwrapped := inferredShape(p)
	s, err := parseAvro(text)
	if err != nil {
		return nil, fmt.Errorf("schema of subject %s: %w", subject, err)
	}
	if unwrapped {
		t, err := sqlTypeOf(s, p.SchemaID > 0)
		if err != nil {
			return nil, err
		}
		return []types.Column{{Name: single, Type: t}}, nil
	}
	return AvroColumns(text, single, p.SchemaID > 0)
}
