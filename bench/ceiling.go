package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/twmb/franz-go/pkg/kgo"
)

// bidRow is the decoded bid of the ceiling loops.
type bidRow struct {
	Auction  int64  `json:"auction"`
	Bidder   int64  `json:"bidder"`
	Price    int64  `json:"price"`
	Channel  string `json:"channel"`
	URL      string `json:"url"`
	DateTime int64  `json:"dateTime"`
	Extra    string `json:"extra"`
}

type countRow struct {
	Auction int64 `json:"auction"`
	Count   int64 `json:"count"`
}

// runCeiling is the hand-written loop Eddy is compared with: a franz-go
// consumer group reading the bid topic, encoding/json decode into a struct,
// encode, produce; offsets committed after every poll once the produced
// records are acknowledged, as Eddy's at-least-once runtime does. With
// stateful, each record also does a Pebble read-modify-write (a count per
// auction) in an indexed batch committed with Sync after every poll, as
// Eddy's state store does.
//
// With tuned, Pebble gets bloom filters and a 64 MB block cache instead of
// its defaults (no filters, 8 MB), the options Eddy's state store lacks.
func (b *bench) runCeiling(ctx context.Context, id string, stateful, tuned bool) result {
	name := "plain franz-go consume -> encoding/json decode -> encode -> produce"
	if stateful {
		name += " + Pebble read-modify-write"
	}
	if tuned {
		name += " (bloom filters, 64 MB block cache)"
	}
	res := result{ID: id, Name: name}
	total, totalBytes := b.counts["bid"], b.bytes["bid"]
	out := "ceiling_" + id
	if err := b.env.createTopic(ctx, out, 1); err != nil {
		res.Status, res.Error = "failed", err.Error()
		return res
	}
	resetPeakRSS()
	m := &meter{start: now()}
	err := func() error {
		cons, err := kgo.NewClient(kgo.SeedBrokers(b.env.brokers...), kgo.ConsumerGroup("ceiling-"+id),
			kgo.ConsumeTopics("bid"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
		if err != nil {
			return err
		}
		defer cons.Close()
		prod, err := kgo.NewClient(kgo.SeedBrokers(b.env.brokers...), kgo.ProducerLinger(5*time.Millisecond))
		if err != nil {
			return err
		}
		defer prod.Close()
		var db *pebble.DB
		if stateful {
			opts := &pebble.Options{}
			if tuned {
				cache := pebble.NewCache(64 << 20)
				defer cache.Unref()
				opts.Cache = cache
				opts.Levels = make([]pebble.LevelOptions, 7)
				for i := range opts.Levels {
					opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
				}
			}
			if db, err = pebble.Open(filepath.Join(b.stateDir, "ceiling-"+id), opts); err != nil {
				return err
			}
			defer db.Close()
		}
		var done int64
		var perr error
		deadline := time.Now().Add(b.timeout)
		for done < total {
			if time.Now().After(deadline) {
				return fmt.Errorf("not drained after %s: %d of %d", b.timeout, done, total)
			}
			fs := cons.PollFetches(ctx)
			if err := fs.Err0(); err != nil && !errors.Is(err, context.Canceled) {
				return err
			}
			var batch *pebble.Batch
			if db != nil {
				batch = db.NewIndexedBatch()
			}
			var procErr error
			fs.EachRecord(func(rec *kgo.Record) {
				if procErr != nil {
					return
				}
				var row bidRow
				if err := json.Unmarshal(rec.Value, &row); err != nil {
					procErr = err
					return
				}
				var v []byte
				if batch != nil {
					var n int64
					cur, closer, err := batch.Get(rec.Key)
					if err == nil {
						n = int64(binary.BigEndian.Uint64(cur))
						closer.Close()
					} else if !errors.Is(err, pebble.ErrNotFound) {
						procErr = err
						return
					}
					n++
					if err := batch.Set(rec.Key, binary.BigEndian.AppendUint64(nil, uint64(n)), nil); err != nil {
						procErr = err
						return
					}
					v, err = json.Marshal(countRow{Auction: row.Auction, Count: n})
					if err != nil {
						procErr = err
						return
					}
				} else if v, err = json.Marshal(&row); err != nil {
					procErr = err
					return
				}
				prod.Produce(ctx, &kgo.Record{Topic: out, Key: rec.Key, Value: v, Timestamp: rec.Timestamp},
					func(_ *kgo.Record, err error) {
						if err != nil && perr == nil {
							perr = err
						}
					})
				done++
			})
			if procErr != nil {
				return procErr
			}
			if err := prod.Flush(ctx); err != nil {
				return err
			}
			if perr != nil {
				return perr
			}
			if batch != nil {
				if err := batch.Commit(pebble.Sync); err != nil {
					return err
				}
			}
			if err := cons.CommitUncommittedOffsets(ctx); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		res.Status, res.Error = "failed", err.Error()
		return res
	}
	m.finish(&res, total, totalBytes)
	res.Status = "ok"
	res.OutputRecords = b.env.topicSize(ctx, out)
	return res
}
