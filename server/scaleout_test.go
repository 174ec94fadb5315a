package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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
	a, b := startSharedServers(t)
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

// startSharedServers starts two interactive servers with one service id
// against one in-process broker.
func startSharedServers(t *testing.T) (*Server, *Server) {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
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
	return start(), start()
}

// TestServersAgreeOnConflictingStatements sends two statements that cannot
// both succeed to two servers at once: the command topic decides, both
// servers run the winner and fail the loser alike, and a client that
// passes the winner's commandSequenceNumber to the other server reads its
// effect there.
func TestServersAgreeOnConflictingStatements(t *testing.T) {
	a, b := startSharedServers(t)
	stmts := map[*Server]string{
		a: `CREATE STREAM clash (id VARCHAR KEY, from_a INT) WITH (KAFKA_TOPIC='clash', VALUE_FORMAT='JSON', PARTITIONS=1);`,
		b: `CREATE STREAM clash (id VARCHAR KEY, from_b STRING) WITH (KAFKA_TOPIC='clash', VALUE_FORMAT='JSON', PARTITIONS=1);`,
	}
	type answer struct {
		code int
		body []byte
		err  error
	}
	answers := map[*Server]chan answer{a: make(chan answer, 1), b: make(chan answer, 1)}
	for s, sql := range stmts {
		go func() {
			body, _ := json.Marshal(map[string]any{"ksql": sql})
			resp, err := http.Post("http://"+s.Addr()+"/ksql", "application/json", bytes.NewReader(body))
			if err != nil {
				answers[s] <- answer{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answers[s] <- answer{code: resp.StatusCode, body: b, err: err}
		}()
	}
	var winner *Server
	var seq float64
	for _, s := range []*Server{a, b} {
		got := <-answers[s]
		if got.err != nil {
			t.Fatal(got.err)
		}
		switch got.code {
		case 200:
			if winner != nil {
				t.Fatalf("both conflicting statements succeeded: %s", got.body)
			}
			winner = s
			var ents []map[string]any
			if err := json.Unmarshal(got.body, &ents); err != nil {
				t.Fatal(err)
			}
			seq = ents[0]["commandSequenceNumber"].(float64)
		case 400:
			if !strings.Contains(string(got.body), "already exists") {
				t.Fatalf("the losing statement failed for another reason: %s", got.body)
			}
		default:
			t.Fatalf("status %d: %s", got.code, got.body)
		}
	}
	if winner == nil {
		t.Fatal("neither statement succeeded")
	}
	want := "FROM_A"
	if winner == b {
		want = "FROM_B"
	}
	for _, s := range []*Server{a, b} {
		body, _ := json.Marshal(map[string]any{"ksql": "DESCRIBE clash;", "commandSequenceNumber": int64(seq)})
		code, got := post(t, s, "/ksql", string(body))
		if code != 200 || !strings.Contains(string(got), want) {
			t.Fatalf("DESCRIBE on the %s server: status %d, want column %s: %s", map[bool]string{true: "winning", false: "losing"}[s == winner], code, want, got)
		}
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
