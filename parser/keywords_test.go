package parser

import (
	"strings"
	"testing"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/parser/internal/gen"
)

// TestNonReservedKeywords checks that every keyword in the lexer's
// non-reserved range works as a column, alias, source and field name, so
// the grammar's nonReserved rule and the lexer stay in step.
func TestNonReservedKeywords(t *testing.T) {
	gen.NewEddyLexer(nil) // initialises the static token names
	lits := gen.EddyLexerLexerStaticData.LiteralNames
	n := 0
	for tok := gen.EddyLexerADD; tok <= gen.EddyLexerWITH; tok++ {
		kw := strings.Trim(lits[tok], "'")
		n++
		sqls := []string{
			"SELECT " + kw + ", x AS " + kw + ", y " + kw + ", s->" + kw + " FROM " + kw + " " + kw + " WHERE " + kw + "." + kw + " = 1",
			"CREATE STREAM " + kw + " (" + kw + " INT KEY, s STRUCT<" + kw + " INT>) WITH (" + kw + "='x')",
			"INSERT INTO " + kw + " (" + kw + ") VALUES (STRUCT(" + kw + " := 1))",
		}
		for _, sql := range sqls {
			stmts, err := Parse(sql)
			if err != nil {
				t.Errorf("keyword %s: %v\n  %s", kw, err, sql)
				continue
			}
			if q, ok := stmts[0].(*ast.Query); ok {
				if c, ok := q.Select[0].Expr.(*ast.ColumnRef); !ok || c.Name != kw {
					t.Errorf("keyword %s: first select item is %#v", kw, q.Select[0].Expr)
				}
			}
		}
	}
	if n < 70 {
		t.Fatalf("only %d non-reserved keywords", n)
	}
}

// TestReservedKeywords checks that reserved words are rejected as bare
// column names.
func TestReservedKeywords(t *testing.T) {
	for tok := gen.EddyLexerSELECT; tok < gen.EddyLexerADD; tok++ {
		kw := strings.Trim(gen.EddyLexerLexerStaticData.LiteralNames[tok], "'")
		if _, err := Parse("CREATE STREAM s (" + kw + " INT) WITH (kafka_topic='s')"); err == nil {
			t.Errorf("reserved keyword %s accepted as a column name", kw)
		}
		if _, err := Parse("CREATE STREAM s (`" + kw + "` INT) WITH (kafka_topic='s')"); err != nil {
			t.Errorf("quoted keyword %s: %v", kw, err)
		}
	}
}
