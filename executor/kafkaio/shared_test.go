package kafkaio

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/ops"
)

// sharedMember is one RunShared reader and what it saw.
type sharedMember struct {
	mu     sync.Mutex
	held   []int32
	next   map[int32]int64 // where reading a partition goes on
	first  map[int32]int64 // the first offset read of each partition
	cancel context.CancelFunc
	done   chan error
}

func startShared(t *testing.T, brokers []string, name string, resume map[int32]int64) *sharedMember {
	ctx, cancel := context.WithCancel(context.Background())
	m := &sharedMember{next: maps.Clone(resume), first: map[int32]int64{}, cancel: cancel, done: make(chan error, 1)}
	if m.next == nil {
		m.next = map[int32]int64{}
	}
	go func() {
		m.done <- RunShared(ctx, SharedConfig{
			Brokers: brokers, GroupID: "views", Topic: "t", MemberData: []byte(name),
			Assigned: func(p []int32) { m.mu.Lock(); m.held = p; m.mu.Unlock() },
			Revoked:  func([]int32) { m.mu.Lock(); m.held = nil; m.mu.Unlock() },
			Resume: func(p int32) (int64, bool) {
				m.mu.Lock()
				defer m.mu.Unlock()
				at, ok := m.next[p]
				return at, ok
			},
			Handle: func(_ context.Context, r *ops.Raw) error {
				m.mu.Lock()
				defer m.mu.Unlock()
				if _, seen := m.first[r.Partition]; !seen {
					m.first[r.Partition] = r.Offset
				}
				m.next[r.Partition] = r.Offset + 1
				return nil
			},
			ClientOpts: []kgo.Opt{kgo.HeartbeatInterval(100 * time.Millisecond)},
		})
	}()
	t.Cleanup(func() { m.stop(t) })
	return m
}

func (m *sharedMember) stop(t *testing.T) {
	if m.cancel == nil {
		return
	}
	m.cancel()
	if err := <-m.done; err != nil {
		t.Errorf("RunShared: %v", err)
	}
	m.cancel = nil
}

// state returns the partitions held, the first offset read of each
// partition and where reading each goes on.
func (m *sharedMember) state() ([]int32, map[int32]int64, map[int32]int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.held), maps.Clone(m.first), maps.Clone(m.next)
}

// TestSharedReadersSplitPartitions runs two members of one group over a
// four-partition topic: they split the partitions, each reads its own
// (the second one from where Resume says), GroupOwners names each
// partition's member by its data, and the partitions of a member that
// leaves go to the other.
func TestSharedReadersSplitPartitions(t *testing.T) {
	brokers, adm := newCluster(t)
	ctx := testCtx(t)
	if _, err := adm.CreateTopic(ctx, 4, 1, nil, "t"); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, brokers, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	for p := range int32(4) {
		for i := range 3 {
			rec := &kgo.Record{Topic: "t", Partition: p, Key: fmt.Appendf(nil, "k%d", i)}
			if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	a := startShared(t, brokers, "a", nil)
	b := startShared(t, brokers, "b", map[int32]int64{0: 2, 1: 2, 2: 2, 3: 2})

	var owners map[int32][]byte
	deadline := time.Now().Add(15 * time.Second)
	for {
		heldA, _, _ := a.state()
		heldB, _, _ := b.state()
		var err error
		owners, err = GroupOwners(ctx, adm, "views", "t")
		if err == nil && len(heldA) > 0 && len(heldB) > 0 && len(heldA)+len(heldB) == 4 {
			for _, p := range heldA {
				if string(owners[p]) != "a" {
					t.Fatalf("GroupOwners says %q holds partition %d of a (%v)", owners[p], p, heldA)
				}
			}
			for _, p := range heldB {
				if string(owners[p]) != "b" {
					t.Fatalf("GroupOwners says %q holds partition %d of b (%v)", owners[p], p, heldB)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no split: a holds %v, b holds %v, owners %v (%v)", heldA, heldB, owners, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// b resumes at offset 2: it reads each of its partitions from there
	// to the end (3), however many rebalances it goes through.
	heldB, _, _ := b.state()
	for {
		_, first, next := b.state()
		done := true
		for _, p := range heldB {
			done = done && next[p] == 3
		}
		if done {
			for _, p := range heldB {
				if first[p] != 2 {
					t.Fatalf("b read partition %d from offset %d, want its resume offset 2", p, first[p])
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b read its partitions %v up to %v", heldB, next)
		}
		time.Sleep(50 * time.Millisecond)
	}

	b.stop(t)
	for {
		heldA, _, _ := a.state()
		owners, err := GroupOwners(ctx, adm, "views", "t")
		if err == nil && len(heldA) == 4 && len(owners) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a holds %v after b left, owners %v (%v)", heldA, owners, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSharedReaderSeesTransactionMarkers reads a topic written in
// transactions: records go to Handle and commit markers to Marker, so the
// reader's position reaches the partition's end offset exactly.
func TestSharedReaderSeesTransactionMarkers(t *testing.T) {
	brokers, adm := newCluster(t)
	ctx := testCtx(t)
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "t"); err != nil {
		t.Fatal(err)
	}
	tx := newClient(t, brokers, kgo.TransactionalID("tx"))
	for round := range 2 {
		if err := tx.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := tx.ProduceSync(ctx, &kgo.Record{Topic: "t", Key: fmt.Appendf(nil, "k%d-%d", round, i)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.EndTransaction(ctx, kgo.TryCommit); err != nil {
			t.Fatal(err)
		}
	}
	ends, err := adm.ListEndOffsets(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	end, _ := ends.Lookup("t", 0)

	var mu sync.Mutex
	next, records := int64(0), 0
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- RunShared(rctx, SharedConfig{
			Brokers: brokers, GroupID: "markers", Topic: "t", ReadCommitted: true,
			Assigned: func([]int32) {}, Revoked: func([]int32) {},
			Resume: func(int32) (int64, bool) { return 0, false },
			Handle: func(_ context.Context, r *ops.Raw) error {
				mu.Lock()
				defer mu.Unlock()
				records++
				next = max(next, r.Offset+1)
				return nil
			},
			Marker: func(_ int32, offset int64) {
				mu.Lock()
				defer mu.Unlock()
				next = max(next, offset+1)
			},
		})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	for {
		mu.Lock()
		n, got := next, records
		mu.Unlock()
		if n == end.Offset {
			if got != 6 {
				t.Fatalf("Handle saw %d records, want the 6 committed ones", got)
			}
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the reader reached offset %d of %d (%d records)", n, end.Offset, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
