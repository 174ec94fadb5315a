package ops

import (
	"context"
	"testing"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

type rawLog []*Raw

func (l *rawLog) Emit(_ context.Context, r *Raw) error { *l = append(*l, r); return nil }

type recordLog []*Record

func (l *recordLog) Process(_ context.Context, r *Record) error { *l = append(*l, r); return nil }

// repartitionOf builds a repartition of rows (ID INT key, V STRING) whose
// sink writes to a log and whose source reads into another.
func repartitionOf(t *testing.T, step *physical.Repartition) (*repartitionSink, *repartitionSource, *rawLog, *recordLog) {
	t.Helper()
	step.Input = &physical.Project{Out: &types.Schema{Columns: []types.Column{
		{Name: "ID", Type: types.IntType, Namespace: types.NsKey}, {Name: "V", Type: types.StringType}}}}
	var raws rawLog
	sink, src, err := newRepartition(step, "t", &raws, serde.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	var recs recordLog
	src.next = &recs
	return sink, src, &raws, &recs
}

// A join input's repartition passes a table's delete as a delete, not as
// the undo of its old row an aggregation's input needs.
func TestJoinRepartitionPassesDeletes(t *testing.T) {
	sink, src, raws, recs := repartitionOf(t, &physical.Repartition{Topic: "t", Changelog: true})
	ctx := context.Background()
	if err := sink.Process(ctx, &Record{Row: []any{int32(1), nil}, Tombstone: true, Old: []any{int32(1), "old"}}); err != nil {
		t.Fatal(err)
	}
	if len(*raws) != 1 || (*raws)[0].Value != nil || len((*raws)[0].Headers) != 0 {
		t.Fatalf("written %+v, want one tombstone without headers", *raws)
	}
	if err := src.ProcessRaw(ctx, (*raws)[0]); err != nil {
		t.Fatal(err)
	}
	if r := (*recs)[0]; !r.Tombstone || r.Undo || r.Row[0] != int32(1) {
		t.Fatalf("read back %+v, want the delete of key 1", r)
	}
}

// Keys written in the plan's format are read back in it; a record written
// before the topic used the format (no header) is read in Eddy's own
// encoding.
func TestRepartitionKeyFormat(t *testing.T) {
	sink, src, raws, recs := repartitionOf(t, &physical.Repartition{Topic: "t", Changelog: true,
		KeyFormat: &catalog.Format{Name: "KAFKA"}})
	ctx := context.Background()
	if err := sink.Process(ctx, &Record{Row: []any{int32(7), "x"}}); err != nil {
		t.Fatal(err)
	}
	if k := (*raws)[0].Key; string(k) != "\x00\x00\x00\x07" {
		t.Fatalf("key %q, want KAFKA's 4-byte int", k)
	}
	old, err := newRowCodec([]types.Column{{Name: "ID", Type: types.IntType, Namespace: types.NsKey}})
	if err != nil {
		t.Fatal(err)
	}
	oldKey, _ := old.encode([]any{int32(8)})
	for _, raw := range []*Raw{(*raws)[0], {Key: oldKey, Value: (*raws)[0].Value}} {
		if err := src.ProcessRaw(ctx, raw); err != nil {
			t.Fatal(err)
		}
	}
	if (*recs)[0].Row[0] != int32(7) || (*recs)[1].Row[0] != int32(8) {
		t.Fatalf("keys read back: %v, %v; want 7 and 8", (*recs)[0].Row, (*recs)[1].Row)
	}
}
