package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkPullQueryRoundTrip times one client's sequential pull queries
// over HTTP on a windowed table, as B8 of bench/ does: the whole round trip
// (client, HTTP, parse, plan, end offsets, view lookup, answer).
func BenchmarkPullQueryRoundTrip(b *testing.B) {
	s := startServerWith(b, testConfig(b), io.Discard)
	base := "http://" + s.Addr()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	call := func(path, sql string, props ...string) []byte {
		streamsProps := map[string]any{}
		for i := 0; i+1 < len(props); i += 2 {
			streamsProps[props[i]] = props[i+1]
		}
		body, _ := json.Marshal(map[string]any{"ksql": sql, "streamsProperties": streamsProps})
		resp, err := client.Post(base+path, "application/vnd.ksql.v1+json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			b.Fatalf("%s %q: %d %s", path, sql, resp.StatusCode, out)
		}
		return out
	}
	call("/ksql", `CREATE STREAM bids (auction BIGINT, price BIGINT) WITH (kafka_topic='bids', value_format='JSON', partitions=4);
CREATE TABLE counts AS SELECT auction, COUNT(*) AS n FROM bids WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS) GROUP BY auction EMIT CHANGES;`)
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...), kgo.DefaultProduceTopic("bids"))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	const auctions, bids = 100, 10_000
	recs := make([]*kgo.Record, bids)
	for i := range recs {
		recs[i] = &kgo.Record{Key: fmt.Appendf(nil, "%d", i%auctions),
			Value:     fmt.Appendf(nil, `{"auction":%d,"price":%d}`, i%auctions, i),
			Timestamp: time.UnixMilli(int64(i) * 100)}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	// Wait until the table holds every auction's last window (auctions
	// are spread over partitions, which the query reads at its own pace).
	deadline := time.Now().Add(time.Minute)
	for a := range auctions {
		last := (bids - auctions + a) * 100
		for !strings.Contains(string(call("/query", fmt.Sprintf("SELECT * FROM counts WHERE auction = %d AND WINDOWSTART >= %d;", a, last-8000))), `"row"`) {
			if time.Now().After(deadline) {
				b.Fatal("table never filled")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, mode := range []struct {
		name  string
		props []string
	}{
		{"default", nil}, // ksqlDB's consistency: the restored view answers at once
		{"read-your-writes", []string{"ksql.query.pull.max.allowed.offset.lag", "0"}}, // end offsets listed per query
	} {
		b.Run(mode.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				t := int64(i%900) * 1000
				out := call("/query", fmt.Sprintf("SELECT * FROM counts WHERE auction = %d AND WINDOWSTART >= %d AND WINDOWSTART < %d;", i%auctions, t, t+4000), mode.props...)
				if !bytes.Contains(out, []byte(`"row"`)) {
					b.Fatalf("no rows: %s", out)
				}
				i++
			}
		})
	}
}
