package parser

import (
	"fmt"
	"testing"
)

func BenchmarkParseCSAS(b *testing.B) {
	const sql = "CREATE TABLE out WITH (kafka_topic='out', value_format='JSON') AS SELECT l.id, COUNT(*) AS cnt, SUM(r.amount * 1.5) total FROM l LEFT JOIN r WITHIN 10 SECONDS ON l.id = r.id WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) WHERE l.x IS NOT NULL AND r.y IN (1, 2, 3) GROUP BY l.id HAVING COUNT(*) > 1 EMIT CHANGES;"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(sql); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePullQuery(b *testing.B) {
	const sql = "SELECT * FROM users WHERE id = 'abc';"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(sql); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseWindowedPullQuery(b *testing.B) {
	const sql = "SELECT * FROM b3 WHERE auction_key = '1234' AND WINDOWSTART >= 1700000000000 AND WINDOWSTART < 1700000060000;"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(sql); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCachedWindowedPullQuery(b *testing.B) {
	c := NewCache(16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		sql := fmt.Sprintf("SELECT * FROM b3 WHERE auction_key = '%d' AND WINDOWSTART >= %d AND WINDOWSTART < %d;", i%1000, 1700000000000+i, 1700000060000+i)
		if _, err := c.Parse(sql); err != nil {
			b.Fatal(err)
		}
	}
}
