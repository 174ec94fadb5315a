// Package datagen produces sample data for the quickstarts of ksqlDB's
// course material (pageviews, users, orders, clickstream), so that a
// newcomer has a stream to query.
package datagen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Record is one generated record: its key and JSON value.
type Record struct {
	Key   string
	Value map[string]any
}

// Generator makes the i-th record of a quickstart.
type Generator func(r *rand.Rand, i int64, now time.Time) Record

// Quickstarts are the generators by name, with the key their records use.
var Quickstarts = map[string]Generator{
	"pageviews": func(r *rand.Rand, i int64, now time.Time) Record {
		user := fmt.Sprintf("User_%d", 1+r.IntN(9))
		return Record{Key: fmt.Sprint(i), Value: map[string]any{
			"viewtime": now.UnixMilli(), "userid": user, "pageid": fmt.Sprintf("Page_%d", 1+r.IntN(99)),
		}}
	},
	"users": func(r *rand.Rand, i int64, now time.Time) Record {
		user := fmt.Sprintf("User_%d", 1+r.IntN(9))
		regions := []string{"Region_1", "Region_2", "Region_3", "Region_4", "Region_5", "Region_6", "Region_7", "Region_8", "Region_9"}
		genders := []string{"MALE", "FEMALE", "OTHER"}
		return Record{Key: user, Value: map[string]any{
			"registertime": now.Add(-time.Duration(r.IntN(1_000_000)) * time.Second).UnixMilli(),
			"userid":       user, "regionid": regions[r.IntN(len(regions))], "gender": genders[r.IntN(len(genders))],
		}}
	},
	"orders": func(r *rand.Rand, i int64, now time.Time) Record {
		return Record{Key: fmt.Sprint(i), Value: map[string]any{
			"ordertime": now.UnixMilli(), "orderid": i, "itemid": fmt.Sprintf("Item_%d", 1+r.IntN(999)),
			"orderunits": 1 + r.Float64()*9,
			"address": map[string]any{
				"city": fmt.Sprintf("City_%d", 1+r.IntN(99)), "state": fmt.Sprintf("State_%d", 1+r.IntN(99)),
				"zipcode": 10000 + r.IntN(90000),
			},
		}}
	},
	"clickstream": func(r *rand.Rand, i int64, now time.Time) Record {
		ip := fmt.Sprintf("111.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256))
		statuses := []int{200, 302, 404, 405, 406, 407}
		return Record{Key: ip, Value: map[string]any{
			"_time": now.UnixMilli(), "time": now.UTC().Format("02/Jan/2006:15:04:05 -0700"), "ip": ip,
			"request": fmt.Sprintf("GET /site/user_status.html?id=%d HTTP/1.1", r.IntN(100)),
			"status":  statuses[r.IntN(len(statuses))], "userid": 1 + r.IntN(40),
			"bytes": 256 + r.IntN(4096), "agent": "Mozilla/5.0 (compatible)",
		}}
	},
}

// Config says what to produce.
type Config struct {
	Brokers    []string
	Quickstart string
	Topic      string
	// Rate is records per second; 0 produces as fast as possible.
	Rate float64
	// Iterations stops after this many records; 0 runs until ctx ends.
	Iterations int64
	Seed       uint64
}

// Run produces records until ctx ends or the iterations are done, and
// returns how many it produced.
func Run(ctx context.Context, cfg Config) (int64, error) {
	gen, ok := Quickstarts[cfg.Quickstart]
	if !ok {
		return 0, fmt.Errorf("unknown quickstart %q: choose pageviews, users, orders or clickstream", cfg.Quickstart)
	}
	topic := cfg.Topic
	if topic == "" {
		topic = cfg.Quickstart
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.Brokers...))
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	// The topic may not exist yet (brokers, like Eddy's embedded one, may
	// not create topics on first use): make it with one partition.
	if resp, err := kadm.NewClient(cl).CreateTopics(ctx, 1, -1, nil, topic); err != nil {
		return 0, fmt.Errorf("creating topic %s: %w", topic, err)
	} else if r, ok := resp[topic]; ok && r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
		return 0, fmt.Errorf("creating topic %s: %w", topic, r.Err)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	var tick <-chan time.Time
	if cfg.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / cfg.Rate))
		defer t.Stop()
		tick = t.C
	}
	var n int64
	for cfg.Iterations == 0 || n < cfg.Iterations {
		if tick != nil {
			select {
			case <-ctx.Done():
				return n, cl.Flush(context.Background())
			case <-tick:
			}
		} else if ctx.Err() != nil {
			break
		}
		rec := gen(rng, n, time.Now())
		value, err := json.Marshal(rec.Value)
		if err != nil {
			return n, err
		}
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte(rec.Key), Value: value}).FirstErr(); err != nil {
			if ctx.Err() != nil {
				break
			}
			return n, fmt.Errorf("producing to %s: %w", topic, err)
		}
		n++
	}
	return n, nil
}
