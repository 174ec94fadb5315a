package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/server/config"
)

// testConfig is a server configuration for tests: REST and the embedded
// broker on free loopback ports, state in a temporary directory.
func testConfig(t testing.TB) config.Config {
	cfg := config.Defaults()
	cfg[config.Listeners] = "http://127.0.0.1:0"
	cfg[config.StateDir] = t.TempDir()
	cfg[config.EmbeddedBrokerPort] = "0"
	return cfg
}

// startServer runs a server with the embedded broker on loopback ports.
func startServer(t *testing.T) *Server {
	t.Helper()
	return startServerWith(t, testConfig(t), io.Discard)
}

// startServerWith runs a server on cfg, logging to logs, until the test
// ends.
func startServerWith(t testing.TB, cfg config.Config, logs io.Writer) *Server {
	t.Helper()
	s, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("starting server: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func post(t *testing.T, s *Server, path, body string) (int, []byte) {
	t.Helper()
	resp, err := http.Post("http://"+s.Addr()+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return resp.StatusCode, b
}

func ksql(t *testing.T, s *Server, sql string) []map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"ksql": sql})
	code, b := post(t, s, "/ksql", string(body))
	if code != 200 {
		t.Fatalf("/ksql %q: status %d: %s", sql, code, b)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("/ksql answer %s: %v", b, err)
	}
	return out
}

// produce writes JSON values to a topic with kcat when it is installed (a
// real, independent Kafka client), else with franz-go.
func produce(t *testing.T, s *Server, topic string, values ...string) {
	t.Helper()
	if path, err := exec.LookPath("kcat"); err == nil {
		cmd := exec.Command(path, "-P", "-b", s.Brokers()[0], "-t", topic)
		cmd.Stdin = strings.NewReader(strings.Join(values, "\n") + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("kcat produce: %v: %s", err, out)
		}
		return
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, v := range values {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// consume reads n records of a topic from the beginning.
func consume(t *testing.T, s *Server, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		f := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consuming %s: got %d of %d records before timeout", topic, len(out), n)
		}
		out = append(out, f.Records()...)
	}
	return out
}

func TestEndToEndPageviews(t *testing.T) {
	s := startServer(t)

	ents := ksql(t, s, `CREATE STREAM pageviews (viewtime BIGINT, user_id VARCHAR, page_id VARCHAR)
	  WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='my-pageviews-topic', PARTITIONS=1);`)
	if got := ents[0]["commandStatus"].(map[string]any)["message"]; got != "Stream created" {
		t.Fatalf("create stream: message %v", got)
	}
	produce(t, s, "my-pageviews-topic",
		`{"viewtime":1,"user_id":"User_1","page_id":"Page_42"}`,
		`{"viewtime":2,"user_id":"User_9","page_id":"Page_7"}`,
		`not json at all`,
		`{"viewtime":3,"user_id":"User_1","page_id":"Page_3"}`)

	t.Run("push query", func(t *testing.T) {
		body := `{"ksql":"SELECT page_id, user_id FROM pageviews EMIT CHANGES LIMIT 3;","streamsProperties":{"auto.offset.reset":"earliest"}}`
		resp, err := http.Post("http://"+s.Addr()+"/query", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		all, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		sc := bufio.NewScanner(bytes.NewReader(all))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				lines = append(lines, l)
			}
		}
		want := []string{
			`[{"header":{"queryId":`,
			`{"row":{"columns":["Page_42","User_1"]}},`,
			`{"row":{"columns":["Page_7","User_9"]}},`,
			`{"row":{"columns":["Page_3","User_1"]}},`,
			`{"finalMessage":"Limit Reached"}]`,
		}
		if len(lines) != len(want) {
			t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), all)
		}
		for i, w := range want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("line %d = %s, want prefix %s", i, lines[i], w)
			}
		}
		if !strings.Contains(lines[0], "`PAGE_ID` STRING, `USER_ID` STRING") {
			t.Errorf("header schema: %s", lines[0])
		}
	})

	t.Run("persistent query", func(t *testing.T) {
		ents := ksql(t, s, `SET 'auto.offset.reset'='earliest';
		  CREATE STREAM user1_views WITH (KAFKA_TOPIC='user1') AS SELECT page_id, viewtime * 10 AS vt FROM pageviews WHERE user_id = 'User_1';`)
		msg := ents[0]["commandStatus"].(map[string]any)["message"].(string)
		if !strings.HasPrefix(msg, "Created query with ID CSAS_USER1_VIEWS_") {
			t.Fatalf("CSAS message %q", msg)
		}
		recs := consume(t, s, "user1", 2)
		got := []string{string(recs[0].Value), string(recs[1].Value)}
		want := []string{`{"PAGE_ID":"Page_42","VT":10}`, `{"PAGE_ID":"Page_3","VT":30}`}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("record %d = %s, want %s", i, got[i], want[i])
			}
		}
		queries := ksql(t, s, "SHOW QUERIES;")[0]["queries"].([]any)
		if len(queries) != 1 {
			t.Fatalf("SHOW QUERIES: %v", queries)
		}
	})

	t.Run("bad statement", func(t *testing.T) {
		code, b := post(t, s, "/ksql", `{"ksql":"CREATE STREAM x (a INT) WITH (KAFKA_TOPIC='x', PARTITIONS=1, VALUE_FORMAT='JSON'); SELECT nope FROM pageviews;"}`)
		if code != 400 {
			t.Fatalf("status %d: %s", code, b)
		}
		code, b = post(t, s, "/ksql", `{"ksql":"CREATE STREAM y (a INT) WITH (KAFKA_TOPIC='y', PARTITIONS=1, VALUE_FORMAT='JSON');\nCREATE STREAM z AS SELECT nope FROM y;"}`)
		if code != 400 || !strings.Contains(string(b), `"statement_error"`) || !strings.Contains(string(b), "Line: 2, Col: 27") ||
			!strings.Contains(string(b), "SELECT column 'NOPE' cannot be resolved.") {
			t.Fatalf("status %d: %s", code, b)
		}
		// Nothing of the failed request was created.
		for _, st := range ksql(t, s, "SHOW STREAMS;")[0]["streams"].([]any) {
			if name := st.(map[string]any)["name"]; name == "Y" || name == "Z" {
				t.Fatalf("%v was created by a failed request", name)
			}
		}
		code, b = post(t, s, "/ksql", `{"ksql":"CREATE STREAM FROM;"}`)
		if code != 400 || !strings.Contains(string(b), "line 1:15") {
			t.Fatalf("syntax error: status %d: %s", code, b)
		}
	})
}

// A topic another client has just created is there for the next statement:
// the server asks the brokers, not its metadata cache.
func TestTopicCreatedElsewhereIsSeenAtOnce(t *testing.T) {
	s := startServer(t)
	// The server has listed the topics just now: the cache is fresh.
	ksql(t, s, `SHOW TOPICS;`)
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(context.Background(), 3, 1, nil, "made_elsewhere"); err != nil {
		t.Fatal(err)
	}
	ksql(t, s, `CREATE STREAM elsewhere (id INT) WITH (KAFKA_TOPIC='made_elsewhere', VALUE_FORMAT='JSON');`)
	out := ksql(t, s, `DESCRIBE elsewhere EXTENDED;`)
	if b, _ := json.Marshal(out); !strings.Contains(string(b), `"partitions":3`) {
		t.Errorf("DESCRIBE EXTENDED: %s", b)
	}
}
