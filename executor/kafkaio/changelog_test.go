package kafkaio

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/state"
)

func newCluster(t *testing.T) (brokers []string, adm *kadm.Client) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl := newClient(t, c.ListenAddrs())
	return c.ListenAddrs(), kadm.NewClient(cl)
}

func newClient(t *testing.T, brokers []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

type kv struct {
	key   string
	value []byte // nil = tombstone
}

func produce(t *testing.T, ctx context.Context, cl *kgo.Client, topic string, recs ...kv) {
	t.Helper()
	for _, r := range recs {
		rec := &kgo.Record{Topic: topic, Partition: 1, Key: []byte(r.key), Value: r.value}
		if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// restoreInto replays the changelog into a store the way the runtime does
// it after a crash: from the checkpointed changelog offset.
func restoreInto(t *testing.T, ctx context.Context, cl *kgo.Client, task *state.Task, topic string) int64 {
	t.Helper()
	cp, err := task.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	var recs []state.ChangelogRecord
	next, err := RestoreFromChangelog(ctx, cl, topic, 1, cp.Changelogs["agg"], func(k, v []byte, _ int64) error {
		recs = append(recs, state.ChangelogRecord{Key: k, Value: v})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Restore("agg", recs, next); err != nil {
		t.Fatal(err)
	}
	return next
}

func dump(t *testing.T, task *state.Task) map[string]string {
	t.Helper()
	s, err := task.Store("agg")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	if err := s.Range(nil, nil, func(k, v []byte) bool { out[string(k)] = string(v); return true }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRestoreFromChangelog(t *testing.T) {
	brokers, adm := newCluster(t)
	ctx := testCtx(t)
	const topic = "app-agg-changelog"
	if err := EnsureChangelogTopic(ctx, adm, topic, 2, 1); err != nil {
		t.Fatal(err)
	}
	producer := newClient(t, brokers, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	produce(t, ctx, producer, topic,
		kv{"a", []byte("1")},
		kv{"b", []byte("2")},
		kv{"a", []byte("3")},
		kv{"c", []byte{}}, // an empty value is a value, not a tombstone
		kv{"b", nil},
	)

	task, err := state.OpenTask("task", state.WithFS(vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	restorer := newClient(t, brokers, RestoreClientOpts()...)

	if next := restoreInto(t, ctx, restorer, task, topic); next != 5 {
		t.Fatalf("next offset %d, want 5", next)
	}
	if got, want := dump(t, task), map[string]string{"a": "3", "c": ""}; !reflect.DeepEqual(got, want) {
		t.Fatalf("restored %v, want %v", got, want)
	}

	// Nothing new: returns at once, at the same offset.
	if next := restoreInto(t, ctx, restorer, task, topic); next != 5 {
		t.Fatalf("idle restore moved to %d", next)
	}

	// Catch up from the checkpoint with the same client.
	produce(t, ctx, producer, topic, kv{"a", nil}, kv{"d", []byte("4")})
	if next := restoreInto(t, ctx, restorer, task, topic); next != 7 {
		t.Fatalf("next offset %d, want 7", next)
	}
	if got, want := dump(t, task), map[string]string{"c": "", "d": "4"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("caught up %v, want %v", got, want)
	}

	// The other partition is empty.
	n, err := RestoreFromChangelog(ctx, restorer, topic, 0, 0, func([]byte, []byte, int64) error {
		t.Fatal("record on empty partition")
		return nil
	})
	if err != nil || n != 0 {
		t.Fatalf("empty partition: %d, %v", n, err)
	}

	// A checkpoint past the end means the local state is not trustworthy.
	if _, err := RestoreFromChangelog(ctx, restorer, topic, 1, 100, nil); !errors.Is(err, ErrChangelogBehind) {
		t.Fatalf("checkpoint past end: %v", err)
	}

	// An apply error stops the restore and reports where.
	boom := errors.New("boom")
	n, err = RestoreFromChangelog(ctx, restorer, topic, 1, 0, func(_, _ []byte, off int64) error {
		if off == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || n != 2 {
		t.Fatalf("apply error: next %d, %v", n, err)
	}
}

// An exactly-once task writes its changelog in transactions. The restore
// must skip aborted records and must terminate although the partition ends
// with a transaction marker, which is not a record a plain consumer sees.
func TestRestoreTransactionalChangelog(t *testing.T) {
	brokers, adm := newCluster(t)
	ctx := testCtx(t)
	const topic = "eos-changelog"
	if err := EnsureChangelogTopic(ctx, adm, topic, 2, 1); err != nil {
		t.Fatal(err)
	}
	txp := newClient(t, brokers,
		kgo.TransactionalID("task-0_1"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
	)
	txn := func(commit kgo.TransactionEndTry, recs ...kv) {
		t.Helper()
		if err := txp.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		produce(t, ctx, txp, topic, recs...)
		if err := txp.EndTransaction(ctx, commit); err != nil {
			t.Fatal(err)
		}
	}
	txn(kgo.TryCommit, kv{"a", []byte("1")}, kv{"b", []byte("1")})
	txn(kgo.TryAbort, kv{"a", []byte("aborted")}, kv{"z", []byte("aborted")})
	txn(kgo.TryCommit, kv{"b", []byte("2")})

	task, err := state.OpenTask("task", state.WithFS(vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	restorer := newClient(t, brokers, RestoreClientOpts()...)
	next := restoreInto(t, ctx, restorer, task, topic)
	if got, want := dump(t, task), map[string]string{"a": "1", "b": "2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("restored %v, want %v", got, want)
	}
	// 2 + marker, 2 + marker, 1 + marker.
	if next != 8 {
		t.Fatalf("next offset %d, want 8 (past the last marker)", next)
	}
	cp, _ := task.Checkpoint()
	if cp.Changelogs["agg"] != 8 {
		t.Fatalf("checkpoint %+v", cp)
	}
}

func TestRestoreClientChecks(t *testing.T) {
	brokers, _ := newCluster(t)
	ctx := testCtx(t)
	plain := newClient(t, brokers)
	if _, err := RestoreFromChangelog(ctx, plain, "t", 0, 0, nil); err == nil {
		t.Fatal("client without KeepControlRecords accepted")
	}
	grouped := newClient(t, brokers, kgo.ConsumerGroup("g"), kgo.ConsumeTopics("t"), kgo.KeepControlRecords())
	if _, err := RestoreFromChangelog(ctx, grouped, "t", 0, 0, nil); err == nil {
		t.Fatal("group client accepted")
	}
	restorer := newClient(t, brokers, RestoreClientOpts()...)
	if _, err := RestoreFromChangelog(ctx, restorer, "missing", 0, 0, nil); err == nil {
		t.Fatal("missing topic accepted")
	}
}

func TestEnsureChangelogTopic(t *testing.T) {
	_, adm := newCluster(t)
	ctx := testCtx(t)
	if err := EnsureChangelogTopic(ctx, adm, "cl", 3, 1); err != nil {
		t.Fatal(err)
	}
	rc, err := adm.DescribeTopicConfigs(ctx, "cl")
	if err != nil {
		t.Fatal(err)
	}
	r, err := rc.On("cl", nil)
	if err != nil {
		t.Fatal(err)
	}
	var policy string
	for _, c := range r.Configs {
		if c.Key == "cleanup.policy" && c.Value != nil {
			policy = *c.Value
		}
	}
	if policy != "compact" {
		t.Fatalf("cleanup.policy = %q", policy)
	}
	// Idempotent.
	if err := EnsureChangelogTopic(ctx, adm, "cl", 3, 1); err != nil {
		t.Fatalf("second ensure: %v", err)
	}
	if err := EnsureChangelogTopic(ctx, adm, "cl", 4, 1); err == nil {
		t.Fatal("partition mismatch accepted")
	}
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "plain"); err != nil {
		t.Fatal(err)
	}
	if err := EnsureChangelogTopic(ctx, adm, "plain", 1, 1); err == nil {
		t.Fatal("delete-policy topic accepted")
	}
}
