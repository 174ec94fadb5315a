package parser

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// errorCases pin the position of each error; the messages are in
// testdata/errors.golden.
var errorCases = []struct {
	kind      string // stmt, expr or type
	src       string
	line, col int
}{
	{"stmt", "SELECT * FORM t", 1, 10},
	{"stmt", "SELECT a, FROM t", 1, 11},
	{"stmt", "CREATE STREAM s (a INT,) WITH (kafka_topic='x')", 1, 24},
	{"stmt", "SELECT * FROM t WHERE", 1, 22},
	{"stmt", "SHOW STREAMS;\nSELECT *\n  FROM t WHERE a = = 1;", 3, 20},
	{"stmt", "SELECT * FROM t; DROP", 1, 22},
	{"stmt", "SELECT 'unterminated FROM t", 1, 8},
	{"stmt", "SELECT a # b FROM t", 1, 10},
	{"stmt", "CREATE STREAM s (a DECIMAL) WITH (kafka_topic='x')", 1, 20},
	{"stmt", "CREATE STREAM s (a DECIMAL(2, 5)) WITH (kafka_topic='x')", 1, 31},
	{"stmt", "CREATE STREAM s (a DECIMAL(0, 0)) WITH (kafka_topic='x')", 1, 28},
	{"stmt", "CREATE STREAM s (a INT(3)) WITH (kafka_topic='x')", 1, 24},
	{"stmt", "SELECT COUNT(*) FROM t WINDOW TUMBLING (SIZE 30 FORTNIGHTS) GROUP BY k", 1, 49},
	{"stmt", "SELECT COUNT(*) FROM t WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 1 SECOND, GRACE PERIOD 2 SECONDS) GROUP BY k", 1, 81},
	{"stmt", "SELECT * FROM a JOIN b WITHIN 5 EONS ON a.k = b.k", 1, 33},
	{"stmt", "CREATE STREAM s WITH (kafka_topic='a', KAFKA_TOPIC='b')", 1, 40},
	{"stmt", "SELECT * FROM t WHERE a LIKE 'x' ESCAPE 'ab'", 1, 41},
	{"stmt", "SELECT a FROM t LEFT JOIN", 1, 26},
	{"stmt", "SELECT select FROM t", 1, 8},
	{"stmt", "CREATE STREAM o AS SELECT a FROM t PARTITION BY ();", 1, 49},
	{"stmt", "SELECT * FROM t LIMIT 2.5;", 1, 23},
	{"stmt", "SELECT * FROM t LIMIT heh;", 1, 23},
	{"expr", "1 +", 1, 4},
	{"expr", "a b", 1, 3},
	{"type", "MAP<STRING>", 1, 11},
	{"type", "DECIMAL(10)", 1, 11},
}

func TestErrors(t *testing.T) {
	var out strings.Builder
	for _, tc := range errorCases {
		var err error
		switch tc.kind {
		case "stmt":
			_, err = Parse(tc.src)
		case "expr":
			_, err = ParseExpr(tc.src)
		case "type":
			_, err = ParseType(tc.src)
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: want *Error, got %v", tc.src, err)
			continue
		}
		if pe.Pos.Line != tc.line || pe.Pos.Col != tc.col {
			t.Errorf("%q: error at %d:%d, want %d:%d (%v)", tc.src, pe.Pos.Line, pe.Pos.Col, tc.line, tc.col, pe)
		}
		fmt.Fprintf(&out, "%s %q\n  => %s\n", tc.kind, tc.src, err)
	}
	checkGolden(t, "errors.golden", out.String())
}
