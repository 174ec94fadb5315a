package serde

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

var benchCols = []types.Column{
	col("ID", types.BigintType),
	col("NAME", types.StringType),
	col("AMOUNT", types.DoubleType),
	col("ACTIVE", types.BooleanType),
	col("CITY", types.StringType),
}

// ~100 bytes, mixed-case names, one unknown field.
var benchJSON = []byte(`{"id":1234567,"name":"Alice Smith","amount":1234.56,"active":true,"city":"Oxford","extra":"ignored"}`)

func BenchmarkJSONDecode(b *testing.B) {
	d, err := JSON.Deserializer(benchCols, Props{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(benchJSON)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Deserialize("t", benchJSON); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONEncode(b *testing.B) {
	s, err := JSON.Serializer(benchCols, Props{})
	if err != nil {
		b.Fatal(err)
	}
	row := []any{int64(1234567), "Alice Smith", 1234.56, true, "Oxford"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Serialize("t", row); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONRoundTrip(b *testing.B) {
	d, _ := JSON.Deserializer(benchCols, Props{})
	s, _ := JSON.Serializer(benchCols, Props{})
	b.ReportAllocs()
	for b.Loop() {
		row, err := d.Deserialize("t", benchJSON)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Serialize("t", row); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDelimitedDecode(b *testing.B) {
	d, _ := Delimited.Deserializer(benchCols, Props{})
	data := []byte("1234567,Alice Smith,1234.56,true,Oxford")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Deserialize("t", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDelimitedEncode(b *testing.B) {
	s, _ := Delimited.Serializer(benchCols, Props{})
	row := []any{int64(1234567), "Alice Smith", 1234.56, true, "Oxford"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Serialize("t", row); err != nil {
			b.Fatal(err)
		}
	}
}
