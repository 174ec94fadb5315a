package ops

import (
	"context"
	"testing"

	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

type collect struct{ recs []*Record }

func (c *collect) Process(_ context.Context, r *Record) error {
	c.recs = append(c.recs, r)
	return nil
}

// A record without value keeps the keys computed from key columns only.
func TestSelectKeyWithoutValue(t *testing.T) {
	in := &types.Schema{Columns: []types.Column{
		{Name: "K", Type: types.IntType, Namespace: types.NsKey},
		{Name: "NAME", Type: types.StringType},
		{Name: types.RowTime, Type: types.BigintType},
	}}
	k := &expr.Column{Index: 0, Name: "K", T: types.IntType}
	name := &expr.Column{Index: 1, Name: "NAME", T: types.StringType}
	rowtime := &expr.Column{Index: 2, Name: types.RowTime, T: types.BigintType}
	step := &physical.SelectKey{
		Input:     &physical.Source{Out: in},
		KeyExprs:  []expr.Expr{k, &expr.IsNull{X: name}, rowtime},
		ValueFrom: []int{1},
	}
	out := &collect{}
	sk, err := newSelectKey(step, out, ErrorPolicy{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := sk.Process(ctx, &Record{Row: []any{int32(7), nil, int64(10)}, Tombstone: true}); err != nil {
		t.Fatal(err)
	}
	if err := sk.Process(ctx, &Record{Row: []any{int32(7), nil, int64(10)}}); err != nil {
		t.Fatal(err)
	}
	want := [][]any{{int32(7), nil, nil, nil}, {int32(7), true, int64(10), nil}}
	for i, r := range out.recs {
		for j := range want[i] {
			if r.Row[j] != want[i][j] {
				t.Errorf("record %d column %d: got %v, want %v", i, j, r.Row[j], want[i][j])
			}
		}
	}
}
