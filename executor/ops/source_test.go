package ops

import (
	"context"
	"strings"
	"testing"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// A record whose timestamp column cannot be read is skipped, or stops the
// query under ksql.timestamp.throw.on.invalid.
func TestSourceInvalidTimestamp(t *testing.T) {
	phys := &types.Schema{Columns: []types.Column{
		{Name: "ID", Type: types.BigintType},
		{Name: "TS", Type: types.BigintType},
	}}
	out := &types.Schema{Columns: append(append([]types.Column(nil), phys.Columns...),
		types.Column{Name: types.RowTime, Type: types.BigintType},
		types.Column{Name: types.RowPartition, Type: types.IntType},
		types.Column{Name: types.RowOffset, Type: types.BigintType})}
	step := &physical.Source{SourceName: "S", Topic: "t", ValueFormat: catalog.Format{Name: "JSON"},
		KeyFormat: catalog.Format{Name: "KAFKA"}, Physical: phys, Out: out, Timestamp: catalog.Timestamp{Column: "TS"}}
	for _, tc := range []struct {
		name    string
		policy  ErrorPolicy
		wantErr string
	}{
		{"skipped by default", ErrorPolicy{}, ""},
		{"fatal when asked", ErrorPolicy{FailOnInvalidTimestamp: true}, "Fatal user code error in TimestampExtractor callback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := &collect{}
			src, err := newSource(step, serde.NewRegistry(), nil, got, tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := src.ProcessRaw(ctx, &Raw{Topic: "t", Value: []byte(`{"ID":1,"TS":5}`)}); err != nil {
				t.Fatal(err)
			}
			err = src.ProcessRaw(ctx, &Raw{Topic: "t", Offset: 1, Value: []byte(`{"ID":2,"TS":null}`)})
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if len(got.recs) != 1 || got.recs[0].Timestamp != 5 {
				t.Fatalf("records %v", got.recs)
			}
		})
	}
}
