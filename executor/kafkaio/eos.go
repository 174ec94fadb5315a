package kafkaio

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/state"
)

// Exactly-once (processing.guarantee=exactly_once_v2, KIP-447 style).
//
// One transactional client per query and server (a kgo.GroupTransactSession)
// consumes the query's topics read_committed in the query's group and
// produces both the sink records and the changelog records. Each poll is
// one transaction:
//
//	Begin; process the fetched records (sink and changelog records go into
//	the transaction); flush; End = TxnOffsetCommit of the consumed offsets
//	+ EndTxn(commit); then Task.Commit of every task's Pebble batch with
//	its checkpoint (input offsets, changelog offsets).
//
// If anything fails before EndTxn commits (processing error, produce error,
// rebalance during the transaction, fencing), the transaction is aborted,
// every task drops its pending writes (Task.Abort) and is closed together
// with its topology (operators may hold in-memory state), and the session
// rewinds the consumer to the committed offsets; tasks are reopened on
// their next record.
//
// Invariants:
//
//  1. Kafka is the source of truth. The committed group offset of an input
//     partition and the committed (read_committed) prefix of each of its
//     changelog partitions always describe the same point: both are
//     written in the same transaction. Sink output is committed with them,
//     so a read_committed consumer sees the output of every input exactly
//     once.
//  2. Local state is never ahead of Kafka: Task.Commit runs only after
//     EndTxn committed, so the local checkpoint is at or behind the
//     committed group offset (behind after a crash between EndTxn and
//     Task.Commit, or when another member owned the partition meanwhile).
//  3. Hence a task is opened by restoring, read_committed, every changelog
//     from the local checkpoint's changelog offset to the last stable
//     offset: records of aborted transactions are skipped, and the replay
//     reaches exactly the committed group offset (when the local state is
//     current it reads only the last commit marker). Inputs are never
//     skipped: the group offset is where processing resumes.
//  4. A local checkpoint ahead of the consumed position (impossible under
//     2, but left behind by an at-least-once run that crashed, or after an
//     operator reset the group's offsets) or ahead of the changelog's end
//     (ErrChangelogBehind: topic recreated) is not trusted: the task's
//     state is wiped and rebuilt from the whole changelog.
//  5. A crashed instance's open transaction is aborted as soon as its
//     successor starts: the transactional id is stable per state directory
//     (group id + a process id kept in StateDir) and the session fences the
//     previous producer epoch at startup (InitProducerID), before it
//     consumes. Without that the transaction would hold back the last
//     stable offset, and with it read_committed consumers and the group's
//     stable offset fetch, until the transaction timeout.
//  6. Zombie members (kicked from the group while processing) cannot commit:
//     their TxnOffsetCommit carries a stale generation and is rejected, so
//     their transaction aborts (KIP-447).
//
// Rebalances are blocked while a transaction is open (BlockRebalanceOnPoll;
// the transaction always ends before AllowRebalance), so a revocation can
// only be seen between transactions. The session still marks itself
// revoked then and aborts the next transaction: one commit interval is
// redone after a rebalance that revoked partitions, which costs time but
// not correctness.

// ParseProcessingGuarantee reads processing.guarantee: at_least_once (the
// default, also for "") or exactly_once_v2 (exactly_once and
// exactly_once_beta, deprecated in Kafka Streams, mean the same here).
func ParseProcessingGuarantee(v string) (exactlyOnce bool, err error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "at_least_once":
		return false, nil
	case "exactly_once_v2", "exactly_once", "exactly_once_beta":
		return true, nil
	}
	return false, fmt.Errorf("invalid processing.guarantee %q: expected at_least_once or exactly_once_v2", v)
}

// runExactlyOnce is RunPersistent under exactly_once_v2.
func (r *persistent) runExactlyOnce(ctx context.Context) error {
	cfg := r.cfg
	txnID, err := transactionalID(cfg.StateDir, cfg.GroupID)
	if err != nil {
		return err
	}
	r.parts = newChangelogPartitioner()
	r.dropped = map[int32]bool{}
	reset := kgo.NewOffset().AtEnd()
	if cfg.ResetEarliest {
		reset = kgo.NewOffset().AtStart()
	}
	r.sess, err = kgo.NewGroupTransactSession(append([]kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.TransactionalID(txnID),
		kgo.RecordPartitioner(r.parts),
		kgo.ProducerLinger(5 * time.Millisecond),
		// Inputs may be the output of exactly-once queries (our own
		// repartition topics included): never read what may abort.
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumerGroup(cfg.GroupID),
		kgo.ConsumeTopics(cfg.Topics...),
		kgo.ConsumeResetOffset(reset),
		kgo.BlockRebalanceOnPoll(),
		taskBalancers,
		kgo.OnPartitionsRevoked(r.dropTasks),
		kgo.OnPartitionsLost(r.dropTasks),
	}, cfg.ClientOpts...)...)
	if err != nil {
		return fmt.Errorf("creating transactional client: %w", err)
	}
	defer r.sess.Close()
	// Leaving the group on Close waits for a blocked rebalance: allow it
	// however the loop ended (a processing panic included).
	defer r.sess.AllowRebalance()
	defer r.closeTasks()
	r.em = newEmitter(r.sess.Client())
	// Fence the previous incarnation now (invariant 5).
	if _, _, err := r.sess.Client().ProducerID(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("initializing transactional producer %s: %w", txnID, err)
	}
	return r.loopExactlyOnce(ctx)
}

func (r *persistent) loopExactlyOnce(ctx context.Context) error {
	for {
		fetches := r.sess.PollFetches(ctx)
		if ctx.Err() != nil {
			// No transaction is open between polls: nothing to commit.
			r.sess.AllowRebalance()
			return nil
		}
		for _, fe := range fetches.Errors() {
			if !errors.Is(fe.Err, context.Canceled) {
				r.log.Warn("fetch error", "group", r.cfg.GroupID, "topic", fe.Topic, "partition", fe.Partition, "error", fe.Err)
			}
		}
		r.closeDropped()
		if fetches.NumRecords() == 0 {
			r.sess.AllowRebalance()
			continue
		}
		if err := r.sess.Begin(); err != nil {
			r.sess.AllowRebalance()
			return fmt.Errorf("beginning transaction: %w", err)
		}
		procErr := r.process(ctx, fetches, false)
		err := r.endTransaction(ctx, procErr)
		r.sess.AllowRebalance()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// endTransaction commits the open transaction, or aborts it if procErr is
// set or a produce failed, and then commits or aborts the local state.
func (r *persistent) endTransaction(ctx context.Context, procErr error) error {
	ectx := ctx
	if ctx.Err() != nil {
		// Shutting down mid-transaction: abort it with a live context, so
		// that the next owner does not wait for the transaction timeout.
		var cancel context.CancelFunc
		ectx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
	}
	if procErr == nil {
		// Flush first so that every produce result (and changelog offset)
		// is known before deciding to commit.
		procErr = r.sess.Client().Flush(ectx)
	}
	if procErr == nil {
		procErr = r.em.err()
	}
	committed, err := r.sess.End(ectx, kgo.TransactionEndTry(procErr == nil))
	if err != nil || !committed {
		r.abortTasks()
		if err != nil {
			return errors.Join(procErr, fmt.Errorf("ending transaction: %w", err))
		}
		if procErr != nil {
			return procErr
		}
		r.log.Info("transaction aborted by a rebalance; reprocessing from the committed offsets", "group", r.cfg.GroupID)
		return nil
	}
	// The transaction is committed: bring the local state up to it. A
	// crash or failure here leaves the local state behind Kafka, which
	// the restore at the next task open repairs (invariants 2 and 3).
	if err := r.commitTasks(); err != nil {
		return fmt.Errorf("after the transaction: %w", err)
	}
	return nil
}

// abortTasks drops every task's pending state and closes it with its
// topology; the session has rewound the consumer to the committed
// offsets, and the tasks are reopened (and restored) on their next record.
func (r *persistent) abortTasks() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p, t := range r.tasks {
		t.state.Abort()
		if err := t.state.Close(); err != nil {
			r.log.Warn("closing task state", "partition", p, "error", err)
		}
		delete(r.tasks, p)
	}
}

// dropTasks is the revoke and lost callback: it only notes the
// partitions, because it may run while the loop ends a transaction (the
// session calls it under the lock that End needs, so it must not wait for
// the loop). The loop closes their tasks before its next transaction.
func (r *persistent) dropTasks(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ps := range lost {
		for _, p := range ps {
			r.dropped[p] = true
		}
	}
}

// closeDropped closes the tasks of revoked partitions. Their state was
// committed with the last transaction; if a partition comes back, its task
// is reopened and restored from where its new owners left the changelog.
func (r *persistent) closeDropped() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p := range r.dropped {
		if t, ok := r.tasks[p]; ok {
			t.state.Abort()
			if err := t.state.Close(); err != nil {
				r.log.Warn("closing task state", "partition", p, "error", err)
			}
			delete(r.tasks, p)
		}
		delete(r.dropped, p)
	}
}

// restoreExactlyOnce brings a freshly opened task to the committed group
// position (invariants 3 and 4); topic and first are where the first fetch
// for the partition starts. It returns the task to use, which is a new one
// if the local state had to be wiped.
func (r *persistent) restoreExactlyOnce(ctx context.Context, t *task, cp state.Checkpoint, dir, topic string, first int64) (*task, error) {
	if local, ok := cp.Inputs[topic][t.partition]; ok && local > first {
		r.log.Warn("local state is ahead of the committed offsets; rebuilding it from the changelog",
			"partition", t.partition, "topic", topic, "local", local, "committed", first)
	} else {
		err := r.restore(ctx, t, cp)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, ErrChangelogBehind) {
			t.state.Close()
			return nil, err
		}
		r.log.Warn("local state is ahead of the changelog; rebuilding it", "partition", t.partition, "error", err)
	}
	partition := t.partition
	if err := t.state.Close(); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("wiping state of partition %d: %w", partition, err)
	}
	t, cp, err := r.openTask(ctx, partition, dir)
	if err != nil {
		return nil, err
	}
	if err := r.restore(ctx, t, cp); err != nil {
		t.state.Close()
		return nil, err
	}
	return t, nil
}

// transactionalID returns the query's transactional id on this server:
// the group id and a process id created once in stateDir. Stable across
// restarts, so a restarted server fences its own crashed predecessor at
// once; distinct between servers, whose state directories differ.
func transactionalID(stateDir, group string) (string, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", stateDir, err)
	}
	path := filepath.Join(stateDir, "eos-process-id")
	b, err := os.ReadFile(path)
	switch {
	case err == nil && len(strings.TrimSpace(string(b))) > 0:
		return group + "-" + strings.TrimSpace(string(b)), nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(raw[:])
	// Written through a temporary file so that a crash never leaves a
	// torn id; losing it only costs the immediate fencing (invariant 5).
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return group + "-" + id, nil
}
