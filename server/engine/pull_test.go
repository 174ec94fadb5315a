package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/server/engine"
	"github.com/eddysql/eddy/server/rest"
)

// pullEngine declares a source table over topic t and writes rows to it,
// keys out of order and one key twice.
func pullEngine(t *testing.T) (*engine.Engine, context.Context) {
	t.Helper()
	eng, rt := sourceTable(t, 1)
	ctx := context.Background()
	for i, kv := range [][2]string{{"c", `{"V":1}`}, {"a", `{"V":2}`}, {"b", `{"V":3}`}, {"c", `{"V":4}`}} {
		if err := rt.Produce(ctx, &ops.Raw{Topic: "t", Key: []byte(kv[0]), Value: []byte(kv[1]), Timestamp: int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return eng, ctx
}

// sourceTable declares source table T (K STRING key, V INT) over topic t
// of the given partitions, in memory.
func sourceTable(t *testing.T, partitions int) (*engine.Engine, *engine.MemoryRuntime) {
	t.Helper()
	rt := engine.NewMemoryRuntime()
	if err := rt.CreateTopic(context.Background(), "t", partitions, 1); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{ServiceID: "test_"}, rt)
	t.Cleanup(func() { eng.Close() })
	if _, err := eng.Execute(context.Background(), rest.StatementRequest{KSQL: "CREATE SOURCE TABLE T (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');"}); err != nil {
		t.Fatal(err)
	}
	return eng, rt
}

func drain(t *testing.T, ctx context.Context, qs rest.QueryStream) []string {
	t.Helper()
	defer qs.Close()
	var out []string
	for {
		r, err := qs.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range r.Values {
			parts = append(parts, fmtValue(v))
		}
		out = append(out, strings.Join(parts, ","))
	}
}

func fmtValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func TestPullQueryKeyOrderAndLimit(t *testing.T) {
	eng, ctx := pullEngine(t)
	tests := []struct {
		sql  string
		want string
	}{
		{"SELECT * FROM T;", "a,2|b,3|c,4"},
		{"SELECT * FROM T LIMIT 2;", "a,2|b,3"},
		{"SELECT * FROM T LIMIT 0;", ""},
		{"SELECT K FROM T WHERE K IN ('c', 'a');", "a|c"},
	}
	for _, tc := range tests {
		qs, err := eng.Query(ctx, rest.StatementRequest{KSQL: tc.sql})
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		if !qs.IsPull() {
			t.Errorf("%s: not a pull query", tc.sql)
		}
		if got := strings.Join(drain(t, ctx, qs), "|"); got != tc.want {
			t.Errorf("%s: rows %q, want %q", tc.sql, got, tc.want)
		}
	}
}

func TestPullQueryHeaderMarksKeys(t *testing.T) {
	eng, ctx := pullEngine(t)
	qs, err := eng.Query(ctx, rest.StatementRequest{KSQL: "SELECT * FROM T;"})
	if err != nil {
		t.Fatal(err)
	}
	defer qs.Close()
	cols := qs.Columns()
	if len(cols) != 2 || !cols[0].Key || cols[1].Key {
		t.Errorf("columns %+v: want K marked KEY only", cols)
	}
}

func TestPullQueryTableScanDisabled(t *testing.T) {
	eng, ctx := pullEngine(t)
	_, err := eng.Query(ctx, rest.StatementRequest{KSQL: "SELECT * FROM T WHERE V = 1;",
		StreamsProperties: map[string]any{"ksql.query.pull.table.scan.enabled": false}})
	if err == nil || !strings.Contains(err.Error(), "WHERE clause missing key column for disjunct: (V = 1)") {
		t.Errorf("error %v", err)
	}
	_, err = eng.Query(ctx, rest.StatementRequest{KSQL: "SELECT * FROM T WHERE K = 'a';",
		StreamsProperties: map[string]any{"ksql.query.pull.table.scan.enabled": false}})
	if err != nil {
		t.Errorf("key lookup with table scans disabled: %v", err)
	}
}

// A view answers once it has read its topic up to the end it had when the
// first query came (restored), then at once without a lag bound (ksqlDB's
// default); with ksql.query.pull.max.allowed.offset.lag 0 each query
// first reads up to the end of its own arrival.
func TestPullQueryConsistencyLevels(t *testing.T) {
	eng, rt := sourceTable(t, 3)
	ctx := context.Background()
	write := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			r := &ops.Raw{Topic: "t", Partition: int32(i % 3), Key: fmt.Appendf(nil, "k%05d", i), Value: fmt.Appendf(nil, `{"V":%d}`, i)}
			if err := rt.Produce(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := func(props map[string]any) int {
		t.Helper()
		qs, err := eng.Query(ctx, rest.StatementRequest{KSQL: "SELECT K FROM T;", StreamsProperties: props})
		if err != nil {
			t.Fatal(err)
		}
		return len(drain(t, ctx, qs))
	}
	write(0, 20_000)
	if n := count(nil); n != 20_000 {
		t.Fatalf("first query on a new view: %d rows, want all 20000", n)
	}
	ryw := map[string]any{"ksql.query.pull.max.allowed.offset.lag": "0"}
	for i := 20_000; i < 20_010; i++ {
		write(i, i+1)
		if n := count(ryw); n != i+1 {
			t.Fatalf("read-your-writes after write %d: %d rows", i, n)
		}
	}
}
