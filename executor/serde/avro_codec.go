package serde

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"
	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

// This file is a small Avro binary codec driven by a parsed schema. It works
// on generic values: nil, bool, int32/int64, float64, string, []byte,
// []any, map[string]any (maps and records), decimal.Decimal and the
// planner/types DATE/TIME/TIMESTAMP values for the logical types. Encoding
// is lenient (json.Number, base64 strings for bytes, case-insensitive record
// field names) so that test data in JSON form can be written with any
// writer schema; decoding returns the generic values above.

// ---- encoding ----

func appendLong(b []byte, v int64) []byte {
	return binary.AppendVarint(b, v)
}

func appendBytes(b, v []byte) []byte {
	b = appendLong(b, int64(len(v)))
	return append(b, v...)
}

// holdsNull tells whether s holds null.
func holdsNull(s avro.Schema) bool {
	switch s := s.(type) {
	case *avro.RefSchema:
		return holdsNull(s.Schema())
	case *avro.NullSchema:
		return true
	case *avro.UnionSchema:
		return slices.ContainsFunc(s.Types(), holdsNull)
	}
	return false
}

// avroAppend encodes v with schema s.
func avroAppend(b []byte, s avro.Schema, v any) ([]byte, error) {
	switch s := s.(type) {
	case *avro.RefSchema:
		return avroAppend(b, s.Schema(), v)
	case *avro.NullSchema:
		if v != nil {
			return nil, fmt.Errorf("expected null, got %T", v)
		}
		return b, nil
	case *avro.PrimitiveSchema:
		return appendPrimitive(b, s, v)
	case *avro.UnionSchema:
		return appendUnion(b, s, v)
	case *avro.RecordSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected a record for %s, got %T", s.FullName(), v)
		}
		for _, f := range s.Fields() {
			// A missing field, or a null one the schema cannot hold,
			// takes the field's default, as Connect's AvroData does.
			fv, found := lookupField(m, f.Name())
			if (!found || (fv == nil && !holdsNull(f.Type()))) && f.HasDefault() {
				fv = f.Default()
			}
			var err error
			if b, err = avroAppend(b, f.Type(), fv); err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name(), err)
			}
		}
		return b, nil
	case *avro.ArraySchema:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("expected an array, got %T", v)
		}
		if len(arr) > 0 {
			b = appendLong(b, int64(len(arr)))
			for _, e := range arr {
				var err error
				if b, err = avroAppend(b, s.Items(), e); err != nil {
					return nil, err
				}
			}
		}
		return appendLong(b, 0), nil
	case *avro.MapSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected a map, got %T", v)
		}
		if len(m) > 0 {
			b = appendLong(b, int64(len(m)))
			for _, k := range sortedKeys(m) {
				b = appendBytes(b, []byte(k))
				var err error
				if b, err = avroAppend(b, s.Values(), m[k]); err != nil {
					return nil, err
				}
			}
		}
		return appendLong(b, 0), nil
	case *avro.EnumSchema:
		str, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("expected an enum symbol, got %T", v)
		}
		for i, sym := range s.Symbols() {
			if sym == str {
				return appendLong(b, int64(i)), nil
			}
		}
		return nil, fmt.Errorf("unknown enum symbol %q", str)
	case *avro.FixedSchema:
		raw, err := toBytes(v)
		if err != nil {
			return nil, err
		}
		if len(raw) != s.Size() {
			return nil, fmt.Errorf("fixed %s needs %d bytes, got %d", s.FullName(), s.Size(), len(raw))
		}
		return append(b, raw...), nil
	}
	return nil, fmt.Errorf("unsupported Avro schema %s", s.Type())
}

func lookupField(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func appendUnion(b []byte, s *avro.UnionSchema, v any) ([]byte, error) {
	types := s.Types()
	if v == nil {
		for i, t := range types {
			if t.Type() == avro.Null {
				return appendLong(b, int64(i)), nil
			}
		}
		return nil, errors.New("null value for a non-nullable union")
	}
	var firstErr error
	for i, t := range types {
		if t.Type() == avro.Null {
			continue
		}
		out, err := avroAppend(appendLong(b, int64(i)), t, v)
		if err == nil {
			return out, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("no union branch for %T", v)
	}
	return nil, firstErr
}

func logicalOf(s avro.Schema) avro.LogicalType {
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
		return ls.Logical().Type()
	}
	return ""
}

func appendPrimitive(b []byte, s *avro.PrimitiveSchema, v any) ([]byte, error) {
	switch s.Type() {
	case avro.Boolean:
		x, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("expected boolean, got %T", v)
		}
		if x {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case avro.Int, avro.Long:
		n, err := toLong(v, logicalOf(s))
		if err != nil {
			return nil, err
		}
		if s.Type() == avro.Int && (n < math.MinInt32 || n > math.MaxInt32) {
			return nil, fmt.Errorf("value %d out of range for int", n)
		}
		return appendLong(b, n), nil
	case avro.Float:
		f, err := toDouble(v)
		if err != nil {
			return nil, err
		}
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(f))), nil
	case avro.Double:
		f, err := toDouble(v)
		if err != nil {
			return nil, err
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(f)), nil
	case avro.String:
		switch x := v.(type) {
		case string:
			return appendBytes(b, []byte(x)), nil
		case json.Number: // test data: numbers written to string schemas
			return appendBytes(b, []byte(x)), nil
		}
		return nil, fmt.Errorf("expected string, got %T", v)
	case avro.Bytes:
		if logicalOf(s) == avro.Decimal {
			d, err := toDecimal(v)
			if err != nil {
				return nil, err
			}
			scale := 0
			if dl, ok := s.Logical().(*avro.DecimalLogicalSchema); ok {
				scale = dl.Scale()
			}
			return appendBytes(b, decimalBytes(d, scale)), nil
		}
		raw, err := toBytes(v)
		if err != nil {
			return nil, err
		}
		return appendBytes(b, raw), nil
	}
	return nil, fmt.Errorf("unsupported Avro type %s", s.Type())
}

func toLong(v any, lt avro.LogicalType) (int64, error) {
	switch x := v.(type) {
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case types.Date:
		return int64(x), nil
	case types.Time:
		if lt == avro.TimeMicros {
			return int64(x) * 1000, nil
		}
		return int64(x), nil
	case types.Timestamp:
		if lt == avro.TimestampMicros || lt == avro.LocalTimestampMicros {
			return int64(x) * 1000, nil
		}
		return int64(x), nil
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		f, err := x.Float64()
		if err != nil || f != math.Trunc(f) {
			return 0, fmt.Errorf("expected an integer, got %s", x)
		}
		return int64(f), nil
	case float64:
		if x != math.Trunc(x) {
			return 0, fmt.Errorf("expected an integer, got %v", x)
		}
		return int64(x), nil
	}
	return 0, fmt.Errorf("expected an integer, got %T", v)
}

func toDouble(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case int:
		return float64(x), nil
	case json.Number:
		return x.Float64()
	case decimal.Decimal:
		f, _ := x.Float64()
		return f, nil
	}
	return 0, fmt.Errorf("expected a number, got %T", v)
}

func toDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case json.Number:
		return decimal.NewFromString(string(x))
	case string:
		return decimal.NewFromString(x)
	case float64:
		return decimal.NewFromFloat(x), nil
	case int32:
		return decimal.NewFromInt(int64(x)), nil
	case int64:
		return decimal.NewFromInt(x), nil
	}
	return decimal.Decimal{}, fmt.Errorf("expected a decimal, got %T", v)
}

func toBytes(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		raw, err := base64.StdEncoding.DecodeString(x)
		if err != nil {
			return []byte(x), nil
		}
		return raw, nil
	}
	return nil, fmt.Errorf("expected bytes, got %T", v)
}

// decimalBytes is the big-endian two's-complement unscaled value of d at
// the given scale.
func decimalBytes(d decimal.Decimal, scale int) []byte {
	unscaled := d.Shift(int32(scale)).Round(0).BigInt()
	if unscaled.Sign() >= 0 {
		raw := unscaled.Bytes()
		if len(raw) == 0 || raw[0]&0x80 != 0 {
			raw = append([]byte{0}, raw...)
		}
		return raw
	}
	// Two's complement of a negative number: 2^(8n) + x with enough bytes.
	n := len(unscaled.Bytes()) + 1
	mod := new(big.Int).Lsh(big.NewInt(1), uint(8*n))
	raw := new(big.Int).Add(mod, unscaled).Bytes()
	for len(raw) < n {
		raw = append([]byte{0xff}, raw...)
	}
	// Drop redundant leading 0xff bytes.
	for len(raw) > 1 && raw[0] == 0xff && raw[1]&0x80 != 0 {
		raw = raw[1:]
	}
	return raw
}

func decimalFromBytes(raw []byte, scale int) decimal.Decimal {
	n := new(big.Int).SetBytes(raw)
	if len(raw) > 0 && raw[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(raw))))
	}
	return decimal.NewFromBigInt(n, int32(-scale))
}

// ---- decoding ----

type avroReader struct {
	b   []byte
	pos int
}

var errShort = errors.New("Avro data is truncated")

// blockCount reads the item count heading an array or map block; a
// negative count is followed by the block's byte size, which is skipped.
func (r *avroReader) blockCount() (int64, error) {
	n, err := r.long()
	if err != nil || n >= 0 {
		return n, err
	}
	if _, err := r.long(); err != nil {
		return 0, err
	}
	return -n, nil
}

func (r *avroReader) long() (int64, error) {
	v, n := binary.Varint(r.b[r.pos:])
	if n <= 0 {
		return 0, errShort
	}
	r.pos += n
	return v, nil
}

func (r *avroReader) next(n int) ([]byte, error) {
	if n < 0 || r.pos+n > len(r.b) {
		return nil, errShort
	}
	out := r.b[r.pos : r.pos+n]
	r.pos += n
	return out, nil
}

func (r *avroReader) bytes() ([]byte, error) {
	n, err := r.long()
	if err != nil {
		return nil, err
	}
	return r.next(int(n))
}

// read decodes one value of schema s.
func (r *avroReader) read(s avro.Schema) (any, error) {
	switch s := s.(type) {
	case *avro.RefSchema:
		return r.read(s.Schema())
	case *avro.NullSchema:
		return nil, nil
	case *avro.PrimitiveSchema:
		return r.primitive(s)
	case *avro.UnionSchema:
		i, err := r.long()
		if err != nil {
			return nil, err
		}
		ts := s.Types()
		if i < 0 || int(i) >= len(ts) {
			return nil, fmt.Errorf("union branch %d out of range", i)
		}
		return r.read(ts[i])
	case *avro.RecordSchema:
		m := make(map[string]any, len(s.Fields()))
		for _, f := range s.Fields() {
			v, err := r.read(f.Type())
			if err != nil {
				return nil, err
			}
			m[f.Name()] = v
		}
		return m, nil
	case *avro.ArraySchema:
		out := []any{}
		for {
			n, err := r.blockCount()
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return out, nil
			}
			for ; n > 0; n-- {
				v, err := r.read(s.Items())
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
		}
	case *avro.MapSchema:
		out := map[string]any{}
		for {
			n, err := r.blockCount()
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return out, nil
			}
			for ; n > 0; n-- {
				k, err := r.bytes()
				if err != nil {
					return nil, err
				}
				v, err := r.read(s.Values())
				if err != nil {
					return nil, err
				}
				out[string(k)] = v
			}
		}
	case *avro.EnumSchema:
		i, err := r.long()
		if err != nil {
			return nil, err
		}
		if i < 0 || int(i) >= len(s.Symbols()) {
			return nil, fmt.Errorf("enum index %d out of range", i)
		}
		return s.Symbols()[i], nil
	case *avro.FixedSchema:
		raw, err := r.next(s.Size())
		if err != nil {
			return nil, err
		}
		if dl, ok := s.Logical().(*avro.DecimalLogicalSchema); ok && dl != nil {
			return decimalFromBytes(raw, dl.Scale()), nil
		}
		return append([]byte(nil), raw...), nil
	}
	return nil, fmt.Errorf("unsupported Avro schema %s", s.Type())
}

func (r *avroReader) primitive(s *avro.PrimitiveSchema) (any, error) {
	switch s.Type() {
	case avro.Boolean:
		raw, err := r.next(1)
		if err != nil {
			return nil, err
		}
		return raw[0] != 0, nil
	case avro.Int:
		n, err := r.long()
		if err != nil {
			return nil, err
		}
		switch logicalOf(s) {
		case avro.Date:
			return types.Date(n), nil
		case avro.TimeMillis:
			return types.Time(n), nil
		}
		return int32(n), nil
	case avro.Long:
		n, err := r.long()
		if err != nil {
			return nil, err
		}
		switch logicalOf(s) {
		case avro.TimestampMillis, avro.LocalTimestampMillis:
			return types.Timestamp(n), nil
		case avro.TimestampMicros, avro.LocalTimestampMicros:
			return types.Timestamp(n / 1000), nil
		case avro.TimeMicros:
			return types.Time(n / 1000), nil
		}
		return n, nil
	case avro.Float:
		raw, err := r.next(4)
		if err != nil {
			return nil, err
		}
		f := math.Float32frombits(binary.LittleEndian.Uint32(raw))
		// Print-then-parse keeps 4.1f as 4.1 rather than 4.099999904632568.
		d, _ := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
		return d, nil
	case avro.Double:
		raw, err := r.next(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(raw)), nil
	case avro.String:
		raw, err := r.bytes()
		if err != nil {
			return nil, err
		}
		return string(raw), nil
	case avro.Bytes:
		raw, err := r.bytes()
		if err != nil {
			return nil, err
		}
		if logicalOf(s) == avro.Decimal {
			scale := 0
			if dl, ok := s.Logical().(*avro.DecimalLogicalSchema); ok {
				scale = dl.Scale()
			}
			return decimalFromBytes(raw, scale), nil
		}
		return append([]byte(nil), raw...), nil
	}
	return nil, fmt.Errorf("unsupported Avro type %s", s.Type())
}
