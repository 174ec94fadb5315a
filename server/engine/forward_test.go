package engine

import (
	"reflect"
	"sync"
	"testing"

	"github.com/eddysql/eddy/executor/ops"
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
// revoked, or assigned anew, is restored again first.
func TestSharedViewRestoredPartitions(t *testing.T) {
	v := &tableView{shared: true, next: map[int32]int64{}, owned: map[int32]bool{}, restored: map[int32]bool{}}
	v.changed = sync.NewCond(&v.mu)
	v.assigned([]int32{0, 1})
	if v.isRestored([]int32{0}) {
		t.Fatal("a partition just assigned counts as restored")
	}
	v.markRestored(map[int32]int64{0: 5, 1: 7}, v.gen)
	if !v.isRestored([]int32{0, 1}) {
		t.Fatal("partitions read up to their listed ends are not restored")
	}
	v.markRestored(map[int32]int64{2: 1}, v.gen-1)
	if v.isRestored([]int32{2}) {
		t.Fatal("a listing from an earlier assignment restored a partition")
	}
	v.assigned([]int32{1, 2}) // 0 moved away, 2 is new, 1 stays
	if !v.isRestored([]int32{1}) || v.isRestored([]int32{2}) || v.isRestored([]int32{0}) {
		t.Fatalf("after a reassignment: restored %v, want only 1", v.restored)
	}
	v.revoked([]int32{1})
	v.assigned([]int32{1, 2})
	if v.isRestored([]int32{1}) {
		t.Fatal("a partition revoked and given back counts as restored")
	}
}
