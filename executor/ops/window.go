package ops

import (
	"encoding/binary"
	"fmt"
)

// Windowed keys on the wire follow Kafka Streams: a time window appends
// its start (8 bytes, big-endian), a session appends its end then start.
// ksqlDB reads and writes them the same way, so Eddy's windowed topics
// interoperate with both.

// AppendWindow appends w's bounds to a serialized key.
func AppendWindow(key []byte, w *Window) []byte {
	out := append([]byte(nil), key...)
	if w.Session {
		out = binary.BigEndian.AppendUint64(out, uint64(w.End))
	}
	return binary.BigEndian.AppendUint64(out, uint64(w.Start))
}

// SplitWindow separates a windowed key into the key and its bounds; size
// gives a time window's end.
func SplitWindow(b []byte, session bool, size int64) ([]byte, *Window, error) {
	if session {
		if len(b) < 16 {
			return nil, nil, fmt.Errorf("session-windowed key too short: %d bytes", len(b))
		}
		n := len(b) - 16
		end := int64(binary.BigEndian.Uint64(b[n:]))
		start := int64(binary.BigEndian.Uint64(b[n+8:]))
		return b[:n], &Window{Start: start, End: end, Session: true}, nil
	}
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("windowed key too short: %d bytes", len(b))
	}
	n := len(b) - 8
	start := int64(binary.BigEndian.Uint64(b[n:]))
	return b[:n], &Window{Start: start, End: start + size}, nil
}
