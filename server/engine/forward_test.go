package engine

import (
	"reflect"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/state"
)

// Forwarded rows keep everything a pull query can select: key, partition,
// timestamp, headers and value.
func TestViewRowsRoundTrip(t *testing.T) {
	rows := []*ops.Raw{
		{Topic: "t", Key: []byte("k1"), Partition: 3, Timestamp: -5, Value: []byte(`{"A":1}`),
			Headers: []ops.Header{{Key: "h", Value: []byte("v")}, {Key: "h2", Value: []byte("w")}}},
		{Topic: "t", Key: []byte("k2"), Partition: 0, Timestamp: 1 << 40, Value: []byte{}},
	}
	got, err := decodeViewRows("t", encodeViewRows(rows))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("got %+v\nwant %+v", got, rows)
	}
	b := encodeViewRows(rows)
	for _, cut := range []int{1, 3, len(b) - 1} {
		if _, err := decodeViewRows("t", b[:cut]); err == nil {
			t.Errorf("a body cut at %d of %d bytes decoded without an error", cut, len(b))
		}
	}
}

// A shared view's partitions answer without a listing of their own only
// while the group has kept them since they were restored: a partition
// revoked, or assigned anew, is restored again first, and a partition
// counts as restored only once the view has read up to the listed end.
func TestSharedViewRestoredPartitions(t *testing.T) {
	task, err := state.OpenTask("view", state.ForReads(), state.WithFS(vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	store, err := task.Store(viewStore)
	if err != nil {
		t.Fatal(err)
	}
	v := &tableView{shared: true, store: store, next: map[int32]int64{}, owned: map[int32]bool{}, restored: map[int32]bool{}}
	v.changed = sync.NewCond(&v.mu)
	restored := func(parts ...int32) bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		return v.restoredLocked(parts)
	}
	v.assigned([]int32{0, 1})
	if restored(0) {
		t.Fatal("a partition just assigned counts as restored")
	}
	v.next[0], v.next[1] = 5, 6
	v.markRestored(map[int32]int64{0: 5, 1: 7}, v.gen)
	if !restored(0) || restored(1) {
		t.Fatalf("restored %v, want only partition 0 (1 was read to 6 of 7)", v.restored)
	}
	v.next[1] = 7
	v.markRestored(map[int32]int64{1: 7}, v.gen)
	v.markRestored(map[int32]int64{2: 0}, v.gen-1)
	if !restored(0, 1) || restored(2) {
		t.Fatalf("restored %v, want 0 and 1 (a listing from an earlier assignment restores nothing)", v.restored)
	}
	v.assigned([]int32{1, 2}) // 0 moved away, 2 is new, 1 stays
	if !restored(1) || restored(2) || restored(0) {
		t.Fatalf("after a reassignment: restored %v, want only 1", v.restored)
	}
	v.revoked([]int32{1})
	v.assigned([]int32{1, 2})
	if restored(1) {
		t.Fatal("a partition revoked and given back counts as restored")
	}
}
