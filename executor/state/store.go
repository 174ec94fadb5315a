package state

import (
	"errors"

	"github.com/cockroachdb/pebble"
)

// Store is one named key-value store of a task. Reads see the writes of
// the current, uncommitted batch.
type Store interface {
	Name() string
	// Get returns a copy of the value, which the caller owns.
	Get(key []byte) ([]byte, bool, error)
	Put(key, value []byte) error
	Delete(key []byte) error
	// Range calls fn for the keys in [lo, hi) in order (nil = unbounded),
	// pending writes included, until fn returns false. k and v are only
	// valid during the call. fn may write to the store; the iteration
	// sees the store as it was when Range started.
	Range(lo, hi []byte, fn func(k, v []byte) bool) error
}

type store struct {
	t      *Task
	name   string
	prefix []byte
	// buf holds the prefixed key of the current Get/Put/Delete. Pebble
	// copies keys into the batch and does not keep Get's key, so one
	// buffer per store keeps the per-record path allocation-free.
	buf []byte
}

func (s *store) Name() string { return s.name }

func (s *store) key(k []byte) []byte {
	s.buf = append(append(s.buf[:0], s.prefix...), k...)
	return s.buf
}

func (s *store) Get(key []byte) ([]byte, bool, error) {
	if err := s.t.usable(); err != nil {
		return nil, false, err
	}
	v, closer, err := s.t.batch.Get(s.key(key))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := make([]byte, len(v))
	copy(out, v)
	return out, true, closer.Close()
}

func (s *store) Put(key, value []byte) error {
	if err := s.t.usable(); err != nil {
		return err
	}
	if err := s.t.batch.Set(s.key(key), value, nil); err != nil {
		return err
	}
	if s.t.changelog != nil {
		if value == nil {
			// A nil value would read as a tombstone on the changelog.
			value = []byte{}
		}
		s.t.changelog(s.name, key, value)
	}
	return nil
}

func (s *store) Delete(key []byte) error {
	if err := s.t.usable(); err != nil {
		return err
	}
	if err := s.t.batch.Delete(s.key(key), nil); err != nil {
		return err
	}
	if s.t.changelog != nil {
		s.t.changelog(s.name, key, nil)
	}
	return nil
}

// bounds maps user bounds to DB bounds inside the store's prefix; the
// result is freshly allocated because Pebble keeps iterator bounds for the
// iterator's lifetime while fn may reuse s.buf.
func (s *store) bounds(lo, hi []byte) (plo, phi []byte) {
	plo = append(append(make([]byte, 0, len(s.prefix)+len(lo)), s.prefix...), lo...)
	if hi == nil {
		phi = prefixEnd(s.prefix)
	} else {
		phi = append(append(make([]byte, 0, len(s.prefix)+len(hi)), s.prefix...), hi...)
	}
	return plo, phi
}

func (s *store) Range(lo, hi []byte, fn func(k, v []byte) bool) error {
	if err := s.t.usable(); err != nil {
		return err
	}
	plo, phi := s.bounds(lo, hi)
	it, err := s.t.batch.NewIter(&pebble.IterOptions{LowerBound: plo, UpperBound: phi})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			_ = it.Close()
			return err
		}
		if !fn(it.Key()[storePrefixLen:], v) {
			break
		}
	}
	return it.Close()
}
