package server

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// startServerWithExtensions runs a server loading the user functions of dir.
func startServerWithExtensions(t *testing.T, dir string, logs io.Writer) *Server {
	t.Helper()
	cfg := testConfig(t)
	cfg["ksql.extension.dir"] = dir
	cfg["eddy.udf.wasm.call.timeout.ms"] = "500"
	return startServerWith(t, cfg, logs)
}

func TestEndToEndWasmUserFunctions(t *testing.T) {
	s := startServerWithExtensions(t, "../examples/udf/anomaly", io.Discard)

	fns := ksql(t, s, "SHOW FUNCTIONS;")[0]["functions"].([]any)
	found := map[string]string{}
	for _, f := range fns {
		m := f.(map[string]any)
		found[m["name"].(string)] = m["type"].(string)
	}
	if found["ANOMALY"] != "SCALAR" || found["ANOMALY_MAX"] != "AGGREGATE" {
		t.Fatalf("SHOW FUNCTIONS: ANOMALY %q, ANOMALY_MAX %q", found["ANOMALY"], found["ANOMALY_MAX"])
	}
	desc := ksql(t, s, "DESCRIBE FUNCTION anomaly;")[0]
	if b, _ := json.Marshal(desc); !strings.Contains(string(b), `"returnType":"DOUBLE"`) || !strings.Contains(string(b), "standard deviations") {
		t.Fatalf("DESCRIBE FUNCTION: %s", b)
	}

	ksql(t, s, `CREATE STREAM sensors (sensor VARCHAR, reading DOUBLE)
	  WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='sensors', PARTITIONS=1);`)
	produce(t, s, "sensors",
		`{"sensor":"s1","reading":21.0}`,
		`{"sensor":"s2","reading":42.0}`,
		`{"sensor":"s1","reading":null}`,
		`{"sensor":"s1","reading":5.0}`)

	ksql(t, s, `SET 'auto.offset.reset'='earliest';
	  CREATE STREAM scored WITH (KAFKA_TOPIC='scored') AS
	    SELECT sensor, reading, ANOMALY(reading) AS score, ANOMALY_TAG(sensor, reading) AS tag FROM sensors;`)
	recs := consume(t, s, "scored", 4)
	want := []string{
		`{"SENSOR":"s1","READING":21.0,"SCORE":0.2,"TAG":"s1:normal"}`,
		`{"SENSOR":"s2","READING":42.0,"SCORE":4.4,"TAG":"s2:critical"}`,
		`{"SENSOR":"s1","READING":null,"SCORE":null,"TAG":null}`,
		`{"SENSOR":"s1","READING":5.0,"SCORE":3.0,"TAG":"s1:critical"}`,
	}
	for i, w := range want {
		if got := string(recs[i].Value); got != w {
			t.Errorf("scored record %d = %s, want %s", i, got, w)
		}
	}

	ksql(t, s, `SET 'auto.offset.reset'='earliest';
	  CREATE TABLE worst WITH (KAFKA_TOPIC='worst') AS
	    SELECT sensor, ANOMALY_MAX(reading) AS worst, ANOMALY_COUNT(reading) AS critical FROM sensors GROUP BY sensor;`)
	latest := consumeLatest(t, s, "worst", func(m map[string]string) bool {
		return m["s1"] == `{"WORST":3.0,"CRITICAL":1}` && m["s2"] == `{"WORST":4.4,"CRITICAL":1}`
	})
	t.Logf("worst: %v", latest)
}

// TestEndToEndWasmTrap checks that a trapping user function fails only the
// record it was called for.
func TestEndToEndWasmTrap(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"guest.wasm", "guest.json"} {
		b, err := os.ReadFile(filepath.Join("../udf/wasm/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	logs := &syncBuffer{}
	s := startServerWithExtensions(t, dir, logs)
	ksql(t, s, `CREATE STREAM nums (a INT, b INT) WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='nums', PARTITIONS=1);`)
	produce(t, s, "nums", `{"a":7,"b":2}`, `{"a":1,"b":0}`, `{"a":9,"b":3}`)
	ksql(t, s, `SET 'auto.offset.reset'='earliest';
	  CREATE STREAM quotients WITH (KAFKA_TOPIC='quotients') AS SELECT a, T_DIV(a, b) AS q FROM nums;`)
	recs := consume(t, s, "quotients", 3)
	want := []string{`{"A":7,"Q":3}`, `{"A":1,"Q":null}`, `{"A":9,"Q":3}`}
	for i, w := range want {
		if got := string(recs[i].Value); got != w {
			t.Errorf("record %d = %s, want %s", i, got, w)
		}
	}
	if l := logs.String(); !strings.Contains(l, "T_DIV: module guest trapped") || !strings.Contains(l, "integer divide by zero") {
		t.Errorf("the trap is not in the processing log:\n%s", l)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// consumeLatest reads a topic until the latest value per key satisfies ok.
func consumeLatest(t *testing.T, s *Server, topic string, ok func(map[string]string) bool) map[string]string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	latest := map[string]string{}
	for !ok(latest) {
		f := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consuming %s: latest values %v", topic, latest)
		}
		for _, r := range f.Records() {
			latest[string(r.Key)] = string(r.Value)
		}
	}
	return latest
}
