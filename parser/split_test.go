package parser

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/eddysql/eddy/parser/ast"
)

var splitCases = []string{
	"SHOW STREAMS; SHOW TABLES",
	"SHOW STREAMS;",
	"  ;; ;",
	"",
	"SELECT ';' FROM t; SELECT `a;b` FROM t; SELECT \"c;d\" FROM u",
	"SELECT 'it''s; ok' FROM t;SHOW TOPICS",
	"-- comment; not a split\nSHOW STREAMS; /* a; b */ SHOW TABLES; -- trailing;",
	"SELECT 'unterminated; FROM t",
	"SELECT a /* unterminated; comment",
	"INSERT INTO s VALUES (1, 'x');\nINSERT INTO s VALUES (2, 'y');\n",
}

func TestSplitStatements(t *testing.T) {
	var out strings.Builder
	for _, src := range splitCases {
		got, _ := json.Marshal(SplitStatements(src))
		q, _ := json.Marshal(src)
		out.WriteString(string(q) + "\n  => " + string(got) + "\n")
	}
	checkGolden(t, "split.golden", out.String())
}

// TestStatementText checks that Text fields hold each statement's exact
// source, without the trailing ';'.
func TestStatementText(t *testing.T) {
	src := "CREATE STREAM s (a INT) WITH (kafka_topic='s');\n" +
		"CREATE TABLE t AS SELECT a, COUNT(*) FROM s GROUP BY a EMIT CHANGES ;  \n" +
		"INSERT INTO s SELECT * FROM s2;" +
		"INSERT INTO s (a) VALUES (1);" +
		"SELECT * FROM s WHERE a = 'x;y';" +
		"DROP STREAM s;CREATE TYPE x AS INT;ALTER TABLE t ADD COLUMN b INT"
	stmts, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	split := SplitStatements(src)
	if len(split) != len(stmts) {
		t.Fatalf("SplitStatements gave %d pieces, Parse %d statements", len(split), len(stmts))
	}
	for i, s := range stmts {
		if text := statementText(s); text != split[i] {
			t.Errorf("statement %d: Text %q, want %q", i, text, split[i])
		}
	}
	ctas := stmts[1].(*ast.CreateAsSelect)
	if want := "SELECT a, COUNT(*) FROM s GROUP BY a EMIT CHANGES"; ctas.Query.Text != want {
		t.Errorf("Query.Text %q, want %q", ctas.Query.Text, want)
	}
}

func statementText(s ast.Statement) string {
	switch s := s.(type) {
	case *ast.CreateSource:
		return s.Text
	case *ast.CreateAsSelect:
		return s.Text
	case *ast.InsertInto:
		return s.Text
	case *ast.InsertValues:
		return s.Text
	case *ast.Query:
		return s.Text
	case *ast.Drop:
		return s.Text
	case *ast.CreateType:
		return s.Text
	case *ast.AlterSource:
		return s.Text
	}
	return "<no text>"
}
