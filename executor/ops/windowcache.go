package ops

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/eddysql/eddy/executor/state"
)

// windowCacheBytes bounds the memory of one time-windowed aggregation's
// window cache (per task). It is an estimate: keys, values and a fixed
// overhead per entry.
const windowCacheBytes = 8 << 20

// windowEntryOverhead approximates the map and slice headers of an entry.
const windowEntryOverhead = 64

// windowMetaKey holds the largest window start ever written to the store.
// Escaped window keys are at least ten bytes long, so it never collides
// with one; it travels through the changelog like any other key, so a
// restored store carries it too.
var windowMetaKey = []byte{0x00}

// windowCache sits in front of a time-windowed aggregation's store, write
// through. Most state lookups of a hopping or tumbling aggregation are for
// windows that do not exist yet, and a Pebble lookup of a missing key still
// costs a search of every level; the cache knows every window at or above
// floor, so such a lookup needs no Pebble read at all.
//
// floor starts just above the largest window start the store held when the
// task opened (windowMetaKey). Memory is bounded by evicting the windows
// with the earliest start, which raises floor past them: below floor the
// cache is only a cache, and a miss reads the store.
type windowCache struct {
	store    Store
	budget   int
	byStart  map[int64]map[string][]byte
	starts   []int64 // ascending, the keys of byStart
	bytes    int
	floor    int64
	maxStart int64
	opened   bool
	fullest  int // most keys a window has had
}

func newWindowCache(store Store, budget int) *windowCache {
	return &windowCache{store: store, budget: budget, byStart: map[int64]map[string][]byte{}}
}

// open reads the store's largest window start. A store without the
// marker that is not empty (written before the marker existed) is scanned
// once for it.
func (c *windowCache) open() error {
	c.maxStart, c.floor = math.MinInt64, math.MinInt64
	b, ok, err := c.store.Get(windowMetaKey)
	if err != nil {
		return err
	}
	if ok {
		if len(b) != 8 {
			return errors.New("corrupt window cache marker")
		}
		c.maxStart = int64(binary.BigEndian.Uint64(b))
		c.floor = c.maxStart + 1
		c.opened = true
		return nil
	}
	found := false
	var derr error
	err = c.store.Range(nil, nil, func(k, _ []byte) bool {
		if len(k) <= len(windowMetaKey) {
			return true
		}
		_, start, err := state.DecodeWindowKey(k)
		if err != nil {
			derr = err
			return false
		}
		found = true
		c.maxStart = max(c.maxStart, start)
		return true
	})
	if err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	if found {
		c.floor = c.maxStart + 1
		if err := c.writeMarker(); err != nil {
			return err
		}
	}
	c.opened = true
	return nil
}

func (c *windowCache) writeMarker() error {
	return c.store.Put(windowMetaKey, binary.BigEndian.AppendUint64(nil, uint64(c.maxStart)))
}

// get returns the stored value of the window with key sk and start start.
// The value is shared with the cache and must not be modified.
func (c *windowCache) get(sk []byte, start int64) ([]byte, bool, error) {
	if !c.opened {
		if err := c.open(); err != nil {
			return nil, false, err
		}
	}
	if v, ok := c.byStart[start][string(sk)]; ok {
		return v, true, nil
	}
	if start >= c.floor {
		return nil, false, nil
	}
	v, ok, err := c.store.Get(sk)
	if err != nil || !ok {
		return nil, false, err
	}
	c.add(sk, start, v)
	c.evict()
	return v, true, nil
}

// put writes the window through to the store and keeps it. v must not be
// modified afterwards.
func (c *windowCache) put(sk []byte, start int64, v []byte) error {
	if !c.opened {
		if err := c.open(); err != nil {
			return err
		}
	}
	if err := c.store.Put(sk, v); err != nil {
		return err
	}
	if start > c.maxStart {
		c.maxStart = start
		if err := c.writeMarker(); err != nil {
			return err
		}
	}
	c.add(sk, start, v)
	c.evict()
	return nil
}

func (c *windowCache) add(sk []byte, start int64, v []byte) {
	bucket, ok := c.byStart[start]
	if !ok {
		// Sized for as many keys as the fullest window had, which a
		// window of a steady stream comes to: growing a map key by key
		// rehashes it again and again.
		bucket = make(map[string][]byte, c.fullest)
		c.byStart[start] = bucket
		i, _ := slices.BinarySearch(c.starts, start)
		c.starts = slices.Insert(c.starts, i, start)
	}
	if old, ok := bucket[string(sk)]; ok {
		c.bytes -= len(old)
		bucket[string(sk)] = v
		c.bytes += len(v)
		return
	}
	bucket[string(sk)] = v
	c.bytes += len(sk) + len(v) + windowEntryOverhead
	c.fullest = max(c.fullest, len(bucket))
}

// evict drops the windows with the earliest start until the cache fits
// its budget.
func (c *windowCache) evict() {
	for c.bytes > c.budget && len(c.starts) > 0 {
		s := c.starts[0]
		for k, v := range c.byStart[s] {
			c.bytes -= len(k) + len(v) + windowEntryOverhead
		}
		delete(c.byStart, s)
		c.starts = c.starts[1:]
		c.floor = max(c.floor, s+1)
	}
}
