package conformance

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestStripComments(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a": 1} // trailing`, `{"a": 1} `},
		{"{\"a\": 1, // c\n\"b\": 2}", "{\"a\": 1, \n\"b\": 2}"},
		{`{"a": /* inline */ 1}`, `{"a":  1}`},
		{"{/* multi\nline */\"a\": 1}", "{\n\"a\": 1}"},
		{`{"url": "https://cnfl.io/queries"}`, `{"url": "https://cnfl.io/queries"}`},
		{`{"s": "a /* not */ b // not"}`, `{"s": "a /* not */ b // not"}`},
		{`{"s": "esc \" // still string"} // gone`, `{"s": "esc \" // still string"} `},
		{`{"s": "back\\"} // gone`, `{"s": "back\\"} `},
		{`{"a": 1} /* unterminated`, `{"a": 1} `},
	}
	for _, tc := range tests {
		if got := string(StripComments([]byte(tc.in))); got != tc.want {
			t.Errorf("StripComments(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

const sampleFile = `{
  "comments": ["// not a comment"],
  "tests": [
    {
      "name": "plain", // comment
      "statements": ["CREATE STREAM S (ID INT KEY, V DOUBLE) WITH (kafka_topic='t', value_format='JSON');"],
      "inputs": [{"topic": "t", "key": 1, "value": {"V": 1.50}, "timestamp": 10}],
      "outputs": [
        {"topic": "O", "key": 1, "value": {"V": 12345678901234567890}, "window": {"start": 0, "end": 10, "type": "time"}},
        {"topic": "O", "value": null, "headers": [{"KEY": "h", "VALUE": "IQ=="}, {"KEY": "n", "VALUE": null}]}
      ],
      "post": {"sources": [{"name": "O", "type": "table", "schema": "ID INT KEY, V DOUBLE",
                "keyFormat": {"format": "KAFKA", "windowType": "TUMBLING", "windowSize": 10}}],
               "topics": {"blacklist": ".*-repartition", "topics": [{"name": "O", "partitions": 4}]}}
    },
    {
      "name": "fmt",
      "format": ["JSON", "AVRO"],
      "statements": ["CREATE STREAM S (V INT) WITH (kafka_topic='t', value_format='{FORMAT}');"],
      "expectedException": {"type": "x.Y", "message": "bad {FORMAT}"}
    },
    {
      "name": "cfg",
      "config": ["true", "false"],
      "properties": {"ksql.new.query.planner.enabled": "{CONFIG}", "other": "x"},
      "statements": ["SELECT 1;"]
    },
    {"name": "off", "enabled": false, "statements": []},
    {"name": "plain", "statements": []}
  ]
}`

func TestParseFile(t *testing.T) {
	cs, err := ParseFile("sample.json", []byte(sampleFile), KindQTT)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	want := []string{"plain", "fmt - JSON", "fmt - AVRO", "cfg - true", "cfg - false", "off", "plain (2)"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("names = %q, want %q", names, want)
	}

	p := cs[0]
	if p.ID() != "sample.json/plain" || p.Variant != "" || !p.Enabled || p.ConfigIndex != -1 {
		t.Errorf("plain case: %+v", p)
	}
	if v := p.Inputs[0].Value.(map[string]any)["V"]; v != json.Number("1.50") {
		t.Errorf("input number kept as %#v", v)
	}
	if *p.Inputs[0].Timestamp != 10 || p.Inputs[0].Key != json.Number("1") {
		t.Errorf("input record: %+v", p.Inputs[0])
	}
	o := p.Outputs[0]
	if o.Value.(map[string]any)["V"] != json.Number("12345678901234567890") || o.Timestamp != nil || o.Headers != nil {
		t.Errorf("output 0: %+v", o)
	}
	if o.Window == nil || o.Window.End != 10 || o.Window.Type != "time" {
		t.Errorf("window: %+v", o.Window)
	}
	o = p.Outputs[1]
	if o.Key != nil || o.Value != nil || len(o.Headers) != 2 || string(o.Headers[0].Value) != "!" || o.Headers[1].Value != nil {
		t.Errorf("output 1: %+v", o)
	}
	src := p.Post.Sources[0]
	if src.KeyFormat != "KAFKA" || src.WindowType != "TUMBLING" || src.WindowSize == nil || *src.WindowSize != 10 || src.Type != "table" {
		t.Errorf("post source: %+v", src)
	}
	if p.Post.Topics.Blacklist != ".*-repartition" || p.Post.Topics.Topics[0].Partitions != 4 {
		t.Errorf("post topics: %+v", p.Post.Topics)
	}

	f := cs[2]
	if f.Format != "AVRO" || f.Variant != "AVRO" || f.Statements[0] != "CREATE STREAM S (V INT) WITH (kafka_topic='t', value_format='AVRO');" {
		t.Errorf("format variant: %+v", f)
	}
	if f.Expected == nil || f.Expected.Message != "bad AVRO" || f.Expected.Type != "x.Y" {
		t.Errorf("expected exception: %+v", f.Expected)
	}

	c := cs[4]
	if c.Properties["ksql.new.query.planner.enabled"] != "false" || c.Properties["other"] != "x" || c.ConfigIndex != 1 || c.Config != "false" {
		t.Errorf("config variant: %+v", c.Properties)
	}
	if cs[3].Properties["ksql.new.query.planner.enabled"] != "true" {
		t.Errorf("config variant 0: %+v", cs[3].Properties)
	}
	if cs[5].Enabled {
		t.Errorf("disabled case enabled")
	}
	if r := PreSkip(cs[5]); r != SkipDisabled {
		t.Errorf("PreSkip(disabled) = %q", r)
	}
	// Cases of the registry formats run (each driver has a registry).
	if r := PreSkip(cs[2]); r != "" {
		t.Errorf("PreSkip(AVRO) = %q", r)
	}
	if r := PreSkip(cs[1]); r != "" {
		t.Errorf("PreSkip(JSON) = %q", r)
	}
}

func TestParseRQTT(t *testing.T) {
	src := `{"tests": [{
	  "name": "q", "statements": ["CREATE STREAM S (K INT KEY) WITH (kafka_topic='t', value_format='JSON');", "SELECT * FROM S;"],
	  "responses": [{"admin": {"@type": "currentStatus"}}, {"query": [{"header": {"schema": "K INT"}}, {"row": {"columns": [1.0]}}]}]
	}, {
	  "name": "e", "statements": ["SELECT 1;"],
	  "expectedError": {"type": "T", "message": "boom", "status": 400}
	}]}`
	cs, err := ParseFile("r.json", []byte(src), KindRQTT)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs[0].Responses) != 2 || string(cs[0].Responses[1]) != `{"query":[{"header":{"schema":"K INT"}},{"row":{"columns":[1.0]}}]}` {
		t.Errorf("responses: %s", cs[0].Responses)
	}
	if e := cs[1].ExpectedError; e == nil || e.Status != 400 || e.Message != "boom" {
		t.Errorf("expected error: %+v", e)
	}
}

func TestParseFileErrors(t *testing.T) {
	for _, src := range []string{`[]`, `{"tests": 1}`, `{"tests": [{"statements": []}]}`, `{"tests": [{"name": "x", "inputs": [1]}]}`, `{"tests": [] } x`} {
		if _, err := ParseFile("bad.json", []byte(src), KindQTT); err == nil {
			t.Errorf("ParseFile(%s): no error", src)
		}
	}
}

// TestLoadCorpus checks that the whole corpus loads (skipped when absent).
func TestLoadCorpus(t *testing.T) {
	for _, k := range []struct {
		dir  string
		kind Kind
	}{{*flagQTTDir, KindQTT}, {*flagRQTTDir, KindRQTT}} {
		cs, err := LoadDir(k.dir, k.kind)
		if err != nil {
			t.Skipf("corpus not available: %v", err)
		}
		seen := map[string]bool{}
		for _, c := range cs {
			if seen[c.ID()] {
				t.Errorf("duplicate case ID %s", c.ID())
			}
			seen[c.ID()] = true
			for _, s := range c.Statements {
				if c.Format != "" && strings.Contains(s, "{FORMAT}") {
					t.Errorf("%s: unsubstituted {FORMAT}", c.ID())
				}
			}
		}
		t.Logf("%s: %d expanded cases", k.kind, len(cs))
	}
}
