package serde

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestJSONSRRoundTripAndSchema(t *testing.T) {
	reg := newMemRegistry()
	f := NewJSONSR(reg)
	cols := []types.Column{{Name: "A", Type: types.IntType}, {Name: "D", Type: types.DecimalOf(4, 2)},
		{Name: "M", Type: types.MapOf(types.StringType, types.BigintType)}}
	ser, err := f.Serializer(cols, Props{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.Serialize("t", []any{int32(1), nil, map[string]any{"k": int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:5]) != "\x00\x00\x00\x00\x01" || string(b[5:]) != `{"A":1,"D":null,"M":{"k":2}}` {
		t.Fatalf("bytes: %q", b)
	}
	if b, _ := ser.Serialize("t", nil); b != nil {
		t.Errorf("null record: %q", b)
	}
	de, err := f.Deserializer(cols, Props{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := de.Deserialize("t", b)
	if err != nil || fmt.Sprint(row) != "[1 <nil> map[k:2]]" {
		t.Errorf("row: %v %v", row, err)
	}
	if _, err := de.Deserialize("t", []byte(`{"A":1}`)); err == nil || !strings.Contains(err.Error(), "Unknown magic byte!") {
		t.Errorf("unframed: %v", err)
	}
	// The registered schema reads back as the same columns.
	if reg.schemas[0].Type != SchemaTypeJSON {
		t.Errorf("schema type %q", reg.schemas[0].Type)
	}
	got, err := f.InferColumns("t", Props{})
	if err != nil {
		t.Fatal(err)
	}
	if (&types.Schema{Columns: got}).String() != (&types.Schema{Columns: cols}).String() {
		t.Errorf("inferred %v from %s", got, reg.schemas[0].Text)
	}
}

func TestJSONSRInference(t *testing.T) {
	reg := newMemRegistry()
	f := NewJSONSR(reg)
	ctx := context.Background()
	value := `{"type":"object","properties":{
		"z":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]},
		"y":{"connect.index":0,"type":"array","items":{"type":"string","connect.type":"bytes"}},
		"s":{"connect.index":2,"type":"object","properties":{"b":{"type":"boolean"},"a":{"type":["null","number"]}}},
		"ts":{"connect.index":3,"type":"integer","title":"org.apache.kafka.connect.data.Timestamp"}}}`
	key := `{"oneOf":[{"type":"null"},{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.parameters":{"scale":"2","connect.decimal.precision":"4"}}]}`
	for subject, text := range map[string]string{"t-value": value, "t-key": key} {
		if _, err := reg.Register(ctx, subject, RegistrySchema{Type: SchemaTypeJSON, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	cols, err := f.InferColumns("t", Props{})
	if err != nil {
		t.Fatal(err)
	}
	want := "`Y` ARRAY<BYTES>, `Z` INTEGER, `S` STRUCT<`B` BOOLEAN, `A` DOUBLE>, `TS` TIMESTAMP"
	if got := (&types.Schema{Columns: cols}).String(); got != want {
		t.Errorf("value columns:\n got %s\nwant %s", got, want)
	}
	cols, err = f.InferColumns("t", Props{IsKey: true})
	if err != nil || len(cols) != 1 || cols[0].Name != "ROWKEY" || cols[0].Type.String() != "DECIMAL(4, 2)" {
		t.Errorf("key columns: %v %v", cols, err)
	}
}
