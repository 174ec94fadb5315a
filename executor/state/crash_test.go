package state

import (
	"reflect"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
)

// crash simulates a power loss: everything not synced to fs is lost.
// Close must still run to release the DB, so syncs are ignored from the
// moment of the "crash".
func crash(t *testing.T, fs *vfs.MemFS, task *Task) {
	t.Helper()
	fs.SetIgnoreSyncs(true)
	_ = task.Close()
	fs.ResetToSyncedState()
	fs.SetIgnoreSyncs(false)
}

func TestCrashKeepsCommittedStateAndCheckpointTogether(t *testing.T) {
	fs := vfs.NewStrictMem()
	// A nested, not yet existing dir, as the runtime uses (state/query/partition).
	open := func() *Task { return mustOpen(t, "state/q1/0_1", WithFS(fs)) }

	task := open()
	s := mustStore(t, task, "agg")
	put(t, s, "a", "1")
	cp1 := Checkpoint{Inputs: map[string]map[int32]int64{"in": {0: 10}}}
	if err := task.Commit(cp1); err != nil {
		t.Fatal(err)
	}
	put(t, s, "a", "2") // processed after the commit, never committed
	crash(t, fs, task)

	task = open()
	s = mustStore(t, task, "agg")
	if v, _ := get(t, s, "a"); v != "1" {
		t.Fatalf("a = %q after crash, want the committed 1", v)
	}
	if cp, _ := task.Checkpoint(); !reflect.DeepEqual(cp, cp1) {
		t.Fatalf("checkpoint %+v, want %+v", cp, cp1)
	}

	// An unsynced restore is lost together with its changelog position, so
	// the replay simply starts again from the old position.
	if err := task.Restore("agg", []ChangelogRecord{{Key: []byte("a"), Value: []byte("restored")}}, 5); err != nil {
		t.Fatal(err)
	}
	crash(t, fs, task)
	task = open()
	s = mustStore(t, task, "agg")
	cp, _ := task.Checkpoint()
	v, _ := get(t, s, "a")
	if !(v == "1" && cp.Changelogs["agg"] == 0) && !(v == "restored" && cp.Changelogs["agg"] == 5) {
		t.Fatalf("state %q and changelog position %d disagree", v, cp.Changelogs["agg"])
	}

	// Once a commit has synced, the restore before it is durable too.
	if err := task.Restore("agg", []ChangelogRecord{{Key: []byte("a"), Value: []byte("restored")}}, 5); err != nil {
		t.Fatal(err)
	}
	if err := task.Commit(Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	crash(t, fs, task)
	task = open()
	defer task.Close()
	s = mustStore(t, task, "agg")
	cp, _ = task.Checkpoint()
	if v, _ := get(t, s, "a"); v != "restored" || cp.Changelogs["agg"] != 5 {
		t.Fatalf("after synced commit: a=%q position=%d", v, cp.Changelogs["agg"])
	}
}
