package serde

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

func TestProtobufRoundTrip(t *testing.T) {
	st := types.StructOf(types.Field{Name: "F1", Type: types.IntType}, types.Field{Name: "F2", Type: types.StringType})
	cols := []types.Column{
		{Name: "B", Type: types.BooleanType}, {Name: "I", Type: types.IntType}, {Name: "L", Type: types.BigintType},
		{Name: "D", Type: types.DoubleType}, {Name: "S", Type: types.StringType}, {Name: "BY", Type: types.BytesType},
		{Name: "DEC", Type: types.DecimalOf(6, 2)}, {Name: "DT", Type: types.DateType}, {Name: "TM", Type: types.TimeType},
		{Name: "TS", Type: types.TimestampType}, {Name: "A", Type: types.ArrayOf(types.IntType)},
		{Name: "M", Type: types.MapOf(types.StringType, types.DoubleType)}, {Name: "ST", Type: st},
		{Name: "AS", Type: types.ArrayOf(st)},
	}
	full := []any{true, int32(-7), int64(1) << 40, 2.5, "x", []byte{1, 2}, decimal.RequireFromString("-12.34"),
		types.Date(19000), types.Time(45296789), types.Timestamp(-1500), []any{int32(1), int32(2)},
		map[string]any{"a": 1.5}, types.StructValue{int32(3), "y"}, []any{types.StructValue{int32(4), "z"}}}
	nulls := make([]any, len(cols))
	// Without a nullable representation proto3 primitives and containers
	// come back as their defaults; messages keep their NULLs.
	defaults := []any{false, int32(0), int64(0), 0.0, "", nil, nil, nil, nil, nil, []any{}, map[string]any{}, nil, []any{}}
	cases := []struct {
		name     string
		nullable string
		in, want []any
	}{
		{"values", "", full, full},
		{"nulls default", "", nulls, defaults},
		{"nulls optional", "OPTIONAL", nulls, append(make([]any, 10), []any{}, map[string]any{}, nil, []any{})},
		{"nulls wrapper", "wrapper", nulls, append(make([]any, 10), []any{}, map[string]any{}, nil, []any{})},
		{"values wrapper", "WRAPPER", full, full},
	}
	for _, f := range []*Protobuf{NewProtobufNoSR(), NewProtobuf(newMemRegistry())} {
		for _, tc := range cases {
			p := Props{NullableRepresentation: tc.nullable}
			ser, err := f.Serializer(cols, p)
			if err != nil {
				t.Fatalf("%s %s: %v", f.Name(), tc.name, err)
			}
			de, err := f.Deserializer(cols, p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ser.Serialize("t", tc.in)
			if err != nil {
				t.Fatalf("%s %s: %v", f.Name(), tc.name, err)
			}
			got, err := de.Deserialize("t", b)
			if err != nil {
				t.Fatalf("%s %s: %v", f.Name(), tc.name, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s %s:\n got %v\nwant %v", f.Name(), tc.name, got, tc.want)
			}
		}
	}
}

func TestProtobufFramingAndNullRecords(t *testing.T) {
	reg := newMemRegistry()
	f := NewProtobuf(reg)
	cols := []types.Column{{Name: "K", Type: types.IntType}}
	ser, err := f.Serializer(cols, Props{IsKey: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.Serialize("t", []any{nil})
	if err != nil {
		t.Fatal(err)
	}
	// Magic byte, id 1, message index [0]; an all-default message has no
	// bytes of its own but is not a Kafka null.
	if fmt.Sprint(b) != "[0 0 0 0 1 0]" {
		t.Errorf("framing: %v", b)
	}
	if !strings.Contains(reg.schemas[0].Text, "message ConnectDefault1 {\n  int32 K = 1;\n}") || reg.schemas[0].Type != SchemaTypeProtobuf {
		t.Errorf("registered schema: %+v", reg.schemas[0])
	}
	if b, _ := ser.Serialize("t", nil); b != nil {
		t.Errorf("null record: %v", b)
	}
	de, _ := f.Deserializer(cols, Props{IsKey: true})
	if row, err := de.Deserialize("t", nil); row != nil || err != nil {
		t.Errorf("null record: %v %v", row, err)
	}
	if _, err := de.Deserialize("t", []byte{1, 0, 0, 0, 1}); err == nil || !strings.Contains(err.Error(), "Unknown magic byte!") {
		t.Errorf("bad magic: %v", err)
	}
}

func TestProtobufInferenceAndWriterSchemas(t *testing.T) {
	reg := newMemRegistry()
	f := NewProtobuf(reg)
	ctx := context.Background()
	text := `syntax = "proto3"; package p; import "confluent/type/decimal.proto"; import "google/protobuf/wrappers.proto";
message First { string x = 1; }
message Second {
  enum Suit { SPADES = 0; HEARTS = 1; }
  float c1 = 1; uint32 c2 = 2; Suit c3 = 3; google.protobuf.Int32Value c4 = 4;
  confluent.type.Decimal c5 = 5 [(confluent.field_meta) = { params: [{ key: "precision", value: "4" }, { key: "scale", value: "2" }] }];
  message Inner { repeated sint64 v = 1; }
  Inner c6 = 6;
  map<string, Inner> c7 = 7;
}`
	id, err := reg.Register(ctx, "t-value", RegistrySchema{Type: SchemaTypeProtobuf, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	cols, err := f.InferColumns("t", Props{SchemaFullName: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	want := "`C1` DOUBLE, `C2` BIGINT, `C3` STRING, `C4` INTEGER, `C5` DECIMAL(4, 2), `C6` STRUCT<`V` ARRAY<BIGINT>>, `C7` MAP<STRING, STRUCT<`V` ARRAY<BIGINT>>>"
	if got := (&types.Schema{Columns: cols}).String(); got != want {
		t.Errorf("inferred:\n got %s\nwant %s", got, want)
	}
	if cols, err := f.InferColumns("t", Props{}); err != nil || len(cols) != 1 || cols[0].Name != "X" {
		t.Errorf("first message: %v %v", cols, err)
	}
	if _, err := f.InferColumns("missing", Props{}); err == nil || !strings.Contains(err.Error(), "Schema for message values on topic 'missing' does not exist") {
		t.Errorf("missing subject: %v", err)
	}
	if cols, err := f.InferColumns("missing", Props{IsKey: true}); err != nil || cols != nil {
		t.Errorf("missing key subject: %v %v", cols, err)
	}
	// Data written with the registered schema (a nested message, so the
	// message-index path is not the short form) is read by name.
	b, err := f.EncodeProtobuf(id, "p.Second", map[string]any{"C1": 1.1234, "c2": 7, "c3": "HEARTS", "c5": "10.01",
		"c6": map[string]any{"v": []any{-3}}, "c7": map[string]any{"k": map[string]any{"v": []any{5}}}})
	if err != nil {
		t.Fatal(err)
	}
	de, err := f.Deserializer(cols, Props{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := de.Deserialize("t", b)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(row); got != "[1.1233999729156494 7 HEARTS <nil> 10.01 [[-3]] map[k:[[5]]]]" {
		t.Errorf("row: %s", got)
	}
}

func TestProtobufValidate(t *testing.T) {
	f := NewProtobufNoSR()
	no := false
	cases := []struct {
		cols []types.Column
		p    Props
		want string
	}{
		{[]types.Column{{Name: "A", Type: types.IntType}}, Props{WrapSingleValue: &no}, "Format 'PROTOBUF_NOSR' does not support 'WRAP_SINGLE_VALUE' set to 'false'."},
		{[]types.Column{{Name: "A", Type: types.MapOf(types.IntType, types.IntType)}}, Props{}, "PROTOBUF format only supports MAP types with STRING keys"},
		{[]types.Column{{Name: "A", Type: types.ArrayOf(types.ArrayOf(types.IntType))}}, Props{}, "PROTOBUF does not support ARRAY<ARRAY<INTEGER>>"},
		{[]types.Column{{Name: "a b", Type: types.IntType}}, Props{}, "Schema is not compatible with Protobuf: `a b` is not a valid field name"},
		{[]types.Column{{Name: "A", Type: types.IntType}}, Props{NullableRepresentation: "MAYBE"}, "Invalid value for VALUE_PROTOBUF_NULLABLE_REPRESENTATION: 'MAYBE'"},
		{[]types.Column{{Name: "A", Type: types.IntType}}, Props{NullableRepresentation: "optional"}, ""},
	}
	for _, tc := range cases {
		err := f.Validate(tc.cols, tc.p)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%v: %v", tc.cols, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.cols, err, tc.want)
		}
	}
}
