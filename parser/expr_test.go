package parser

import (
	"fmt"
	"strings"
	"testing"
)

// exprCases exercise precedence, associativity and every expression form;
// the resolved groupings are in testdata/expressions.golden.
var exprCases = []string{
	// arithmetic precedence and associativity
	"1 + 2 * 3",
	"(1 + 2) * 3",
	"a - b - c",
	"a / b * c % d",
	"-a * b",
	"-a[1]",
	"- - a",
	"+a",
	"a + b || c + d",
	"a || b || c",
	"a * b + c * d",
	// boolean precedence
	"a OR b AND c",
	"(a OR b) AND c",
	"NOT a AND b",
	"NOT a = b",
	"NOT NOT a",
	"a = 1 OR b <> 2 AND c != 3",
	"a + 1 > b * 2",
	"a < b AND c <= d AND e > f AND g >= h",
	// predicates
	"a IS NULL",
	"a + 1 IS NOT NULL",
	"a IS DISTINCT FROM b",
	"a IS NOT DISTINCT FROM b + 1",
	"a BETWEEN 1 AND 2 AND b",
	"a NOT BETWEEN b - 1 AND b + 1",
	"a IN (1, 2, 3)",
	"a NOT IN ('x')",
	"a LIKE 'x%'",
	"a NOT LIKE 'x!%%' ESCAPE '!'",
	"NOT a LIKE b OR c IN (d)",
	// literals
	"NULL",
	"TRUE AND false",
	"123",
	"9223372036854775808",
	"1.5",
	"1.",
	".5",
	"1.5E3",
	"1e-3",
	"-1.5",
	"'it''s'",
	"''",
	// column references, dereference, subscripts
	"col",
	"t.col",
	"`t`.`My Col`",
	"\"quoted\"\"id\"",
	"s->f",
	"a.s->f->g",
	"s->f[1]->g",
	"arr[1][2]",
	"m['k']->x",
	"(a)->b",
	"key + value + size + timestamp + date + time + type + topic + format + window",
	// function calls
	"COUNT(*)",
	"count()",
	"SUBSTRING(s, 1, 2)",
	"ucase(s)",
	"`myFunc`(x)",
	"TIMESTAMPADD(SECONDS, 5, ts)",
	"DATEADD(DAY, 1, d)",
	"f(MILLISECOND, hours, MINUTES)",
	"TRANSFORM(arr, x => x + 1)",
	"REDUCE(arr, 0, (s, x) => s + x)",
	"TRANSFORM(m, (k, v) => UCASE(k), (k, v) => v * 2)",
	"FILTER(a, (x) => x > 1 AND x < 5)",
	// constructors, CASE, CAST
	"ARRAY[1, 2, 3]",
	"ARRAY[]",
	"MAP('a' := 1, 'b' := x + 1)",
	"MAP()",
	"STRUCT(a := 1, `B c` := 'x')",
	"STRUCT()",
	"CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'neg' END",
	"CASE a WHEN 1 THEN 'one' END",
	"CAST(a AS DECIMAL(5, 2)) + 1",
	"CAST(x AS ARRAY<MAP<STRING, STRUCT<`a` INT, b BIGINT>>>)",
	"CAST(x AS address)",
}

func TestExpressions(t *testing.T) {
	var out strings.Builder
	for _, src := range exprCases {
		e, err := ParseExpr(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		fmt.Fprintf(&out, "%s\n  => %s\n", src, sexpr(e))
	}
	checkGolden(t, "expressions.golden", out.String())
}

// TestExpressionDump pins positions and node details of a few expressions.
func TestExpressionDump(t *testing.T) {
	var out strings.Builder
	for _, src := range []string{
		"a.b->c[1] + -2.50 * f(x, SECONDS)",
		"CASE\n  WHEN x IS NULL THEN 1e3\n  ELSE NULL\nEND",
		"FILTER(a, (x, y) => x NOT IN (y, 1))",
	} {
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		fmt.Fprintf(&out, "== %s\n%s\n", src, dump(e))
	}
	checkGolden(t, "expression_dump.golden", out.String())
}

var typeCases = []string{
	"INT",
	"integer",
	"BIGINT",
	"boolean",
	"DOUBLE",
	"DECIMAL(38, 0)",
	"STRING",
	"VARCHAR",
	"BYTES",
	"DATE",
	"TIME",
	"TIMESTAMP",
	"ARRAY<STRING>",
	"MAP<STRING, INT>",
	"MAP<INT, ARRAY<STRUCT<A INT>>>",
	"STRUCT<A INT>",
	"STRUCT<`a` INT, \"B\" STRING, c STRUCT<d ARRAY<INT>>>",
	"STRUCT<>",
	"ADDRESS",
	"`MyType`",
}

func TestTypes(t *testing.T) {
	var out strings.Builder
	for _, src := range typeCases {
		ty, err := ParseType(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		fmt.Fprintf(&out, "%s\n  => %s\n", src, typeString(ty))
	}
	checkGolden(t, "types.golden", out.String())
}
