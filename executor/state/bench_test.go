package state

import (
	"encoding/binary"
	"strconv"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
)

// BenchmarkReadModifyWrite is the per-record cost of an aggregation: Get
// the running value, update it, Put it back, with a synced commit every
// commitEvery records. One op is one record, commit cost amortized.
func BenchmarkReadModifyWrite(b *testing.B) {
	for _, be := range []struct {
		name string
		open func(b *testing.B) *Task
	}{
		{"disk", func(b *testing.B) *Task { return benchOpen(b, b.TempDir()) }},
		{"mem", func(b *testing.B) *Task { return benchOpen(b, "t", WithFS(vfs.NewMem())) }},
		{"mem+changelog", func(b *testing.B) *Task {
			return benchOpen(b, "t", WithFS(vfs.NewMem()), WithChangelog(func(string, []byte, []byte) {}))
		}},
	} {
		for _, keys := range []int{1_000, 100_000} {
			b.Run(be.name+"/keys="+strconv.Itoa(keys), func(b *testing.B) {
				benchRMW(b, be.open(b), keys, 1000)
			})
		}
	}
}

func benchOpen(b *testing.B, dir string, opts ...Option) *Task {
	task, err := OpenTask(dir, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { task.Close() })
	return task
}

func benchRMW(b *testing.B, task *Task, keys, commitEvery int) {
	s, err := task.Store("agg")
	if err != nil {
		b.Fatal(err)
	}
	key := make([]byte, 0, 16)
	val := make([]byte, 8)
	cp := Checkpoint{Inputs: map[string]map[int32]int64{"in": {0: 0}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key = strconv.AppendInt(append(key[:0], 'k'), int64(i*7919%keys), 10)
		old, ok, err := s.Get(key)
		if err != nil {
			b.Fatal(err)
		}
		var n uint64
		if ok {
			n = binary.BigEndian.Uint64(old)
		}
		binary.BigEndian.PutUint64(val, n+1)
		if err := s.Put(key, val); err != nil {
			b.Fatal(err)
		}
		if (i+1)%commitEvery == 0 {
			cp.Inputs["in"][0] = int64(i + 1)
			if err := task.Commit(cp); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCommit isolates the synced commit of a 1000-record batch.
func BenchmarkCommit(b *testing.B) {
	task := benchOpen(b, b.TempDir())
	s, _ := task.Store("agg")
	val := make([]byte, 8)
	key := make([]byte, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < 1000; j++ {
			key = strconv.AppendInt(append(key[:0], 'k'), int64(j), 10)
			_ = s.Put(key, val)
		}
		b.StartTimer()
		if err := task.Commit(Checkpoint{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRange scans 100 windows of one key out of 100 keys, with a batch
// of pending writes on top, as a windowed pull query or session merge does.
func BenchmarkRange(b *testing.B) {
	task := benchOpen(b, "t", WithFS(vfs.NewMem()))
	s, _ := task.Store("win")
	for k := range 100 {
		for w := range 100 {
			_ = s.Put(WindowKey([]byte(strconv.Itoa(k)), int64(w)*1000), []byte("v"))
		}
	}
	_ = task.Commit(Checkpoint{})
	for w := range 100 {
		_ = s.Put(WindowKey([]byte("42"), int64(w)*1000+1), []byte("p"))
	}
	lo, hi := WindowRange([]byte("42"), 0, 1<<62)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		_ = s.Range(lo, hi, func(k, v []byte) bool { n++; return true })
		if n != 200 {
			b.Fatal(n)
		}
	}
}
