package parser

import (
	"reflect"
	"strings"
	"testing"

	"github.com/eddysql/eddy/parser/ast"
)

// The cache's answer for a text is what Parse gives for it, whether the
// text is new, a repeat, or the same shape with other literals.
func TestCacheGivesWhatParseGives(t *testing.T) {
	c := NewCache(16)
	for _, sql := range []string{
		"SELECT * FROM b3 WHERE auction_key = '1000' AND WINDOWSTART >= 1700000000000 AND WINDOWSTART < 1700000060000;",
		"SELECT * FROM b3 WHERE auction_key = '1000' AND WINDOWSTART >= 1700000000000 AND WINDOWSTART < 1700000060000;",
		"SELECT * FROM b3 WHERE auction_key = 'it''s' AND WINDOWSTART >= 17 AND WINDOWSTART < 1700000060000999;",
		"SELECT * FROM b3 WHERE auction_key = 'é' AND WINDOWSTART >= 1 AND WINDOWSTART < 2;",
		"SELECT a, b * 1.5, 'x' AS c, 2.5E3 FROM t WHERE id IN ('a', 'bb', 'ccc') LIMIT 5;",
		"SELECT a, b * 12.25, 'xyz' AS c, 2.5e-3 FROM t WHERE id IN ('aaaa', 'b', 'c') LIMIT 5;",
		"SELECT a, b * 12.25, 'xyz' AS c, 2.5e-3 FROM t WHERE id IN ('aaaa', 'b', 'c') LIMIT 7;",
		"SELECT * FROM t\n  WHERE k = 'line two' AND v LIKE 'a!%' ESCAPE '!' EMIT CHANGES;",
		"SELECT * FROM t\n  WHERE k = 'l2' AND v LIKE 'b!%%' ESCAPE '!' EMIT CHANGES;",
		"SELECT * FROM t\n  WHERE k = 'l2' AND v LIKE 'b!%%' ESCAPE '#' EMIT CHANGES;",
		"SELECT CAST(x AS DECIMAL(10, 2)), ARRAY[1, 2][1], col1 FROM t WINDOW TUMBLING (SIZE 10 SECONDS) WHERE x = -5 EMIT CHANGES;",
		"SELECT CAST(x AS DECIMAL(10, 2)), ARRAY[1, 3][2], col1 FROM t WINDOW TUMBLING (SIZE 10 SECONDS) WHERE x = -6 EMIT CHANGES;",
		"SELECT CAST(x AS DECIMAL(10, 2)), ARRAY[1, 3][2], col1 FROM t WINDOW TUMBLING (SIZE 20 SECONDS) WHERE x = -6 EMIT CHANGES;",
		"SELECT CAST(x AS DECIMAL(12, 2)), ARRAY[1, 3][2], col1 FROM t WINDOW TUMBLING (SIZE 20 SECONDS) WHERE x = -6 EMIT CHANGES;",
		"SELECT * FROM `T1` WHERE `k` = 'a' AND x = 3;",
		"SELECT * FROM `T1` WHERE `k` = 'abc' AND x = 31;",
		// A literal over two lines moves what follows it to another line.
		"SELECT * FROM t WHERE k = 'a\nb' AND v = 1;",
		"SELECT * FROM t WHERE k = 'ab' AND v = 1;",
		"SELECT * FROM t WHERE k = 'a\nb' AND v = 1;",
	} {
		want, err := Parse(sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		got, err := c.Parse(sql)
		if err != nil {
			t.Fatalf("cached %s: %v", sql, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", sql, got[0], want[0])
		}
	}
	// The repeats and same shapes, not the texts whose LIMIT, window
	// size, type or ESCAPE differ from the text before.
	if c.hits != 7 {
		t.Fatalf("%d answers from the cache, want 7", c.hits)
	}
}

// A cached query is a copy: changing one answer does not change the next.
func TestCacheHandsOutCopies(t *testing.T) {
	c := NewCache(4)
	sql := "SELECT * FROM t WHERE k = 'a';"
	first, _ := c.Parse(sql)
	first[0].(*ast.Query).Where.(*ast.Binary).Right.(*ast.Literal).Text = "changed"
	second, _ := c.Parse(sql)
	if got := second[0].(*ast.Query).Where.(*ast.Binary).Right.(*ast.Literal).Text; got != "a" {
		t.Fatalf("second parse sees %q", got)
	}
}

// Statements the cache does not keep, and texts it cannot split, are
// parsed as Parse does, errors included.
func TestCacheLeavesOthersToParse(t *testing.T) {
	c := NewCache(4)
	for _, sql := range []string{
		"CREATE STREAM s (a INT) WITH (kafka_topic='t', value_format='JSON');",
		"SELECT * FROM t WHERE k = 'a' -- comment\n;",
		"SELECT * FROM t WHERE k = 1abc;",
		"SELECT * FROM t WHERE k = 'unterminated;",
		"SELECT 1; SELECT 2;",
	} {
		want, wantErr := Parse(sql)
		got, err := c.Parse(sql)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(err, wantErr) {
			t.Errorf("%s: got %v, %v; want %v, %v", sql, got, err, want, wantErr)
		}
	}
	if len(c.entries) != 0 {
		t.Fatalf("cached %d shapes", len(c.entries))
	}
}

// Every SELECT of ksqlDB's corpus, and the same SELECT with each literal
// changed (other lengths too), gets from the cache what Parse gives.
func TestCacheOnCorpus(t *testing.T) {
	stmts := corpusStatements(t)
	c := NewCache(1 << 16)
	n := 0
	for _, st := range stmts {
		sql := st.sql
		// The SELECTs of CREATE ... AS SELECT and INSERT INTO too.
		if i := strings.Index(strings.ToUpper(sql), "SELECT "); i > 0 {
			sql = sql[i:]
		}
		if !strings.HasPrefix(strings.ToUpper(sql), "SELECT") {
			continue
		}
		if _, err := Parse(sql); err != nil {
			continue
		}
		_, lits, ok := scan(sql)
		if !ok {
			continue
		}
		changed := perturb(sql, lits)
		hits := c.hits
		for _, text := range []string{sql, changed} {
			want, wantErr := Parse(text)
			got, err := c.Parse(text)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(err, wantErr) {
				t.Errorf("%s:\n got %#v, %v\nwant %#v, %v", text, got, err, want, wantErr)
			}
		}
		if c.hits > hits {
			n++
		}
	}
	if n == 0 {
		t.Skip("no SELECT of the corpus came from the cache")
	}
	t.Logf("%d changed SELECTs answered from the cache", n)
}

// perturb changes every literal of sql: numbers get more digits, strings
// other characters.
func perturb(sql string, lits []scanned) string {
	var b strings.Builder
	from := 0
	for _, l := range lits {
		b.WriteString(sql[from:l.off])
		switch l.class {
		case 'S':
			b.WriteString("'é" + l.text[1:len(l.text)-1] + "''x'")
		case 'I':
			if len(l.text) < 15 {
				b.WriteString("1" + l.text)
			} else {
				b.WriteString(l.text)
			}
		default:
			b.WriteString("2" + l.text)
		}
		from = l.off + len(l.text)
	}
	b.WriteString(sql[from:])
	return b.String()
}
