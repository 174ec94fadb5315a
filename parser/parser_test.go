package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eddysql/eddy/parser/ast"
)

// statementCases cover every statement form; their ASTs are in
// testdata/statements.golden.
var statementCases = []struct{ name, sql string }{
	{"create_stream", "CREATE STREAM pageviews (viewtime BIGINT, user_id VARCHAR KEY, `Page Id` STRING) WITH (kafka_topic='pv', value_format='JSON', partitions=4);"},
	{"create_or_replace_table", "create or replace table if not exists users (id INT PRIMARY KEY, name STRING, \"Region\" string) with (\"KAFKA_TOPIC\"='u', 'value_format'='json', wrap_single_value=false)"},
	{"create_source_table", "CREATE SOURCE TABLE t (k INT PRIMARY KEY, v DOUBLE) WITH (kafka_topic='t', format='JSON')"},
	{"create_source_stream_headers", "CREATE SOURCE STREAM s (k BYTES KEY, h ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS, x BYTES HEADER('abc')) WITH (kafka_topic='s', value_format='JSON')"},
	{"create_no_columns", "CREATE STREAM s WITH (kafka_topic='s', value_format='AVRO', key='ID', replicas=-1, ratio=1.5)"},
	{"create_keyword_columns", "CREATE STREAM s (key INT KEY, value STRING, size INT, timestamp BIGINT, date DATE, time TIME, type STRING, topic STRING, format STRING, window INT, source INT, partition INT, limit INT, emit INT) WITH (kafka_topic='s', value_format='JSON')"},
	{"create_all_types", "CREATE STREAM s (a BOOLEAN, b INT, c INTEGER, d BIGINT, e DOUBLE, f DECIMAL(10, 2), g STRING, h VARCHAR, i BYTES, j DATE, k TIME, l TIMESTAMP, m ARRAY<INT>, n MAP<STRING, ARRAY<DOUBLE>>, o STRUCT<x INT, `y z` STRUCT<q STRING>>, p ADDRESS, r VARCHAR(STRING)) WITH (kafka_topic='s', value_format='JSON')"},
	{"csas", "CREATE STREAM out WITH (kafka_topic='out') AS SELECT * FROM pageviews WHERE viewtime > 10 EMIT CHANGES;"},
	{"ctas_or_replace", "CREATE OR REPLACE TABLE IF NOT EXISTS counts AS SELECT user_id, COUNT(*) AS cnt FROM pageviews GROUP BY user_id HAVING COUNT(*) > 1 EMIT CHANGES"},
	{"insert_into", "INSERT INTO out WITH (query_id='q1') SELECT a, b FROM s PARTITION BY b"},
	{"insert_values", "INSERT INTO s (k, v, `Q`) VALUES ('a', 1.5, STRUCT(A := 1, B := ARRAY[1, 2]))"},
	{"insert_values_no_columns", "INSERT INTO s VALUES (1, -2, NULL, TRUE)"},
	{"select_full", "SELECT a.x AS ax, b.*, *, s->f->g AS fg, arr[1] first, m['k'] FROM a LEFT JOIN b ON a.id = b.id WINDOW TUMBLING (SIZE 30 SECONDS, RETENTION 2 DAYS, GRACE PERIOD 1 MINUTE) WHERE x IS NOT NULL GROUP BY a.x, b.y PARTITION BY a.x HAVING COUNT(*) > 2 EMIT FINAL LIMIT 10"},
	{"select_struct_star", "SELECT I1.v1->*, v2->a->* FROM INPUT_1 I1"},
	{"group_by_parens", "SELECT a, b, COUNT(*) FROM t GROUP BY (a, b)"},
	{"group_by_single_paren", "SELECT a FROM t GROUP BY (a)"},
	{"pull_query", "SELECT * FROM t WHERE k = 'x' LIMIT 1;"},
	{"window_tumbling_legacy", "SELECT COUNT(*) FROM t WINDOW TUMBLING (SIZE 30 SECOND) GROUP BY k"},
	{"window_hopping", "SELECT COUNT(*) FROM t WINDOW HOPPING (SIZE 5 MILLISECONDS, ADVANCE BY 2 MILLISECOND, GRACE PERIOD 1 HOUR) GROUP BY k"},
	{"window_session", "SELECT COUNT(*) FROM t WINDOW SESSION (30 MINUTES, RETENTION 1 DAY, GRACE PERIOD 10 SECONDS) GROUP BY k"},
	{"window_named", "SELECT COUNT(*) FROM t WINDOW w1 SESSION (1 HOURS) GROUP BY k"},
	{"joins_n_way", "SELECT * FROM a AS x INNER JOIN b y WITHIN (1 SECOND, 2 MINUTES) GRACE PERIOD 3 SECONDS ON x.k = y.k RIGHT OUTER JOIN c WITHIN 10 SECONDS ON x.k = c.k FULL OUTER JOIN d ON d.k = x.k JOIN e ON e.k = x.k LEFT OUTER JOIN f ON f.k = x.k FULL JOIN g ON g.k = x.k RIGHT JOIN h ON h.k = x.k"},
	{"drop_stream", "DROP STREAM IF EXISTS s DELETE TOPIC"},
	{"drop_table", "drop table t"},
	{"drop_type", "DROP TYPE IF EXISTS address"},
	{"create_type", "CREATE TYPE IF NOT EXISTS address AS STRUCT<number INTEGER, street VARCHAR, `City` VARCHAR>"},
	{"alter", "ALTER STREAM s ADD COLUMN c INT, ADD c2 ARRAY<STRING>"},
	{"terminate", "TERMINATE csas_out_0"},
	{"terminate_all", "TERMINATE ALL"},
	{"pause", "PAUSE CTAS_T_1"},
	{"resume_all", "RESUME ALL"},
	{"show_streams", "SHOW STREAMS EXTENDED"},
	{"list_tables", "LIST TABLES"},
	{"show_misc", "SHOW QUERIES; SHOW TOPICS; SHOW ALL TOPICS EXTENDED; SHOW PROPERTIES; SHOW FUNCTIONS; LIST TYPES; SHOW VARIABLES; SHOW CONNECTORS"},
	{"describe", "DESCRIBE EXTENDED pageviews; DESCRIBE pageviews; DESCRIBE s EXTENDED"},
	{"describe_all", "DESCRIBE STREAMS; DESCRIBE TABLES EXTENDED"},
	{"describe_function", "DESCRIBE FUNCTION substring"},
	{"explain", "EXPLAIN CSAS_OUT_0; EXPLAIN SELECT * FROM s EMIT CHANGES"},
	{"print", "PRINT 'my-topic' FROM BEGINNING INTERVAL 3 LIMIT 10; PRINT MyTopic"},
	{"set_unset", "SET 'auto.offset.reset'='earliest'; UNSET 'auto.offset.reset'"},
	{"define", "DEFINE format = 'JSON'; UNDEFINE format"},
	{"run_script", "RUN SCRIPT '/tmp/it''s.sql'"},
	{"comments", "-- leading\nSELECT /* inline */ a -- trailing\nFROM t;;\n/* between */ SHOW STREAMS;"},
	{"multiline_positions", "SHOW STREAMS;\n  CREATE STREAM x AS\n    SELECT\n      a\n    FROM t;"},
	{"unicode", "SELECT `naïve`, 'héllo' AS grüße FROM t"},
}

func TestStatements(t *testing.T) {
	var out strings.Builder
	for _, tc := range statementCases {
		stmts, err := Parse(tc.sql)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		fmt.Fprintf(&out, "== %s\n%s\n--\n", tc.name, tc.sql)
		for _, s := range stmts {
			out.WriteString(dump(s))
		}
		out.WriteString("\n")
	}
	checkGolden(t, "statements.golden", out.String())
}

// sexpr renders an expression compactly with explicit grouping, to show
// how precedence and associativity were resolved.
func sexpr(e ast.Expr) string {
	switch e := e.(type) {
	case nil:
		return "<nil>"
	case *ast.Literal:
		switch e.Kind {
		case ast.LitString:
			return fmt.Sprintf("%q", e.Text)
		case ast.LitDecimal:
			return e.Text + "dec"
		case ast.LitDouble:
			return e.Text + "dbl"
		}
		return e.Text
	case *ast.ColumnRef:
		if e.Qualifier != "" {
			return e.Qualifier + "." + e.Name
		}
		return e.Name
	case *ast.Dereference:
		return "(" + sexpr(e.Struct) + "->" + e.Field + ")"
	case *ast.Subscript:
		return "(" + sexpr(e.Container) + "[" + sexpr(e.Index) + "])"
	case *ast.FuncCall:
		if e.Star {
			return e.Name + "(*)"
		}
		return e.Name + "(" + sexprs(e.Args) + ")"
	case *ast.Binary:
		return "(" + sexpr(e.Left) + " " + e.Op.String() + " " + sexpr(e.Right) + ")"
	case *ast.Unary:
		return "(" + [...]string{"NOT ", "-", "+"}[e.Op] + sexpr(e.Operand) + ")"
	case *ast.Between:
		return "(" + sexpr(e.Value) + not(e.Not) + " BETWEEN " + sexpr(e.Low) + " AND " + sexpr(e.High) + ")"
	case *ast.In:
		return "(" + sexpr(e.Value) + not(e.Not) + " IN [" + sexprs(e.List) + "])"
	case *ast.Like:
		s := "(" + sexpr(e.Value) + not(e.Not) + " LIKE " + sexpr(e.Pattern)
		if e.Escape != "" {
			s += " ESCAPE " + fmt.Sprintf("%q", e.Escape)
		}
		return s + ")"
	case *ast.IsNull:
		return "(" + sexpr(e.Value) + " IS" + not(e.Not) + " NULL)"
	case *ast.Case:
		s := "(CASE"
		if e.Operand != nil {
			s += " " + sexpr(e.Operand)
		}
		for _, w := range e.Whens {
			s += " WHEN " + sexpr(w.When) + " THEN " + sexpr(w.Then)
		}
		if e.Else != nil {
			s += " ELSE " + sexpr(e.Else)
		}
		return s + " END)"
	case *ast.Cast:
		return "CAST(" + sexpr(e.Value) + " AS " + typeString(e.Type) + ")"
	case *ast.Lambda:
		return "((" + strings.Join(e.Params, ", ") + ") => " + sexpr(e.Body) + ")"
	case *ast.ArrayCtor:
		return "ARRAY[" + sexprs(e.Elems) + "]"
	case *ast.MapCtor:
		var parts []string
		for i := range e.Keys {
			parts = append(parts, sexpr(e.Keys[i])+" := "+sexpr(e.Values[i]))
		}
		return "MAP(" + strings.Join(parts, ", ") + ")"
	case *ast.StructCtor:
		var parts []string
		for i := range e.Names {
			parts = append(parts, e.Names[i]+" := "+sexpr(e.Values[i]))
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case *ast.TimeUnit:
		return "<" + e.Unit + ">"
	}
	return fmt.Sprintf("<%T>", e)
}

func sexprs(es []ast.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = sexpr(e)
	}
	return strings.Join(parts, ", ")
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func typeString(t *ast.Type) string {
	switch t.Kind {
	case ast.TypeArray:
		return "ARRAY<" + typeString(t.Elem) + ">"
	case ast.TypeMap:
		return "MAP<" + typeString(t.Key) + ", " + typeString(t.Value) + ">"
	case ast.TypeStruct:
		var parts []string
		for _, f := range t.Fields {
			parts = append(parts, fmt.Sprintf("%q %s", f.Name, typeString(f.Type)))
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	case ast.TypeDecimal:
		return fmt.Sprintf("DECIMAL(%d, %d)", t.Precision, t.Scale)
	case ast.TypeCustom:
		return "CUSTOM " + t.Name
	}
	return enumNames[reflectTypeOfTypeKind][t.Kind]
}
