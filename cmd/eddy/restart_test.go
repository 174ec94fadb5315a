package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestKillAndRestart runs a headless server as a child process against a
// broker in this process, kills it with SIGKILL while an aggregation is
// running, starts it again on the same state directory and checks that
// the final counts are exact: nothing lost, nothing counted twice.
func TestKillAndRestart(t *testing.T) {
	c := newChildServer(t)
	brokers := c.brokers
	queries := c.file("app.sql", `
SET 'auto.offset.reset'='earliest';
CREATE STREAM events (k VARCHAR KEY, n INT) WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON');
CREATE TABLE counts WITH (KAFKA_TOPIC='counts') AS SELECT k, COUNT(*) AS c, SUM(n) AS s FROM events GROUP BY k;
`)
	start := func() *exec.Cmd { return c.start(queries) }
	producer, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	ctx := context.Background()
	const keys, perKey = 5, 400
	produce := func(from, to int) {
		for i := from; i < to; i++ {
			for k := 0; k < keys; k++ {
				rec := &kgo.Record{Topic: "events", Key: []byte(fmt.Sprintf("k%d", k)), Value: []byte(fmt.Sprintf(`{"N":%d}`, i))}
				if err := producer.ProduceSync(ctx, rec).FirstErr(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	server := start()
	produce(0, perKey/2)
	// Let the query get going, then kill it without warning.
	waitForOutput(t, brokers, "counts", 1)
	time.Sleep(300 * time.Millisecond)
	if err := server.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = server.Wait()
	produce(perKey/2, perKey)
	server = start()
	defer func() {
		_ = server.Process.Signal(syscall.SIGKILL)
		_ = server.Wait()
	}()
	wantSum := perKey * (perKey - 1) / 2
	final := waitForCounts(t, brokers, keys, perKey, wantSum)
	for k, got := range final {
		if got.C != perKey || got.S != wantSum {
			t.Errorf("%s: count %d sum %d, want %d and %d", k, got.C, got.S, perKey, wantSum)
		}
	}
}

type countRow struct {
	C int `json:"C"`
	S int `json:"S"`
}

// waitForCounts reads the table's topic until every key's latest row
// shows the expected count, or fails after a minute with what it saw.
func waitForCounts(t *testing.T, brokers []string, keys, want, wantSum int) map[string]countRow {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("counts"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	latest := map[string]countRow{}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		fetches := cl.PollFetches(ctx)
		cancel()
		fetches.EachRecord(func(r *kgo.Record) {
			var row countRow
			if json.Unmarshal(r.Value, &row) == nil {
				latest[string(r.Key)] = row
			}
		})
		done := len(latest) == keys
		for _, r := range latest {
			if r.C < want {
				done = false
			}
		}
		if done {
			return latest
		}
	}
	t.Fatalf("counts did not reach %d per key: %v", want, latest)
	return nil
}

func waitForOutput(t *testing.T, brokers []string, topic string, n int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	seen := 0
	for seen < n {
		f := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("no output on %s", topic)
		}
		seen += len(f.Records())
	}
}
