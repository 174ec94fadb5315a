package server

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/server/config"
)

// TestTerminateCleansUp checks that TERMINATE removes what the query kept,
// as ksqlDB does: its changelog and repartition topics, its consumer group
// and its local state; the sink topic stays.
func TestTerminateCleansUp(t *testing.T) {
	cfg := testConfig(t)
	s := startServerWith(t, cfg, io.Discard)
	ksql(t, s, `CREATE STREAM clicks (id VARCHAR KEY, page VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=2);`)
	ents := ksql(t, s, `SET 'auto.offset.reset'='earliest'; CREATE TABLE per_page AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;`)
	queryID := ents[0]["commandStatus"].(map[string]any)["queryId"].(string)
	produce(t, s, "clicks", `{"PAGE":"a"}`, `{"PAGE":"b"}`, `{"PAGE":"a"}`)
	consume(t, s, "PER_PAGE", 3)

	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	prefix := "_confluent-ksql-default_query_" + queryID + "-"
	internal := func() []string {
		td, err := adm.ListTopics(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, name := range td.Names() {
			if strings.HasPrefix(name, prefix) {
				out = append(out, name)
			}
		}
		return out
	}
	if got := internal(); len(got) < 2 {
		t.Fatalf("internal topics before TERMINATE: %v, want the repartition and changelog topics", got)
	}
	stateDir := filepath.Join(cfg.Get(config.StateDir, ""), "queries", queryID)
	if _, err := os.Stat(stateDir); err != nil {
		t.Fatalf("no local state before TERMINATE: %v", err)
	}

	ksql(t, s, "TERMINATE "+queryID+";")
	deadline := time.Now().Add(10 * time.Second)
	for len(internal()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("internal topics left after TERMINATE: %v", internal())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		t.Fatalf("local state left after TERMINATE: %v", err)
	}
	groups, err := adm.ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups.Groups() {
		if strings.Contains(g, queryID) {
			t.Fatalf("consumer group %s left after TERMINATE", g)
		}
	}
	td, err := adm.ListTopics(context.Background(), "PER_PAGE")
	if err != nil || !td.Has("PER_PAGE") {
		t.Fatalf("the sink topic went with the query: %v", err)
	}
}
