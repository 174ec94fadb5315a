package ops

import (
	"context"
	"github.com/eddysql/eddy/udf/udaf"
	"testing"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/eddysql/eddy/executor/state"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// collectOp records what an operator emits.
type collectOp struct{ got []*Record }

func (c *collectOp) Process(_ context.Context, r *Record) error {
	c.got = append(c.got, r)
	return nil
}

// countStep aggregates rows (K STRING KEY, V INT) with COUNT(V) and SUM(V).
func countStep(w *physical.WindowSpec, final bool) *physical.Aggregate {
	in := &types.Schema{Columns: []types.Column{
		{Name: "K", Type: types.StringType, Namespace: types.NsKey},
		{Name: "V", Type: types.IntType},
	}}
	v := &expr.Column{Index: 1, Name: "V", T: types.IntType}
	out := &types.Schema{Columns: []types.Column{{Name: "K", Type: types.StringType, Namespace: types.NsKey}}}
	if w != nil {
		out.Columns = append(out.Columns,
			types.Column{Name: types.WindowStart, Type: types.BigintType, Namespace: types.NsKey},
			types.Column{Name: types.WindowEnd, Type: types.BigintType, Namespace: types.NsKey})
	}
	out.Columns = append(out.Columns,
		types.Column{Name: "KSQL_AGG_VARIABLE_0", Type: types.BigintType},
		types.Column{Name: "KSQL_AGG_VARIABLE_1", Type: types.IntType})
	return &physical.Aggregate{
		Input:    &physical.Source{SourceName: "IN", Out: in},
		KeyCount: 1, Window: w, Final: final, Store: "agg", Out: out,
		Calls: []physical.AggregateCall{
			{Name: "COUNT", Args: []expr.Expr{v}, Return: types.BigintType},
			{Name: "SUM", Args: []expr.Expr{v}, Return: types.IntType},
		},
	}
}

func newTestAggregate(t *testing.T, step *physical.Aggregate) (*aggregate, *collectOp) {
	t.Helper()
	task, err := state.OpenTask("t", state.WithFS(vfs.NewMem()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = task.Close() })
	st, err := task.Store(step.Store)
	if err != nil {
		t.Fatal(err)
	}
	out := &collectOp{}
	a, err := newAggregate(step, st, udaf.NewRegistry(), udaf.Config{}, out, ErrorPolicy{})
	if err != nil {
		t.Fatal(err)
	}
	return a, out
}

func process(t *testing.T, a *aggregate, r *Record) {
	t.Helper()
	if err := a.Process(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

func TestAggregateTableUpdateEmitsOnce(t *testing.T) {
	a, out := newTestAggregate(t, countStep(nil, false))
	process(t, a, &Record{Row: []any{"a", int32(10)}, Timestamp: 1})
	// A table update that keeps its grouping key carries the old row: one
	// output, the old contribution taken out.
	process(t, a, &Record{Row: []any{"a", int32(20)}, Old: []any{"a", int32(10)}, Timestamp: 2})
	// A delete is the undo of the old row.
	process(t, a, &Record{Row: []any{"a", int32(20)}, Undo: true, Timestamp: 3})
	want := [][]any{{"a", int64(1), int32(10)}, {"a", int64(1), int32(20)}, {"a", int64(0), int32(0)}}
	if len(out.got) != len(want) {
		t.Fatalf("got %d records, want %d", len(out.got), len(want))
	}
	for i, w := range want {
		if sig(out.got[i].Row) != sig(w) {
			t.Errorf("record %d = %v, want %v", i, out.got[i].Row, w)
		}
	}
}

func TestAggregateSkipsNullGroupingValue(t *testing.T) {
	step := countStep(nil, false)
	step.KeyCount = 1
	a, out := newTestAggregate(t, step)
	process(t, a, &Record{Row: []any{nil, int32(1)}})
	if len(out.got) != 0 {
		t.Fatalf("row with a NULL grouping value was aggregated: %v", out.got[0].Row)
	}
}

func TestAggregateEmitFinalRetention(t *testing.T) {
	// suppress.json "should support final results for hopping windows":
	// size 5, advance 2, grace 1; a window expired from the store
	// (retention = size + grace) is not emitted.
	w := &physical.WindowSpec{Kind: "HOPPING", Size: 5, Advance: 2, Grace: 1, Retention: 6}
	a, out := newTestAggregate(t, countStep(w, true))
	for _, ts := range []int64{0, 1, 2, 1, 6, 5, 10} {
		process(t, a, &Record{Row: []any{"k1", int32(1)}, Timestamp: ts})
	}
	type res struct {
		start, count, ts int64
	}
	want := []res{{0, 4, 2}, {4, 2, 6}}
	if len(out.got) != len(want) {
		for _, r := range out.got {
			t.Logf("emitted %v at %d", r.Row, r.Timestamp)
		}
		t.Fatalf("got %d records, want %d", len(out.got), len(want))
	}
	for i, w := range want {
		r := out.got[i]
		if r.Window.Start != w.start || r.Row[3] != w.count || r.Timestamp != w.ts {
			t.Errorf("record %d = %v window %v at %d, want %+v", i, r.Row, r.Window, r.Timestamp, w)
		}
	}
}

func TestAggregateSessionExpiry(t *testing.T) {
	// session-windows.json "out of order - explicit grace period": a
	// session past retention (gap + grace) no longer merges.
	w := &physical.WindowSpec{Kind: "SESSION", Size: 30000, Grace: 60000, Retention: 90000}
	a, out := newTestAggregate(t, countStep(w, false))
	for _, ts := range []int64{0, 100010, 10010} {
		process(t, a, &Record{Row: []any{"k", int32(1)}, Timestamp: ts})
	}
	if len(out.got) != 3 {
		t.Fatalf("got %d records, want 3", len(out.got))
	}
	last := out.got[2]
	if last.Tombstone || last.Window.Start != 10010 || last.Window.End != 10010 || last.Row[3] != int64(1) {
		t.Fatalf("last = %v window %v tombstone %v", last.Row, last.Window, last.Tombstone)
	}
}

func sig(row []any) string {
	s := ""
	for _, v := range row {
		s += types.FormatValue(v) + "|"
	}
	return s
}
