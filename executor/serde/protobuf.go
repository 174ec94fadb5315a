package serde

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/eddysql/eddy/planner/types"
)

// Protobuf is the PROTOBUF format: Confluent's wire format (magic byte 0, a
// 4-byte big-endian schema id, the message-index path, then the message)
// with schemas in a registry; or, without a registry, PROTOBUF_NOSR: the
// bare message, its schema derived from the columns on both sides.
//
// Rows are always messages (single columns too: Protobuf has no bare
// values), and WRAP_SINGLE_VALUE=false is refused as in ksqlDB.
type Protobuf struct {
	sr    SchemaRegistry // nil for PROTOBUF_NOSR
	cache *schemaCache[protoreflect.FileDescriptor]
}

// NewProtobuf returns the PROTOBUF format over a schema registry.
func NewProtobuf(sr SchemaRegistry) *Protobuf {
	f := &Protobuf{sr: sr}
	f.cache = newSchemaCache(sr, SchemaTypeProtobuf, f.compile)
	return f
}

// compile compiles a registered schema with the files it references.
func (f *Protobuf) compile(rs RegistrySchema) (protoreflect.FileDescriptor, error) {
	files := map[string]string{}
	if err := f.references(rs.References, files, 0); err != nil {
		return nil, err
	}
	return compileProto(rs.Text, files)
}

// references fetches referenced schemas, and theirs, by file name.
func (f *Protobuf) references(refs []SchemaReference, files map[string]string, depth int) error {
	if depth > 32 {
		return errors.New("schema references nest too deeply")
	}
	for _, ref := range refs {
		if _, done := files[ref.Name]; done {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
		_, rs, err := f.sr.SchemaByVersion(ctx, ref.Subject, ref.Version)
		cancel()
		if err != nil {
			return fmt.Errorf("reference %s (subject %s version %d): %w", ref.Name, ref.Subject, ref.Version, err)
		}
		files[ref.Name] = rs.Text
		if err := f.references(rs.References, files, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// NewProtobufNoSR returns the PROTOBUF_NOSR format.
func NewProtobufNoSR() *Protobuf { return &Protobuf{} }

// Name implements Format.
func (f *Protobuf) Name() string {
	if f.sr == nil {
		return "PROTOBUF_NOSR"
	}
	return "PROTOBUF"
}

// SupportsWrapping implements Format: WRAP_SINGLE_VALUE may be given, but
// only as true (checked in Validate).
func (*Protobuf) SupportsWrapping() bool { return true }

func nullableOf(p Props) (ProtobufNullable, error) {
	switch n := ProtobufNullable(strings.ToUpper(strings.TrimSpace(p.NullableRepresentation))); n {
	case PBNullableDefault, PBNullableOptional, PBNullableWrapper:
		return n, nil
	}
	return "", fmt.Errorf("Invalid value for %s_PROTOBUF_NULLABLE_REPRESENTATION: '%s'. Valid values are OPTIONAL and WRAPPER",
		strings.ToUpper(target(p)), p.NullableRepresentation)
}

// Validate implements Format.
func (f *Protobuf) Validate(cols []types.Column, p Props) error {
	if p.WrapSingleValue != nil && !*p.WrapSingleValue {
		return fmt.Errorf("Format '%s' does not support 'WRAP_SINGLE_VALUE' set to 'false'.", f.Name())
	}
	if err := validateCommon(f, cols, p); err != nil {
		return err
	}
	if _, err := nullableOf(p); err != nil {
		return err
	}
	for _, c := range cols {
		if !pbIdent(c.Name) {
			return keySchemaError(f.Name(), cols, p, fmt.Errorf("Schema is not compatible with Protobuf: %s is not a valid field name", types.QuoteIdent(c.Name)))
		}
		if err := pbCheckType(c.Type); err != nil {
			return keySchemaError(f.Name(), cols, p, err)
		}
	}
	return nil
}

// schemaFor returns the schema text and message of columns.
func pbSchemaFor(cols []types.Column, p Props) (string, protoreflect.MessageDescriptor, error) {
	nullable, err := nullableOf(p)
	if err != nil {
		return "", nil, err
	}
	text, err := pbSchemaText(cols, nullable, false)
	if err != nil {
		return "", nil, err
	}
	fd, err := compileProto(text, nil)
	if err != nil {
		return "", nil, fmt.Errorf("compiling the Protobuf schema of %s: %w", columnList(cols), err)
	}
	return text, fd.Messages().Get(0), nil
}

// Serializer implements Format.
func (f *Protobuf) Serializer(cols []types.Column, p Props) (Serializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("the %s format needs at least one %s column", f.Name(), target(p))
	}
	text, md, err := pbSchemaFor(cols, p)
	if err != nil {
		return nil, err
	}
	return &pbSerializer{f: f, cols: cols, isKey: p.IsKey, text: text, md: md}, nil
}

type pbSerializer struct {
	f     *Protobuf
	cols  []types.Column
	isKey bool
	text  string
	md    protoreflect.MessageDescriptor
}

func (s *pbSerializer) Serialize(topic string, values []any) ([]byte, error) {
	if values == nil {
		return nil, nil
	}
	if len(values) != len(s.cols) {
		return nil, countMismatch(topic, len(s.cols), len(values), true)
	}
	rec := make(map[string]any, len(s.cols))
	for i, c := range s.cols {
		rec[c.Name] = toGeneric(values[i], c.Type)
	}
	var b []byte
	if s.f.sr != nil {
		id, err := s.f.cache.register(Subject(topic, s.isKey), s.text, s.md.ParentFile())
		if err != nil {
			return nil, err
		}
		b = make([]byte, 5, 64)
		binary.BigEndian.PutUint32(b[1:], uint32(id))
		b = pbAppendIndexes(b, []int{0})
	}
	b, err := pbEncode(b, s.md, rec)
	if err != nil {
		return nil, fmt.Errorf("Error serializing message to topic: %s: %w", topic, err)
	}
	if b == nil {
		b = []byte{} // an all-default message is empty, not a Kafka null
	}
	return b, nil
}

// Deserializer implements Format.
func (f *Protobuf) Deserializer(cols []types.Column, p Props) (Deserializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	d := &pbDeserializer{f: f, cols: cols}
	if f.sr == nil {
		var err error
		if _, d.md, err = pbSchemaFor(cols, p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

type pbDeserializer struct {
	f    *Protobuf
	cols []types.Column
	md   protoreflect.MessageDescriptor // PROTOBUF_NOSR
}

// DecodeProtobuf decodes Confluent-framed Protobuf data to a record of
// generic values.
func (f *Protobuf) DecodeProtobuf(data []byte) (map[string]any, error) {
	if len(data) < 5 || data[0] != 0 {
		return nil, errors.New("Unknown magic byte!")
	}
	fd, err := f.cache.get(int(binary.BigEndian.Uint32(data[1:5])))
	if err != nil {
		return nil, err
	}
	path, rest, err := pbReadIndexes(data[5:])
	if err != nil {
		return nil, err
	}
	md, err := pbMessageAt(fd, path)
	if err != nil {
		return nil, err
	}
	return pbDecode(md, rest)
}

// EncodeProtobuf writes a record of generic values (JSON-like values are
// accepted) with the schema of id, in Confluent's framing: with the message
// called message, or the first one when message is "".
func (f *Protobuf) EncodeProtobuf(id int, message string, v any) ([]byte, error) {
	fd, err := f.cache.get(id)
	if err != nil {
		return nil, err
	}
	md, err := pbMessageNamed(fd, message)
	if err != nil {
		return nil, err
	}
	rec, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a PROTOBUF record must be an object, got %T", v)
	}
	b := make([]byte, 5, 64)
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	b = pbAppendIndexes(b, pbPathOf(md))
	return pbEncode(b, md, rec)
}

func (d *pbDeserializer) Deserialize(topic string, data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	var rec map[string]any
	var err error
	if d.md != nil {
		rec, err = pbDecode(d.md, data)
	} else {
		rec, err = d.f.DecodeProtobuf(data)
	}
	if err != nil {
		return nil, fmt.Errorf("Error deserializing message from topic: %s: %w", topic, err)
	}
	out := make([]any, len(d.cols))
	for i, c := range d.cols {
		fv, _ := lookupField(rec, c.Name)
		if out[i], err = fromGeneric(fv, c.Type); err != nil {
			return nil, fmt.Errorf("Error deserializing message from topic: %s: column %s: %w", topic, c.Name, err)
		}
	}
	return out, nil
}

// InferColumns returns the columns of one side of a topic from the latest
// schema of its subject: the fields of its first message, or of the message
// named by KEY_/VALUE_SCHEMA_FULL_NAME. A key subject that does not exist
// gives no columns; a missing value subject is an error.
func (f *Protobuf) InferColumns(topic string, p Props) ([]types.Column, error) {
	if f.sr == nil {
		return nil, nil
	}
	rs, err := inferenceSchema(f.sr, topic, p, SchemaTypeProtobuf)
	if err != nil || rs == nil {
		return nil, err
	}
	subject := Subject(topic, p.IsKey)
	fd, err := f.compile(*rs)
	if err != nil {
		return nil, fmt.Errorf("schema of subject %s: %w", subject, err)
	}
	md, err := pbMessageNamed(fd, p.SchemaFullName)
	if err != nil {
		return nil, fmt.Errorf("Schema for message %ss on topic '%s' does not exist in the Schema Registry: subject %s: %w", target(p), topic, subject, err)
	}
	return pbColumns(md, p.SchemaID > 0)
}

// pbMessageNamed finds a message of a file by full name (or by name
// without the file's package), anywhere in the file; "" is the first
// top-level message.
func pbMessageNamed(fd protoreflect.FileDescriptor, name string) (protoreflect.MessageDescriptor, error) {
	if name == "" {
		return pbMessageAt(fd, []int{0})
	}
	full := protoreflect.FullName(name)
	if pkg := fd.Package(); pkg != "" && !strings.HasPrefix(name, string(pkg)+".") {
		full = pkg.Append(protoreflect.Name(name))
	}
	var walk func(protoreflect.MessageDescriptors) protoreflect.MessageDescriptor
	walk = func(ms protoreflect.MessageDescriptors) protoreflect.MessageDescriptor {
		for i := 0; i < ms.Len(); i++ {
			m := ms.Get(i)
			if m.FullName() == full {
				return m
			}
			if d := walk(m.Messages()); d != nil {
				return d
			}
		}
		return nil
	}
	if md := walk(fd.Messages()); md != nil {
		return md, nil
	}
	return nil, fmt.Errorf("no message %s in the schema", name)
}

// QueryRowsProtobuf returns how ksqlDB's /query describes result rows of
// columns in Protobuf (Accept: application/vnd.ksql.v1+protobuf): the
// schema text of one message of all the columns, and a serializer of
// plain messages of it (no registry framing).
func QueryRowsProtobuf(cols []types.Column) (string, Serializer, error) {
	s, err := NewProtobufNoSR().Serializer(cols, Props{})
	if err != nil {
		return "", nil, err
	}
	text, err := pbSchemaText(cols, PBNullableDefault, true)
	return text, s, err
}

// ProtobufMessage compiles the text of a .proto file and returns its first
// message.
func ProtobufMessage(text string) (protoreflect.MessageDescriptor, error) {
	fd, err := compileProto(text, nil)
	if err != nil {
		return nil, err
	}
	if fd.Messages().Len() == 0 {
		return nil, fmt.Errorf("the schema has no message")
	}
	return fd.Messages().Get(0), nil
}
