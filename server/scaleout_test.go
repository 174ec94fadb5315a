package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
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
	s := startServers(t, 2)
	return s[0], s[1]
}

// startServers starts n interactive servers with one service id against
// one in-process broker.
func startServers(t *testing.T, n int) []*Server {
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
	var out []*Server
	for range n {
		out = append(out, start())
	}
	return out
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

// TestPullQueriesForwardToTheHolder runs pull queries against two servers
// that share a table's partitions: each holds part of the table, and either
// answers every key lookup and scan by asking the other for what it does
// not hold. When one server stops, the other takes its partitions over.
func TestPullQueriesForwardToTheHolder(t *testing.T) {
	a, b := startSharedServers(t)
	ksql(t, a, `CREATE STREAM clicks (user_id VARCHAR KEY, page VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=4);`)
	ksql(t, a, `SET 'auto.offset.reset'='earliest'; CREATE TABLE per_user AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id;`)

	cl, err := kgo.NewClient(kgo.SeedBrokers(a.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var want []string
	for u := range 12 {
		user := fmt.Sprintf("u%02d", u)
		for range u + 1 {
			if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "clicks", Key: []byte(user), Value: []byte(`{"PAGE":"home"}`)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, fmt.Sprintf(`["%s",%d]`, user, u+1))
	}
	scan := "SELECT * FROM per_user;"
	eventually(t, a, scan, want...)
	eventually(t, b, scan, want...)

	// Both views are open: the group splits the four partitions.
	deadline := time.Now().Add(60 * time.Second)
	for {
		pa, pb := a.Engine().HeldPartitions("PER_USER"), b.Engine().HeldPartitions("PER_USER")
		all := slices.Sorted(slices.Values(append(slices.Clone(pa), pb...)))
		if len(pa) > 0 && len(pb) > 0 && slices.Equal(all, []int32{0, 1, 2, 3}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the servers hold partitions %v and %v, want a split of 0-3", pa, pb)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, s := range []*Server{a, b} {
		if got := pullRows(t, s, scan); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("scan on %s: got %v, want %v", s.Addr(), got, want)
		}
		for _, row := range want {
			user := row[2:5]
			sql := fmt.Sprintf("SELECT * FROM per_user WHERE user_id = '%s';", user)
			if got := pullRows(t, s, sql); len(got) != 1 || got[0] != row {
				t.Fatalf("%s on %s: got %v, want %s", sql, s.Addr(), got, row)
			}
		}
		in := "SELECT n FROM per_user WHERE user_id IN ('u00', 'u05', 'u11', 'nobody');"
		if got := pullRows(t, s, in); strings.Join(got, " ") != "[12] [1] [6]" {
			t.Fatalf("%s on %s: got %v", in, s.Addr(), got)
		}
	}

	// The server left takes over the partitions of the one that stopped.
	b.Close()
	eventually(t, a, scan, want...)
	if got := a.Engine().HeldPartitions("PER_USER"); !slices.Equal(got, []int32{0, 1, 2, 3}) {
		t.Fatalf("after the other server stopped this one holds %v, want all four partitions", got)
	}
}

// TestServersJoinCoPartitions runs a stream-table join on three servers
// sharing a service id: the group gives each server the same partitions
// of both inputs (a task is one partition of every input, as Kafka
// Streams assigns tasks), so every click meets its user's row. Four
// partitions over three servers cannot be split evenly by topic-partition
// without separating a task's inputs.
func TestServersJoinCoPartitions(t *testing.T) {
	a := startServers(t, 3)[0]
	ksql(t, a, `CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=4);
CREATE STREAM clicks (id VARCHAR KEY, page VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=4);`)
	ents := ksql(t, a, `SET 'auto.offset.reset'='earliest';
CREATE STREAM enriched AS SELECT c.id, c.page, u.name FROM clicks c JOIN users u ON c.id = u.id;`)
	queryID := ents[0]["commandStatus"].(map[string]any)["queryId"].(string)
	adm, err := kgo.NewClient(kgo.SeedBrokers(a.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	// Every server runs the query before any input comes.
	deadline := time.Now().Add(60 * time.Second)
	for {
		described, err := kadm.NewClient(adm).DescribeGroups(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		members := 0
		for _, g := range described {
			if strings.HasSuffix(g.Group, queryID) && g.State == "Stable" {
				members = len(g.Members)
			}
		}
		if members == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the query's group never had all three servers: %v", described.Names())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Each round's users come before its clicks; the second round finds
	// every task open already (its state is not restored again).
	for round, prefix := range []string{"u", "v"} {
		var users, clicks []string
		for i := range 24 {
			users = append(users, fmt.Sprintf("%s%d", prefix, i), fmt.Sprintf(`{"NAME":"name%d"}`, i))
			clicks = append(clicks, fmt.Sprintf("%s%d", prefix, i), fmt.Sprintf(`{"PAGE":"p%d"}`, i))
		}
		produceKeyed(t, a, "users", users...)
		time.Sleep(2 * time.Second)
		produceKeyed(t, a, "clicks", clicks...)
		want := 24 * (round + 1)
		consume(t, a, "ENRICHED", want)
		if n := countAll(t, a, "ENRICHED"); n != want {
			t.Fatalf("round %d: ENRICHED has %d records, want %d (each click with its user)", round, n, want)
		}
	}
}
