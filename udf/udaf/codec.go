package udaf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/shopspring/decimal"
)

// The state encoding: integers are zig-zag varints, doubles 8 bytes
// little-endian IEEE bits, lengths unsigned varints. A typed value is a
// presence byte (0 NULL, 1 present) followed by its body. Map entries are
// written in key order so equal states encode to equal bytes.

var errShort = errors.New("udaf: truncated state")

func appendVarint(b []byte, v int64) []byte   { return binary.AppendVarint(b, v) }
func appendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendFloat(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}

func appendBytes(b, s []byte) []byte { return append(appendUvarint(b, uint64(len(s))), s...) }

func appendString(b []byte, s string) []byte {
	return append(appendUvarint(b, uint64(len(s))), s...)
}

func appendDecimal(b []byte, d decimal.Decimal) []byte {
	b = appendVarint(b, int64(d.Exponent()))
	c := d.Coefficient()
	if c.IsInt64() {
		b = append(b, 0)
		return appendVarint(b, c.Int64())
	}
	sign := byte(1)
	if c.Sign() < 0 {
		sign = 2
	}
	b = append(b, sign)
	return appendBytes(b, c.Bytes())
}

// reader decodes state bytes.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length and sanity-checks it against the remaining bytes.
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail(errShort)
		return 0
	}
	return int(n)
}

func (r *reader) byte1() byte {
	if len(r.b) < 1 {
		r.fail(errShort)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) float() float64 {
	if len(r.b) < 8 {
		r.fail(errShort)
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return f
}

func (r *reader) bytes() []byte {
	n := r.count()
	if r.err != nil {
		return nil
	}
	out := make([]byte, n)
	copy(out, r.b[:n])
	r.b = r.b[n:]
	return out
}

func (r *reader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// done reports trailing garbage or an earlier error.
func (r *reader) done() error {
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return fmt.Errorf("udaf: %d trailing bytes in state", len(r.b))
	}
	return nil
}
