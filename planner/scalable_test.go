package planner

import (
	"testing"

	"github.com/eddysql/eddy/parser"
	"github.com/eddysql/eddy/parser/ast"
)

func TestScalablePushSource(t *testing.T) {
	tests := []struct {
		sql  string
		want string // "" when the query cannot be a scalable push query
	}{
		{"SELECT * FROM s EMIT CHANGES;", "S"},
		{"SELECT a, b + 1 AS c FROM s WHERE a > 1 EMIT CHANGES LIMIT 3;", "S"},
		{"SELECT ROWTIME, a FROM s EMIT CHANGES;", "S"},
		{"SELECT * FROM s;", ""}, // no EMIT CHANGES: a pull query, or KSQL 5.x push
		{"SELECT a, COUNT(*) FROM s GROUP BY a EMIT CHANGES;", ""},
		{"SELECT a, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY a EMIT CHANGES;", ""},
		{"SELECT * FROM s PARTITION BY a EMIT CHANGES;", ""},
		{"SELECT * FROM s JOIN t ON s.a = t.a EMIT CHANGES;", ""},
		{"SELECT ROWPARTITION, a FROM s EMIT CHANGES;", ""},
		{"SELECT a FROM s WHERE ROWOFFSET > 3 EMIT CHANGES;", ""},
	}
	for _, tc := range tests {
		stmts, err := parser.Parse(tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		got, ok := ScalablePushSource(stmts[0].(*ast.Query))
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("%s: source %q, want %q", tc.sql, got, tc.want)
		}
	}
}
