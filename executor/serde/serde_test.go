package serde

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

func col(name string, t *types.Type) types.Column { return types.Column{Name: name, Type: t} }
func key(name string, t *types.Type) types.Column {
	return types.Column{Name: name, Type: t, Namespace: types.NsKey}
}
func boolp(b bool) *bool { return &b }
func dec(s string) decimal.Decimal {
	d, err := decimal.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	for _, n := range []string{"json", "Json", "DELIMITED", "kafka", "none", "protobuf_nosr"} {
		f, err := r.Get(n)
		if err != nil {
			t.Fatalf("Get(%q): %v", n, err)
		}
		if f.Name() != strings.ToUpper(n) {
			t.Errorf("Get(%q).Name() = %s", n, f.Name())
		}
	}
	_, err := r.Get("foo")
	if err == nil || !strings.Contains(err.Error(), "Unknown format: FOO") || !strings.Contains(err.Error(), "DELIMITED, JSON, KAFKA, NONE, PROTOBUF_NOSR") {
		t.Errorf("unknown: %v", err)
	}
	for _, n := range []string{"avro", "PROTOBUF", "JSON_SR"} {
		_, err := r.Get(n)
		if !errors.Is(err, ErrNeedsSchemaRegistry) || !strings.Contains(err.Error(), strings.ToUpper(n)) {
			t.Errorf("Get(%q) = %v", n, err)
		}
	}
}

func TestValidate(t *testing.T) {
	dec2119 := types.DecimalOf(21, 19)
	tests := []struct {
		name   string
		f      Format
		cols   []types.Column
		p      Props
		want   string // exact message; "" = no error
		substr bool
	}{
		// kafka.json / key-schemas.json / partition-by.json
		{"kafka multi key", Kafka, []types.Column{key("ID", types.IntType), key("AGE", types.IntType)}, Props{IsKey: true},
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`ID` INTEGER KEY, `AGE` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`ID` INTEGER KEY, `AGE` INTEGER KEY]", false},
		{"kafka decimal key", Kafka, []types.Column{key("K", dec2119)}, Props{IsKey: true},
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K` DECIMAL(21, 19) KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'DECIMAL'", false},
		{"kafka boolean key", Kafka, []types.Column{key("K", types.BooleanType)}, Props{IsKey: true},
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K` BOOLEAN KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'", false},
		{"kafka array value", Kafka, []types.Column{col("FOO", types.ArrayOf(types.IntType))}, Props{}, "The 'KAFKA' format does not support type 'ARRAY'", false},
		{"kafka struct key", Kafka, []types.Column{key("K", types.StructOf(types.Field{Name: "F1", Type: types.DoubleType}))}, Props{IsKey: true}, "The 'KAFKA' format does not support type 'STRUCT'", true},
		{"kafka map value", Kafka, []types.Column{col("FOO", types.MapOf(types.IntType, types.DoubleType))}, Props{}, "The 'KAFKA' format does not support type 'MAP'", false},
		{"kafka map key", Kafka, []types.Column{key("K", types.MapOf(types.IntType, types.DoubleType))}, Props{IsKey: true},
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: MAP<INTEGER, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621 for more.", false},
		{"kafka wrap true", Kafka, []types.Column{col("FOO", types.IntType)}, Props{WrapSingleValue: boolp(true)}, "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.", false},
		{"kafka wrap false", Kafka, []types.Column{col("FOO", types.IntType)}, Props{WrapSingleValue: boolp(false)}, "", false},
		{"kafka bytes", Kafka, []types.Column{col("B", types.BytesType)}, Props{}, "", false},
		{"kafka no columns", Kafka, nil, Props{IsKey: true}, "", false},
		// delimited.json
		{"delimited array key", Delimited, []types.Column{key("K", types.ArrayOf(types.DoubleType))}, Props{IsKey: true},
			"Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`", false},
		{"delimited struct key", Delimited, []types.Column{key("K", types.StructOf(types.Field{Name: "F", Type: types.DoubleType}))}, Props{IsKey: true},
			"Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` STRUCT<`F` DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'STRUCT', column: `K`", false},
		{"delimited map key", Delimited, []types.Column{key("K", types.MapOf(types.StringType, types.DoubleType))}, Props{IsKey: true},
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: MAP<STRING, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621 for more.", false},
		{"delimited struct value", Delimited, []types.Column{col("FOO", types.StructOf(types.Field{Name: "F1", Type: types.DoubleType}))}, Props{}, "The 'DELIMITED' format does not support type 'STRUCT'", true},
		{"delimited map value", Delimited, []types.Column{col("FOO", types.MapOf(types.IntType, types.DoubleType))}, Props{}, "The 'DELIMITED' format does not support type 'MAP'", true},
		{"delimited wrap true", Delimited, []types.Column{col("FOO", types.IntType)}, Props{WrapSingleValue: boolp(true)}, "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.", false},
		{"delimited wrap false", Delimited, []types.Column{col("FOO", types.IntType)}, Props{WrapSingleValue: boolp(false)}, "", false},
		{"delimiter multi char", Delimited, []types.Column{col("A", types.IntType)}, Props{Delimiter: "<~>"},
			"Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'", false},
		{"delimiter space char", Delimited, []types.Column{col("A", types.IntType)}, Props{Delimiter: " "},
			"Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'", false},
		{"delimiter tab char key", Delimited, []types.Column{key("A", types.IntType)}, Props{Delimiter: "\t", IsKey: true},
			"Configuration KEY_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'", false},
		{"delimiter TAB", Delimited, []types.Column{col("A", types.IntType)}, Props{Delimiter: "TAB"}, "", false},
		{"delimiter with json", JSON, []types.Column{col("A", types.IntType)}, Props{Delimiter: "|"}, "JSON does not support the following configs: [delimiter]", false},
		// json.json / serdes.json
		{"json map int key", JSON, []types.Column{col("FOO", types.MapOf(types.IntType, types.DoubleType))}, Props{}, "JSON only supports MAP types with STRING keys", false},
		{"json nested map int key", JSON, []types.Column{col("FOO", types.ArrayOf(types.MapOf(types.IntType, types.DoubleType)))}, Props{}, "JSON only supports MAP types with STRING keys", false},
		{"json nested map key column", JSON, []types.Column{key("KSQL_COL_0", types.StructOf(types.Field{Name: "F", Type: types.MapOf(types.StringType, types.StringType)}))}, Props{IsKey: true},
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `KSQL_COL_0`. Column type: STRUCT<`F` MAP<STRING, STRING>>. See https://github.com/confluentinc/ksql/issues/6621 for more.", false},
		{"json wrap multi true", JSON, []types.Column{col("F0", types.StringType), col("F1", types.StringType)}, Props{WrapSingleValue: boolp(true)}, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas", false},
		{"json wrap multi false", JSON, []types.Column{col("F0", types.StringType), col("F1", types.StringType)}, Props{WrapSingleValue: boolp(false)}, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas", false},
		{"json default wrap multi ok", JSON, []types.Column{col("F0", types.StringType), col("F1", types.StringType)}, Props{DefaultWrapSingleValue: boolp(false)}, "", false},
		{"json wrap single", JSON, []types.Column{col("F0", types.StringType)}, Props{WrapSingleValue: boolp(false)}, "", false},
		// none.json
		{"none key", None, []types.Column{key("K", types.StringType)}, Props{IsKey: true}, "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]", false},
		{"none value", None, []types.Column{col("FOO", types.IntType)}, Props{}, "The 'NONE' format can only be used when no columns are defined. Got: [`FOO` INTEGER]", false},
		{"none empty", None, nil, Props{IsKey: true}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Validate(tc.cols, tc.p)
			switch {
			case tc.want == "":
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
			case err == nil:
				t.Fatalf("no error, want %q", tc.want)
			case tc.substr && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %q does not contain %q", err, tc.want)
			case !tc.substr && err.Error() != tc.want:
				t.Fatalf("error\n got %q\nwant %q", err, tc.want)
			}
			// constructors validate too
			if tc.want != "" {
				if _, err := tc.f.Serializer(tc.cols, tc.p); err == nil {
					t.Errorf("Serializer accepted invalid schema")
				}
				if _, err := tc.f.Deserializer(tc.cols, tc.p); err == nil {
					t.Errorf("Deserializer accepted invalid schema")
				}
			}
		})
	}
	if _, err := ParseDelimiter("", false); err == nil || !strings.Contains(err.Error(), "Delimiter cannot be empty") {
		t.Errorf("ParseDelimiter(\"\") = %v", err)
	}
	for in, want := range map[string]rune{"TAB": '\t', "SPACE": ' ', "|": '|', "$": '$', ";": ';', "é": 'é'} {
		if r, err := ParseDelimiter(in, true); err != nil || r != want {
			t.Errorf("ParseDelimiter(%q) = %q, %v", in, r, err)
		}
	}
}

// ---- JSON ----

type jsonCase struct {
	name string
	cols []types.Column
	p    Props
	in   string
	want []any
	err  string // substring of the expected error
}

func runDeser(t *testing.T, f Format, cases []jsonCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := f.Deserializer(tc.cols, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Deserialize("t", []byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want containing %q (row %#v)", err, tc.err, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !valuesEqual(got, tc.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func valuesEqual(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y) && x.Exponent() == y.Exponent()
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) || (x == nil) != (y == nil) {
			return false
		}
		for i := range x {
			if !valuesEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case types.StructValue:
		y, ok := b.(types.StructValue)
		return ok && valuesEqual([]any(x), []any(y))
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !valuesEqual(v, w) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.IsNaN(x) && math.IsNaN(y))
	}
	return reflect.DeepEqual(a, b)
}

func TestJSONDeserialize(t *testing.T) {
	s2 := []types.Column{col("FOO", types.StringType), col("BAR", types.IntType)}
	st := types.StructOf(types.Field{Name: "F1", Type: types.StringType}, types.Field{Name: "f2", Type: types.IntType})
	cases := []jsonCase{
		{"wrapped", s2, Props{}, `{"FOO":"a","BAR":1}`, []any{"a", int32(1)}, ""},
		{"case-insensitive names", s2, Props{}, `{"foo":"a","Bar":1}`, []any{"a", int32(1)}, ""},
		{"exact beats upper-cased", s2, Props{}, `{"FOO":"exact","foo":"upper"}`, []any{"exact", nil}, ""},
		{"last duplicate wins", s2, Props{}, `{"foo":"x","Foo":"y"}`, []any{"y", nil}, ""},
		{"quoted lower-case column", []types.Column{col("foo", types.StringType)}, Props{}, `{"FOO":"no","foo":"yes"}`, []any{"yes"}, ""},
		{"quoted lower-case column no match", []types.Column{col("foo", types.StringType)}, Props{}, `{"FOO":"no"}`, []any{nil}, ""},
		{"missing and unknown", s2, Props{}, `{"OTHER":{"x":[1,2,{"y":null}]},"BAR":2}`, []any{nil, int32(2)}, ""},
		{"explicit nulls", s2, Props{}, `{"FOO":null,"BAR":null}`, []any{nil, nil}, ""},
		{"whitespace", s2, Props{}, " \n{ \"FOO\" : \"a\" ,\t\"BAR\" : 3 }\r\n", []any{"a", int32(3)}, ""},
		{"null document", s2, Props{}, `null`, nil, ""},
		{"null document unwrapped", []types.Column{col("V", types.BooleanType)}, Props{WrapSingleValue: boolp(false)}, `null`, nil, ""},
		{"single wrapped default", []types.Column{col("FOO", types.IntType)}, Props{}, `{"FOO":10}`, []any{int32(10)}, ""},
		{"single wrapped needs object", []types.Column{col("FOO", types.IntType)}, Props{}, `10`, nil, "Failed to deserialize value from topic: t. Can't convert type. sourceType: IntNode, requiredType: STRUCT<FOO INT>, path: $"},
		{"unwrapped by config", []types.Column{col("FOO", types.StringType)}, Props{DefaultWrapSingleValue: boolp(false)}, `"bar"`, []any{"bar"}, ""},
		{"unwrapped key", []types.Column{key("K", types.StringType)}, Props{IsKey: true}, `"Hey"`, []any{"Hey"}, ""},
		{"multi-column key object", []types.Column{key("K1", types.StringType), key("K2", types.StringType)}, Props{IsKey: true}, `{"K1":"foo","K2":"bar"}`, []any{"foo", "bar"}, ""},
		{"key error says key", []types.Column{key("K", types.IntType)}, Props{IsKey: true}, `true`, nil, "Failed to deserialize key from topic: t. Can't convert type. sourceType: BooleanNode, requiredType: INTEGER, path: $"},
		// primitives, unwrapped (json.json anonymous cases)
		{"boolean", []types.Column{col("V", types.BooleanType)}, Props{WrapSingleValue: boolp(false)}, `true`, []any{true}, ""},
		{"boolean from string fails", []types.Column{col("V", types.BooleanType)}, Props{WrapSingleValue: boolp(false)}, `"true"`, nil, "Can't convert type. sourceType: TextNode, requiredType: BOOLEAN, path: $"},
		{"int", []types.Column{col("V", types.IntType)}, Props{WrapSingleValue: boolp(false)}, `10`, []any{int32(10)}, ""},
		{"int from string", []types.Column{col("V", types.IntType)}, Props{WrapSingleValue: boolp(false)}, `"-42"`, []any{int32(-42)}, ""},
		{"int from bad string", []types.Column{col("V", types.IntType)}, Props{WrapSingleValue: boolp(false)}, `"4x"`, nil, "Can't coerce string to type. targetType: INTEGER, path: $"},
		{"int from decimal truncates", []types.Column{col("V", types.IntType)}, Props{WrapSingleValue: boolp(false)}, `-1.9`, []any{int32(-1)}, ""},
		{"int from long wraps like Java", []types.Column{col("V", types.IntType)}, Props{WrapSingleValue: boolp(false)}, `4294967297`, []any{int32(1)}, ""},
		{"bigint", []types.Column{col("V", types.BigintType)}, Props{WrapSingleValue: boolp(false)}, `10827272222`, []any{int64(10827272222)}, ""},
		{"bigint from exponent", []types.Column{col("V", types.BigintType)}, Props{WrapSingleValue: boolp(false)}, `1.5e3`, []any{int64(1500)}, ""},
		{"bigint from string", []types.Column{col("V", types.BigintType)}, Props{WrapSingleValue: boolp(false)}, `"998877665544332211"`, []any{int64(998877665544332211)}, ""},
		{"bigint from bool fails", []types.Column{col("V", types.BigintType)}, Props{WrapSingleValue: boolp(false)}, `false`, nil, "sourceType: BooleanNode, requiredType: BIGINT"},
		{"double", []types.Column{col("V", types.DoubleType)}, Props{WrapSingleValue: boolp(false)}, `1234.589`, []any{1234.589}, ""},
		{"double from int", []types.Column{col("V", types.DoubleType)}, Props{WrapSingleValue: boolp(false)}, `12`, []any{12.0}, ""},
		{"double from string", []types.Column{col("V", types.DoubleType)}, Props{WrapSingleValue: boolp(false)}, `" 1.5 "`, []any{1.5}, ""},
		{"double from NaN string", []types.Column{col("V", types.DoubleType)}, Props{WrapSingleValue: boolp(false)}, `"NaN"`, []any{math.NaN()}, ""},
		{"double from object fails", []types.Column{col("V", types.DoubleType)}, Props{WrapSingleValue: boolp(false)}, `{}`, nil, "sourceType: ObjectNode, requiredType: DOUBLE"},
		{"string", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `"hello"`, []any{"hello"}, ""},
		{"string escapes", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `"a\"b\\c\/\n\u00e9\ud83d\ude00"`, []any{"a\"b\\c/\né😀"}, ""},
		{"string from int", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `12`, []any{"12"}, ""},
		{"string from decimal", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `1.50`, []any{"1.50"}, ""},
		{"string from exponent", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `1e2`, []any{"1E+2"}, ""},
		{"string from small decimal", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `0.0000001`, []any{"1E-7"}, ""},
		{"string from bool", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `false`, []any{"false"}, ""},
		{"string from object", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `{ "a" : 1, "b" : [true, null, "x\u0041"], "c": 1.0 }`, []any{`{"a":1,"b":[true,null,"xA"],"c":1.0}`}, ""},
		{"string from array", []types.Column{col("V", types.StringType)}, Props{WrapSingleValue: boolp(false)}, `[1, "a", null, {"b":2}]`, []any{`[1, a, null, {"b":2}]`}, ""},
		{"bytes", []types.Column{col("B", types.BytesType)}, Props{}, `{"B":"dmFyaWF0aW9ucw=="}`, []any{[]byte("variations")}, ""},
		{"bad base64", []types.Column{col("B", types.BytesType)}, Props{}, `{"B":"!!"}`, nil, "Value is not a valid Base64 encoded string: !!, path: $.B"},
		{"bytes from number fails", []types.Column{col("B", types.BytesType)}, Props{}, `{"B":1}`, nil, "sourceType: IntNode, requiredType: BYTES, path: $.B"},
		// decimal.json
		{"decimal scale up", []types.Column{col("DEC", types.DecimalOf(6, 4))}, Props{}, `{"DEC":10}`, []any{dec("10.0000")}, ""},
		{"decimal scale up from float", []types.Column{col("DEC", types.DecimalOf(6, 4))}, Props{}, `{"DEC":0.001}`, []any{dec("0.0010")}, ""},
		{"decimal trailing zeros", []types.Column{col("DEC", types.DecimalOf(6, 4))}, Props{}, `{"DEC":1.0000}`, []any{dec("1.0000")}, ""},
		{"decimal long", []types.Column{col("DEC", types.DecimalOf(21, 19))}, Props{}, `{"DEC":10.1234512345123451234}`, []any{dec("10.1234512345123451234")}, ""},
		{"decimal from string", []types.Column{col("DEC", types.DecimalOf(4, 2))}, Props{}, `{"DEC":"-1.5"}`, []any{dec("-1.50")}, ""},
		{"decimal overflow", []types.Column{col("DEC", types.DecimalOf(4, 2))}, Props{}, `{"DEC":100}`, nil, "Numeric field overflow: A field with precision 4 and scale 2 must round to an absolute value less than 10^2. Got 100, path: $.DEC"},
		{"decimal rounding", []types.Column{col("DEC", types.DecimalOf(4, 2))}, Props{}, `{"DEC":1.234}`, nil, "Cannot fit decimal '1.234' into DECIMAL(4, 2) without rounding. (Requires 4,3), path: $.DEC"},
		{"decimal from bool fails", []types.Column{col("DEC", types.DecimalOf(4, 2))}, Props{}, `{"DEC":true}`, nil, "sourceType: BooleanNode, requiredType: DECIMAL(4, 2)"},
		// date/time/timestamp .json
		{"date", []types.Column{col("DATE", types.DateType)}, Props{}, `{"date":-10}`, []any{types.Date(-10)}, ""},
		{"time", []types.Column{col("TIME", types.TimeType)}, Props{}, `{"time":10}`, []any{types.Time(10)}, ""},
		{"time out of range", []types.Column{col("TIME", types.TimeType)}, Props{}, `{"time":-1}`, nil, "Time values must use number of milliseconds greater than 0 and less than 86400000., path: $.TIME"},
		{"timestamp", []types.Column{col("TS", types.TimestampType)}, Props{}, `{"ts":1589461200000}`, []any{types.Timestamp(1589461200000)}, ""},
		{"timestamp from string", []types.Column{col("TS", types.TimestampType)}, Props{}, `{"ts":"10"}`, []any{types.Timestamp(10)}, ""},
		{"timestamp bad string", []types.Column{col("TS", types.TimestampType)}, Props{}, `{"ts":"2020-01-01"}`, nil, "Can't coerce string to type. targetType: TIMESTAMP, path: $.TS"},
		// complex types
		{"array", []types.Column{col("FOO", types.ArrayOf(types.StringType))}, Props{WrapSingleValue: boolp(false)}, `["a", "b", null]`, []any{[]any{"a", "b", nil}}, ""},
		{"array coercion", []types.Column{col("FOO", types.ArrayOf(types.StringType))}, Props{WrapSingleValue: boolp(false)}, `[1, 2, 3]`, []any{[]any{"1", "2", "3"}}, ""},
		{"array empty", []types.Column{col("FOO", types.ArrayOf(types.IntType))}, Props{}, `{"FOO":[]}`, []any{[]any{}}, ""},
		{"array element error path", []types.Column{col("FOO", types.ArrayOf(types.IntType))}, Props{}, `{"FOO":[1,"x"]}`, nil, "Can't coerce string to type. targetType: INTEGER, path: $.FOO[1]"},
		{"array from object fails", []types.Column{col("FOO", types.ArrayOf(types.IntType))}, Props{}, `{"FOO":{}}`, nil, "sourceType: ObjectNode, requiredType: ARRAY<INT>, path: $.FOO"},
		{"map", []types.Column{col("FOO", types.MapOf(types.StringType, types.IntType))}, Props{WrapSingleValue: boolp(false)}, `{"a": 1, "b": 2, "c": null}`, []any{map[string]any{"a": int32(1), "b": int32(2), "c": nil}}, ""},
		{"map value error path", []types.Column{col("FOO", types.MapOf(types.StringType, types.IntType))}, Props{}, `{"FOO":{"a":true}}`, nil, "requiredType: INTEGER, path: $.FOO.a.value"},
		{"struct", []types.Column{col("V", st)}, Props{}, `{"v":{"f1":"x","f2":2,"F2":3}}`, []any{types.StructValue{"x", int32(2)}}, ""},
		{"struct quoted field needs exact", []types.Column{col("V", st)}, Props{}, `{"V":{"F2":3}}`, []any{types.StructValue{nil, nil}}, ""},
		{"struct unwrapped", []types.Column{col("FOO", types.StructOf(types.Field{Name: "F1", Type: types.StringType}))}, Props{WrapSingleValue: boolp(false)}, `{"F1":"bar"}`, []any{types.StructValue{"bar"}}, ""},
		{"struct key", []types.Column{key("K", types.StructOf(types.Field{Name: "F", Type: types.DoubleType}))}, Props{IsKey: true}, `{"f": 45.67}`, []any{types.StructValue{45.67}}, ""},
		{"struct field error path", []types.Column{col("V", st)}, Props{}, `{"V":{"f2":[1]}}`, nil, "sourceType: ArrayNode, requiredType: INTEGER, path: $.V.f2"},
		{"nested", []types.Column{col("A", types.ArrayOf(types.StructOf(types.Field{Name: "M", Type: types.MapOf(types.StringType, types.ArrayOf(types.BigintType))})))}, Props{},
			`{"a":[{"m":{"k":[1,2]}},null,{"m":null}]}`, []any{[]any{types.StructValue{map[string]any{"k": []any{int64(1), int64(2)}}}, nil, types.StructValue{nil}}}, ""},
		{"struct from string fails", []types.Column{col("V", st)}, Props{}, `{"V":"x"}`, nil, "sourceType: TextNode, requiredType: STRUCT<F1 VARCHAR, f2 INT>, path: $.V"},
		// syntax
		{"bad json", s2, Props{}, `{"FOO":}`, nil, "Failed to deserialize value from topic: t. Unexpected character ('}'"},
		{"truncated", s2, Props{}, `{"FOO":"a"`, nil, "end-of-input"},
		{"syntax error in ignored field", s2, Props{}, `{"X":[1,}`, nil, "Unexpected character"},
		{"syntax error beats coercion error", []types.Column{col("V", types.IntType)}, Props{WrapSingleValue: boolp(false)}, `[tru]`, nil, "Unrecognized token 'tru'"},
		{"leading zero", s2, Props{}, `{"BAR":01}`, nil, "Leading zeroes not allowed"},
		{"trailing comma", s2, Props{}, `{"BAR":1,}`, nil, "double-quote to start field name"},
		{"control char in string", s2, Props{}, "{\"FOO\":\"a\nb\"}", nil, "CTRL-CHAR, code 10"},
		{"invalid utf8", s2, Props{}, "{\"FOO\":\"a\xffb\"}", nil, "Invalid UTF-8"},
		{"empty document", s2, Props{}, ``, nil, "No content"},
		{"trailing content ignored", s2, Props{}, `{"BAR":1} garbage`, []any{nil, int32(1)}, ""},
		{"root number then garbage", []types.Column{col("V", types.IntType)}, Props{WrapSingleValue: boolp(false)}, `12x`, nil, "Expected space separating root-level values"},
	}
	runDeser(t, JSON, cases)

	d, _ := JSON.Deserializer(s2, Props{})
	if row, err := d.Deserialize("t", nil); row != nil || err != nil {
		t.Errorf("nil data: %v %v", row, err)
	}
}

func TestJSONSerialize(t *testing.T) {
	s2 := []types.Column{col("FOO", types.StringType), col("BAR", types.IntType)}
	st := types.StructOf(types.Field{Name: "F1", Type: types.StringType}, types.Field{Name: "f2", Type: types.DoubleType})
	tests := []struct {
		name string
		cols []types.Column
		p    Props
		in   []any
		want string // "<nil>" for a nil result
		err  string
	}{
		{"wrapped", s2, Props{}, []any{"a", int32(1)}, `{"FOO":"a","BAR":1}`, ""},
		{"wrapped nulls", s2, Props{}, []any{nil, nil}, `{"FOO":null,"BAR":null}`, ""},
		{"tombstone", s2, Props{}, nil, "<nil>", ""},
		{"column names as is", []types.Column{col("foo", types.IntType), col("B`R", types.IntType)}, Props{}, []any{int32(1), int32(2)}, `{"foo":1,"B` + "`" + `R":2}`, ""},
		{"single wrapped", []types.Column{col("FOO", types.BooleanType)}, Props{}, []any{true}, `{"FOO":true}`, ""},
		{"single unwrapped", []types.Column{col("FOO", types.BooleanType)}, Props{WrapSingleValue: boolp(false)}, []any{true}, `true`, ""},
		{"single unwrapped by config", []types.Column{col("FOO", types.StringType)}, Props{DefaultWrapSingleValue: boolp(false)}, []any{"bar"}, `"bar"`, ""},
		{"single unwrapped null", []types.Column{col("FOO", types.BooleanType)}, Props{WrapSingleValue: boolp(false)}, []any{nil}, "<nil>", ""},
		{"key unwrapped", []types.Column{key("K", types.StringType)}, Props{IsKey: true}, []any{"Hey"}, `"Hey"`, ""},
		{"multi key", []types.Column{key("K1", types.StringType), key("K2", types.StringType)}, Props{IsKey: true}, []any{"foo", "bar"}, `{"K1":"foo","K2":"bar"}`, ""},
		{"bigint", []types.Column{col("V", types.BigintType)}, Props{WrapSingleValue: boolp(false)}, []any{int64(998877665544332211)}, `998877665544332211`, ""},
		{"double", []types.Column{col("V", types.DoubleType)}, Props{}, []any{1.0}, `{"V":1.0}`, ""},
		{"double exp", []types.Column{col("V", types.DoubleType)}, Props{}, []any{1.5e10}, `{"V":1.5E10}`, ""},
		{"double nan", []types.Column{col("V", types.DoubleType)}, Props{}, []any{math.NaN()}, `{"V":"NaN"}`, ""},
		{"double inf", []types.Column{col("V", types.DoubleType)}, Props{}, []any{math.Inf(-1)}, `{"V":"-Infinity"}`, ""},
		{"decimal scale", []types.Column{col("DEC", types.DecimalOf(6, 4))}, Props{}, []any{dec("10.0000")}, `{"DEC":10.0000}`, ""},
		{"decimal long", []types.Column{col("DEC", types.DecimalOf(21, 19))}, Props{}, []any{dec("10.1234512345123451234")}, `{"DEC":10.1234512345123451234}`, ""},
		{"string escaping", []types.Column{col("S", types.StringType)}, Props{}, []any{"a\"b\\c/\n\t\x01é<>&\u2028"}, `{"S":"a\"b\\c/\n\t\u0001é<>&` + "\u2028" + `"}`, ""},
		{"bytes", []types.Column{col("B", types.BytesType)}, Props{}, []any{[]byte("variations")}, `{"B":"dmFyaWF0aW9ucw=="}`, ""},
		{"temporal", []types.Column{col("D", types.DateType), col("T", types.TimeType), col("TS", types.TimestampType)}, Props{}, []any{types.Date(-10), types.Time(10), types.Timestamp(1589461200000)}, `{"D":-10,"T":10,"TS":1589461200000}`, ""},
		{"array", []types.Column{col("A", types.ArrayOf(types.BigintType))}, Props{WrapSingleValue: boolp(false)}, []any{[]any{int64(12), int64(34), nil}}, `[12,34,null]`, ""},
		{"map sorted", []types.Column{col("M", types.MapOf(types.StringType, types.DoubleType))}, Props{WrapSingleValue: boolp(false)}, []any{map[string]any{"b": 2.2, "a": 1.1, "c": nil}}, `{"a":1.1,"b":2.2,"c":null}`, ""},
		{"struct", []types.Column{col("S", st)}, Props{}, []any{types.StructValue{"x", 76.54}}, `{"S":{"F1":"x","f2":76.54}}`, ""},
		{"struct null field", []types.Column{col("S", st)}, Props{WrapSingleValue: boolp(false)}, []any{types.StructValue{nil, nil}}, `{"F1":null,"f2":null}`, ""},
		{"count mismatch", s2, Props{}, []any{"a"}, "", "Column count mismatch on serialization. topic: t, expected: 2, got: 1"},
		{"type mismatch", s2, Props{}, []any{"a", "b"}, "", "expected: INTEGER, but got: string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := JSON.Serializer(tc.cols, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Serialize("t", tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gs := string(got)
			if got == nil {
				gs = "<nil>"
			}
			if gs != tc.want {
				t.Fatalf("got  %s\nwant %s", gs, tc.want)
			}
			if got == nil {
				return
			}
			// round trip
			d, err := JSON.Deserializer(tc.cols, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			back, err := d.Deserialize("t", got)
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			if !valuesEqual(back, tc.in) {
				t.Fatalf("round trip: got %#v want %#v", back, tc.in)
			}
		})
	}
}

func TestJSONSerializeBufferReuse(t *testing.T) {
	s, _ := JSON.Serializer([]types.Column{col("S", types.StringType)}, Props{})
	a, _ := s.Serialize("t", []any{"first"})
	b, _ := s.Serialize("t", []any{"second-longer"})
	if string(a) != `{"S":"first"}` || string(b) != `{"S":"second-longer"}` {
		t.Fatalf("results share memory: %s %s", a, b)
	}
}

// ---- DELIMITED ----

func TestDelimitedRoundTrip(t *testing.T) {
	three := []types.Column{col("ID", types.BigintType), col("NAME", types.StringType), col("VALUE", types.IntType)}
	tests := []struct {
		name  string
		cols  []types.Column
		p     Props
		in    string
		row   []any
		out   string // expected re-serialization ("" = same as in)
		err   string
		isKey bool
	}{
		// delimited.json "select delimited value_format"
		{name: "basic", cols: three, in: "0,zero,0", row: []any{int64(0), "zero", int32(0)}},
		{name: "pipe", cols: three, p: Props{Delimiter: "|"}, in: "100|100|500", row: []any{int64(100), "100", int32(500)}},
		{name: "dollar", cols: three, p: Props{Delimiter: "$"}, in: "0$zero$0", row: []any{int64(0), "zero", int32(0)}},
		{name: "space", cols: three, p: Props{Delimiter: "SPACE"}, in: "0 zero 0", row: []any{int64(0), "zero", int32(0)}},
		{name: "tab", cols: three, p: Props{Delimiter: "TAB"}, in: "0\tzero\t0", row: []any{int64(0), "zero", int32(0)}},
		// "read written decimals"
		{name: "decimal", cols: []types.Column{col("V", types.DecimalOf(33, 16))}, in: "12345678987654321.2345678987654321", row: []any{dec("12345678987654321.2345678987654321")}},
		{name: "decimal leading dot", cols: []types.Column{col("V", types.DecimalOf(33, 16))}, in: ".12", row: []any{dec("0.1200000000000000")}, out: "0.1200000000000000"},
		{name: "negative decimal first is quoted", cols: []types.Column{col("V", types.DecimalOf(33, 16))}, in: "-12345.12", row: []any{dec("-12345.1200000000000000")}, out: `"-12345.1200000000000000"`},
		{name: "quoted decimal", cols: []types.Column{col("V", types.DecimalOf(33, 16))}, in: `"-12345.12"`, row: []any{dec("-12345.1200000000000000")}, out: `"-12345.1200000000000000"`},
		{name: "zero decimal", cols: []types.Column{col("V", types.DecimalOf(33, 16))}, in: "0", row: []any{dec("0.0000000000000000")}, out: "0.0000000000000000"},
		{name: "decimal 21,19", cols: []types.Column{col("DEC", types.DecimalOf(21, 19))}, in: "10.1234512345123451234", row: []any{dec("10.1234512345123451234")}},
		{name: "decimal keeps zeros", cols: []types.Column{col("DEC", types.DecimalOf(6, 4))}, in: "1.0000", row: []any{dec("1.0000")}},
		{name: "decimal key scale", cols: []types.Column{key("K", types.DecimalOf(6, 4))}, p: Props{IsKey: true}, in: `"12.0"`, row: []any{dec("12.0000")}, out: "12.0000"},
		// date.json / time.json / timestamp.json / bytes.json
		{name: "date", cols: []types.Column{col("DATE", types.DateType)}, in: "10", row: []any{types.Date(10)}},
		{name: "negative date", cols: []types.Column{col("DATE", types.DateType)}, in: "-10", row: []any{types.Date(-10)}, out: `"-10"`},
		{name: "time", cols: []types.Column{col("TIME", types.TimeType)}, in: "10", row: []any{types.Time(10)}},
		{name: "timestamp", cols: []types.Column{col("TIME", types.TimestampType)}, in: "10", row: []any{types.Timestamp(10)}},
		{name: "bytes", cols: []types.Column{col("B", types.BytesType)}, in: "dmFyaWF0aW9ucw==", row: []any{[]byte("variations")}},
		// bytes-and-strings.json: first chars <= '#' are quoted
		{name: "quote special first chars", cols: []types.Column{col("A", types.StringType), col("B", types.BytesType), col("C", types.StringType)}, in: "!,IQ==,!", row: []any{"!", []byte("!"), "!"}, out: `"!",IQ==,"!"`},
		{name: "hash", cols: []types.Column{col("A", types.StringType), col("B", types.BytesType), col("C", types.StringType)}, in: "#,Iw==,#", row: []any{"#", []byte("#"), "#"}, out: `"#",Iw==,"#"`},
		// string.json: white space
		{name: "white space", cols: []types.Column{col("A", types.StringType), col("B", types.StringType), col("C", types.StringType), col("D", types.StringType)},
			in: "\" \t with white space \t\",\" \t WITH WHITE SPACE \t\",with white space,\"\t wit\"", row: []any{" \t with white space \t", " \t WITH WHITE SPACE \t", "with white space", "\t wit"}},
		{name: "trailing null", cols: []types.Column{col("A", types.StringType), col("B", types.StringType), col("C", types.StringType), col("D", types.StringType)}, in: "s,S,s,", row: []any{"s", "S", "s", nil}},
		// joins.json: leading nulls are not quoted
		{name: "leading nulls", cols: []types.Column{col("A", types.StringType), col("B", types.BigintType), col("C", types.BigintType), col("D", types.StringType), col("E", types.BigintType)}, in: ",,100,newblah,150", row: []any{nil, nil, int64(100), "newblah", int64(150)}},
		{name: "all null", cols: []types.Column{col("A", types.IntType), col("B", types.IntType)}, in: ",", row: []any{nil, nil}},
		// project-filter.json: embedded quotes
		{name: "embedded quotes", cols: []types.Column{col("X", types.StringType)}, in: `""" + new X(){return ""boom"";} + """`, row: []any{`" + new X(){return "boom";} + "`}},
		{name: "embedded delimiter", cols: []types.Column{col("A", types.StringType), col("B", types.StringType)}, in: `x,"a,b"`, row: []any{"x", "a,b"}},
		{name: "embedded newline", cols: []types.Column{col("A", types.StringType), col("B", types.StringType)}, in: "x,\"a\nb\"", row: []any{"x", "a\nb"}},
		{name: "first non-ascii quoted", cols: []types.Column{col("A", types.StringType)}, in: "é", row: []any{"é"}, out: `"é"`},
		{name: "quote inside unquoted", cols: []types.Column{col("A", types.StringType), col("B", types.StringType)}, in: `a"b,c`, row: []any{`a"b`, "c"}, out: `"a""b",c`},
		{name: "empty string is null", cols: []types.Column{col("A", types.StringType), col("B", types.IntType)}, in: `"",1`, row: []any{nil, int32(1)}, out: ",1"},
		{name: "double", cols: []types.Column{col("A", types.DoubleType), col("B", types.DoubleType)}, in: "654.321,1E10", row: []any{654.321, 1e10}, out: "654.321,1.0E10"},
		{name: "crlf ends record", cols: []types.Column{col("A", types.IntType), col("B", types.IntType)}, in: "1,2\r\n3,4", row: []any{int32(1), int32(2)}, out: "1,2"},
		{name: "leading empty lines", cols: []types.Column{col("A", types.IntType)}, in: "\n\n7", row: []any{int32(7)}, out: "7"},
		// delimited.json keys
		{name: "boolean key", cols: []types.Column{key("K", types.BooleanType)}, p: Props{IsKey: true}, in: `"true"`, row: []any{true}, out: "true"},
		{name: "boolean key lenient", cols: []types.Column{key("K", types.BooleanType)}, p: Props{IsKey: true}, in: "yes", row: []any{false}, out: "false"},
		{name: "int key quoted", cols: []types.Column{key("K", types.IntType)}, p: Props{IsKey: true}, in: `"22"`, row: []any{int32(22)}, out: "22"},
		{name: "multi key", cols: []types.Column{key("K1", types.StringType), key("K2", types.StringType)}, p: Props{IsKey: true}, in: `"foo","bar"`, row: []any{"foo", "bar"}, out: "foo,bar"},
		{name: "multi key own delimiter", cols: []types.Column{key("K1", types.StringType), key("K2", types.StringType)}, p: Props{IsKey: true, Delimiter: ";"}, in: "foo,bar;baz", row: []any{"foo,bar", "baz"}},
		{name: "value own delimiter", cols: []types.Column{col("V", types.IntType), col("V2", types.IntType)}, p: Props{Delimiter: "-"}, in: "0-1", row: []any{int32(0), int32(1)}},
		// errors
		{name: "too many fields", cols: []types.Column{col("A", types.IntType), col("B", types.IntType)}, in: "1,2,3", err: "Error deserializing delimited: Column count mismatch on deserialization. topic: t, expected: 2, got: 3"},
		{name: "too few fields", cols: []types.Column{col("A", types.IntType), col("B", types.IntType)}, in: "1", err: "expected: 2, got: 1"},
		{name: "bad int", cols: []types.Column{col("A", types.IntType)}, in: "x", err: `For input string: "x"`},
		{name: "int overflow", cols: []types.Column{col("A", types.IntType)}, in: "3000000000", err: `For input string: "3000000000"`},
		{name: "decimal overflow", cols: []types.Column{col("A", types.DecimalOf(4, 2))}, in: "100", err: "Numeric field overflow"},
		{name: "empty input", cols: []types.Column{col("A", types.IntType)}, in: "", err: "No fields in record"},
		{name: "unterminated quote", cols: []types.Column{col("A", types.StringType)}, in: `"abc`, err: "EOF reached before encapsulated token finished"},
		{name: "char after quote", cols: []types.Column{col("A", types.StringType), col("B", types.StringType)}, in: `"a"x,b`, err: "invalid char between encapsulated token and delimiter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Delimited.Deserializer(tc.cols, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			row, err := d.Deserialize("t", []byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !valuesEqual(row, tc.row) {
				t.Fatalf("row %#v, want %#v", row, tc.row)
			}
			s, err := Delimited.Serializer(tc.cols, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.Serialize("t", row)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.out
			if want == "" {
				want = tc.in
			}
			if string(out) != want {
				t.Fatalf("serialized %q, want %q", out, want)
			}
		})
	}
}

func TestDelimitedNulls(t *testing.T) {
	cols := []types.Column{col("A", types.StringType)}
	d, _ := Delimited.Deserializer(cols, Props{})
	if row, err := d.Deserialize("t", nil); row != nil || err != nil {
		t.Fatalf("nil: %v %v", row, err)
	}
	s, _ := Delimited.Serializer(cols, Props{})
	if b, err := s.Serialize("t", nil); b != nil || err != nil {
		t.Fatalf("nil row: %q %v", b, err)
	}
	if b, err := s.Serialize("t", []any{""}); string(b) != `""` || err != nil {
		t.Fatalf("empty string: %q %v", b, err)
	}
	if b, err := s.Serialize("t", []any{int32(1)}); err == nil {
		t.Fatalf("type mismatch accepted: %q", b)
	}
	if b, err := s.Serialize("t", []any{nil}); string(b) != "" || b == nil || err != nil {
		t.Fatalf("null value column: %q %v", b, err)
	}
	// A key whose columns are all NULL is a Kafka null key.
	for _, kc := range [][]types.Column{cols, {col("K1", types.IntType), col("K2", types.StringType)}} {
		ks, _ := Delimited.Serializer(kc, Props{IsKey: true})
		if b, err := ks.Serialize("t", make([]any, len(kc))); b != nil || err != nil {
			t.Fatalf("null key %v: %q %v", kc, b, err)
		}
	}
}

// ---- KAFKA / NONE ----

func TestKafka(t *testing.T) {
	tests := []struct {
		t    *types.Type
		v    any
		data []byte
	}{
		{types.IntType, int32(-2), []byte{0xff, 0xff, 0xff, 0xfe}},
		{types.BigintType, int64(1), []byte{0, 0, 0, 0, 0, 0, 0, 1}},
		{types.DoubleType, 2.2, []byte{0x40, 0x01, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}},
		{types.StringType, "bar", []byte("bar")},
		{types.StringType, "", []byte{}},
		{types.BytesType, []byte("variations"), []byte("variations")},
	}
	for _, tc := range tests {
		cols := []types.Column{col("V", tc.t)}
		s, err := Kafka.Serializer(cols, Props{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Serialize("t", []any{tc.v})
		if err != nil || string(got) != string(tc.data) {
			t.Errorf("%s: serialize = %x, %v; want %x", tc.t, got, err, tc.data)
		}
		d, _ := Kafka.Deserializer(cols, Props{})
		row, err := d.Deserialize("t", tc.data)
		if err != nil || !valuesEqual(row, []any{tc.v}) {
			t.Errorf("%s: deserialize = %#v, %v", tc.t, row, err)
		}
		if b, err := s.Serialize("t", []any{nil}); b != nil || err != nil {
			t.Errorf("%s: null = %v %v", tc.t, b, err)
		}
		if row, err := d.Deserialize("t", nil); row != nil || err != nil {
			t.Errorf("%s: nil data = %v %v", tc.t, row, err)
		}
	}
	for kind, want := range map[*types.Type]string{
		types.IntType:    "Error deserializing KAFKA message from topic: t: Size of data received by IntegerDeserializer is not 4",
		types.BigintType: "Size of data received by LongDeserializer is not 8",
		types.DoubleType: "Size of data received by Deserializer is not 8",
	} {
		d, _ := Kafka.Deserializer([]types.Column{col("V", kind)}, Props{})
		if _, err := d.Deserialize("t", []byte{1, 2, 3}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", kind, err)
		}
	}
	d, _ := Kafka.Deserializer([]types.Column{col("V", types.StringType)}, Props{})
	if row, _ := d.Deserialize("t", []byte("a\xffb")); row[0] != "a\ufffdb" {
		t.Errorf("invalid utf8: %q", row[0])
	}
	s, _ := Kafka.Serializer([]types.Column{col("V", types.IntType)}, Props{})
	if _, err := s.Serialize("t", []any{int32(1), int32(2)}); err == nil || !strings.Contains(err.Error(), "Column count mismatch on serialization") {
		t.Errorf("count: %v", err)
	}
	// zero columns: void
	s, _ = Kafka.Serializer(nil, Props{IsKey: true})
	if b, err := s.Serialize("t", []any{}); b != nil || err != nil {
		t.Errorf("void serialize: %v %v", b, err)
	}
	d, _ = Kafka.Deserializer(nil, Props{IsKey: true})
	if row, err := d.Deserialize("t", []byte("ignored")); err != nil || row == nil || len(row) != 0 {
		t.Errorf("void deserialize: %#v %v", row, err)
	}
}

func TestNone(t *testing.T) {
	s, err := None.Serializer(nil, Props{IsKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := s.Serialize("t", []any{}); b != nil || err != nil {
		t.Errorf("serialize: %v %v", b, err)
	}
	d, _ := None.Deserializer(nil, Props{IsKey: true})
	if row, err := d.Deserialize("t", []byte("anything")); err != nil || row == nil || len(row) != 0 {
		t.Errorf("deserialize: %#v %v", row, err)
	}
	if row, err := d.Deserialize("t", nil); err != nil || row != nil {
		t.Errorf("deserialize nil: %#v %v", row, err)
	}
}

func TestJavaText(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0": "0", "12": "12", "1.50": "1.50", "1e2": "1E+2", "1.5E3": "1.5E+3", "0.001": "0.001",
		"0.0000001": "1E-7", "123.456e-10": "1.23456E-8", "-0.0": "0.0", "100000000000000000000": "100000000000000000000",
		"12.5e1": "125", "1e0": "1",
	} {
		p := jsonParser{data: []byte(in)}
		n, err := p.readNumber()
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := n.javaText(); got != want {
			t.Errorf("javaText(%s) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]int64{
		"9223372036854775808": math.MinInt64, "18446744073709551617": 1, "-1.9": -1, "1e3": 1000, "12.5e-1": 1, "1e-400": 0,
	} {
		p := jsonParser{data: []byte(in)}
		n, _ := p.readNumber()
		if got := n.longValue(); got != want {
			t.Errorf("longValue(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	cols := []types.Column{col("ID", types.BigintType), col("S", types.StructOf(types.Field{Name: "A", Type: types.ArrayOf(types.StringType)}))}
	d, _ := JSON.Deserializer(cols, Props{})
	s, _ := JSON.Serializer(cols, Props{})
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 500; i++ {
				row := []any{int64(g*1000 + i), types.StructValue{[]any{"x", nil}}}
				b, err := s.Serialize("t", row)
				if err != nil {
					done <- err
					return
				}
				back, err := d.Deserialize("t", b)
				if err != nil || !valuesEqual(back, row) {
					done <- errors.New("mismatch: " + string(b))
					return
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
