package serde

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/eddysql/eddy/planner/types"
)

// SchemaRegistry is what the schema-registry formats need from a
// Confluent-compatible registry. server/schemaregistry implements it in
// process; NewSRClient adapts a franz-go sr.Client talking HTTP to any
// registry.
type SchemaRegistry interface {
	// Register registers an Avro schema under a subject (or finds it) and
	// returns its global id.
	Register(ctx context.Context, subject, schema string) (int, error)
	// SchemaByID returns the schema text of an id.
	SchemaByID(ctx context.Context, id int) (string, error)
	// Latest returns the latest schema of a subject.
	Latest(ctx context.Context, subject string) (id int, schema string, err error)
}

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
	sr SchemaRegistry

	mu     sync.Mutex
	byID   map[int]avro.Schema
	idsFor map[string]int // subject + "\x00" + schema -> id
}

// NewAvro returns the AVRO format over a schema registry.
func NewAvro(sr SchemaRegistry) *Avro {
	return &Avro{sr: sr, byID: map[int]avro.Schema{}, idsFor: map[string]int{}}
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
}

// id registers the serializer's schema under the topic's subject once.
func (s *avroSerializer) id(topic string) (int, error) {
	subject := Subject(topic, s.isKey)
	key := subject + "\x00" + s.text
	s.f.mu.Lock()
	id, ok := s.f.idsFor[key]
	s.f.mu.Unlock()
	if ok {
		return id, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
	defer cancel()
	id, err := s.f.sr.Register(ctx, subject, s.text)
	if err != nil {
		return 0, fmt.Errorf("registering the schema of subject %s: %w", subject, err)
	}
	s.f.mu.Lock()
	s.f.idsFor[key] = id
	s.f.byID[id] = s.schema
	s.f.mu.Unlock()
	return id, nil
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
	id, err := s.id(topic)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 5, 64)
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	b, err = avroAppend(b, s.schema, v)
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
func (f *Avro) SchemaByID(id int) (avro.Schema, error) {
	f.mu.Lock()
	s, ok := f.byID[id]
	f.mu.Unlock()
	if ok {
		return s, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
	defer cancel()
	text, err := f.sr.SchemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("fetching schema id %d: %w", id, err)
	}
	s, err = parseAvro(text)
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	f.mu.Lock()
	f.byID[id] = s
	f.mu.Unlock()
	return s, nil
}

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

// ErrSubjectNotFound is matched (errors.Is) by registry errors for a
// subject that has no schema.
var ErrSubjectNotFound = errors.New("subject not found")

// InferColumns returns the columns of one side of a topic from the latest
// schema of its subject, as ksqlDB's schema inference does: a record's
// fields become columns (unless the side is unwrapped: values with
// WRAP_SINGLE_VALUE=false, keys unless wrapped explicitly); anything else
// is one column, ROWVAL or ROWKEY. A key subject that does not exist gives
// no columns; a missing value subject is an error.
func (f *Avro) InferColumns(topic string, p Props) ([]types.Column, error) {
	subject := Subject(topic, p.IsKey)
	ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
	defer cancel()
	_, text, err := f.sr.Latest(ctx, subject)
	if err != nil {
		if errors.Is(err, ErrSubjectNotFound) {
			if p.IsKey {
				return nil, nil
			}
			return nil, fmt.Errorf("Schema for message values on topic '%s' does not exist in the Schema Registry.Subject: %s\n\nPossible causes include:\n- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n- Messages on the topic are not serialized using a format Schema Registry supports\n\t-> Use PRINT '%s' FROM BEGINNING; to verify\n- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n- The schema is registered on a different instance of the Schema Registry\n\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n- You do not have Read access to the subject\n\t-> Check that you have read access to the subject on the schema registry.", topic, subject, topic)
		}
		return nil, fmt.Errorf("reading the schema of subject %s: %w", subject, err)
	}
	single := "ROWVAL"
	unwrapped := p.WrapSingleValue != nil && !*p.WrapSingleValue
	if p.IsKey {
		single = "ROWKEY"
		unwrapped = p.WrapSingleValue == nil || !*p.WrapSingleValue
	}
	s, err := parseAvro(text)
	if err != nil {
		return nil, fmt.Errorf("schema of subject %s: %w", subject, err)
	}
	if unwrapped {
		t, err := sqlTypeOf(s)
		if err != nil {
			return nil, err
		}
		return []types.Column{{Name: single, Type: t}}, nil
	}
	return AvroColumns(text, single)
}
