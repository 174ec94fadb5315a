package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// runLatency measures B0's end-to-end latency at a fixed input rate: bids
// whose dateTime is the produce time in nanoseconds go to bid_live, the
// passthrough query copies them to b0l_out, and a consumer of b0l_out
// takes arrival minus produce time. The first second is warm-up.
func (b *bench) runLatency(ctx context.Context, rate int, dur time.Duration) result {
	res := result{ID: "B0-latency", Name: fmt.Sprintf("passthrough end-to-end latency at %d events/s", rate),
		LatencyRate: rate, Status: "ok"}
	q := querySpec{ID: "B0L", DDL: []string{ddlBid},
		Query: `CREATE STREAM b0l WITH (KAFKA_TOPIC='b0l_out') AS SELECT * FROM bid_b0l EMIT CHANGES;`}
	res.SQL = q.Query
	// bid_live is created with the other topics: Eddy lists topics from
	// franz-go's metadata cache (up to 5 s old), so a topic created just
	// before the statement may not be seen yet; retry for that long.
	var ents []ksqlEntity
	var err error
	for try := 0; ; try++ {
		ents, err = b.env.ksql(ctx, q.statements("bid_live"))
		if err == nil || try >= 12 || !strings.Contains(err.Error(), "does not exist") {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		res.Status, res.Error = "failed", err.Error()
		return res
	}
	defer b.terminate(ctx, q, queryID(ents))

	cons, err := kgo.NewClient(kgo.SeedBrokers(b.env.brokers...), kgo.ConsumeTopics("b0l_out"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond))
	if err != nil {
		res.Status, res.Error = "failed", err.Error()
		return res
	}
	defer cons.Close()
	prod, err := kgo.NewClient(kgo.SeedBrokers(b.env.brokers...), kgo.ProducerLinger(0))
	if err != nil {
		res.Status, res.Error = "failed", err.Error()
		return res
	}
	defer prod.Close()

	warm := time.Second
	start := time.Now()
	measureFrom := start.Add(warm).UnixNano()
	total := int(float64(rate) * (warm + dur).Seconds())
	var (
		mu   sync.Mutex
		lats []time.Duration
		got  int
	)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	consDone := make(chan struct{})
	go func() {
		defer close(consDone)
		for got < total {
			fs := cons.PollFetches(cctx)
			if cctx.Err() != nil {
				return
			}
			arrive := time.Now().UnixNano()
			fs.EachRecord(func(r *kgo.Record) {
				var v map[string]json.Number
				d := json.NewDecoder(bytesReader(r.Value))
				d.UseNumber()
				var raw map[string]any
				if d.Decode(&raw) != nil {
					return
				}
				_ = v
				n, ok := raw["DATETIME"].(json.Number)
				if !ok {
					return
				}
				sent, err := strconv.ParseInt(string(n), 10, 64)
				if err != nil {
					return
				}
				mu.Lock()
				got++
				if sent >= measureFrom {
					lats = append(lats, time.Duration(arrive-sent))
				}
				mu.Unlock()
			})
		}
	}()

	g := newGen(b.sizes)
	interval := time.Second / time.Duration(rate)
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		r := g.bid(i, time.Now().UnixNano())
		prod.Produce(ctx, &kgo.Record{Topic: "bid_live", Key: r.Key, Value: r.Value}, nil)
	}
	select {
	case <-consDone:
	case <-time.After(30 * time.Second):
		cancel()
		<-consDone
		res.Status, res.Error = "timeout", fmt.Sprintf("%d of %d records arrived", got, total)
	}
	mu.Lock()
	defer mu.Unlock()
	res.LatencySamples = len(lats)
	res.LatencyP50Ms = percentile(lats, 0.50)
	res.LatencyP99Ms = percentile(lats, 0.99)
	res.Events = int64(total)
	return res
}
