// Package kafkaio runs topologies over Kafka with franz-go: consumer
// groups for persistent queries, direct consumers for push queries and
// PRINT, producers for sinks, and changelog topics for state.
package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/state"
)

// PersistentConfig configures one persistent query.
type PersistentConfig struct {
	Brokers []string
	// GroupID is the consumer group, _confluent-ksql-<service>query_<id>.
	GroupID string
	// Build returns a fresh topology writing to emitter with state in
	// stores; it is called once per task (input partition).
	Build func(emitter ops.Emitter, stores func(string) (ops.Store, error)) (*ops.Topology, error)
	// Topics are the topics to consume: sources and internal topics.
	Topics []string
	// ResetEarliest starts from the beginning when the group has no
	// committed offset (auto.offset.reset=earliest).
	ResetEarliest bool
	// StateDir holds the query's task state, one Pebble DB per partition.
	StateDir string
	// ChangelogTopic names a store's changelog topic.
	ChangelogTopic func(store string) string
	Log            *slog.Logger
	// ClientOpts are extra franz-go options (security, tuning).
	ClientOpts []kgo.Opt
	// ExactlyOnce selects processing.guarantee=exactly_once_v2: sink
	// records, changelog records and input offsets are committed in one
	// Kafka transaction per commit interval (see eos.go). The default is
	// at-least-once.
	ExactlyOnce bool
}

// task is the state of one input partition: its topology and stores.
type task struct {
	partition int32
	topo      *ops.Topology
	state     *state.Task
	mu        sync.Mutex
	// changelogNext is the next offset of each store's changelog, learned
	// from produce acknowledgements, committed with the task's checkpoint.
	changelogNext map[string]int64
	inputs        map[string]map[int32]int64
}

// RunPersistent consumes the query's topics in its consumer group until
// ctx is cancelled. A partition's records go to the task of that
// partition; offsets are committed only after the records produced from
// them and the state written for them are durable (at-least-once).
func RunPersistent(ctx context.Context, cfg PersistentConfig) error {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	r := &persistent{cfg: cfg, log: log, tasks: map[int32]*task{}}
	if cfg.ExactlyOnce {
		return r.runExactlyOnce(ctx)
	}
	var err error
	if r.producer, err = kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(cfg.Brokers...), kgo.ProducerLinger(5 * time.Millisecond)},
		cfg.ClientOpts...)...); err != nil {
		return fmt.Errorf("creating producer: %w", err)
	}
	defer r.producer.Close()
	// Changelog records go to the partition of their task, not to the
	// partition their key hashes to.
	if r.changelogs, err = kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(cfg.Brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(5 * time.Millisecond)}, cfg.ClientOpts...)...); err != nil {
		return fmt.Errorf("creating changelog producer: %w", err)
	}
	defer r.changelogs.Close()
	r.em = newEmitter(r.producer)
	reset := kgo.NewOffset().AtEnd()
	if cfg.ResetEarliest {
		reset = kgo.NewOffset().AtStart()
	}
	r.consumer, err = kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ConsumerGroup(cfg.GroupID),
		kgo.ConsumeTopics(cfg.Topics...),
		kgo.ConsumeResetOffset(reset),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		taskBalancers,
		kgo.OnPartitionsRevoked(r.revoked),
		kgo.OnPartitionsLost(r.revoked),
	}, cfg.ClientOpts...)...)
	if err != nil {
		return fmt.Errorf("creating consumer: %w", err)
	}
	defer r.consumer.Close()
	defer r.closeTasks()
	return r.loop(ctx)
}

type persistent struct {
	cfg        PersistentConfig
	log        *slog.Logger
	producer   *kgo.Client
	changelogs *kgo.Client
	consumer   *kgo.Client
	em         *emitter
	mu         sync.Mutex
	tasks      map[int32]*task

	// Exactly-once only (eos.go): the transactional consumer-producer
	// that replaces producer, changelogs and consumer, its partitioner,
	// and the partitions whose tasks a rebalance took away, to be closed
	// by the loop between transactions.
	sess    *kgo.GroupTransactSession
	parts   *changelogPartitioner
	dropped map[int32]bool
}

func (r *persistent) loop(ctx context.Context) error {
	for {
		fetches := r.consumer.PollFetches(ctx)
		if ctx.Err() != nil {
			r.consumer.AllowRebalance()
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := r.commit(cctx, r.consumer)
			cancel()
			if err != nil {
				r.log.Warn("final commit failed", "group", r.cfg.GroupID, "error", err)
			}
			return nil
		}
		for _, fe := range fetches.Errors() {
			if !errors.Is(fe.Err, context.Canceled) {
				r.log.Warn("fetch error", "group", r.cfg.GroupID, "topic", fe.Topic, "partition", fe.Partition, "error", fe.Err)
			}
		}
		procErr := r.process(ctx, fetches, true)
		if procErr == nil {
			procErr = r.commit(ctx, r.consumer)
		}
		r.consumer.AllowRebalance()
		if procErr != nil {
			if ctx.Err() != nil {
				return nil
			}
			return procErr
		}
	}
}

// process runs a poll's records through their tasks, in each task's
// timestamp order. skipDone skips records the task's local state already
// reflects (at-least-once: a crash came between the state commit and the
// offset commit); under exactly-once state and offsets commit together.
func (r *persistent) process(ctx context.Context, fetches kgo.Fetches, skipDone bool) error {
	for _, b := range byTask(fetches) {
		first := b.records[0]
		t, err := r.task(ctx, b.partition, first.Topic, first.Offset)
		if err != nil {
			return err
		}
		for _, rec := range b.records {
			if skipDone && rec.Offset < t.done(rec.Topic, rec.Partition) {
				continue
			}
			if err := t.topo.Process(ctx, FromKafka(rec)); err != nil {
				return err
			}
			t.noteInput(rec.Topic, rec.Partition, rec.Offset+1)
		}
	}
	return nil
}

// done returns the next input offset the task's state already reflects.
func (t *task) done(topic string, partition int32) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.inputs[topic][partition]
}

func (t *task) noteInput(topic string, partition int32, next int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inputs[topic] == nil {
		t.inputs[topic] = map[int32]int64{}
	}
	t.inputs[topic][partition] = next
}

// task returns the task of a partition, opening its state and restoring
// it from the changelogs first; topic and first are where the first fetch
// for the partition starts.
func (r *persistent) task(ctx context.Context, partition int32, topic string, first int64) (*task, error) {
	r.mu.Lock()
	t, ok := r.tasks[partition]
	r.mu.Unlock()
	if ok {
		return t, nil
	}
	dir := filepath.Join(r.cfg.StateDir, strconv.Itoa(int(partition)))
	t, cp, err := r.openTask(ctx, partition, dir)
	if err != nil {
		return nil, err
	}
	if r.cfg.ExactlyOnce {
		if t, err = r.restoreExactlyOnce(ctx, t, cp, dir, topic, first); err != nil {
			return nil, err
		}
	} else if local, ok := cp.Inputs[topic][partition]; !ok || first > local {
		// Local state at or past the group's position is authoritative: the
		// inputs it already reflects are skipped and its changelog tail (writes
		// not yet committed locally) is reproduced by processing them again.
		// Without local state, or behind the group (another member moved on),
		// the changelog brings the state up to date.
		if err := r.restore(ctx, t, cp); err != nil {
			t.state.Close()
			return nil, err
		}
	} else {
		for name, o := range cp.Changelogs {
			t.changelogNext[name] = o
		}
	}
	r.mu.Lock()
	r.tasks[partition] = t
	r.mu.Unlock()
	return t, nil
}

// openTask opens the state of a partition in dir and builds its
// topology; inputs are loaded from the local checkpoint, which is returned.
func (r *persistent) openTask(ctx context.Context, partition int32, dir string) (*task, state.Checkpoint, error) {
	t := &task{partition: partition, changelogNext: map[string]int64{}, inputs: map[string]map[int32]int64{}}
	// A store's changelog topic and acknowledgement callback are made
	// once: the hook runs for every state write, on the task's goroutine.
	type changelog struct {
		topic string
		acked func(*kgo.Record, error)
	}
	changelogs := map[string]changelog{}
	st, err := state.OpenTask(dir, state.WithLogger(r.log), state.WithChangelog(func(store string, key, value []byte) {
		cl, ok := changelogs[store]
		if !ok {
			cl = changelog{topic: r.cfg.ChangelogTopic(store), acked: func(rec *kgo.Record, err error) {
				if err != nil {
					r.em.fail(fmt.Errorf("writing changelog %s: %w", rec.Topic, err))
					return
				}
				t.mu.Lock()
				if rec.Offset+1 > t.changelogNext[store] {
					t.changelogNext[store] = rec.Offset + 1
				}
				t.mu.Unlock()
			}}
			changelogs[store] = cl
		}
		// The store reuses its buffers: the asynchronous produce needs
		// copies (one allocation for both).
		buf := make([]byte, len(key)+len(value))
		n := copy(buf, key)
		copy(buf[n:], value)
		rec := &kgo.Record{Topic: cl.topic, Partition: partition, Key: buf[:n:n]}
		if value != nil {
			rec.Value = buf[n:]
		}
		producer := r.changelogs
		if r.sess != nil {
			r.parts.register(rec.Topic)
			producer = r.sess.Client()
		}
		producer.Produce(ctx, rec, cl.acked)
	}))
	if err != nil {
		return nil, state.Checkpoint{}, fmt.Errorf("opening state of partition %d: %w", partition, err)
	}
	t.state = st
	topo, err := r.cfg.Build(r.em, func(name string) (ops.Store, error) { return st.Store(name) })
	if err != nil {
		st.Close()
		return nil, state.Checkpoint{}, err
	}
	t.topo = topo
	cp, err := st.Checkpoint()
	if err != nil {
		st.Close()
		return nil, state.Checkpoint{}, err
	}
	for tp, ps := range cp.Inputs {
		t.inputs[tp] = map[int32]int64{}
		for p, o := range ps {
			t.inputs[tp][p] = o
		}
	}
	return t, cp, nil
}

// restore replays each store's changelog from the local checkpoint.
func (r *persistent) restore(ctx context.Context, t *task, cp state.Checkpoint) error {
	stores := t.topo.Stores()
	if len(stores) == 0 {
		return nil
	}
	cl, err := kgo.NewClient(append(append([]kgo.Opt{kgo.SeedBrokers(r.cfg.Brokers...)}, RestoreClientOpts()...), r.cfg.ClientOpts...)...)
	if err != nil {
		return err
	}
	defer cl.Close()
	for _, name := range stores {
		from := cp.Changelogs[name]
		var batch []state.ChangelogRecord
		next, err := RestoreFromChangelog(ctx, cl, r.cfg.ChangelogTopic(name), t.partition, from, func(key, value []byte, _ int64) error {
			batch = append(batch, state.ChangelogRecord{Key: append([]byte(nil), key...), Value: append([]byte(nil), value...)})
			return nil
		})
		if err != nil {
			return fmt.Errorf("restoring store %s of partition %d: %w", name, t.partition, err)
		}
		if err := t.state.Restore(name, batch, next); err != nil {
			return err
		}
		t.changelogNext[name] = next
		if len(batch) > 0 {
			r.log.Info("restored state", "store", name, "partition", t.partition, "records", len(batch))
		}
	}
	return nil
}

// commit makes output, changelogs, state and then input offsets durable,
// in that order, so a crash at any point loses nothing.
func (r *persistent) commit(ctx context.Context, cl *kgo.Client) error {
	if err := r.producer.Flush(ctx); err != nil {
		return err
	}
	if err := r.changelogs.Flush(ctx); err != nil {
		return err
	}
	if err := r.em.err(); err != nil {
		return err
	}
	if err := r.commitTasks(); err != nil {
		return err
	}
	return cl.CommitUncommittedOffsets(ctx)
}

// commitTasks makes every task's pending state durable with its
// checkpoint.
func (r *persistent) commitTasks() error {
	r.mu.Lock()
	tasks := make([]*task, 0, len(r.tasks))
	for _, t := range r.tasks {
		tasks = append(tasks, t)
	}
	r.mu.Unlock()
	for _, t := range tasks {
		if err := t.state.Commit(t.checkpoint()); err != nil {
			return fmt.Errorf("committing state of partition %d: %w", t.partition, err)
		}
	}
	return nil
}

// checkpoint returns the input and changelog offsets the task's pending
// state corresponds to.
func (t *task) checkpoint() state.Checkpoint {
	t.mu.Lock()
	defer t.mu.Unlock()
	cp := state.Checkpoint{Inputs: map[string]map[int32]int64{}, Changelogs: map[string]int64{}}
	for topic, ps := range t.inputs {
		cp.Inputs[topic] = map[int32]int64{}
		for p, o := range ps {
			cp.Inputs[topic][p] = o
		}
	}
	for s, o := range t.changelogNext {
		cp.Changelogs[s] = o
	}
	return cp
}

// revoked commits and closes the tasks of partitions leaving this member.
func (r *persistent) revoked(ctx context.Context, cl *kgo.Client, lost map[string][]int32) {
	if err := r.commit(ctx, cl); err != nil {
		r.log.Warn("commit on revoke failed", "group", r.cfg.GroupID, "error", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ps := range lost {
		for _, p := range ps {
			if t, ok := r.tasks[p]; ok {
				if err := t.state.Close(); err != nil {
					r.log.Warn("closing task state", "partition", p, "error", err)
				}
				delete(r.tasks, p)
			}
		}
	}
}

func (r *persistent) closeTasks() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p, t := range r.tasks {
		if err := t.state.Close(); err != nil {
			r.log.Warn("closing task state", "partition", p, "error", err)
		}
		delete(r.tasks, p)
	}
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
	// ack is every sink record's produce callback: one function value
	// rather than a closure per record.
	ack func(*kgo.Record, error)
}

func newEmitter(client *kgo.Client) *emitter {
	e := &emitter{client: client}
	e.ack = e.acked
	return e
}

func (e *emitter) acked(rec *kgo.Record, err error) {
	if err != nil {
		e.fail(fmt.Errorf("producing to %s: %w", rec.Topic, err))
	}
}

func (e *emitter) Emit(ctx context.Context, r *ops.Raw) error {
	if err := e.err(); err != nil {
		return err
	}
	rec := &kgo.Record{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
	for _, h := range r.Headers {
		rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	e.client.Produce(ctx, rec, e.ack)
	return nil
}

func (e *emitter) fail(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.first == nil {
		e.first = err
	}
}

func (e *emitter) err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.first
}
