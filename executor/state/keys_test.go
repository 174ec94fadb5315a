package state

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"
)

type wk struct {
	key   string
	start int64
}

func TestWindowKeyOrder(t *testing.T) {
	// Listed in the order the encoded keys must sort: by key bytes, then by
	// start, negative starts first.
	ordered := []wk{
		{"", math.MinInt64},
		{"", 0},
		{"a", math.MinInt64},
		{"a", -86_400_000},
		{"a", -1},
		{"a", 0},
		{"a", 1},
		{"a", 255},
		{"a", 256},
		{"a", 1_700_000_000_000},
		{"a", math.MaxInt64},
		{"a\x00", -5}, // key with a zero byte sorts after its prefix
		{"a\x00\x00", 0},
		{"a\x01", 0},
		{"ab", math.MinInt64}, // "a" is a prefix of "ab": all "a" windows come first
		{"ab", 3},
		{"b", -3},
		{"\xff", 0},
	}
	enc := make([][]byte, len(ordered))
	for i, w := range ordered {
		enc[i] = WindowKey([]byte(w.key), w.start)
	}
	for i := 1; i < len(enc); i++ {
		if bytes.Compare(enc[i-1], enc[i]) >= 0 {
			t.Errorf("WindowKey%v >= WindowKey%v", ordered[i-1], ordered[i])
		}
	}
	// Shuffle-free check the other way round: sorting the encodings
	// reproduces the list.
	sorted := slices.Clone(enc)
	slices.Reverse(sorted)
	slices.SortFunc(sorted, bytes.Compare)
	for i := range sorted {
		if !bytes.Equal(sorted[i], enc[i]) {
			t.Fatalf("sort order differs at %d", i)
		}
	}
	for i, w := range ordered {
		key, start, err := DecodeWindowKey(enc[i])
		if err != nil || string(key) != w.key || start != w.start {
			t.Errorf("Decode(WindowKey%v) = %q, %d, %v", w, key, start, err)
		}
	}
}

func TestWindowKeyPrefix(t *testing.T) {
	// Every window of "a" lies in [KeyPrefix, PrefixEnd) and no window of
	// "ab" or "a\x00" does.
	p := KeyPrefix([]byte("a"))
	end := PrefixEnd(p)
	in := func(k []byte) bool { return bytes.Compare(k, p) >= 0 && bytes.Compare(k, end) < 0 }
	for _, s := range []int64{math.MinInt64, -1, 0, math.MaxInt64} {
		if !in(WindowKey([]byte("a"), s)) {
			t.Errorf("window a@%d outside prefix range", s)
		}
		for _, other := range []string{"ab", "a\x00", "", "b"} {
			if in(WindowKey([]byte(other), s)) {
				t.Errorf("window %q@%d inside prefix range of a", other, s)
			}
		}
	}
	cases := []struct {
		from, to int64
		in, out  []int64
	}{
		{0, 999, []int64{0, 500, 999}, []int64{-1, 1000}},
		{math.MinInt64, -1, []int64{math.MinInt64, -1}, []int64{0}},
		{10, math.MaxInt64, []int64{10, math.MaxInt64}, []int64{9}},
	}
	for _, c := range cases {
		lo, hi := WindowRange([]byte("a"), c.from, c.to)
		inR := func(k []byte) bool { return bytes.Compare(k, lo) >= 0 && bytes.Compare(k, hi) < 0 }
		for _, s := range c.in {
			if !inR(WindowKey([]byte("a"), s)) {
				t.Errorf("WindowRange(%d,%d) misses %d", c.from, c.to, s)
			}
		}
		for _, s := range c.out {
			if inR(WindowKey([]byte("a"), s)) {
				t.Errorf("WindowRange(%d,%d) includes %d", c.from, c.to, s)
			}
		}
		if inR(WindowKey([]byte("ab"), c.from)) {
			t.Errorf("WindowRange(%d,%d) includes key ab", c.from, c.to)
		}
	}
}

func TestSessionKey(t *testing.T) {
	type sk struct {
		key        string
		end, start int64
	}
	ordered := []sk{
		{"k", -10, -20},
		{"k", 100, 0},
		{"k", 100, 50}, // same end: ordered by start
		{"k", 200, -5}, // later end sorts after, whatever the start
		{"k\x00", 0, 0},
		{"ka", -100, -200},
	}
	var prev []byte
	for _, s := range ordered {
		enc := SessionKey([]byte(s.key), s.end, s.start)
		if prev != nil && bytes.Compare(prev, enc) >= 0 {
			t.Errorf("SessionKey%v out of order", s)
		}
		prev = enc
		key, end, start, err := DecodeSessionKey(enc)
		if err != nil || string(key) != s.key || end != s.end || start != s.start {
			t.Errorf("Decode(SessionKey%v) = %q %d %d %v", s, key, end, start, err)
		}
	}
}

func TestDecodeBadKeys(t *testing.T) {
	good := WindowKey([]byte("a"), 1)
	for _, b := range [][]byte{
		nil,
		[]byte("a"),                   // no terminator
		{'a', 0x00},                   // truncated escape
		{'a', 0x00, 0x07, 1, 2},       // unknown escape
		good[:len(good)-1],            // short time
		append(slices.Clone(good), 0), // trailing byte
	} {
		if _, _, err := DecodeWindowKey(b); !errors.Is(err, ErrBadKey) {
			t.Errorf("DecodeWindowKey(%q) err = %v", b, err)
		}
	}
	if _, _, _, err := DecodeSessionKey(good); !errors.Is(err, ErrBadKey) {
		t.Errorf("a window key decoded as a session key: %v", err)
	}
}

func TestAppendWindowKeyNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 64)
	key := []byte("some-key")
	if n := testing.AllocsPerRun(100, func() { buf = AppendWindowKey(buf[:0], key, 12345) }); n != 0 {
		t.Fatalf("AppendWindowKey allocates %v times", n)
	}
}
