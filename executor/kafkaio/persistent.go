// Package kafkaio runs topologies over Kafka with franz-go: consumer
// groups for persistent queries, direct consumers for push queries and
// PRINT, and producers for sinks.
package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/ops"
)

// PersistentConfig configures one persistent query.
type PersistentConfig struct {
	Brokers []string
	// GroupID is the consumer group, _confluent-ksql-<service>query_<id>.
	GroupID string
	// Build returns a fresh topology writing to emitter; it is called once
	// per assigned partition so that each task owns its operators.
	Build func(emitter ops.Emitter) (*ops.Topology, error)
	// Topics are the source topics.
	Topics []string
	// ResetEarliest starts from the beginning when the group has no
	// committed offset (auto.offset.reset=earliest).
	ResetEarliest bool
	Log           *slog.Logger
	// ClientOpts are extra franz-go options (security, tuning).
	ClientOpts []kgo.Opt
}

// RunPersistent consumes the source topics in the query's consumer group
// until ctx is cancelled. Offsets are committed only after the records
// produced from them are acknowledged (at-least-once).
func RunPersistent(ctx context.Context, cfg PersistentConfig) error {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	producer, err := kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ProducerLinger(5 * time.Millisecond),
		kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)),
	}, cfg.ClientOpts...)...)
	if err != nil {
		return fmt.Errorf("creating producer: %w", err)
	}
	defer producer.Close()
	em := &emitter{client: producer}

	reset := kgo.NewOffset().AtEnd()
	if cfg.ResetEarliest {
		reset = kgo.NewOffset().AtStart()
	}
	var mu sync.Mutex
	tasks := map[taskKey]*ops.Topology{}
	var consumer *kgo.Client
	commit := func(ctx context.Context, cl *kgo.Client) error {
		if err := producer.Flush(ctx); err != nil {
			return err
		}
		if err := em.err(); err != nil {
			return err
		}
		return cl.CommitUncommittedOffsets(ctx)
	}
	consumer, err = kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ConsumerGroup(cfg.GroupID),
		kgo.ConsumeTopics(cfg.Topics...),
		kgo.ConsumeResetOffset(reset),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
			if err := commit(ctx, cl); err != nil {
				log.Warn("commit on revoke failed", "group", cfg.GroupID, "error", err)
			}
			mu.Lock()
			for t, ps := range revoked {
				for _, p := range ps {
					delete(tasks, taskKey{t, p})
				}
			}
			mu.Unlock()
		}),
	}, cfg.ClientOpts...)...)
	if err != nil {
		return fmt.Errorf("creating consumer: %w", err)
	}
	defer consumer.Close()

	for {
		fetches := consumer.PollFetches(ctx)
		if ctx.Err() != nil {
			consumer.AllowRebalance()
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := commit(cctx, consumer)
			cancel()
			if err != nil {
				log.Warn("final commit failed", "group", cfg.GroupID, "error", err)
			}
			return nil
		}
		if errs := fetches.Errors(); len(errs) > 0 {
			for _, fe := range errs {
				if errors.Is(fe.Err, context.Canceled) {
					continue
				}
				log.Warn("fetch error", "group", cfg.GroupID, "topic", fe.Topic, "partition", fe.Partition, "error", fe.Err)
			}
		}
		var procErr error
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if procErr != nil || len(p.Records) == 0 {
				return
			}
			mu.Lock()
			topo, ok := tasks[taskKey{p.Topic, p.Partition}]
			mu.Unlock()
			if !ok {
				if topo, procErr = cfg.Build(em); procErr != nil {
					return
				}
				mu.Lock()
				tasks[taskKey{p.Topic, p.Partition}] = topo
				mu.Unlock()
			}
			for _, r := range p.Records {
				if procErr = topo.Process(ctx, FromKafka(r)); procErr != nil {
					return
				}
			}
		})
		if procErr == nil {
			procErr = commit(ctx, consumer)
		}
		consumer.AllowRebalance()
		if procErr != nil {
			if ctx.Err() != nil {
				return nil
			}
			return procErr
		}
	}
}

type taskKey struct {
	topic     string
	partition int32
}

// FromKafka converts a franz-go record.
func FromKafka(r *kgo.Record) *ops.Raw {
	raw := &ops.Raw{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: r.Timestamp.UnixMilli(),
		Partition: r.Partition, Offset: r.Offset}
	if len(r.Headers) > 0 {
		raw.Headers = make([]ops.Header, len(r.Headers))
		for i, h := range r.Headers {
			raw.Headers[i] = ops.Header{Key: h.Key, Value: h.Value}
		}
	}
	return raw
}

// emitter produces sink records asynchronously and remembers the first
// failure so the next commit fails instead of skipping lost output.
type emitter struct {
	client *kgo.Client
	mu     sync.Mutex
	first  error
}

func (e *emitter) Emit(ctx context.Context, r *ops.Raw) error {
	if err := e.err(); err != nil {
		return err
	}
	rec := &kgo.Record{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
	for _, h := range r.Headers {
		rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	e.client.Produce(ctx, rec, func(_ *kgo.Record, err error) {
		if err != nil {
			e.mu.Lock()
			if e.first == nil {
				e.first = fmt.Errorf("producing to %s: %w", r.Topic, err)
			}
			e.mu.Unlock()
		}
	})
	return nil
}

func (e *emitter) err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.first
}
