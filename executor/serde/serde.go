// Package serde turns rows into Kafka record bytes and back, with ksqlDB's
// (0.29) semantics: JSON, DELIMITED, KAFKA, NONE and PROTOBUF_NOSR need no
// schema registry; AVRO, PROTOBUF and JSON_SR keep their schemas in one.
//
// A serde works on the columns of one side of a record (the key columns or
// the value columns, in schema order). Values use the runtime representation
// of planner/types: BOOLEAN bool, INT int32, BIGINT int64, DOUBLE float64,
// DECIMAL decimal.Decimal, STRING string, BYTES []byte, DATE types.Date,
// TIME types.Time, TIMESTAMP types.Timestamp, ARRAY []any, MAP
// map[string]any, STRUCT types.StructValue, NULL nil.
//
// Null records: Serialize(topic, nil) returns nil bytes (a Kafka null, i.e. a
// tombstone for values), and Deserialize(topic, nil) returns a nil row and no
// error. Deserializers also return a nil row, without error, for data that
// encodes a null record: the JSON document `null`, and for unwrapped single
// columns a null value. Callers treat a nil key row as "all key columns
// NULL" and a nil value row as a tombstone. A non-nil row always has one
// value per column.
//
// Serializers and deserializers are safe for concurrent use. Byte slices
// returned by Serialize are owned by the caller.
package serde

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
)

// Props are the format options of one side (key or value) of a source.
type Props struct {
	// WrapSingleValue is WRAP_SINGLE_VALUE from the WITH clause (values) or
	// an explicit key wrapping; nil means the format's default: values are
	// wrapped, keys unwrapped (single-column JSON keys are bare values). An
	// explicit setting is validated: it needs exactly one value column and
	// a format that supports it.
	WrapSingleValue *bool
	// DefaultWrapSingleValue is the server default
	// (ksql.persistence.wrap.single.values). Unlike WrapSingleValue it is
	// never an error: it applies only to single-column values of formats
	// that support wrapping and is ignored otherwise.
	DefaultWrapSingleValue *bool
	// Delimiter is KEY_DELIMITER / VALUE_DELIMITER for DELIMITED: a single
	// character, or 'TAB' or 'SPACE'; "" means the default ','. An explicit
	// empty delimiter must be rejected by the caller with ParseDelimiter("").
	Delimiter string
	// IsKey tells that the columns are key columns.
	IsKey bool
	// NullableRepresentation is KEY_/VALUE_PROTOBUF_NULLABLE_REPRESENTATION
	// (PROTOBUF formats): "", "OPTIONAL" or "WRAPPER".
	NullableRepresentation string
	// SchemaFullName is KEY_/VALUE_SCHEMA_FULL_NAME: the message (PROTOBUF)
	// of the registered schema that the side's columns are inferred from.
	SchemaFullName string
	// SchemaFullNameSet tells that SchemaFullName was given (blank is an
	// error).
	SchemaFullNameSet bool
	// SchemaID is KEY_/VALUE_SCHEMA_ID: the registered schema the side's
	// columns are inferred from, instead of the subject's latest (0: none).
	SchemaID int
}

// Serializer writes one row. values are aligned with the serde's columns.
type Serializer interface {
	Serialize(topic string, values []any) ([]byte, error)
}

// Deserializer reads one record. It returns one value per column, or a nil
// row (and no error) for a null record; see the package comment.
type Deserializer interface {
	Deserialize(topic string, data []byte) ([]any, error)
}

// Format is a serialization format.
type Format interface {
	// Name is the upper-case format name: "JSON", "DELIMITED", "KAFKA", "NONE".
	Name() string
	// Validate is the planning-time check of columns and properties, with
	// ksqlDB's messages. For key columns, errors about the format not
	// supporting the schema come wrapped as ksqlDB does ("Key format does
	// not support schema.\nformat: ...\nschema: ...\nreason: ...").
	Validate(cols []types.Column, p Props) error
	Serializer(cols []types.Column, p Props) (Serializer, error)
	Deserializer(cols []types.Column, p Props) (Deserializer, error)
	// SupportsWrapping tells whether WRAP_SINGLE_VALUE may be set at all
	// (true only for JSON here). KAFKA and DELIMITED accept only 'false'.
	SupportsWrapping() bool
}

// ErrNeedsSchemaRegistry is wrapped by Registry.Get for the formats that
// need a schema registry (AVRO, PROTOBUF, JSON_SR) when none is configured.
var ErrNeedsSchemaRegistry = errors.New("format needs a schema registry")

// Registry maps format names to formats.
type Registry struct {
	formats map[string]Format
	sr      SchemaRegistry
}

// NewRegistry returns a registry with JSON, DELIMITED, KAFKA, NONE and
// PROTOBUF_NOSR, and AVRO, PROTOBUF and JSON_SR when a schema registry is
// given (WithSchemaRegistry).
func NewRegistry(opts ...RegistryOption) *Registry {
	r := &Registry{formats: map[string]Format{}}
	for _, o := range opts {
		o(r)
	}
	r.Register(JSON)
	r.Register(Delimited)
	r.Register(Kafka)
	r.Register(None)
	r.Register(NewProtobufNoSR())
	if r.sr != nil {
		r.Register(NewAvro(r.sr))
		r.Register(NewProtobuf(r.sr))
		r.Register(NewJSONSR(r.sr))
	}
	return r
}

// Register adds or replaces a format under its Name.
func (r *Registry) Register(f Format) { r.formats[strings.ToUpper(f.Name())] = f }

// Names lists the registered format names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.formats))
	for n := range r.formats {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get finds a format by name, case-insensitively. Unknown names give
// ksqlDB's "Unknown format: FOO" followed by the supported formats; the
// schema-registry formats give an error wrapping ErrNeedsSchemaRegistry.
func (r *Registry) Get(name string) (Format, error) {
	up := strings.ToUpper(strings.TrimSpace(name))
	if f, ok := r.formats[up]; ok {
		return f, nil
	}
	if catalog.UsesSchemaRegistry(up) {
		return nil, noRegistryError(up)
	}
	return nil, fmt.Errorf("Unknown format: %s (supported formats: %s)", up, strings.Join(r.Names(), ", "))
}

// ParseDelimiter checks a KEY_DELIMITER / VALUE_DELIMITER value as ksqlDB
// does and returns the delimiter character. The error message is ksqlDB's
// (the engine adds its "Failed to prepare statement: " prefix).
func ParseDelimiter(value string, isKey bool) (rune, error) {
	name := "VALUE_DELIMITER"
	if isKey {
		name = "KEY_DELIMITER"
	}
	bad := func(msg string) error {
		return fmt.Errorf("Configuration %s is invalid: %s\nExample valid value: ';'", name, msg)
	}
	if strings.TrimLeft(value, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ") == "" {
		return 0, bad("Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'")
	}
	switch value {
	case "TAB":
		return '\t', nil
	case "SPACE":
		return ' ', nil
	}
	r, size := utf8.DecodeRuneInString(value)
	if size != len(value) || r == utf8.RuneError {
		return 0, bad("Invalid delimiter value: '" + value + "'. Delimiter must be a single character or TAB,SPACE")
	}
	switch r {
	case '"':
		return 0, bad("The quoteChar character and the delimiter cannot be the same ('\"')")
	case '\r', '\n':
		return 0, bad("The delimiter cannot be a line break")
	}
	return r, nil
}

// ---- shared validation helpers ----

// columnList prints columns as ksqlDB prints a list of SimpleColumns:
// "[`ID` INTEGER KEY, `AGE` INTEGER KEY]".
func columnList(cols []types.Column) string {
	s := types.Schema{Columns: cols}
	return "[" + s.String() + "]"
}

// containsMap tells whether t is or contains a MAP.
func containsMap(t *types.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind {
	case types.KindMap:
		return true
	case types.KindArray:
		return containsMap(t.Elem)
	case types.KindStruct:
		for _, f := range t.Fields {
			if containsMap(f.Type) {
				return true
			}
		}
	}
	return false
}

// validateCommon runs the checks shared by all formats: map-typed key
// columns, delimiter use and WRAP_SINGLE_VALUE.
func validateCommon(f Format, cols []types.Column, p Props) error {
	if p.IsKey {
		for _, c := range cols {
			if containsMap(c.Type) {
				return fmt.Errorf("Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: %s. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.", types.QuoteIdent(c.Name), c.Type.String())
			}
		}
	}
	if p.Delimiter != "" {
		if f.Name() != "DELIMITED" {
			return fmt.Errorf("%s does not support the following configs: [delimiter]", f.Name())
		}
		if _, err := ParseDelimiter(p.Delimiter, p.IsKey); err != nil {
			return err
		}
	}
	if p.SchemaFullNameSet {
		if !fullNameFormats[f.Name()] {
			return fmt.Errorf("%s does not support the following configs: [fullSchemaName]", f.Name())
		}
		if strings.TrimSpace(p.SchemaFullName) == "" {
			return errors.New("fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}")
		}
	}
	if p.WrapSingleValue != nil {
		if !p.IsKey && len(cols) != 1 {
			return errors.New("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
		}
		if !f.SupportsWrapping() && (*p.WrapSingleValue || f.Name() == "NONE") {
			return fmt.Errorf("Format '%s' does not support 'WRAP_SINGLE_VALUE' set to '%t'.", f.Name(), *p.WrapSingleValue)
		}
	}
	return nil
}

// fullNameFormats are the formats whose schemas have a name that
// KEY_/VALUE_SCHEMA_FULL_NAME sets.
var fullNameFormats = map[string]bool{"AVRO": true, "PROTOBUF": true, "PROTOBUF_NOSR": true, "JSON_SR": true}

// keySchemaError wraps a format's reason the way ksqlDB reports key formats
// that cannot hold the key schema.
func keySchemaError(format string, cols []types.Column, p Props, reason error) error {
	if !p.IsKey || reason == nil {
		return reason
	}
	features := ""
	if p.WrapSingleValue != nil {
		if *p.WrapSingleValue {
			features = "WRAP_SINGLES"
		} else {
			features = "UNWRAP_SINGLES"
		}
	}
	return fmt.Errorf("Key format does not support schema.\nformat: %s\nschema: Persistence{columns=%s, features=[%s]}\nreason: %s", format, columnList(cols), features, reason.Error())
}

// wrapped decides whether a JSON-like record is an object of columns.
func wrapped(cols []types.Column, p Props) bool {
	if len(cols) != 1 {
		return true
	}
	if p.WrapSingleValue != nil {
		return *p.WrapSingleValue
	}
	if p.IsKey {
		return false
	}
	if p.DefaultWrapSingleValue != nil {
		return *p.DefaultWrapSingleValue
	}
	return true
}

func countMismatch(topic string, expected, got int, ser bool) error {
	dir := "deserialization"
	if ser {
		dir = "serialization"
	}
	return fmt.Errorf("Column count mismatch on %s. topic: %s, expected: %d, got: %d", dir, topic, expected, got)
}

func target(p Props) string {
	if p.IsKey {
		return "key"
	}
	return "value"
}
