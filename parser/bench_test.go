package parser

import "testing"

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
