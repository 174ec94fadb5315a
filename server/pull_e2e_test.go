package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// pullRows runs a pull query over /query and returns each row's columns
// as JSON, sorted.
func pullRows(t *testing.T, s *Server, sql string) []string {
	t.Helper()
	return pullRowsWith(t, s, sql, nil)
}

// pullRowsWith is pullRows with streamsProperties.
func pullRowsWith(t *testing.T, s *Server, sql string, props map[string]any) []string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"ksql": sql, "streamsProperties": props})
	code, b := post(t, s, "/query", string(body))
	if code != 200 {
		t.Fatalf("/query %q: status %d: %s", sql, code, b)
	}
	var msgs []struct {
		Row *struct {
			Columns json.RawMessage `json:"columns"`
		} `json:"row"`
	}
	if err := json.Unmarshal(b, &msgs); err != nil {
		t.Fatalf("/query answer %s: %v", b, err)
	}
	var out []string
	for _, m := range msgs {
		if m.Row != nil {
			out = append(out, string(m.Row.Columns))
		}
	}
	sort.Strings(out)
	return out
}

// eventually retries a pull query until it returns want: the persistent
// query that fills the table runs on its own.
func eventually(t *testing.T, s *Server, sql string, want ...string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := pullRows(t, s, sql)
		if strings.Join(got, "\n") == strings.Join(want, "\n") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s:\n got %v\nwant %v", sql, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPullQueriesEndToEnd answers pull queries from a materialized table
// on the embedded broker: key lookups, IN lists, scans, windowed keys, and
// an update that a later pull query sees.
func TestPullQueriesEndToEnd(t *testing.T) {
	s := startServer(t)
	ksql(t, s, `CREATE STREAM pv (user_id VARCHAR KEY, page VARCHAR) WITH (KAFKA_TOPIC='pv', VALUE_FORMAT='JSON', PARTITIONS=2);`)
	ksql(t, s, `INSERT INTO pv (user_id, page, ROWTIME) VALUES ('u1', 'home', 1000);
	  INSERT INTO pv (user_id, page, ROWTIME) VALUES ('u2', 'home', 2000);
	  INSERT INTO pv (user_id, page, ROWTIME) VALUES ('u1', 'cart', 3000);`)
	ksql(t, s, `SET 'auto.offset.reset'='earliest';
	  CREATE TABLE views AS SELECT user_id, COUNT(*) AS n FROM pv GROUP BY user_id;
	  CREATE TABLE views_10s AS SELECT user_id, COUNT(*) AS n FROM pv WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY user_id;`)

	eventually(t, s, `SELECT * FROM views WHERE user_id = 'u1';`, `["u1",2]`)
	eventually(t, s, `SELECT * FROM views;`, `["u1",2]`, `["u2",1]`)
	if got := pullRows(t, s, `SELECT n FROM views WHERE user_id IN ('u2', 'nobody');`); strings.Join(got, "|") != "[1]" {
		t.Errorf("IN lookup: %v", got)
	}
	eventually(t, s, `SELECT user_id, WINDOWSTART, n FROM views_10s WHERE user_id = 'u1' AND WINDOWSTART >= 0;`, `["u1",0,2]`)

	ksql(t, s, `INSERT INTO pv (user_id, page, ROWTIME) VALUES ('u1', 'pay', 12000);`)
	eventually(t, s, `SELECT * FROM views WHERE user_id = 'u1';`, `["u1",3]`)
	eventually(t, s, `SELECT user_id, WINDOWSTART, n FROM views_10s WHERE user_id = 'u1';`, `["u1",0,2]`, `["u1",10000,1]`)

	// A dropped table's view goes with it; a new table of that name gets
	// a new one.
	ksql(t, s, `DROP TABLE views_10s DELETE TOPIC;`)
	// Its view's consumer group goes too.
	adm, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	groups, err := kadm.NewClient(adm).ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var views []string
	for _, g := range groups.Groups() {
		if strings.Contains(g, "view_") {
			views = append(views, g)
		}
	}
	if len(views) != 1 || !strings.HasSuffix(views[0], "view_VIEWS") {
		t.Errorf("view groups after DROP TABLE views_10s: %v, want only the one of VIEWS", views)
	}
	ksql(t, s, `SET 'auto.offset.reset'='earliest'; CREATE TABLE views_10s AS SELECT user_id, COUNT(*) AS n FROM pv WINDOW TUMBLING (SIZE 10 SECONDS) WHERE page = 'pay' GROUP BY user_id;`)
	eventually(t, s, `SELECT user_id, WINDOWSTART, n FROM views_10s WHERE user_id = 'u1';`, `["u1",10000,1]`)
}

// A pull query answers from its table's view once the view has read the
// topic up to the end it had when the view opened (restored), as ksqlDB
// answers from a restored store; with ksql.query.pull.max.allowed.offset.lag
// 0 it sees every write acknowledged before it arrived. A bad lag is
// refused in ksqlDB's words.
func TestPullQueryConsistency(t *testing.T) {
	s := startServer(t)
	ksql(t, s, `CREATE SOURCE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=3);`)
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...), kgo.DefaultProduceTopic("users"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	produce := func(i int) string {
		t.Helper()
		id := fmt.Sprintf("u%d", i%4)
		rec := &kgo.Record{Key: []byte(id), Value: fmt.Appendf(nil, `{"name":"v%d"}`, i)}
		if err := cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for i := range 200 {
		produce(i)
	}
	// The first query opens the view: it answers once the view has read
	// all 200 records, without retries.
	if got := strings.Join(pullRows(t, s, `SELECT * FROM users;`), " "); got != `["u0","v196"] ["u1","v197"] ["u2","v198"] ["u3","v199"]` {
		t.Fatalf("first query on a new view: %v", got)
	}
	ryw := map[string]any{"ksql.query.pull.max.allowed.offset.lag": 0}
	for i := 200; i < 220; i++ {
		id := produce(i)
		// No retries: the write was acknowledged before the query came.
		if got := pullRowsWith(t, s, fmt.Sprintf(`SELECT name FROM users WHERE id = '%s';`, id), ryw); strings.Join(got, " ") != fmt.Sprintf(`["v%d"]`, i) {
			t.Fatalf("read-your-writes after write %d: %v", i, got)
		}
	}
	// Without a bound the view answers at once and catches up on its own.
	for i := 220; i < 240; i++ {
		produce(i)
	}
	deadline := time.Now().Add(60 * time.Second)
	for strings.Join(pullRows(t, s, `SELECT * FROM users;`), " ") != `["u0","v236"] ["u1","v237"] ["u2","v238"] ["u3","v239"]` {
		if time.Now().After(deadline) {
			t.Fatalf("without a lag bound: %v", pullRows(t, s, `SELECT * FROM users;`))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, bad := range []string{"soon", "-1"} {
		body, _ := json.Marshal(map[string]any{"ksql": `SELECT * FROM users;`,
			"streamsProperties": map[string]any{"ksql.query.pull.max.allowed.offset.lag": bad}})
		code, b := post(t, s, "/query", string(body))
		if code != 400 || !strings.Contains(string(b), "Invalid value") || !strings.Contains(string(b), "ksql.query.pull.max.allowed.offset.lag") {
			t.Errorf("lag %q: %d %s", bad, code, b)
		}
	}
}
