package state

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
)

// backends runs a test on real files and on Pebble's in-memory FS; reopen
// must hand back the same data, so the memory FS is shared across opens.
func backends(t *testing.T, fn func(t *testing.T, open func(opts ...Option) *Task)) {
	t.Run("disk", func(t *testing.T) {
		dir := t.TempDir()
		fn(t, func(opts ...Option) *Task { return mustOpen(t, dir, opts...) })
	})
	t.Run("mem", func(t *testing.T) {
		fs := vfs.NewMem()
		fn(t, func(opts ...Option) *Task {
			return mustOpen(t, "task", append([]Option{WithFS(fs)}, opts...)...)
		})
	})
}

func mustOpen(t *testing.T, dir string, opts ...Option) *Task {
	t.Helper()
	task, err := OpenTask(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func mustStore(t *testing.T, task *Task, name string) Store {
	t.Helper()
	s, err := task.Store(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t *testing.T, s Store, k string) (string, bool) {
	t.Helper()
	v, ok, err := s.Get([]byte(k))
	if err != nil {
		t.Fatal(err)
	}
	return string(v), ok
}

func put(t *testing.T, s Store, k, v string) {
	t.Helper()
	if err := s.Put([]byte(k), []byte(v)); err != nil {
		t.Fatal(err)
	}
}

func del(t *testing.T, s Store, k string) {
	t.Helper()
	if err := s.Delete([]byte(k)); err != nil {
		t.Fatal(err)
	}
}

func collect(t *testing.T, s Store, lo, hi []byte) []string {
	t.Helper()
	var out []string
	if err := s.Range(lo, hi, func(k, v []byte) bool {
		out = append(out, string(k)+"="+string(v))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCommitReopen(t *testing.T) {
	backends(t, func(t *testing.T, open func(...Option) *Task) {
		task := open()
		s := mustStore(t, task, "agg")
		put(t, s, "a", "1")
		put(t, s, "b", "2")
		cp := Checkpoint{
			Inputs:     map[string]map[int32]int64{"orders": {3: 42}},
			Changelogs: map[string]int64{"agg": 7},
		}
		if err := task.Commit(cp); err != nil {
			t.Fatal(err)
		}
		put(t, s, "c", "uncommitted")
		put(t, s, "a", "overwritten-uncommitted")
		if v, _ := get(t, s, "a"); v != "overwritten-uncommitted" {
			t.Fatalf("pending write not visible: %q", v)
		}
		if err := task.Close(); err != nil {
			t.Fatal(err)
		}

		task = open()
		defer task.Close()
		s = mustStore(t, task, "agg")
		if got := collect(t, s, nil, nil); !reflect.DeepEqual(got, []string{"a=1", "b=2"}) {
			t.Fatalf("after reopen: %v", got)
		}
		got, err := task.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, cp) {
			t.Fatalf("checkpoint %+v, want %+v", got, cp)
		}
	})
}

func TestCheckpointMerge(t *testing.T) {
	task := mustOpen(t, "t", WithFS(vfs.NewMem()))
	defer task.Close()
	steps := []Checkpoint{
		{Inputs: map[string]map[int32]int64{"a": {0: 1}}, Changelogs: map[string]int64{"s1": 5}},
		{Inputs: map[string]map[int32]int64{"a": {0: 9}, "b": {1: 2}}},
	}
	for _, cp := range steps {
		if err := task.Commit(cp); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := task.Checkpoint()
	want := Checkpoint{
		Inputs:     map[string]map[int32]int64{"a": {0: 9}, "b": {1: 2}},
		Changelogs: map[string]int64{"s1": 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v want %+v", got, want)
	}
	// The returned checkpoint is a copy.
	got.Inputs["a"][0] = 100
	again, _ := task.Checkpoint()
	if again.Inputs["a"][0] != 9 {
		t.Fatal("Checkpoint aliases task state")
	}
}

func TestRangePendingAndDeletes(t *testing.T) {
	backends(t, func(t *testing.T, open func(...Option) *Task) {
		task := open()
		defer task.Close()
		s := mustStore(t, task, "s")
		for _, k := range []string{"a", "c", "e", "g"} {
			put(t, s, k, "committed")
		}
		if err := task.Commit(Checkpoint{}); err != nil {
			t.Fatal(err)
		}
		put(t, s, "b", "pending")   // new key between committed ones
		put(t, s, "e", "rewritten") // overwrite of a committed key
		del(t, s, "c")              // delete of a committed key
		put(t, s, "h", "x")
		del(t, s, "h") // put then delete inside the batch

		cases := []struct {
			lo, hi string
			want   []string
		}{
			{"", "", []string{"a=committed", "b=pending", "e=rewritten", "g=committed"}},
			{"b", "g", []string{"b=pending", "e=rewritten"}},
			{"c", "", []string{"e=rewritten", "g=committed"}},
			{"", "b", []string{"a=committed"}},
			{"x", "", nil},
		}
		for _, c := range cases {
			var lo, hi []byte
			if c.lo != "" {
				lo = []byte(c.lo)
			}
			if c.hi != "" {
				hi = []byte(c.hi)
			}
			if got := collect(t, s, lo, hi); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Range(%q,%q) = %v, want %v", c.lo, c.hi, got, c.want)
			}
		}

		var n int
		if err := s.Range(nil, nil, func(k, v []byte) bool { n++; return n < 2 }); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("Range did not stop: %d calls", n)
		}
	})
}

// Expiry code deletes while it scans; the scan must neither crash nor see
// its own deletes.
func TestRangeWriteDuringIteration(t *testing.T) {
	task := mustOpen(t, "t", WithFS(vfs.NewMem()))
	defer task.Close()
	s := mustStore(t, task, "s")
	for i := range 200 {
		put(t, s, fmt.Sprintf("k%03d", i), "v")
	}
	var seen int
	if err := s.Range(nil, nil, func(k, v []byte) bool {
		seen++
		if err := s.Delete(k); err != nil {
			t.Fatal(err)
		}
		// Grow the batch so that its buffer is reallocated under the iterator.
		if err := s.Put(append([]byte("z"), k...), bytes.Repeat([]byte("x"), 512)); err != nil {
			t.Fatal(err)
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if seen != 200 {
		t.Fatalf("saw %d keys", seen)
	}
	if got := collect(t, s, nil, []byte("z")); got != nil {
		t.Fatalf("left: %v", got)
	}
}

func TestStoreIsolation(t *testing.T) {
	backends(t, func(t *testing.T, open func(...Option) *Task) {
		task := open()
		// "a" is a prefix of "ab"; with name prefixes the stores would overlap.
		a, ab := mustStore(t, task, "a"), mustStore(t, task, "ab")
		put(t, a, "k", "from-a")
		put(t, ab, "k", "from-ab")
		put(t, ab, "bk", "only-ab")
		if err := task.Commit(Checkpoint{}); err != nil {
			t.Fatal(err)
		}
		del(t, a, "k")
		if v, ok := get(t, ab, "k"); !ok || v != "from-ab" {
			t.Fatalf("delete in a leaked into ab: %q %v", v, ok)
		}
		if got := collect(t, a, nil, nil); got != nil {
			t.Fatalf("a sees %v", got)
		}
		if err := task.Commit(Checkpoint{}); err != nil {
			t.Fatal(err)
		}
		task.Close()

		// Ids survive a reopen, even when stores are asked for in another order.
		task = open()
		defer task.Close()
		ab = mustStore(t, task, "ab")
		c := mustStore(t, task, "c")
		a = mustStore(t, task, "a")
		if got := collect(t, ab, nil, nil); !reflect.DeepEqual(got, []string{"bk=only-ab", "k=from-ab"}) {
			t.Fatalf("ab after reopen: %v", got)
		}
		if got := collect(t, a, nil, nil); got != nil {
			t.Fatalf("a after reopen: %v", got)
		}
		if got := collect(t, c, nil, nil); got != nil {
			t.Fatalf("new store c is not empty: %v", got)
		}
	})
}

func TestAbort(t *testing.T) {
	task := mustOpen(t, "t", WithFS(vfs.NewMem()))
	defer task.Close()
	s := mustStore(t, task, "s")
	put(t, s, "keep", "1")
	if err := task.Commit(Checkpoint{Changelogs: map[string]int64{"s": 1}}); err != nil {
		t.Fatal(err)
	}
	put(t, s, "drop", "2")
	del(t, s, "keep")
	if n, _ := task.Pending(); n != 2 {
		t.Fatalf("pending %d", n)
	}
	task.Abort()
	if n, _ := task.Pending(); n != 0 {
		t.Fatalf("pending after abort %d", n)
	}
	if got := collect(t, s, nil, nil); !reflect.DeepEqual(got, []string{"keep=1"}) {
		t.Fatalf("after abort: %v", got)
	}
	// The task stays usable and the checkpoint is the committed one.
	put(t, s, "next", "3")
	if err := task.Commit(Checkpoint{Changelogs: map[string]int64{"s": 2}}); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, s, nil, nil); !reflect.DeepEqual(got, []string{"keep=1", "next=3"}) {
		t.Fatalf("after abort+commit: %v", got)
	}
}

type logged struct {
	store, key string
	value      []byte
}

func TestChangelogHook(t *testing.T) {
	var log []logged
	task := mustOpen(t, "t", WithFS(vfs.NewMem()), WithChangelog(func(store string, k, v []byte) {
		var cv []byte
		if v != nil {
			cv = append([]byte{}, v...)
		}
		log = append(log, logged{store, string(k), cv})
	}))
	defer task.Close()
	s := mustStore(t, task, "s")
	put(t, s, "a", "1")
	if err := s.Put([]byte("empty"), nil); err != nil {
		t.Fatal(err)
	}
	del(t, s, "a")
	put(t, s, "w1", "x")
	put(t, s, "w2", "y")
	put(t, s, "w3", "z")
	if err := task.DeleteRange("s", []byte("w1"), []byte("w3")); err != nil {
		t.Fatal(err)
	}
	want := []logged{
		{"s", "a", []byte("1")},
		{"s", "empty", []byte{}}, // empty value, not a tombstone
		{"s", "a", nil},
		{"s", "w1", []byte("x")}, {"s", "w2", []byte("y")}, {"s", "w3", []byte("z")},
		{"s", "w1", nil}, {"s", "w2", nil}, // range delete as per-key tombstones
	}
	if !reflect.DeepEqual(log, want) {
		t.Fatalf("changelog\n got %q\nwant %q", log, want)
	}
	if got := collect(t, s, nil, nil); !reflect.DeepEqual(got, []string{"empty=", "w3=z"}) {
		t.Fatalf("store: %v", got)
	}
	if _, ok := get(t, s, "w2"); ok {
		t.Fatal("Get sees a range-deleted key")
	}
}

func TestDeleteRangeWindows(t *testing.T) {
	task := mustOpen(t, "t", WithFS(vfs.NewMem()))
	defer task.Close()
	s := mustStore(t, task, "win")
	for _, k := range []string{"a", "b"} {
		for _, start := range []int64{-2000, 0, 1000, 2000} {
			if err := s.Put(WindowKey([]byte(k), start), []byte(k)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := task.Commit(Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	// Expire the windows of "a" that start before 1000.
	lo, hi := WindowRange([]byte("a"), -1<<63, 999)
	if err := task.DeleteRange("win", lo, hi); err != nil {
		t.Fatal(err)
	}
	if err := task.Commit(Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := s.Range(nil, nil, func(k, v []byte) bool {
		key, start, err := DecodeWindowKey(k)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s@%d", key, start))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"a@1000", "a@2000", "b@-2000", "b@0", "b@1000", "b@2000"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
}

func TestRestore(t *testing.T) {
	backends(t, func(t *testing.T, open func(...Option) *Task) {
		var hooked int
		task := open(WithChangelog(func(string, []byte, []byte) { hooked++ }))
		s := mustStore(t, task, "s")
		put(t, s, "stale", "old")
		put(t, s, "gone", "old")
		if err := task.Commit(Checkpoint{Changelogs: map[string]int64{"s": 10}}); err != nil {
			t.Fatal(err)
		}
		hooked = 0

		put(t, s, "x", "pending")
		if err := task.Restore("s", nil, 0); !errors.Is(err, ErrPendingWrites) {
			t.Fatalf("restore under pending writes: %v", err)
		}
		task.Abort()
		hooked = 0

		recs := []ChangelogRecord{
			{Key: []byte("stale"), Value: []byte("new")},
			{Key: []byte("gone"), Value: nil},
			{Key: []byte("fresh"), Value: []byte{}},
		}
		if err := task.Restore("s", recs, 13); err != nil {
			t.Fatal(err)
		}
		if hooked != 0 {
			t.Fatal("restore fed the changelog hook")
		}
		if got := collect(t, s, nil, nil); !reflect.DeepEqual(got, []string{"fresh=", "stale=new"}) {
			t.Fatalf("after restore: %v", got)
		}
		// Restore into a store that has never been opened.
		if err := task.Restore("other", []ChangelogRecord{{Key: []byte("k"), Value: []byte("v")}}, 1); err != nil {
			t.Fatal(err)
		}
		// The next commit's sync makes the unsynced restore durable.
		if err := task.Commit(Checkpoint{Inputs: map[string]map[int32]int64{"in": {0: 5}}}); err != nil {
			t.Fatal(err)
		}
		task.Close()

		task = open()
		defer task.Close()
		cp, _ := task.Checkpoint()
		want := Checkpoint{
			Inputs:     map[string]map[int32]int64{"in": {0: 5}},
			Changelogs: map[string]int64{"s": 13, "other": 1},
		}
		if !reflect.DeepEqual(cp, want) {
			t.Fatalf("checkpoint %+v want %+v", cp, want)
		}
		if v, ok := get(t, mustStore(t, task, "other"), "k"); !ok || v != "v" {
			t.Fatalf("other/k = %q %v", v, ok)
		}
	})
}

func TestClosed(t *testing.T) {
	task := mustOpen(t, "t", WithFS(vfs.NewMem()))
	s := mustStore(t, task, "s")
	if err := task.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Put([]byte("k"), []byte("v")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Put after close: %v", err)
	}
	if _, err := task.Store("s"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Store after close: %v", err)
	}
	if err := task.Commit(Checkpoint{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Commit after close: %v", err)
	}
	if err := task.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// A second open of the same directory must fail: two owners of one task's
// state would silently corrupt each other.
func TestExclusiveOpen(t *testing.T) {
	dir := t.TempDir()
	task := mustOpen(t, dir)
	defer task.Close()
	if other, err := OpenTask(dir); err == nil {
		other.Close()
		t.Fatal("second open of the same dir succeeded")
	}
}
