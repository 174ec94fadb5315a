// Package state keeps the local state of stream tasks in Pebble, the Kafka
// Streams way: one DB per task (query + input partition), many named stores
// in it, writes buffered in one batch per commit interval and made durable
// together with the input and changelog offsets they correspond to. Every
// write is also handed to a changelog hook so that the runtime can produce
// it to the store's compacted changelog topic, from which Restore rebuilds
// the state elsewhere.
//
// A Task and its stores belong to the one goroutine that runs the task;
// nothing here is safe for concurrent use.
package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	iofs "io/fs"
	"log/slog"
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/cockroachdb/pebble/vfs"
)

var (
	// ErrClosed is returned by every operation on a closed task.
	ErrClosed = errors.New("state: task closed")
	// ErrPendingWrites is returned by Restore while a batch is open:
	// replaying a changelog under uncommitted writes would let the replay
	// be shadowed by, or committed together with, unrelated work.
	ErrPendingWrites = errors.New("state: restore with pending writes")
)

// ChangelogFunc receives every Put (value non-nil, possibly empty) and
// Delete (value nil). key and value are the caller's slices and are only
// valid during the call: a producer that sends them asynchronously must
// copy them.
type ChangelogFunc func(store string, key, value []byte)

// ChangelogRecord is one changelog entry; a nil Value is a tombstone.
type ChangelogRecord struct {
	Key, Value []byte
}

// Option configures OpenTask.
type Option func(*config)

type config struct {
	fs        vfs.FS
	changelog ChangelogFunc
	log       *slog.Logger
	tune      []func(*pebble.Options)
}

// WithLogger routes Pebble's messages to log (default slog.Default()).
// Pebble's informational messages (WAL replay, compactions) are logged at
// debug level: a server runs one DB per task and would drown in them.
func WithLogger(log *slog.Logger) Option { return func(c *config) { c.log = log } }

type pebbleLogger struct{ log *slog.Logger }

func (l pebbleLogger) Infof(format string, args ...any) {
	l.log.Debug(fmt.Sprintf(format, args...), "component", "pebble")
}

// Fatalf must not return; panicking instead of exiting lets the process
// owner decide how to die.
func (l pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.log.Error(msg, "component", "pebble")
	panic("pebble: " + msg)
}

// WithFS runs Pebble on fs, e.g. vfs.NewMem() for tests and the conformance
// runner, where durability across processes is not wanted.
func WithFS(fs vfs.FS) Option { return func(c *config) { c.fs = fs } }

// WithChangelog installs the hook that receives every write.
func WithChangelog(fn ChangelogFunc) Option { return func(c *config) { c.changelog = fn } }

// WithPebbleOptions adjusts the Pebble options (cache, memtable size)
// before the DB is opened.
func WithPebbleOptions(fn func(*pebble.Options)) Option {
	return func(c *config) { c.tune = append(c.tune, fn) }
}

// ForReads compacts L0 as early as Pebble does by default, for DBs that
// are read far more than written (the views that answer pull queries):
// every range read merges all L0 files.
func ForReads() Option {
	return WithPebbleOptions(func(o *pebble.Options) {
		o.L0CompactionThreshold = 4
		o.L0StopWritesThreshold = 12
	})
}

// Task owns the stores of one task in one Pebble DB.
type Task struct {
	db        *pebble.DB
	batch     *pebble.Batch // indexed, so that reads see pending writes
	changelog ChangelogFunc
	ids       map[string]uint32
	stores    map[string]*store
	nextID    uint32
	cp        Checkpoint
	// failed is set when a commit fails half-way: Pebble gives no
	// guarantee about the batch then, so the task must be reopened and
	// restored rather than continue on unknown state.
	failed error
}

// BlockCacheBytes is the size of the block cache that all task DBs of the
// process share (Pebble gives each DB 8 MB of its own otherwise, and a
// windowed aggregation's index and filter blocks then fall out of it and
// are read from disk for every lookup).
const BlockCacheBytes = 64 << 20

var (
	sharedCacheOnce sync.Once
	sharedCache     *pebble.Cache
)

func blockCache() *pebble.Cache {
	sharedCacheOnce.Do(func() { sharedCache = pebble.NewCache(BlockCacheBytes) })
	return sharedCache
}

// OpenTask opens (or creates) the task DB in dir and loads its store
// registry and last checkpoint.
func OpenTask(dir string, opts ...Option) (*Task, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.log == nil {
		cfg.log = slog.Default()
	}
	po := &pebble.Options{Logger: pebbleLogger{cfg.log}, Cache: blockCache()}
	// State lookups are point reads of keys that often do not exist yet (a
	// new group, a new window): bloom filters let Pebble skip the files
	// that cannot hold them instead of reading their blocks.
	po.Levels = make([]pebble.LevelOptions, 7)
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		po.Levels[i].FilterType = pebble.TableFilter
	}
	// State is written far more than it is read from disk: windowed
	// aggregations answer most lookups from their window cache, and every
	// store's data is also in its changelog. Pebble's default of compacting
	// L0 at four files spends more CPU on compactions than the queries
	// spend on everything else (B3: 36% of all CPU); at sixteen, reads that
	// do reach Pebble check more L0 files, which bloom filters keep cheap.
	po.L0CompactionThreshold = 16
	po.L0StopWritesThreshold = 64
	po.EnsureDefaults()
	if cfg.fs != nil {
		po.FS = cfg.fs
	}
	for _, fn := range cfg.tune {
		fn(po)
	}
	if po.FS == nil {
		po.FS = vfs.Default
	}
	if err := ensureDir(po.FS, dir); err != nil {
		return nil, fmt.Errorf("state: creating %s: %w", dir, err)
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("state: opening %s: %w", dir, err)
	}
	t := &Task{
		db:        db,
		changelog: cfg.changelog,
		ids:       make(map[string]uint32),
		stores:    make(map[string]*store),
	}
	if err := t.load(); err != nil {
		_ = db.Close()
		return nil, err
	}
	t.batch = db.NewIndexedBatch()
	return t, nil
}

// ensureDir creates dir and syncs the parent of every directory it
// created. Pebble syncs its own directory but not the entry for it in the
// parent: without this, a power loss right after a task's first commit can
// lose the whole task directory, synced WAL and all.
func ensureDir(fs vfs.FS, dir string) error {
	var created []string
	for d := dir; ; {
		if _, err := fs.Stat(d); err == nil || !errors.Is(err, iofs.ErrNotExist) {
			break
		}
		created = append(created, d)
		p := fs.PathDir(d)
		if p == d {
			break
		}
		d = p
	}
	if len(created) == 0 {
		return nil
	}
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range created {
		f, err := fs.OpenDir(fs.PathDir(d))
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *Task) load() error {
	v, ok, err := t.getCommitted(versionKey)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		if err := t.db.Set(versionKey, []byte{layoutVersion}, pebble.Sync); err != nil {
			return fmt.Errorf("state: writing layout version: %w", err)
		}
	case len(v) != 1 || v[0] != layoutVersion:
		return fmt.Errorf("state: unsupported layout version %v", v)
	}

	it, err := t.db.NewIter(&pebble.IterOptions{LowerBound: storeIDPrefix, UpperBound: prefixEnd(storeIDPrefix)})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if len(it.Value()) != 4 {
			_ = it.Close()
			return fmt.Errorf("state: corrupt store id for %q", it.Key()[len(storeIDPrefix):])
		}
		id := binary.BigEndian.Uint32(it.Value())
		t.ids[string(it.Key()[len(storeIDPrefix):])] = id
		if id >= t.nextID {
			t.nextID = id + 1
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("state: loading stores: %w", err)
	}

	b, ok, err := t.getCommitted(checkpointKey)
	if err != nil || !ok {
		return err
	}
	t.cp, err = decodeCheckpoint(b)
	return err
}

func (t *Task) getCommitted(key []byte) ([]byte, bool, error) {
	v, closer, err := t.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := append([]byte(nil), v...)
	return out, true, closer.Close()
}

func (t *Task) usable() error {
	if t.batch == nil {
		return ErrClosed
	}
	return t.failed
}

// Store returns the named store, registering it on first use. The
// registration is written (synced) at once, outside the pending batch, so
// that an Abort cannot leave a store whose id a later run would reuse.
func (t *Task) Store(name string) (Store, error) {
	return t.store(name)
}

func (t *Task) store(name string) (*store, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	if s, ok := t.stores[name]; ok {
		return s, nil
	}
	if name == "" {
		return nil, errors.New("state: empty store name")
	}
	id, ok := t.ids[name]
	if !ok {
		id = t.nextID
		if err := t.db.Set(storeIDKey(name), binary.BigEndian.AppendUint32(nil, id), pebble.Sync); err != nil {
			return nil, fmt.Errorf("state: registering store %q: %w", name, err)
		}
		t.ids[name] = id
		t.nextID++
	}
	s := &store{t: t, name: name, prefix: storePrefix(id)}
	t.stores[name] = s
	return s, nil
}

// Commit writes all pending writes of all stores and the checkpoint in one
// synced batch, so that after a crash the state is exactly the state as of
// the checkpointed offsets. Offsets in cp overwrite the stored ones;
// offsets absent from cp are kept.
//
// Under exactly-once the runtime should commit the Kafka transaction
// (changelog records + input offsets) first and Commit here second: a
// crash in between leaves the changelog ahead of the local checkpoint,
// which Restore repairs, whereas local state ahead of an aborted
// transaction could not be repaired without wiping it.
func (t *Task) Commit(cp Checkpoint) error {
	if err := t.usable(); err != nil {
		return err
	}
	next := t.cp.merge(cp)
	enc, err := encodeCheckpoint(next)
	if err != nil {
		return err
	}
	if err := t.batch.Set(checkpointKey, enc, nil); err != nil {
		return err
	}
	if err := t.batch.Commit(pebble.Sync); err != nil {
		t.failed = fmt.Errorf("state: commit failed, reopen the task: %w", err)
		return t.failed
	}
	t.cp = next
	// Reset keeps the batch's buffer, so steady-state commits do not
	// reallocate it (Pebble detaches the buffer itself when a large batch
	// was handed over as a flushable memtable).
	t.batch.Reset()
	return nil
}

// Checkpoint returns the last committed (or restored) checkpoint.
func (t *Task) Checkpoint() (Checkpoint, error) {
	if err := t.usable(); err != nil {
		return Checkpoint{}, err
	}
	return t.cp.Clone(), nil
}

// Pending reports the size of the open batch, so that the runtime can
// commit early when a burst of large values would otherwise grow it
// without bound.
func (t *Task) Pending() (records, bytes int) {
	if t.batch == nil {
		return 0, 0
	}
	return int(t.batch.Count()), t.batch.Len()
}

// Abort drops all pending writes. Changelog records already handed to the
// hook are not recalled: under exactly-once they belong to the Kafka
// transaction that is aborted alongside.
func (t *Task) Abort() {
	if t.batch != nil {
		t.batch.Reset()
	}
}

// Close drops pending writes and closes the DB.
func (t *Task) Close() error {
	if t.batch == nil {
		return nil
	}
	_ = t.batch.Close()
	t.batch = nil
	t.stores = nil
	return t.db.Close()
}

// Restore applies changelog records to a store and records upTo (the next
// changelog offset to read) as the store's changelog position, in one
// batch. The batch is not synced: if it is lost in a crash, the position is
// lost with it and the replay is repeated, which is harmless because a
// changelog replay is idempotent; the next Commit's sync covers it.
// Restore does not call the changelog hook.
func (t *Task) Restore(storeName string, records []ChangelogRecord, upTo int64) error {
	if err := t.usable(); err != nil {
		return err
	}
	if !t.batch.Empty() {
		return ErrPendingWrites
	}
	s, err := t.store(storeName)
	if err != nil {
		return err
	}
	b := t.db.NewBatch()
	defer b.Close()
	var k []byte
	for _, r := range records {
		k = append(append(k[:0], s.prefix...), r.Key...)
		if r.Value == nil {
			err = b.Delete(k, nil)
		} else {
			err = b.Set(k, r.Value, nil)
		}
		if err != nil {
			return err
		}
	}
	next := t.cp.merge(Checkpoint{Changelogs: map[string]int64{storeName: upTo}})
	enc, err := encodeCheckpoint(next)
	if err != nil {
		return err
	}
	if err := b.Set(checkpointKey, enc, nil); err != nil {
		return err
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("state: restoring %q: %w", storeName, err)
	}
	t.cp = next
	return nil
}

// DeleteRange deletes the keys of a store in [lo, hi) (nil = unbounded) as
// part of the pending batch; window operators use it to drop expired
// windows. Pebble needs a single range tombstone for this, but a compacted
// changelog only understands per-key tombstones, so with a changelog hook
// every deleted key is also reported individually.
func (t *Task) DeleteRange(storeName string, lo, hi []byte) error {
	s, err := t.store(storeName)
	if err != nil {
		return err
	}
	plo, phi := s.bounds(lo, hi)
	if t.changelog != nil {
		it, err := t.batch.NewIter(&pebble.IterOptions{LowerBound: plo, UpperBound: phi})
		if err != nil {
			return err
		}
		for it.First(); it.Valid(); it.Next() {
			t.changelog(s.name, it.Key()[storePrefixLen:], nil)
		}
		if err := it.Close(); err != nil {
			return err
		}
	}
	return t.batch.DeleteRange(plo, phi, nil)
}
