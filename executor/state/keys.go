package state

import (
	"encoding/binary"
	"errors"
	"math"
)

// Internal key layout of the task DB. Everything lives in one Pebble
// keyspace so that a single batch can cover all stores and the checkpoint:
//
//	0x00 'v'              -> layout version
//	0x00 'c'              -> checkpoint (JSON)
//	0x00 's' <name>       -> store id (uint32, big-endian)
//	0x01 <id:4> <userkey> -> value of <userkey> in store <id>
//
// The store id has a fixed width so that no store's prefix is a prefix of
// another's; a variable-width name prefix would let store "a" see keys of
// store "ab".
const (
	nsMeta byte = 0x00
	nsData byte = 0x01

	layoutVersion  = 1
	storePrefixLen = 5
)

var (
	versionKey    = []byte{nsMeta, 'v'}
	checkpointKey = []byte{nsMeta, 'c'}
	storeIDPrefix = []byte{nsMeta, 's'}
)

func storeIDKey(name string) []byte {
	return append(append([]byte(nil), storeIDPrefix...), name...)
}

func storePrefix(id uint32) []byte {
	p := make([]byte, storePrefixLen)
	p[0] = nsData
	binary.BigEndian.PutUint32(p[1:], id)
	return p
}

// prefixEnd returns the smallest key greater than every key with prefix p,
// or nil if there is none (p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// ErrBadKey reports a windowed or session key that does not decode.
var ErrBadKey = errors.New("state: malformed windowed key")

// Windowed keys must sort by key first and by time second, so that all
// windows of one key form one contiguous range. Appending the timestamp to
// the raw key does not give that when one key is a prefix of another ("a"
// windows would interleave with "ab" windows), so the key is escaped and
// terminated the way order-preserving tuple encodings do it: 0x00 becomes
// 0x00 0xff and the key ends with 0x00 0x01, which sorts below any
// continuation of the key.
const (
	escByte  = 0x00
	escNext  = 0xff
	termNext = 0x01
)

// AppendKeyPrefix appends the escaped form of key that every WindowKey and
// SessionKey of key starts with; [prefix, PrefixEnd(prefix)) holds all
// windows or sessions of key.
func AppendKeyPrefix(dst, key []byte) []byte {
	for _, c := range key {
		if c == escByte {
			dst = append(dst, escByte, escNext)
			continue
		}
		dst = append(dst, c)
	}
	return append(dst, escByte, termNext)
}

// KeyPrefix is AppendKeyPrefix into a new slice.
func KeyPrefix(key []byte) []byte {
	return AppendKeyPrefix(make([]byte, 0, len(key)+2), key)
}

// PrefixEnd returns the exclusive upper bound of all keys starting with p,
// for use as Range's hi; nil means unbounded.
func PrefixEnd(p []byte) []byte { return prefixEnd(p) }

// appendTime encodes t big-endian with the sign bit flipped, so that byte
// order equals numeric order including negative timestamps (windows before
// 1970, and the math.MinInt64 lower bound of open ranges).
func appendTime(dst []byte, t int64) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(t)^(1<<63))
}

func decodeTime(b []byte) int64 {
	return int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
}

// AppendWindowKey appends the key of the window of key starting at start;
// operators reuse dst to keep the per-record path free of allocations.
func AppendWindowKey(dst, key []byte, start int64) []byte {
	return appendTime(AppendKeyPrefix(dst, key), start)
}

// WindowKey orders by key, then by window start.
func WindowKey(key []byte, start int64) []byte {
	return AppendWindowKey(make([]byte, 0, len(key)+10), key, start)
}

// WindowRange returns the Range bounds of the windows of key whose start
// lies in [from, to].
func WindowRange(key []byte, from, to int64) (lo, hi []byte) {
	lo = WindowKey(key, from)
	if to == math.MaxInt64 {
		return lo, PrefixEnd(KeyPrefix(key))
	}
	return lo, WindowKey(key, to+1)
}

// DecodeWindowKey splits a WindowKey. The returned key is a fresh slice
// only when the key contained escaped bytes; otherwise it aliases b.
func DecodeWindowKey(b []byte) (key []byte, start int64, err error) {
	key, rest, err := decodeKeyPrefix(b)
	if err != nil {
		return nil, 0, err
	}
	if len(rest) != 8 {
		return nil, 0, ErrBadKey
	}
	return key, decodeTime(rest), nil
}

// AppendSessionKey appends the key of the session [start, end] of key.
// Sessions sort by end before start because session merging looks for
// sessions of a key that end at or after (record time - gap): that is one
// seek instead of a scan over all the key's sessions.
func AppendSessionKey(dst, key []byte, end, start int64) []byte {
	return appendTime(appendTime(AppendKeyPrefix(dst, key), end), start)
}

// SessionKey orders by key, then session end, then session start.
func SessionKey(key []byte, end, start int64) []byte {
	return AppendSessionKey(make([]byte, 0, len(key)+18), key, end, start)
}

// DecodeSessionKey splits a SessionKey; aliasing as in DecodeWindowKey.
func DecodeSessionKey(b []byte) (key []byte, end, start int64, err error) {
	key, rest, err := decodeKeyPrefix(b)
	if err != nil {
		return nil, 0, 0, err
	}
	if len(rest) != 16 {
		return nil, 0, 0, ErrBadKey
	}
	return key, decodeTime(rest), decodeTime(rest[8:]), nil
}

func decodeKeyPrefix(b []byte) (key, rest []byte, err error) {
	var out []byte // allocated only if an escape is met
	for i := 0; i < len(b); i++ {
		if b[i] != escByte {
			if out != nil {
				out = append(out, b[i])
			}
			continue
		}
		if i+1 >= len(b) {
			return nil, nil, ErrBadKey
		}
		switch b[i+1] {
		case termNext:
			if out == nil {
				return b[:i:i], b[i+2:], nil
			}
			return out, b[i+2:], nil
		case escNext:
			if out == nil {
				out = append(make([]byte, 0, len(b)), b[:i]...)
			}
			out = append(out, escByte)
			i++
		default:
			return nil, nil, ErrBadKey
		}
	}
	return nil, nil, ErrBadKey
}
