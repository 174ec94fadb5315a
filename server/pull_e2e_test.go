package server

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"
)

// pullRows runs a pull query over /query and returns each row's columns
// as JSON, sorted.
func pullRows(t *testing.T, s *Server, sql string) []string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"ksql": sql})
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
	ksql(t, s, `SET 'auto.offset.reset'='earliest'; CREATE TABLE views_10s AS SELECT user_id, COUNT(*) AS n FROM pv WINDOW TUMBLING (SIZE 10 SECONDS) WHERE page = 'pay' GROUP BY user_id;`)
	eventually(t, s, `SELECT user_id, WINDOWSTART, n FROM views_10s WHERE user_id = 'u1';`, `["u1",10000,1]`)
}
