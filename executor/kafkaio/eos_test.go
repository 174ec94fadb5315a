package kafkaio

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/eddysql/eddy/udf/udaf"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

const (
	eosIn        = "eos-in"
	eosOut       = "eos-out"
	eosChangelog = "eos-app-agg-changelog"
)

// countPlan is SELECT K, COUNT(V), SUM(V) FROM eos-in GROUP BY K into
// eos-out (KAFKA key, JSON value), with its state in store "agg".
func countPlan() physical.Step {
	in := &types.Schema{Columns: []types.Column{
		{Name: "K", Type: types.StringType, Namespace: types.NsKey},
		{Name: "V", Type: types.IntType},
	}}
	withPseudo := &types.Schema{Columns: append(append([]types.Column(nil), in.Columns...),
		types.Column{Name: types.RowTime, Type: types.BigintType},
		types.Column{Name: types.RowPartition, Type: types.IntType},
		types.Column{Name: types.RowOffset, Type: types.BigintType})}
	v := &expr.Column{Index: 1, Name: "V", T: types.IntType}
	out := &types.Schema{Columns: []types.Column{
		{Name: "K", Type: types.StringType, Namespace: types.NsKey},
		{Name: "C", Type: types.BigintType},
		{Name: "S", Type: types.IntType},
	}}
	kafka, js := catalog.Format{Name: "KAFKA"}, catalog.Format{Name: "JSON"}
	return &physical.Sink{
		Input: &physical.Aggregate{
			Input:    &physical.Source{SourceName: "IN", Topic: eosIn, KeyFormat: kafka, ValueFormat: js, Physical: in, Out: withPseudo},
			KeyCount: 1, Store: "agg", Out: out,
			Calls: []physical.AggregateCall{
				{Name: "COUNT", Args: []expr.Expr{v}, Return: types.BigintType},
				{Name: "SUM", Args: []expr.Expr{v}, Return: types.IntType},
			},
		},
		SinkName: "OUT", Topic: eosOut, KeyFormat: kafka, ValueFormat: js, TimestampColumn: -1, Table: true,
	}
}

func eosConfig(t *testing.T, brokers []string, stateDir string) PersistentConfig {
	plan := countPlan()
	formats := serde.NewRegistry()
	aggregates := udaf.NewRegistry()
	return PersistentConfig{
		Brokers: brokers, GroupID: "eos-app", Topics: []string{eosIn}, ResetEarliest: true, StateDir: stateDir,
		ChangelogTopic: func(string) string { return eosChangelog },
		Build: func(em ops.Emitter, stores func(string) (ops.Store, error)) (*ops.Topology, error) {
			return ops.Build(plan, ops.Env{Formats: formats, Emitter: em, Stores: stores, Aggregates: aggregates})
		},
		Log:         slog.New(slog.DiscardHandler),
		ExactlyOnce: true,
		// A restarted run rejoins quickly in these in-process tests.
		ClientOpts: []kgo.Opt{kgo.SessionTimeout(6 * time.Second), kgo.HeartbeatInterval(500 * time.Millisecond)},
	}
}

func setupEOS(t *testing.T) ([]string, *kgo.Client) {
	t.Helper()
	brokers, adm := newCluster(t)
	ctx := testCtx(t)
	if _, err := adm.CreateTopic(ctx, 2, 1, nil, eosIn); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.CreateTopic(ctx, 2, 1, nil, eosOut); err != nil {
		t.Fatal(err)
	}
	if err := EnsureChangelogTopic(ctx, adm, eosChangelog, 2, 1); err != nil {
		t.Fatal(err)
	}
	return brokers, newClient(t, brokers)
}

func produceCounts(t *testing.T, cl *kgo.Client, keys, from, to int) {
	t.Helper()
	ctx := testCtx(t)
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		for k := 0; k < keys; k++ {
			recs = append(recs, &kgo.Record{Topic: eosIn, Key: []byte(fmt.Sprintf("k%d", k)), Value: []byte(fmt.Sprintf(`{"V":%d}`, i))})
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// runUntil runs the query until every key's output shows count want (read
// with a read_committed consumer), then stops it.
func runUntil(t *testing.T, cfg PersistentConfig, out *committedReader, keys, want int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- RunPersistent(ctx, cfg) }()
	out.waitFor(t, keys, want)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// committedReader reads eos-out read_committed and checks that each key's
// counts come out as 1, 2, 3, ...: a duplicate or a loss breaks the run.
type committedReader struct {
	cl   *kgo.Client
	last map[string]int
	sums map[string]int
}

func newCommittedReader(t *testing.T, brokers []string) *committedReader {
	return &committedReader{
		cl: newClient(t, brokers, kgo.ConsumeTopics(eosOut), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.FetchIsolationLevel(kgo.ReadCommitted())),
		last: map[string]int{}, sums: map[string]int{},
	}
}

func (r *committedReader) waitFor(t *testing.T, keys, want int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		fetches := r.cl.PollFetches(ctx)
		cancel()
		fetches.EachRecord(func(rec *kgo.Record) {
			var row struct{ C, S int }
			if err := json.Unmarshal(rec.Value, &row); err != nil {
				t.Fatalf("output %q: %v", rec.Value, err)
			}
			k := string(rec.Key)
			if row.C != r.last[k]+1 {
				t.Fatalf("%s: count %d after %d: output duplicated or lost", k, row.C, r.last[k])
			}
			r.last[k], r.sums[k] = row.C, row.S
		})
		done := len(r.last) == keys
		for _, c := range r.last {
			done = done && c >= want
		}
		if done {
			return
		}
	}
	t.Fatalf("counts did not reach %d: %v", want, r.last)
}

func (r *committedReader) checkSums(t *testing.T, n int) {
	t.Helper()
	for k, s := range r.sums {
		if want := n * (n - 1) / 2; s != want {
			t.Errorf("%s: sum %d, want %d", k, s, want)
		}
	}
}

// TestExactlyOnceRestartAndRestore runs an aggregation under
// exactly_once_v2 three times on the same group: a plain restart, a restart
// whose local state is behind Kafka (the state of an earlier run, as after
// a crash between the transaction commit and the local commit), and a
// restart without local state. Each time the read_committed output must
// continue with exactly the next count.
func TestExactlyOnceRestartAndRestore(t *testing.T) {
	brokers, producer := setupEOS(t)
	out := newCommittedReader(t, brokers)
	stateDir := filepath.Join(t.TempDir(), "q")
	cfg := eosConfig(t, brokers, stateDir)
	const keys = 4

	produceCounts(t, producer, keys, 0, 50)
	runUntil(t, cfg, out, keys, 50)
	snapshot := filepath.Join(t.TempDir(), "snapshot")
	if err := os.CopyFS(snapshot, os.DirFS(stateDir)); err != nil {
		t.Fatal(err)
	}

	produceCounts(t, producer, keys, 50, 100)
	runUntil(t, cfg, out, keys, 100)

	// Local state behind the committed transaction: restored from the
	// changelog, not double counted.
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(stateDir, os.DirFS(snapshot)); err != nil {
		t.Fatal(err)
	}
	produceCounts(t, producer, keys, 100, 150)
	runUntil(t, cfg, out, keys, 150)

	// No local state at all.
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	produceCounts(t, producer, keys, 150, 200)
	runUntil(t, cfg, out, keys, 200)
	out.checkSums(t, 200)
}

// TestExactlyOnceOutputIsTransactional checks that the sink and changelog
// records are written in transactions: a read_uncommitted reader of the
// output sees commit markers as gaps in the offsets, and the changelog is
// written to the partition of its input, not the one its key hashes to.
func TestExactlyOnceOutputIsTransactional(t *testing.T) {
	brokers, _ := setupEOS(t)
	out := newCommittedReader(t, brokers)
	cfg := eosConfig(t, brokers, filepath.Join(t.TempDir(), "q"))
	// Every record on input partition 0.
	ctx := testCtx(t)
	p := newClient(t, brokers, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	for i := 0; i < 20; i++ {
		rec := &kgo.Record{Topic: eosIn, Partition: 0, Key: []byte(fmt.Sprintf("k%d", i%4)), Value: []byte(fmt.Sprintf(`{"V":%d}`, i/4))}
		if err := p.ProduceSync(ctx, rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	runUntil(t, cfg, out, 4, 5)

	adm := kadm.NewClient(newClient(t, brokers))
	ends, err := adm.ListEndOffsets(ctx, eosChangelog, eosOut)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := ends.Lookup(eosChangelog, 1); o.Offset != 0 {
		t.Errorf("changelog partition 1 has %d records; all state belongs to input partition 0", o.Offset)
	}
	cl0, _ := ends.Lookup(eosChangelog, 0)
	if cl0.Offset <= 20 {
		t.Errorf("changelog partition 0 ends at %d: want 20 records plus transaction markers", cl0.Offset)
	}
	total := int64(0)
	ends.Each(func(o kadm.ListedOffset) {
		if o.Topic == eosOut {
			total += o.Offset
		}
	})
	if total <= 20 {
		t.Errorf("output ends at %d offsets in all: want 20 records plus transaction markers", total)
	}
	// The sink is keyed like Kafka's default partitioner.
	want := map[string]int32{}
	for k := 0; k < 4; k++ {
		rec := &kgo.Record{Key: []byte(fmt.Sprintf("k%d", k))}
		want[string(rec.Key)] = int32(kgo.StickyKeyPartitioner(nil).ForTopic(eosOut).Partition(rec, 2))
	}
	rd := newClient(t, brokers, kgo.ConsumeTopics(eosOut), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	seen := 0
	for seen < 20 {
		fetches := rd.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatal(ctx.Err())
		}
		fetches.EachRecord(func(r *kgo.Record) {
			seen++
			if r.Partition != want[string(r.Key)] {
				t.Errorf("%s went to partition %d, want %d", r.Key, r.Partition, want[string(r.Key)])
			}
		})
	}
}

func TestParseProcessingGuarantee(t *testing.T) {
	for v, want := range map[string]bool{"": false, "at_least_once": false, "exactly_once_v2": true, "EXACTLY_ONCE": true} {
		got, err := ParseProcessingGuarantee(v)
		if err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", v, got, err, want)
		}
	}
	if _, err := ParseProcessingGuarantee("at_most_once"); err == nil {
		t.Error("at_most_once accepted")
	}
}
