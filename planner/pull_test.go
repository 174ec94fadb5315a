package planner_test

import (
	"strings"
	"testing"

	"github.com/eddysql/eddy/parser"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/udf"
)

// pullCatalog declares a source table T, a materialized table M keyed by
// ID STRING, a windowed aggregate W keyed by ID STRING and a table MK
// with a two-column key.
func pullCatalog(t *testing.T) (*catalog.Catalog, planner.Functions) {
	t.Helper()
	cat := catalog.New()
	fns := planner.FunctionsOf(udf.NewRegistry())
	for _, text := range []string{
		"CREATE TABLE T (ID STRING PRIMARY KEY, V0 STRING, N INT) WITH (kafka_topic='t', value_format='JSON');",
		"CREATE STREAM S (ID STRING KEY, V0 STRING) WITH (kafka_topic='s', value_format='JSON');",
		"CREATE TABLE M AS SELECT * FROM T;",
		"CREATE TABLE W AS SELECT ID, COUNT(1) AS CNT FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID;",
		"CREATE TABLE MK AS SELECT ID, V0, COUNT(1) AS CNT FROM S GROUP BY ID, V0;",
	} {
		stmts, err := parser.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		p := planner.New(cat, fns, planner.Config{})
		switch s := stmts[0].(type) {
		case *ast.CreateSource:
			src, err := p.CreateSource(s)
			if err != nil {
				t.Fatal(err)
			}
			cat.Put(src)
		case *ast.CreateAsSelect:
			pp, err := p.CreateAsSelect(s)
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			cat.Put(pp.Sink)
		}
	}
	return cat, fns
}

func TestPullQueryRules(t *testing.T) {
	cat, fns := pullCatalog(t)
	noScan := planner.PullOptions{TableScan: false, RangeScan: true}
	tests := []struct {
		sql  string
		opts planner.PullOptions
		err  string // substring; empty for success
		scan planner.PullScan
	}{
		{sql: "SELECT * FROM M;", scan: planner.PullTableScan},
		{sql: "SELECT * FROM M WHERE ID = 'a';", scan: planner.PullKeyLookup},
		{sql: "SELECT * FROM M WHERE ID IN ('a', 'b');", scan: planner.PullKeyLookup},
		{sql: "SELECT * FROM M WHERE ID > 'a';", scan: planner.PullRangeScan},
		{sql: "SELECT * FROM M WHERE ID > 'a';", opts: planner.PullOptions{TableScan: true}, scan: planner.PullTableScan},
		{sql: "SELECT * FROM M WHERE V0 = 'a';", scan: planner.PullTableScan},
		{sql: "SELECT * FROM S;"}, // a stream: a push query
		{sql: "SELECT * FROM T WHERE ID = 'a';", err: "The `T` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_T AS SELECT * FROM T'."},
		{sql: "SELECT * FROM M A JOIN T B ON A.ID = B.ID;", err: "Pull queries don't support JOIN clauses."},
		{sql: "SELECT ID, COUNT(*) FROM M GROUP BY ID;", err: "Pull queries don't support GROUP BY clauses."},
		{sql: "SELECT * FROM M WINDOW TUMBLING (SIZE 1 SECOND);", err: "Pull queries don't support WINDOW clauses."},
		{sql: "SELECT ID, ROWPARTITION FROM M;", err: "Pull queries don't support the following columns in SELECT clauses: `ROWPARTITION`"},
		{sql: "SELECT * FROM M WHERE ROWOFFSET = 1;", err: "Pull queries don't support the following columns in WHERE clauses: `ROWOFFSET`"},
		{sql: "SELECT * FROM M WHERE V0 = 'a';", opts: noScan, err: "WHERE clause missing key column for disjunct: (V0 = 'a')"},
		{sql: "SELECT * FROM M WHERE ID <> 'a';", opts: noScan, err: "Bound on key columns '[`ID` STRING KEY]' must currently be '='"},
		{sql: "SELECT * FROM M WHERE ID = 'a' AND ID IN ('a', 'b');", opts: noScan, err: "A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate"},
		{sql: "SELECT * FROM M WHERE ID = V0;", opts: noScan, err: "A comparison must be between a key column and a resolvable expression"},
		{sql: "SELECT * FROM M;", opts: noScan, err: "Query requires table scan to be enabled"},
		{sql: "SELECT * FROM M WHERE ID = 'a' OR ID > 'b';", opts: noScan, err: "Query requires table scan to be enabled"},
		{sql: "SELECT * FROM M WHERE ID IN (NULL);", err: "Primary key columns can not be NULL: (ID = null)"},
		{sql: "SELECT * FROM M WHERE ID = 1;", err: "Error in WHERE expression: Cannot compare ID (STRING) to 1 (INTEGER) with EQUAL.\nStatement: (ID = 1)"},
		{sql: "SELECT * FROM MK WHERE ID = 'a';", opts: noScan, err: "Multi-column sources must specify every key in the WHERE clause"},
		{sql: "SELECT * FROM MK WHERE ID = 'a' AND V0 = 'b';", opts: noScan, scan: planner.PullKeyLookup},
		{sql: "SELECT * FROM W WHERE ID = 'a' AND WINDOWSTART >= '2020-02-22T23:45';", scan: planner.PullKeyLookup},
		{sql: "SELECT * FROM W WHERE ID > 'a';", opts: noScan, err: "Query requires table scan to be enabled"},
	}
	for _, tc := range tests {
		opts := tc.opts
		if opts == (planner.PullOptions{}) {
			opts = planner.DefaultPullOptions()
		}
		stmts, err := parser.Parse(tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		_, scan, err := planner.New(cat, fns, planner.Config{}).PullQuery(stmts[0].(*ast.Query), opts)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.sql, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want one containing %q", tc.sql, err, tc.err)
		case tc.err == "" && scan != tc.scan:
			t.Errorf("%s: scan %d, want %d", tc.sql, scan, tc.scan)
		}
	}
}
