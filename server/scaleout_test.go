package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/server/config"
)

// TestTwoServersShareQueries runs two interactive servers with one service
// id against one broker: a statement sent to one runs on both (through the
// command topic), the query's partitions are split between them by the
// consumer group, and every input reaches the sink once.
func TestTwoServersShareQueries(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func() *Server {
		cfg := testConfig(t)
		cfg[config.BootstrapServers] = strings.Join(cluster.ListenAddrs(), ",")
		cfg[config.ServiceID] = "shared_"
		s, err := Start(context.Background(), cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	a, b := start(), start()
	ksql(t, a, `CREATE STREAM orders (id VARCHAR KEY, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=4);`)
	ents := ksql(t, a, `SET 'auto.offset.reset'='earliest'; CREATE STREAM big AS SELECT * FROM orders WHERE amount > 10;`)
	queryID := ents[0]["commandStatus"].(map[string]any)["queryId"].(string)

	deadline := time.Now().Add(30 * time.Second)
	for {
		queries := ksql(t, b, "SHOW QUERIES;")[0]["queries"].([]any)
		if len(queries) == 1 && queries[0].(map[string]any)["id"] == queryID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server B did not pick up %s from the command topic: %v", queryID, queries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var values []string
	for i := 0; i < 40; i++ {
		values = append(values, fmt.Sprintf(`{"AMOUNT":%d}`, 5+i))
	}
	produce(t, a, "orders", values...)
	consume(t, a, "BIG", 34)
	if n := countAll(t, a, "BIG"); n != 34 {
		t.Fatalf("BIG has %d records, want 34 (amount > 10, each once)", n)
	}
}

// countAll counts a topic's records once no more arrive for two seconds.
func countAll(t *testing.T, s *Server, topic string) int {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	n := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		got := len(cl.PollFetches(ctx).Records())
		cancel()
		if got == 0 {
			return n
		}
		n += got
	}
}
