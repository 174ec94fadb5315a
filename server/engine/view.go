package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/eddysql/eddy/executor/kafkaio"
	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/executor/state"
	"github.com/eddysql/eddy/planner/catalog"
)

// tableView is the materialized state that pull queries read: the latest
// record of each key of a table's topic, kept in a Pebble store and
// updated by a consumer that tails the topic for as long as the view
// lives. Keys are stored in the canonical form of the table's key format
// (so that a lookup can serialize the key it wants), followed by the
// window bounds for windowed tables; iteration is in key order.
//
// A pull query waits until the view has read the topic up to end offsets
// listed after it started when it asks for read-your-writes, or when the
// view has not yet done so once (restored); otherwise it reads what the
// view holds, as its lag bound allows (endsToReach). A shared view sees
// transaction markers and so reaches the end offsets exactly; one that
// does not (Runtime.Scan) counts as caught up once its consumer has been
// idle for a moment (idleGrace), and a shared one after a longer one, in
// case the broker leaves an offset unseen.
//
// Servers sharing a service id share a view's partitions through a
// consumer group (shared): each keeps the rows of the partitions the group
// gives it and answers the others for them (forward.go).
type tableView struct {
	name     string
	topic    string
	keySer   serde.Serializer   // nil for keyless tables
	keyDe    serde.Deserializer // nil for keyless tables
	windowed bool
	session  bool
	size     int64
	// canonicalize re-encodes keys as the key format writes them.
	canonicalize bool

	mu      sync.Mutex
	changed *sync.Cond
	task    *state.Task
	store   ops.Store
	next    map[int32]int64 // next offset to read per partition
	applied time.Time       // when a record was last applied
	grace   time.Duration   // idle time after which the view counts as caught up
	pending int             // records since the last commit
	err     error           // why the consumer stopped, if it did
	// restored holds the partitions the view has read up to end offsets
	// listed after it began reading them (after it opened, or after the
	// group gave them to this server): only these answer without a
	// listing of their own, as ksqlDB serves a store once it is restored.
	restored map[int32]bool

	// shared views only: the partitions this server holds, a count of
	// assignment changes, and the routes found for the current one.
	shared bool
	group  string
	// hashRouted: the topic's keys are partitioned by Kafka's hash of
	// the key bytes the view stores, so a key lookup reads one partition.
	hashRouted bool
	owned      map[int32]bool
	gen        int
	routes     *viewRoutes

	cancel context.CancelFunc
	done   chan struct{}
}

const (
	viewIdleGrace = 100 * time.Millisecond
	// sharedIdleGrace only guards against offsets a shared view's reader
	// never sees: stalls of its reader shorter than this (a slow fetch, a
	// flush) do not end a pull query's wait early.
	sharedIdleGrace = 2 * time.Second
	viewCommitEvery = 4096
	viewStore       = "rows"
)

// viewShare is how a view shares its partitions with the other servers:
// the group it joins and the address it is reached at.
type viewShare struct {
	rt     SharedRuntime
	group  string
	member string
}

// openTableView starts a view of src under dir ("" keeps it in memory),
// reading all of the topic, or its share of it when share is not nil.
func openTableView(rt Runtime, share *viewShare, formats *serde.Registry, src *catalog.Source, dir string) (*tableView, error) {
	// A new view counts as busy until the idle grace has passed: its
	// consumer may not have fetched anything yet.
	v := &tableView{name: src.Name, topic: src.Topic, next: map[int32]int64{}, applied: time.Now(), grace: viewIdleGrace,
		restored: map[int32]bool{}, done: make(chan struct{})}
	v.changed = sync.NewCond(&v.mu)
	if src.Window != nil {
		v.windowed, v.session, v.size = true, src.Window.Type == "SESSION", src.Window.Size
	}
	// A query's output is written with the table's own key serializer:
	// its keys are canonical already. Source tables may be written by any
	// producer.
	v.canonicalize = !src.Sink
	if keys := src.Schema.Key(); len(keys) > 0 {
		f, err := formats.Get(src.KeyFormat.Name)
		if err != nil {
			return nil, err
		}
		props := ops.SerdeProps(src.KeyFormat, true)
		if v.keySer, err = f.Serializer(keys, props); err != nil {
			return nil, err
		}
		if v.keyDe, err = f.Deserializer(keys, props); err != nil {
			return nil, err
		}
	}
	opts := []state.Option{state.ForReads(), state.WithFS(vfs.NewMem())}
	path := "view"
	if dir != "" {
		// A view is rebuilt from its topic: what an earlier run left is
		// of no use without the offsets it was read to.
		path, opts = filepath.Join(dir, src.Name), opts[:1]
		if err := os.RemoveAll(path); err != nil {
			return nil, fmt.Errorf("clearing the view of %s: %w", src.Name, err)
		}
	}
	task, err := state.OpenTask(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("opening the view of %s: %w", src.Name, err)
	}
	if v.store, err = task.Store(viewStore); err != nil {
		_ = task.Close()
		return nil, err
	}
	v.task = task
	if share != nil {
		v.shared, v.group, v.owned, v.grace = true, share.group, map[int32]bool{}, sharedIdleGrace
		v.hashRouted = src.Sink && !v.windowed && v.keySer != nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	go func() {
		defer close(v.done)
		var err error
		if share != nil {
			err = share.rt.ReadShared(ctx, kafkaio.SharedConfig{
				GroupID: share.group, Topic: src.Topic, MemberData: []byte(share.member),
				Assigned: v.assigned, Revoked: v.revoked, Resume: v.resume, Handle: v.apply, Marker: v.marker,
			})
		} else {
			err = rt.Scan(ctx, []string{src.Topic}, true, v.apply)
		}
		v.mu.Lock()
		if err == nil && ctx.Err() == nil {
			err = errors.New("the topic reader stopped")
		}
		if err != nil && ctx.Err() == nil {
			v.err = fmt.Errorf("reading %s: %w", src.Topic, err)
		}
		v.changed.Broadcast()
		v.mu.Unlock()
	}()
	return v, nil
}

// failure is why the view stopped following its topic, nil while it does.
func (v *tableView) failure() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err
}

// close stops the consumer and closes the store.
func (v *tableView) close() {
	v.cancel()
	<-v.done
	v.mu.Lock()
	defer v.mu.Unlock()
	_ = v.task.Close()
	v.err = errors.New("view closed")
}

// storeKey is a record's key in the store: the canonical key bytes, then
// the window bounds as written.
func (v *tableView) storeKey(raw []byte) []byte {
	key, win := raw, []byte(nil)
	if v.windowed {
		k, _, err := ops.SplitWindow(raw, v.session, v.size)
		if err != nil {
			return raw
		}
		key, win = k, raw[len(k):]
	}
	if v.keyDe != nil && v.canonicalize {
		if row, err := v.keyDe.Deserialize(v.topic, key); err == nil && row != nil {
			if canon, err := v.keySer.Serialize(v.topic, row); err == nil && canon != nil {
				key = canon
			}
		}
	}
	return append(append([]byte(nil), key...), win...)
}

// apply stores one record of the topic.
func (v *tableView) apply(_ context.Context, r *ops.Raw) error {
	k := v.storeKey(r.Key)
	v.mu.Lock()
	defer v.mu.Unlock()
	var err error
	if r.Value == nil {
		err = v.store.Delete(k)
	} else {
		err = v.store.Put(k, encodeViewRow(r))
	}
	if err != nil {
		return err
	}
	v.next[r.Partition] = r.Offset + 1
	v.applied = time.Now()
	if v.pending++; v.pending >= viewCommitEvery {
		if err := v.task.Commit(state.Checkpoint{}); err != nil {
			return err
		}
		v.pending = 0
	}
	v.changed.Broadcast()
	return nil
}

// marker counts a transaction marker as read.
func (v *tableView) marker(p int32, offset int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.next[p] = max(v.next[p], offset+1)
	v.applied = time.Now()
	v.changed.Broadcast()
}

// assigned takes the partitions the group gave this server after a
// rebalance and drops the rows of those it no longer holds: another
// server answers for them now.
func (v *tableView) assigned(parts []int32) {
	v.mu.Lock()
	defer v.mu.Unlock()
	before := v.owned
	v.owned = map[int32]bool{}
	for _, p := range parts {
		v.owned[p] = true
	}
	// A partition given back may have been written meanwhile: it is
	// restored again before it answers without a listing.
	for p := range v.restored {
		if !before[p] || !v.owned[p] {
			delete(v.restored, p)
		}
	}
	dropped := map[int32]bool{}
	for p := range v.next {
		if !v.owned[p] {
			dropped[p] = true
			delete(v.next, p)
		}
	}
	if len(dropped) > 0 {
		var keys [][]byte
		err := v.store.Range(nil, nil, func(k, b []byte) bool {
			if dropped[viewRowPartition(b)] {
				keys = append(keys, append([]byte(nil), k...))
			}
			return true
		})
		for _, k := range keys {
			if err == nil {
				err = v.store.Delete(k)
			}
		}
		if err != nil && v.err == nil {
			v.err = fmt.Errorf("dropping partitions of the view of %s: %w", v.name, err)
		}
	}
	v.gen++
	v.routes = nil
	// Newly assigned partitions are being fetched: wait the idle grace
	// before counting the view as caught up.
	v.applied = time.Now()
	v.changed.Broadcast()
}

// revoked marks partitions as no longer held; their rows stay until the
// next assignment shows whether they come back.
func (v *tableView) revoked(parts []int32) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range parts {
		delete(v.owned, p)
		delete(v.restored, p)
	}
	v.gen++
	v.routes = nil
	v.changed.Broadcast()
}

// resume is where reading a partition goes on after a rebalance gave it
// back: the rows read before are still here.
func (v *tableView) resume(p int32) (int64, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	next, ok := v.next[p]
	return next, ok
}

// holds reports whether the view reads all of parts; callers hold v.mu.
func (v *tableView) holds(parts []int32) bool {
	if !v.shared {
		return true
	}
	for _, p := range parts {
		if !v.owned[p] {
			return false
		}
	}
	return true
}

// sync waits until the view has read up to ends (or its consumer has been
// idle for v.grace), the view failed, or ctx ended.
func (v *tableView) sync(ctx context.Context, ends map[int32]int64) error {
	stop := context.AfterFunc(ctx, func() {
		v.mu.Lock()
		v.changed.Broadcast()
		v.mu.Unlock()
	})
	defer stop()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	v.mu.Lock()
	defer v.mu.Unlock()
	for {
		if v.err != nil {
			return v.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if v.caughtUp(ends) {
			return nil
		}
		idle := time.Since(v.applied)
		if idle >= v.grace {
			return nil
		}
		// Wake up when the consumer may have become idle.
		if timer == nil {
			timer = time.AfterFunc(v.grace-idle, func() {
				v.mu.Lock()
				v.changed.Broadcast()
				v.mu.Unlock()
			})
		} else {
			timer.Reset(v.grace - idle)
		}
		v.changed.Wait()
	}
}

// restoredLocked tells whether each of parts (every partition the view
// has read, if nil) is restored; callers hold v.mu.
func (v *tableView) restoredLocked(parts []int32) bool {
	if parts == nil {
		if len(v.restored) == 0 {
			return false
		}
		for p := range v.next {
			if !v.restored[p] {
				return false // a partition added since
			}
		}
		return true
	}
	for _, p := range parts {
		if !v.restored[p] {
			return false
		}
	}
	return true
}

// markRestored records, for assignment gen, the partitions of ends the
// view has read up to them: ends were listed after it began reading them.
// A wait that ended on the idle grace restores nothing it did not reach.
func (v *tableView) markRestored(ends map[int32]int64, gen int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.gen != gen {
		return
	}
	for p, end := range ends {
		if v.next[p] >= end {
			v.restored[p] = true
		}
	}
}

func (v *tableView) caughtUp(ends map[int32]int64) bool { return reached(v.next, ends) }

// reached tells whether a reader whose next offsets are next has read
// every partition up to ends.
func reached(next, ends map[int32]int64) bool { return withinLag(next, ends, nil, 0) }

// withinLag tells whether a reader whose next offsets are next is at most
// lag records behind ends in each of parts (all if nil).
func withinLag(next, ends map[int32]int64, parts []int32, lag int64) bool {
	for p, end := range ends {
		if parts != nil && !slices.Contains(parts, p) {
			continue
		}
		if end-next[p] > lag {
			return false
		}
	}
	return true
}

// lookup returns the rows of a key in the partitions in (all if in is
// nil); for windowed tables those of its windows, time windows narrowed to
// starts in [from, to].
func (v *tableView) lookup(key []byte, from, to int64, in map[int32]bool) ([]*ops.Raw, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.windowed {
		b, ok, err := v.store.Get(key)
		if err != nil || !ok || (in != nil && !in[viewRowPartition(b)]) {
			return nil, err
		}
		return []*ops.Raw{decodeViewRow(v.topic, key, b)}, nil
	}
	winLen := 8
	lo, hi := key, state.PrefixEnd(key)
	if v.session {
		winLen = 16
	} else {
		// Starts are big-endian after the key: non-negative ones sort
		// in time order.
		if from > 0 {
			lo = binary.BigEndian.AppendUint64(append([]byte(nil), key...), uint64(from))
		}
		if to >= 0 && to < math.MaxInt64 {
			hi = binary.BigEndian.AppendUint64(append([]byte(nil), key...), uint64(to+1))
		}
	}
	var out []*ops.Raw
	err := v.store.Range(lo, hi, func(k, b []byte) bool {
		if len(k) == len(key)+winLen && (in == nil || in[viewRowPartition(b)]) {
			out = append(out, decodeViewRow(v.topic, k, b))
		}
		return true
	})
	return out, err
}

// scan returns every row of the partitions in (all if in is nil) in key
// order.
func (v *tableView) scan(in map[int32]bool) ([]*ops.Raw, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []*ops.Raw
	err := v.store.Range(nil, nil, func(k, b []byte) bool {
		if in == nil || in[viewRowPartition(b)] {
			out = append(out, decodeViewRow(v.topic, k, b))
		}
		return true
	})
	return out, err
}

// encodeViewRow keeps what a pull query can select of a record besides its
// key (the timestamp, the headers and the value) after the partition it
// was read from.
func encodeViewRow(r *ops.Raw) []byte {
	b := binary.BigEndian.AppendUint32(make([]byte, 0, 20+len(r.Value)), uint32(r.Partition))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Timestamp))
	b = binary.AppendUvarint(b, uint64(len(r.Headers)))
	for _, h := range r.Headers {
		b = binary.AppendUvarint(b, uint64(len(h.Key)))
		b = append(b, h.Key...)
		b = binary.AppendUvarint(b, uint64(len(h.Value)))
		b = append(b, h.Value...)
	}
	return append(b, r.Value...)
}

func decodeViewRow(topic string, key, b []byte) *ops.Raw {
	r := &ops.Raw{Topic: topic, Key: append([]byte(nil), key...), Partition: viewRowPartition(b),
		Timestamp: int64(binary.BigEndian.Uint64(b[4:]))}
	b = b[12:]
	n, m := binary.Uvarint(b)
	b = b[m:]
	next := func() []byte {
		l, m := binary.Uvarint(b)
		out := append([]byte(nil), b[m:m+int(l)]...)
		b = b[m+int(l):]
		return out
	}
	for i := uint64(0); i < n; i++ {
		k := next()
		r.Headers = append(r.Headers, ops.Header{Key: string(k), Value: next()})
	}
	r.Value = append([]byte{}, b...)
	return r
}

func viewRowPartition(b []byte) int32 { return int32(binary.BigEndian.Uint32(b)) }
