package serde

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

// memRegistry is a minimal SchemaRegistry for tests.
type memRegistry struct {
	mu       sync.Mutex
	schemas  []RegistrySchema
	subjects map[string][]int
}

func newMemRegistry() *memRegistry { return &memRegistry{subjects: map[string][]int{}} }

func (m *memRegistry) Register(_ context.Context, subject string, schema RegistrySchema) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, s := range m.schemas {
		if reflect.DeepEqual(s, schema) {
			m.subjects[subject] = append(m.subjects[subject], i+1)
			return i + 1, nil
		}
	}
	m.schemas = append(m.schemas, schema)
	m.subjects[subject] = append(m.subjects[subject], len(m.schemas))
	return len(m.schemas), nil
}

func (m *memRegistry) SchemaByID(_ context.Context, id int) (RegistrySchema, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 1 || id > len(m.schemas) {
		return RegistrySchema{}, errors.New("not found")
	}
	return m.schemas[id-1], nil
}

func (m *memRegistry) SchemaByVersion(_ context.Context, subject string, version int) (int, RegistrySchema, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := m.subjects[subject]
	if version == -1 {
		version = len(ids)
	}
	if version < 1 || version > len(ids) {
		return 0, RegistrySchema{}, ErrSubjectNotFound
	}
	id := ids[version-1]
	return id, m.schemas[id-1], nil
}

func avroFormat(t *testing.T, reg SchemaRegistry) Format {
	t.Helper()
	f, err := NewRegistry(WithSchemaRegistry(reg)).Get("avro")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAvroNeedsRegistry(t *testing.T) {
	_, err := NewRegistry().Get("AVRO")
	if err == nil || !errors.Is(err, ErrNeedsSchemaRegistry) || !errors.Is(err, ErrSchemaRegistryNotConfigured) ||
		!strings.Contains(err.Error(), "requires a schema registry") || !strings.Contains(err.Error(), "42801") {
		t.Fatalf("err = %v", err)
	}
}

func TestAvroRoundTripAllTypes(t *testing.T) {
	point := types.StructOf(types.Field{Name: "X", Type: types.IntType}, types.Field{Name: "Inner", Type: types.StructOf(types.Field{Name: "S", Type: types.StringType})})
	cols := []types.Column{
		{Name: "B", Type: types.BooleanType},
		{Name: "I", Type: types.IntType},
		{Name: "L", Type: types.BigintType},
		{Name: "D", Type: types.DoubleType},
		{Name: "DEC", Type: types.DecimalOf(6, 2)},
		{Name: "S", Type: types.StringType},
		{Name: "BY", Type: types.BytesType},
		{Name: "DT", Type: types.DateType},
		{Name: "TM", Type: types.TimeType},
		{Name: "TS", Type: types.TimestampType},
		{Name: "A", Type: types.ArrayOf(types.StringType)},
		{Name: "M", Type: types.MapOf(types.StringType, types.BigintType)},
		{Name: "ST", Type: point},
		{Name: "N", Type: types.IntType},
	}
	row := []any{true, int32(-7), int64(1) << 40, 1.25, decimal.RequireFromString("-1234.56"), "héllo", []byte{0, 1, 0xff},
		types.Date(19000), types.Time(3600001), types.Timestamp(1700000000123), []any{"a", nil, "c"},
		map[string]any{"k": int64(1), "n": nil}, types.StructValue{int32(3), types.StructValue{"in"}}, nil}
	reg := newMemRegistry()
	f := avroFormat(t, reg)
	ser, err := f.Serializer(cols, Props{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.Serialize("t", row)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 || b[4] != 1 {
		t.Fatalf("framing: % x", b[:5])
	}
	if len(reg.subjects["t-value"]) != 1 {
		t.Fatalf("subjects: %v", reg.subjects)
	}
	// The registered schema is ksqlDB's.
	var schema map[string]any
	if err := json.Unmarshal([]byte(reg.schemas[0].Text), &schema); err != nil {
		t.Fatal(err)
	}
	if schema["name"] != "KsqlDataSourceSchema" || schema["namespace"] != AvroNamespace {
		t.Errorf("schema: %+v", reg.schemas[0])
	}
	for _, want := range []string{`"name":"B","type":["null","boolean"],"default":null`, `"logicalType":"decimal"`, `"precision":6`,
		`"logicalType":"date"`, `"logicalType":"time-millis"`, `"logicalType":"timestamp-millis"`,
		`"name":"KsqlDataSourceSchema_ST"`, `"name":"KsqlDataSourceSchema_ST_Inner"`, `{"type":"map","values":["null","long"]}`} {
		if !strings.Contains(reg.schemas[0].Text, want) {
			t.Errorf("schema lacks %+v: %+v", want, reg.schemas[0])
		}
	}
	de, err := f.Deserializer(cols, Props{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := de.Deserialize("t", b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range row {
		if d, ok := row[i].(decimal.Decimal); ok {
			if !d.Equal(got[i].(decimal.Decimal)) {
				t.Errorf("%s: %v != %v", cols[i].Name, got[i], row[i])
			}
			continue
		}
		if !reflect.DeepEqual(got[i], row[i]) {
			t.Errorf("%s: got %#v, want %#v", cols[i].Name, got[i], row[i])
		}
	}
	if b2, _ := ser.Serialize("t", nil); b2 != nil {
		t.Errorf("null record: %v", b2)
	}
	if r, err := de.Deserialize("t", nil); r != nil || err != nil {
		t.Errorf("null: %v %v", r, err)
	}
	if _, err := de.Deserialize("t", []byte{1, 2}); err == nil {
		t.Errorf("bad magic accepted")
	}
}

func TestAvroUnwrappedAndKeys(t *testing.T) {
	reg := newMemRegistry()
	f := avroFormat(t, reg)
	f2 := false
	for _, tc := range []struct {
		p      Props
		typ    *types.Type
		v      any
		schema string
	}{
		{Props{IsKey: true}, types.IntType, int32(42), `["null","int"]`},
		{Props{IsKey: true}, types.StringType, "k", `["null","string"]`},
		{Props{WrapSingleValue: &f2}, types.ArrayOf(types.BigintType), []any{int64(1), nil}, `["null",{"type":"array","items":["null","long"]}]`},
		{Props{WrapSingleValue: &f2}, types.DecimalOf(4, 1), decimal.RequireFromString("12.5"), ""},
	} {
		cols := []types.Column{{Name: "C", Type: tc.typ}}
		ser, err := f.Serializer(cols, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ser.Serialize("u", []any{tc.v})
		if err != nil {
			t.Fatal(err)
		}
		de, _ := f.Deserializer(cols, tc.p)
		got, err := de.Deserialize("u", b)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got[0]) != fmt.Sprint(tc.v) {
			t.Errorf("%s: got %v want %v", tc.typ, got[0], tc.v)
		}
		if tc.schema != "" && reg.schemas[len(reg.schemas)-1].Text != tc.schema {
			t.Errorf("%+v schema: %+v", tc.typ, reg.schemas[len(reg.schemas)-1])
		}
	}
	if _, ok := reg.subjects["u-key"]; !ok {
		t.Errorf("no key subject: %v", reg.subjects)
	}
}

func TestAvroReadsOtherWriterSchemas(t *testing.T) {
	reg := newMemRegistry()
	f := avroFormat(t, reg).(*Avro)
	id, _ := reg.Register(context.Background(), "w-value", RegistrySchema{Text: `{"type":"record","name":"blah","fields":[{"name":"c1","type":"float"},{"name":"c2","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"c3","type":"int"}]}`})
	b, err := f.EncodeAvro(id, map[string]any{"c1": json.Number("4.5"), "c2": "B", "c3": json.Number("10")})
	if err != nil {
		t.Fatal(err)
	}
	cols := []types.Column{{Name: "C1", Type: types.DoubleType}, {Name: "C2", Type: types.StringType}, {Name: "C3", Type: types.StringType}}
	de, _ := f.Deserializer(cols, Props{})
	got, err := de.Deserialize("w", b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []any{4.5, "B", "10"}) {
		t.Errorf("got %#v", got)
	}
	inferred, err := f.InferColumns("w", Props{})
	if err != nil || (&types.Schema{Columns: inferred}).String() != "`C1` DOUBLE, `C2` STRING, `C3` INTEGER" {
		t.Errorf("inferred %v %v", inferred, err)
	}
	if cols, err := f.InferColumns("w", Props{IsKey: true}); cols != nil || err != nil {
		t.Errorf("missing key subject: %v %v", cols, err)
	}
	if _, err := f.InferColumns("missing", Props{}); err == nil {
		t.Errorf("missing value subject inferred")
	}
}

func TestAvroValidate(t *testing.T) {
	f := avroFormat(t, newMemRegistry())
	err := f.Validate([]types.Column{{Name: "M", Type: types.MapOf(types.IntType, types.IntType)}}, Props{})
	if err == nil || !strings.Contains(err.Error(), "Avro only supports MAPs with STRING keys") {
		t.Errorf("map keys: %v", err)
	}
	err = f.Validate([]types.Column{{Name: "1A", Type: types.IntType}}, Props{})
	if err == nil || err.Error() != "Schema is not compatible with Avro: Illegal initial character: 1A" {
		t.Errorf("name: %v", err)
	}
}

func TestAvroDecimalBytes(t *testing.T) {
	for _, s := range []string{"0", "1.00", "-1.00", "127", "128", "-128", "-129", "12345678901234567890.12"} {
		d := decimal.RequireFromString(s)
		got := decimalFromBytes(decimalBytes(d, 2), 2)
		if !got.Equal(d) {
			t.Errorf("%s -> %s", s, got)
		}
	}
}

// With a schema id (VALUE_SCHEMA_ID), records are written with that
// schema and id: its defaults fill the fields the columns lack or leave
// null where the schema holds no null.
func TestAvroWritesWithGivenSchemaID(t *testing.T) {
	reg := newMemRegistry()
	f := avroFormat(t, reg).(*Avro)
	id, _ := reg.Register(context.Background(), "given-value", RegistrySchema{Text: `{"type":"record","name":"R","fields":[
		{"name":"id","type":"string"},
		{"name":"amount","type":"int","default":7},
		{"name":"note","type":["null","string"],"default":null},
		{"name":"extra","type":"string","default":"foo"}]}`})
	cols := []types.Column{{Name: "ID", Type: types.StringType}, {Name: "AMOUNT", Type: types.IntType}, {Name: "NOTE", Type: types.StringType}}
	ser, err := f.Serializer(cols, Props{SchemaID: id})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.Serialize("out", []any{"a", nil, nil})
	if err != nil {
		t.Fatal(err)
	}
	if got := int(binary.BigEndian.Uint32(b[1:5])); got != id {
		t.Fatalf("written with schema id %d, want %d", got, id)
	}
	got, err := f.DecodeAvro(b)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": "a", "amount": int32(7), "note": nil, "extra": "foo"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if len(reg.subjects["out-value"]) != 0 {
		t.Errorf("registered %v under out-value", reg.subjects["out-value"])
	}

	// A schema that is not a record holds the one column; a union with
	// null among more branches holds null rather than the default.
	for _, c := range []struct {
		schema string
		col    types.Column
		in     any
		want   any
	}{
		{`"string"`, types.Column{Name: "ROWVAL", Type: types.StringType}, "x", "x"},
		{`{"type":"record","name":"U","fields":[{"name":"u","type":["string","null","long"],"default":"dflt"}]}`,
			types.Column{Name: "U", Type: types.StringType}, nil, map[string]any{"u": nil}},
	} {
		id, _ := reg.Register(context.Background(), "other-value", RegistrySchema{Text: c.schema})
		ser, err := f.Serializer([]types.Column{c.col}, Props{SchemaID: id})
		if err != nil {
			t.Fatal(err)
		}
		b, err := ser.Serialize("out", []any{c.in})
		if err != nil {
			t.Fatalf("%s: %v", c.schema, err)
		}
		if got, err := f.DecodeAvro(b); err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %#v (%v), want %#v", c.schema, got, err, c.want)
		}
	}
}
