package server

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestRestartReplaysCommands stops an interactive server and starts a new
// one on the same state directory (and so the same embedded broker data):
// the command topic brings the stream and the query back with the same
// query id, and the query goes on with new input.
func TestRestartReplaysCommands(t *testing.T) {
	cfg := testConfig(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	s, err := Start(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ksql(t, s, `CREATE STREAM clicks (user_id VARCHAR KEY, page VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);`)
	ents := ksql(t, s, `SET 'auto.offset.reset'='earliest'; CREATE STREAM home AS SELECT * FROM clicks WHERE page = 'home';`)
	queryID := ents[0]["commandStatus"].(map[string]any)["queryId"].(string)
	// A query terminated before the restart stays terminated.
	gone := ksql(t, s, `CREATE STREAM about AS SELECT * FROM clicks WHERE page = 'about';`)[0]["commandStatus"].(map[string]any)["queryId"].(string)
	ksql(t, s, "TERMINATE "+gone+";")
	produce(t, s, "clicks", `{"PAGE":"home"}`)
	consume(t, s, "HOME", 1)
	s.Close()

	s2, err := Start(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	queries := ksql(t, s2, "SHOW QUERIES;")[0]["queries"].([]any)
	if len(queries) != 1 || queries[0].(map[string]any)["id"] != queryID {
		t.Fatalf("after restart: queries %v, want %s", queries, queryID)
	}
	streams := ksql(t, s2, "SHOW STREAMS;")[0]["streams"].([]any)
	var names []string
	for _, st := range streams {
		names = append(names, st.(map[string]any)["name"].(string))
	}
	if strings.Join(names, ",") != "ABOUT,CLICKS,HOME" {
		t.Fatalf("after restart: streams %v", names)
	}
	produce(t, s2, "clicks", `{"PAGE":"about"}`, `{"PAGE":"home"}`)
	recs := consume(t, s2, "HOME", 2)
	if len(recs) != 2 {
		t.Fatalf("HOME has %d records, want 2 (one per home click, none twice)", len(recs))
	}
}
