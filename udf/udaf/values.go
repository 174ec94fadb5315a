package udaf

import (
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// EncodeValue encodes a nullable SQL value of type t, for the accumulators
// of aggregates built outside this package (user-defined functions).
func EncodeValue(t *types.Type, v any) ([]byte, error) { return appendValue(nil, t, v) }

// DecodeValue is EncodeValue's inverse.
func DecodeValue(t *types.Type, b []byte) (any, error) {
	r := &reader{b: b}
	v := r.value(t)
	return v, r.done()
}

// AppendValues appends a row of typed, nullable values, one per type; the
// operators keep rows in their state this way, which decodes several
// times faster than JSON.
func AppendValues(b []byte, ts []*types.Type, vals []any) ([]byte, error) {
	if len(vals) != len(ts) {
		return nil, fmt.Errorf("udaf: %d values for %d types", len(vals), len(ts))
	}
	for i, t := range ts {
		var err error
		if b, err = appendValue(b, t, vals[i]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// DecodeValues is AppendValues' inverse.
func DecodeValues(ts []*types.Type, b []byte) ([]any, error) {
	r := &reader{b: b}
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = r.value(t)
	}
	return out, r.done()
}

// appendValue appends a typed, nullable value.
func appendValue(b []byte, t *types.Type, v any) ([]byte, error) {
	if v == nil {
		return append(b, 0), nil
	}
	b = append(b, 1)
	return appendBody(b, t, v)
}

func appendBody(b []byte, t *types.Type, v any) ([]byte, error) {
	ok := true
	switch t.Kind {
	case types.KindBoolean:
		var x bool
		if x, ok = v.(bool); ok {
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	case types.KindInt:
		var x int32
		if x, ok = v.(int32); ok {
			b = appendVarint(b, int64(x))
		}
	case types.KindBigint:
		var x int64
		if x, ok = v.(int64); ok {
			b = appendVarint(b, x)
		}
	case types.KindDouble:
		var x float64
		if x, ok = v.(float64); ok {
			b = appendFloat(b, x)
		}
	case types.KindDecimal:
		var x decimal.Decimal
		if x, ok = v.(decimal.Decimal); ok {
			b = appendDecimal(b, x)
		}
	case types.KindString:
		var x string
		if x, ok = v.(string); ok {
			b = appendString(b, x)
		}
	case types.KindBytes:
		var x []byte
		if x, ok = v.([]byte); ok {
			b = appendBytes(b, x)
		}
	case types.KindDate:
		var x types.Date
		if x, ok = v.(types.Date); ok {
			b = appendVarint(b, int64(x))
		}
	case types.KindTime:
		var x types.Time
		if x, ok = v.(types.Time); ok {
			b = appendVarint(b, int64(x))
		}
	case types.KindTimestamp:
		var x types.Timestamp
		if x, ok = v.(types.Timestamp); ok {
			b = appendVarint(b, int64(x))
		}
	case types.KindArray:
		var x []any
		if x, ok = v.([]any); ok {
			b = appendUvarint(b, uint64(len(x)))
			for _, e := range x {
				var err error
				if b, err = appendValue(b, t.Elem, e); err != nil {
					return nil, err
				}
			}
		}
	case types.KindMap:
		var x map[string]any
		if x, ok = v.(map[string]any); ok {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b = appendUvarint(b, uint64(len(keys)))
			for _, k := range keys {
				b = appendString(b, k)
				var err error
				if b, err = appendValue(b, t.Value, x[k]); err != nil {
					return nil, err
				}
			}
		}
	case types.KindStruct:
		var x types.StructValue
		if x, ok = v.(types.StructValue); ok && len(x) == len(t.Fields) {
			for i, f := range t.Fields {
				var err error
				if b, err = appendValue(b, f.Type, x[i]); err != nil {
					return nil, err
				}
			}
		} else {
			ok = false
		}
	default:
		return nil, fmt.Errorf("udaf: cannot encode values of type %s", t)
	}
	if !ok {
		return nil, fmt.Errorf("udaf: value %T does not match type %s", v, t)
	}
	return b, nil
}

// value reads a typed, nullable value.
func (r *reader) value(t *types.Type) any {
	switch r.byte1() {
	case 0:
		return nil
	case 1:
		return r.body(t)
	}
	r.fail(errors.New("udaf: bad presence byte"))
	return nil
}

func (r *reader) body(t *types.Type) any {
	switch t.Kind {
	case types.KindBoolean:
		return r.byte1() == 1
	case types.KindInt:
		return int32(r.varint())
	case types.KindBigint:
		return r.varint()
	case types.KindDouble:
		return r.float()
	case types.KindDecimal:
		return r.dec()
	case types.KindString:
		return r.str()
	case types.KindBytes:
		return r.bytes()
	case types.KindDate:
		return types.Date(r.varint())
	case types.KindTime:
		return types.Time(r.varint())
	case types.KindTimestamp:
		return types.Timestamp(r.varint())
	case types.KindArray:
		n := r.count()
		out := make([]any, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			out = append(out, r.value(t.Elem))
		}
		return out
	case types.KindMap:
		n := r.count()
		out := make(map[string]any, n)
		for i := 0; i < n && r.err == nil; i++ {
			k := r.str()
			out[k] = r.value(t.Value)
		}
		return out
	case types.KindStruct:
		out := make(types.StructValue, len(t.Fields))
		for i, f := range t.Fields {
			out[i] = r.value(f.Type)
		}
		return out
	}
	r.fail(fmt.Errorf("udaf: cannot decode values of type %s", t))
	return nil
}

func (r *reader) dec() decimal.Decimal {
	exp := int32(r.varint())
	switch r.byte1() {
	case 0:
		return decimal.New(r.varint(), exp)
	case 1:
		return decimal.NewFromBigInt(new(big.Int).SetBytes(r.bytes()), exp)
	case 2:
		return decimal.NewFromBigInt(new(big.Int).Neg(new(big.Int).SetBytes(r.bytes())), exp)
	}
	r.fail(errors.New("udaf: bad decimal"))
	return decimal.Decimal{}
}
