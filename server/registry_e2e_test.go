package server

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// TestSchemaRegistryFormatsEndToEnd writes rows in each registry format
// through the server (INSERT VALUES registers the schemas in the embedded
// registry), declares a second stream over the topic with its columns
// inferred from the registry, and copies it to JSON.
func TestSchemaRegistryFormatsEndToEnd(t *testing.T) {
	s := startServer(t)
	for _, format := range []string{"AVRO", "PROTOBUF", "JSON_SR"} {
		t.Run(format, func(t *testing.T) {
			src, out := "src_"+strings.ToLower(format), "out_"+strings.ToLower(format)
			ksql(t, s, `CREATE STREAM `+src+` (ID INT KEY, NAME STRING, AMOUNT DECIMAL(6,2), TAGS ARRAY<STRING>, S STRUCT<X BIGINT>)
			  WITH (KAFKA_TOPIC='`+src+`', FORMAT='`+format+`', PARTITIONS=1);`)
			ksql(t, s, `INSERT INTO `+src+` (ID, NAME, AMOUNT, TAGS, S) VALUES (1, 'one', 12.34, ARRAY['a', 'b'], STRUCT(X := 7));`)
			ksql(t, s, `INSERT INTO `+src+` (ID, NAME, AMOUNT) VALUES (2, 'two', -0.5);`)

			resp, err := http.Get(s.SchemaRegistryURL() + "/subjects/" + src + "-value/versions/latest")
			if err != nil {
				t.Fatal(err)
			}
			var subject struct {
				SchemaType string `json:"schemaType"`
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err := json.Unmarshal(b, &subject); err != nil {
				t.Fatalf("registry answer %s: %v", b, err)
			}
			if want := map[string]string{"AVRO": "", "PROTOBUF": "PROTOBUF", "JSON_SR": "JSON"}[format]; subject.SchemaType != want {
				t.Errorf("schema type %q, want %q", subject.SchemaType, want)
			}

			ksql(t, s, `CREATE STREAM inferred_`+src+` WITH (KAFKA_TOPIC='`+src+`', FORMAT='`+format+`');`)
			ksql(t, s, `SET 'auto.offset.reset'='earliest'; CREATE STREAM `+out+` WITH (KAFKA_TOPIC='`+out+`', FORMAT='JSON') AS SELECT * FROM inferred_`+src+`;`)
			var got []string
			for _, r := range consume(t, s, out, 2) {
				got = append(got, string(r.Value))
			}
			sort.Strings(got)
			// Protobuf has no NULL for repeated fields: the second row's
			// TAGS reads back as an empty array.
			tags := "null"
			if format == "PROTOBUF" {
				tags = "[]"
			}
			want := []string{
				`{"NAME":"one","AMOUNT":12.34,"TAGS":["a","b"],"S":{"X":7}}`,
				`{"NAME":"two","AMOUNT":-0.50,"TAGS":` + tags + `,"S":null}`,
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
