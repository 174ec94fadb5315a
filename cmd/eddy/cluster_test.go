package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestThreeServersKillOne runs three server processes with one service id
// (so one consumer group per query) against a broker in this process, all
// running the same queries file, each on its own state directory. Input
// keeps arriving while one of them is killed with SIGKILL: its partitions
// move to the other two, which restore the aggregation's state from the
// changelog, and under exactly_once_v2 the final counts are exact.
func TestThreeServersKillOne(t *testing.T) {
	c := newChildServerWith(t, 6)
	brokers := c.brokers
	queries := c.file("app.sql", `
SET 'auto.offset.reset'='earliest';
CREATE STREAM events (k VARCHAR KEY, n INT) WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON');
CREATE TABLE counts WITH (KAFKA_TOPIC='counts', PARTITIONS=6) AS SELECT k, COUNT(*) AS c, SUM(n) AS s FROM events GROUP BY k;
`)
	// A short session timeout lets the group notice the dead server soon.
	props := c.file("server.properties", strings.Join([]string{
		"ksql.service.id=cluster_",
		"ksql.streams.processing.guarantee=exactly_once_v2",
		"ksql.streams.session.timeout.ms=6000",
		"ksql.streams.heartbeat.interval.ms=500",
	}, "\n")+"\n")
	servers := map[string]*exec.Cmd{}
	for _, name := range []string{"a", "b", "c"} {
		servers[name] = c.startIn("state-"+name, queries, "--config", props)
	}
	defer func() {
		for _, s := range servers {
			_ = s.Process.Signal(syscall.SIGKILL)
			_ = s.Wait()
		}
	}()

	producer, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	const keys, perKey = 12, 150
	produced := make(chan error, 1)
	go func() {
		produced <- produceEvents(producer, keys, perKey, func(int) { time.Sleep(20 * time.Millisecond) })
	}()

	counts := newCommittedTopic(t, brokers, "counts")
	counts.waitFor(t, 60*time.Second, func() bool { return counts.n >= keys*perKey/10 })
	waitForMembers(t, brokers, "CTAS_COUNTS", 3)
	victim := servers["b"]
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = victim.Wait()
	delete(servers, "b")
	t.Logf("killed server b after %d committed outputs", counts.n)
	if err := <-produced; err != nil {
		t.Fatal(err)
	}

	wantSum := perKey * (perKey - 1) / 2
	latest := map[string]countRow{}
	deadline := time.Now().Add(120 * time.Second)
	for {
		readCounts(t, counts, latest)
		done := len(latest) == keys
		for _, r := range latest {
			if r.C < perKey {
				done = false
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("counts did not reach %d per key: %v", perKey, latest)
		}
	}
	// Anything counted twice would show shortly.
	time.Sleep(2 * time.Second)
	readCounts(t, counts, latest)
	for k, got := range latest {
		if got.C != perKey || got.S != wantSum {
			t.Errorf("%s: count %d sum %d, want %d and %d", k, got.C, got.S, perKey, wantSum)
		}
	}
}

// waitForMembers waits until the consumer group of the query whose id
// contains query has n members with partitions assigned to each.
func waitForMembers(t *testing.T, brokers []string, query string, n int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		groups, err := adm.DescribeGroups(ctx)
		if err == nil {
			for name, g := range groups {
				if !strings.Contains(name, query) {
					continue
				}
				assigned := 0
				for _, m := range g.Members {
					if a, ok := m.Assigned.AsConsumer(); ok && len(a.Topics) > 0 {
						assigned++
					}
				}
				if assigned == n {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("group of %s never had %d members with partitions: %v", query, n, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// readCounts polls the table's topic and keeps each key's latest row.
func readCounts(t *testing.T, counts *committedTopic, latest map[string]countRow) {
	t.Helper()
	counts.poll(t)
	for _, r := range counts.recs {
		key, value, _ := strings.Cut(r, " ")
		var row countRow
		if json.Unmarshal([]byte(value), &row) == nil {
			latest[key] = row
		}
	}
	counts.recs = counts.recs[:0]
}

// TestThreeServersForwardPullQueries runs three interactive server
// processes with one service id: the table's pull-query view is split
// among them, each answers every key by forwarding to the server that
// holds it, and after one is killed the other two take its partitions over
// and still answer every key.
func TestThreeServersForwardPullQueries(t *testing.T) {
	c := newChildServerWith(t, 6)
	props := c.file("server.properties", strings.Join([]string{
		"ksql.service.id=pull_",
		"ksql.streams.session.timeout.ms=6000",
		"ksql.streams.heartbeat.interval.ms=500",
	}, "\n")+"\n")
	addrs := map[string]string{}
	servers := map[string]*exec.Cmd{}
	for _, name := range []string{"a", "b", "c"} {
		addrs[name] = freeAddr(t)
		servers[name] = c.startInteractive("state-"+name, addrs[name], "--config", props)
	}
	defer func() {
		for _, s := range servers {
			_ = s.Process.Signal(syscall.SIGKILL)
			_ = s.Wait()
		}
	}()
	statements := `SET 'auto.offset.reset'='earliest';
CREATE STREAM events (k VARCHAR KEY, n INT) WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON');
CREATE TABLE counts WITH (KAFKA_TOPIC='counts', PARTITIONS=6) AS SELECT k, COUNT(*) AS c FROM events GROUP BY k;`
	if code, body := postJSON(t, addrs["a"], "/ksql", map[string]any{"ksql": statements}); code != http.StatusOK {
		t.Fatalf("creating the table: status %d: %s", code, body)
	}
	producer, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	const keys, perKey = 12, 5
	if err := produceEvents(producer, keys, perKey, func(int) {}); err != nil {
		t.Fatal(err)
	}

	// Every server answers every key, whoever holds it.
	answersAll := func(addr string) error {
		for k := range keys {
			sql := fmt.Sprintf("SELECT c FROM counts WHERE k = 'k%d';", k)
			code, body := postJSON(t, addr, "/query", map[string]any{"ksql": sql})
			if code != http.StatusOK {
				return fmt.Errorf("%s on %s: status %d: %s", sql, addr, code, body)
			}
			if !strings.Contains(string(body), fmt.Sprintf(`{"row":{"columns":[%d]}}`, perKey)) {
				return fmt.Errorf("%s on %s: %s", sql, addr, body)
			}
		}
		return nil
	}
	waitAnswers := func(names ...string) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for _, name := range names {
			for {
				err := answersAll(addrs[name])
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal(err)
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
	}
	waitAnswers("a", "b", "c")
	waitForMembers(t, c.brokers, "view_COUNTS", 3)
	waitAnswers("a", "b", "c")

	if err := servers["b"].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = servers["b"].Wait()
	delete(servers, "b")
	waitForMembers(t, c.brokers, "view_COUNTS", 2)
	waitAnswers("a", "c")
}

// postJSON posts body as JSON to addr and returns the status and answer.
func postJSON(t *testing.T, addr, path string, body any) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+addr+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}
