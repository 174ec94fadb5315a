package ops

import (
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/eddysql/eddy/executor/state"
)

// countingStore counts the lookups that reach the real store.
type countingStore struct {
	Store
	gets int
}

func (c *countingStore) Get(k []byte) ([]byte, bool, error) {
	c.gets++
	return c.Store.Get(k)
}

func openWindowStore(t *testing.T, fs vfs.FS) (*state.Task, *countingStore) {
	t.Helper()
	task, err := state.OpenTask("task", state.WithFS(fs))
	if err != nil {
		t.Fatal(err)
	}
	st, err := task.Store("windows")
	if err != nil {
		t.Fatal(err)
	}
	return task, &countingStore{Store: st}
}

func TestWindowCache(t *testing.T) {
	fs := vfs.NewMem()
	task, st := openWindowStore(t, fs)
	key := func(k string, start int64) []byte { return state.WindowKey([]byte(k), start) }

	c := newWindowCache(st, 1<<20)
	for start := int64(0); start < 100; start += 10 {
		if err := c.put(key("a", start), start, []byte(fmt.Sprint(start))); err != nil {
			t.Fatal(err)
		}
	}
	st.gets = 0
	if _, ok, err := c.get(key("b", 50), 50); err != nil || ok {
		t.Fatalf("new window: ok=%v err=%v", ok, err)
	}
	if v, ok, _ := c.get(key("a", 50), 50); !ok || string(v) != "50" {
		t.Fatalf("cached window: %q %v", v, ok)
	}
	if st.gets != 0 {
		t.Fatalf("an empty store and a full cache need no store lookup, made %d", st.gets)
	}

	// A small budget evicts the earliest windows; they are read back from
	// the store, windows above the floor still need no lookup.
	c.budget = 3 * (len(key("a", 0)) + 2 + windowEntryOverhead)
	c.evict()
	if len(c.starts) != 3 || c.floor != 61 {
		t.Fatalf("after eviction: starts %v floor %d", c.starts, c.floor)
	}
	if v, ok, err := c.get(key("a", 10), 10); err != nil || !ok || string(v) != "10" {
		t.Fatalf("evicted window: %q %v %v", v, ok, err)
	}
	if _, ok, _ := c.get(key("b", 10), 10); ok {
		t.Fatal("a window never written was found")
	}
	lookups := st.gets
	if _, ok, _ := c.get(key("b", 90), 90); ok || st.gets != lookups {
		t.Fatalf("new window above the floor: ok=%v, lookups %d -> %d", ok, lookups, st.gets)
	}

	// After a restart the marker puts the floor above every stored window.
	if err := task.Commit(state.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	if err := task.Close(); err != nil {
		t.Fatal(err)
	}
	task, st = openWindowStore(t, fs)
	defer task.Close()
	c = newWindowCache(st, 1<<20)
	if v, ok, err := c.get(key("a", 90), 90); err != nil || !ok || string(v) != "90" {
		t.Fatalf("window stored before the restart: %q %v %v", v, ok, err)
	}
	if c.floor != 91 {
		t.Fatalf("floor after restart: %d", c.floor)
	}
	lookups = st.gets
	if _, ok, _ := c.get(key("a", 100), 100); ok || st.gets != lookups {
		t.Fatalf("new window after the restart: ok=%v, lookups %d -> %d", ok, lookups, st.gets)
	}
}

// A store written without the marker is scanned once for its latest
// window, so no stored window is taken for a new one.
func TestWindowCacheWithoutMarker(t *testing.T) {
	task, st := openWindowStore(t, vfs.NewMem())
	defer task.Close()
	for _, start := range []int64{-20, 40, 30} {
		if err := st.Put(state.WindowKey([]byte("k"), start), []byte{1}); err != nil {
			t.Fatal(err)
		}
	}
	c := newWindowCache(st, 1<<20)
	if _, ok, err := c.get(state.WindowKey([]byte("k"), 40), 40); err != nil || !ok {
		t.Fatalf("stored window: ok=%v err=%v", ok, err)
	}
	if c.floor != 41 {
		t.Fatalf("floor %d, want 41", c.floor)
	}
	if v, ok, _ := st.Get(windowMetaKey); !ok || len(v) != 8 {
		t.Fatalf("marker not written: %v %v", v, ok)
	}
}
