package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestScalablePushQueries runs two push queries on a stream written by a
// persistent query with ksql.query.push.v2.enabled: both are scalable
// (their ids say so), they share one reader of the sink topic, and each
// gets what is produced after it started, filtered and projected its own
// way.
func TestScalablePushQueries(t *testing.T) {
	s := startServer(t)
	ksql(t, s, `CREATE STREAM clicks (user_id VARCHAR KEY, page VARCHAR, ms INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);`)
	ksql(t, s, `CREATE STREAM slow AS SELECT * FROM clicks WHERE ms > 100;`)

	type stream struct {
		resp  *http.Response
		lines *bufio.Scanner
	}
	open := func(sql string) stream {
		t.Helper()
		body := `{"ksql":"` + sql + `","streamsProperties":{"ksql.query.push.v2.enabled":"true","auto.offset.reset":"latest"}}`
		// A row that never comes fails the test instead of hanging it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+s.Addr()+"/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		sc := bufio.NewScanner(resp.Body)
		if !sc.Scan() || !strings.Contains(sc.Text(), `"queryId":"SCALABLE_PUSH_QUERY_`) {
			t.Fatalf("%s: header %q (status %d), want a scalable push query", sql, sc.Text(), resp.StatusCode)
		}
		return stream{resp, sc}
	}
	pages := open("SELECT page FROM slow EMIT CHANGES LIMIT 2;")
	users := open("SELECT user_id, ms FROM slow WHERE ms > 500 EMIT CHANGES LIMIT 1;")

	deadline := time.Now().Add(30 * time.Second)
	for len(s.Engine().ScalablePushReaders()) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("sink readers: %v, want one shared by both queries", s.Engine().ScalablePushReaders())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A record without a key is left out, as ksqlDB's scalable push
	// queries do.
	produceKeyed(t, s, "clicks", "", `{"PAGE":"nokey","MS":900}`, "u1", `{"PAGE":"home","MS":50}`,
		"u2", `{"PAGE":"cart","MS":700}`, "u3", `{"PAGE":"pay","MS":300}`)

	read := func(st stream) []string {
		var out []string
		for st.lines.Scan() {
			if l := strings.TrimSpace(st.lines.Text()); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	if got := strings.Join(read(pages), "\n"); got != `{"row":{"columns":["cart"]}},`+"\n"+`{"row":{"columns":["pay"]}},`+"\n"+`{"finalMessage":"Limit Reached"}]` {
		t.Errorf("pages:\n%s", got)
	}
	if got := strings.Join(read(users), "\n"); got != `{"row":{"columns":["u2",700]}},`+"\n"+`{"finalMessage":"Limit Reached"}]` {
		t.Errorf("users:\n%s", got)
	}
}

// TestStreamPullQuery reads a stream to its end with
// ksql.query.pull.stream.enabled (ksqlDB's behaviour since 0.22), and
// without it streams on as KSQL 5.x did.
func TestStreamPullQuery(t *testing.T) {
	s := startServer(t)
	ksql(t, s, `CREATE STREAM views (page VARCHAR, ms INT) WITH (KAFKA_TOPIC='views', VALUE_FORMAT='JSON', PARTITIONS=2);`)
	produce(t, s, "views", `{"PAGE":"a","MS":1}`, `{"PAGE":"b","MS":20}`, `{"PAGE":"c","MS":300}`)

	body := `{"ksql":"SELECT page FROM views WHERE ms > 10;","streamsProperties":{"ksql.query.pull.stream.enabled":"true"}}`
	code, got := post(t, s, "/query", body)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, got)
	}
	text := string(got)
	for _, want := range []string{`{"row":{"columns":["b"]}}`, `{"row":{"columns":["c"]}}`, `{"finalMessage":"Query Completed"}`} {
		if !strings.Contains(text, want) {
			t.Errorf("answer lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, `"a"`) {
		t.Errorf("the filter let a through:\n%s", text)
	}

	// Without the setting the same statement is a push query: it is still
	// running when the client gives up.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+s.Addr()+"/query",
		strings.NewReader(`{"ksql":"SELECT page FROM views;","streamsProperties":{"auto.offset.reset":"earliest"}}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	all, err := io.ReadAll(resp.Body)
	if err == nil || strings.Contains(string(all), "finalMessage") {
		t.Fatalf("the 5.x form completed instead of streaming on: %s (%v)", all, err)
	}
}

// produceKeyed writes key, value pairs to a topic; an empty key is none.
func produceKeyed(t *testing.T, s *Server, topic string, kvs ...string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for i := 0; i+1 < len(kvs); i += 2 {
		rec := &kgo.Record{Value: []byte(kvs[i+1])}
		if kvs[i] != "" {
			rec.Key = []byte(kvs[i])
		}
		if err := cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// A stream re-keyed to meet a table on one of its values writes its
// repartition topic's keys in the table's key format, into as many
// partitions as the table has: Kafka's partitioner then puts each click in
// the partition its user is in (a repartition in Eddy's own encoding put
// three clicks in four elsewhere).
func TestJoinOnAValueMeetsTheTablesPartitions(t *testing.T) {
	s := startServer(t)
	ksql(t, s, `CREATE TABLE users4 (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users4', VALUE_FORMAT='JSON', PARTITIONS=4);
CREATE TABLE users2 (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users2', VALUE_FORMAT='JSON', PARTITIONS=2);
CREATE STREAM clicks (id VARCHAR KEY, user_id VARCHAR, page VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=4);`)
	var users, clicks []string
	for i := range 24 {
		users = append(users, fmt.Sprintf("u%d", i), fmt.Sprintf(`{"NAME":"name%d"}`, i))
		clicks = append(clicks, fmt.Sprintf("c%d", i), fmt.Sprintf(`{"USER_ID":"u%d","PAGE":"p%d"}`, i, i))
	}
	produceKeyed(t, s, "users4", users...)
	produceKeyed(t, s, "users2", users...)
	// The tables are read before the clicks: the queries start after the
	// users are written and read from the earliest offsets, in timestamp
	// order.
	time.Sleep(10 * time.Millisecond)
	produceKeyed(t, s, "clicks", clicks...)
	ksql(t, s, `SET 'auto.offset.reset'='earliest';
CREATE STREAM enriched4 AS SELECT c.user_id, c.page, u.name FROM clicks c JOIN users4 u ON c.user_id = u.id;
CREATE STREAM enriched2 AS SELECT c.user_id, c.page, u.name FROM clicks c JOIN users2 u ON c.user_id = u.id;`)
	for _, topic := range []string{"ENRICHED4", "ENRICHED2"} {
		consume(t, s, topic, 24)
		if n := countAll(t, s, topic); n != 24 {
			t.Errorf("%s has %d records, want 24 (every click with its user)", topic, n)
		}
	}
}
