package serde

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"
	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

// AvroNamespace and AvroValueName name the records of the Avro schemas Eddy
// writes, as ksqlDB names them; nested STRUCTs are named
// <parent>_<FIELD>.
const (
	AvroNamespace = "io.confluent.ksql.avro_schemas"
	AvroValueName = "KsqlDataSourceSchema"
	AvroKeyName   = "KsqlDataSourceSchemaKey"
)

// obj is a JSON object with ordered keys.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// checkAvroName checks a record field name as Avro does.
func checkAvroName(name string) error {
	if name == "" {
		return fmt.Errorf("Empty name")
	}
	c := name[0]
	if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return fmt.Errorf("Illegal initial character: %s", name)
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("Illegal character in: %s", name)
		}
	}
	return nil
}

// avroCheckType validates a type for Avro: MAP keys must be STRING and
// STRUCT field names must be Avro names.
func avroCheckType(t *types.Type) error {
	switch t.Kind {
	case types.KindMap:
		if t.Key.Kind != types.KindString {
			return fmt.Errorf("Avro only supports MAPs with STRING keys")
		}
		return avroCheckType(t.Value)
	case types.KindArray:
		return avroCheckType(t.Elem)
	case types.KindStruct:
		for _, f := range t.Fields {
			if err := checkAvroName(f.Name); err != nil {
				return fmt.Errorf("Schema is not compatible with Avro: %w", err)
			}
			if err := avroCheckType(f.Type); err != nil {
				return err
			}
		}
	}
	return nil
}

// avroTypeJSON is the (non-null) Avro type of a SQL type; name is the full
// name a STRUCT record gets.
func avroTypeJSON(t *types.Type, name string) any {
	switch t.Kind {
	case types.KindBoolean:
		return "boolean"
	case types.KindInt:
		return "int"
	case types.KindBigint:
		return "long"
	case types.KindDouble:
		return "double"
	case types.KindString:
		return "string"
	case types.KindBytes:
		return "bytes"
	case types.KindDecimal:
		return obj{{"type", "bytes"}, {"scale", t.Scale}, {"precision", t.Precision},
			{"connect.version", 1},
			{"connect.parameters", obj{{"scale", strconv.Itoa(t.Scale)}, {"connect.decimal.precision", strconv.Itoa(t.Precision)}}},
			{"connect.name", "org.apache.kafka.connect.data.Decimal"}, {"logicalType", "decimal"}}
	case types.KindDate:
		return obj{{"type", "int"}, {"connect.version", 1}, {"connect.name", "org.apache.kafka.connect.data.Date"}, {"logicalType", "date"}}
	case types.KindTime:
		return obj{{"type", "int"}, {"connect.version", 1}, {"connect.name", "org.apache.kafka.connect.data.Time"}, {"logicalType", "time-millis"}}
	case types.KindTimestamp:
		return obj{{"type", "long"}, {"connect.version", 1}, {"connect.name", "org.apache.kafka.connect.data.Timestamp"}, {"logicalType", "timestamp-millis"}}
	case types.KindArray:
		return obj{{"type", "array"}, {"items", nullable(avroTypeJSON(t.Elem, name))}}
	case types.KindMap:
		return obj{{"type", "map"}, {"values", nullable(avroTypeJSON(t.Value, name+"_MapValue"))}}
	case types.KindStruct:
		cols := make([]types.Column, len(t.Fields))
		for i, f := range t.Fields {
			cols[i] = types.Column{Name: f.Name, Type: f.Type}
		}
		return recordJSON(cols, name)
	}
	return "null"
}

func nullable(t any) any { return []any{"null", t} }

// recordJSON is the record schema of columns under a full name.
func recordJSON(cols []types.Column, fullName string) obj {
	ns, short := "", fullName
	if i := strings.LastIndexByte(fullName, '.'); i >= 0 {
		ns, short = fullName[:i], fullName[i+1:]
	}
	fields := make([]any, len(cols))
	for i, c := range cols {
		fields[i] = obj{{"name", c.Name}, {"type", nullable(avroTypeJSON(c.Type, fullName+"_"+c.Name))}, {"default", nil}}
	}
	o := obj{{"type", "record"}, {"name", short}}
	if ns != "" {
		o = append(o, kv{"namespace", ns})
	}
	return append(o, kv{"fields", fields}, kv{"connect.name", fullName})
}

// AvroSchemaFor returns the Avro schema text ksqlDB writes for the columns
// of one side: a record named fullName when wrapped, else the single
// column's (nullable) type.
func AvroSchemaFor(cols []types.Column, wrap bool, fullName string) (string, error) {
	var v any
	if wrap {
		v = recordJSON(cols, fullName)
	} else {
		v = nullable(avroTypeJSON(cols[0].Type, fullName))
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// parseAvro parses a schema with its own cache, so that schemas that reuse
// a record name (every ksqlDB value schema is KsqlDataSourceSchema) do not
// clash.
func parseAvro(text string) (avro.Schema, error) {
	return avro.ParseWithCache(text, "", &avro.SchemaCache{})
}

// ParseAvroSchema parses an Avro schema text.
func ParseAvroSchema(text string) (avro.Schema, error) { return parseAvro(text) }

// AvroColumns infers SQL columns from a writer schema as ksqlDB does: the
// fields of a record become upper-cased columns (named as written with
// keepNames: a schema given by id, which records are written with); any
// other schema is a single column named single (ROWVAL / ROWKEY). Unions
// with null unwrap, enums are STRING, float is DOUBLE and fixed is BYTES.
func AvroColumns(text string, single string, keepNames bool) ([]types.Column, error) {
	s, err := parseAvro(text)
	if err != nil {
		return nil, err
	}
	s = unwrapNull(s)
	if rec, ok := s.(*avro.RecordSchema); ok {
		cols := make([]types.Column, 0, len(rec.Fields()))
		for _, f := range rec.Fields() {
			t, err := sqlTypeOf(f.Type(), keepNames)
			if err != nil {
				return nil, err
			}
			cols = append(cols, types.Column{Name: avroFieldName(f.Name(), keepNames), Type: t})
		}
		return cols, nil
	}
	t, err := sqlTypeOf(s, keepNames)
	if err != nil {
		return nil, err
	}
	return []types.Column{{Name: single, Type: t}}, nil
}

func unwrapNull(s avro.Schema) avro.Schema {
	if r, ok := s.(*avro.RefSchema); ok {
		return unwrapNull(r.Schema())
	}
	if u, ok := s.(*avro.UnionSchema); ok {
		var nonNull []avro.Schema
		for _, t := range u.Types() {
			if t.Type() != avro.Null {
				nonNull = append(nonNull, t)
			}
		}
		if len(nonNull) == 1 {
			return unwrapNull(nonNull[0])
		}
	}
	return s
}

// avroFieldName is the SQL name of a record field.
func avroFieldName(name string, keep bool) string {
	if keep {
		return name
	}
	return strings.ToUpper(name)
}

func sqlTypeOf(s avro.Schema, keepNames bool) (*types.Type, error) {
	s = unwrapNull(s)
	switch s := s.(type) {
	case *avro.PrimitiveSchema:
		switch logicalOf(s) {
		case avro.Date:
			return types.DateType, nil
		case avro.TimeMillis, avro.TimeMicros:
			return types.TimeType, nil
		case avro.TimestampMillis, avro.TimestampMicros, avro.LocalTimestampMillis, avro.LocalTimestampMicros:
			return types.TimestampType, nil
		case avro.Decimal:
			dl := s.Logical().(*avro.DecimalLogicalSchema)
			return types.DecimalOf(dl.Precision(), dl.Scale()), nil
		}
		switch s.Type() {
		case avro.Boolean:
			return types.BooleanType, nil
		case avro.Int:
			return types.IntType, nil
		case avro.Long:
			return types.BigintType, nil
		case avro.Float, avro.Double:
			return types.DoubleType, nil
		case avro.String:
			return types.StringType, nil
		case avro.Bytes:
			return types.BytesType, nil
		}
	case *avro.EnumSchema:
		return types.StringType, nil
	case *avro.FixedSchema:
		if dl, ok := s.Logical().(*avro.DecimalLogicalSchema); ok && dl != nil {
			return types.DecimalOf(dl.Precision(), dl.Scale()), nil
		}
		return types.BytesType, nil
	case *avro.ArraySchema:
		e, err := sqlTypeOf(s.Items(), keepNames)
		if err != nil {
			return nil, err
		}
		return types.ArrayOf(e), nil
	case *avro.MapSchema:
		v, err := sqlTypeOf(s.Values(), keepNames)
		if err != nil {
			return nil, err
		}
		return types.MapOf(types.StringType, v), nil
	case *avro.RecordSchema:
		fields := make([]types.Field, 0, len(s.Fields()))
		for _, f := range s.Fields() {
			t, err := sqlTypeOf(f.Type(), keepNames)
			if err != nil {
				return nil, err
			}
			fields = append(fields, types.Field{Name: avroFieldName(f.Name(), keepNames), Type: t})
		}
		return types.StructOf(fields...), nil
	}
	return nil, fmt.Errorf("Avro type %s is not supported", s.Type())
}

// ---- SQL values <-> generic Avro values ----

// toGeneric converts a runtime value of type t to the codec's generic form
// (STRUCT values become records keyed by field name).
func toGeneric(v any, t *types.Type) any {
	if v == nil {
		return nil
	}
	switch t.Kind {
	case types.KindArray:
		arr, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = toGeneric(e, t.Elem)
		}
		return out
	case types.KindMap:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k] = toGeneric(e, t.Value)
		}
		return out
	case types.KindStruct:
		sv, ok := v.(types.StructValue)
		if !ok {
			return v
		}
		out := make(map[string]any, len(t.Fields))
		for i, f := range t.Fields {
			if i < len(sv) {
				out[f.Name] = toGeneric(sv[i], f.Type)
			}
		}
		return out
	}
	return v
}

// fromGeneric converts a decoded Avro value to a runtime value of type t,
// with ksqlDB's coercions (numbers widen, anything primitive can be read as
// a STRING, record fields match case-insensitively).
func fromGeneric(v any, t *types.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t.Kind {
	case types.KindBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case types.KindInt:
		switch x := v.(type) {
		case int32:
			return x, nil
		case int64:
			return int32(x), nil
		}
	case types.KindBigint:
		switch x := v.(type) {
		case int32:
			return int64(x), nil
		case int64:
			return x, nil
		}
	case types.KindDouble:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		}
	case types.KindDecimal:
		switch x := v.(type) {
		case decimal.Decimal:
			return x, nil
		case int32:
			return decimal.NewFromInt(int64(x)), nil
		case int64:
			return decimal.NewFromInt(x), nil
		case float64:
			return decimal.NewFromFloat(x), nil
		}
	case types.KindString:
		switch x := v.(type) {
		case string:
			return x, nil
		case int32:
			return strconv.FormatInt(int64(x), 10), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case bool:
			return strconv.FormatBool(x), nil
		case float64:
			return types.FormatDouble(x), nil
		case decimal.Decimal:
			return x.String(), nil
		}
	case types.KindBytes:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case types.KindDate:
		switch x := v.(type) {
		case types.Date:
			return x, nil
		case int32:
			return types.Date(x), nil
		}
	case types.KindTime:
		switch x := v.(type) {
		case types.Time:
			return x, nil
		case int32:
			return types.Time(x), nil
		}
	case types.KindTimestamp:
		switch x := v.(type) {
		case types.Timestamp:
			return x, nil
		case int64:
			return types.Timestamp(x), nil
		}
	case types.KindArray:
		if arr, ok := v.([]any); ok {
			out := make([]any, len(arr))
			for i, e := range arr {
				var err error
				if out[i], err = fromGeneric(e, t.Elem); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
	case types.KindMap:
		if m, ok := v.(map[string]any); ok {
			out := make(map[string]any, len(m))
			for k, e := range m {
				var err error
				if out[k], err = fromGeneric(e, t.Value); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
	case types.KindStruct:
		if m, ok := v.(map[string]any); ok {
			out := make(types.StructValue, len(t.Fields))
			for i, f := range t.Fields {
				fv, _ := lookupField(m, f.Name)
				var err error
				if out[i], err = fromGeneric(fv, f.Type); err != nil {
					return nil, fmt.Errorf("field %s: %w", f.Name, err)
				}
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("cannot read Avro %T as %s", v, t)
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
