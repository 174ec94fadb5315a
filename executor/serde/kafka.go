package serde

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/eddysql/eddy/planner/types"
)

// Kafka is the KAFKA format: a single column written with Kafka's own
// serializers (INT 4-byte and BIGINT 8-byte big-endian, DOUBLE 8-byte IEEE
// 754 big-endian, STRING UTF-8, BYTES raw). Zero columns read and write
// nothing (a Kafka null), as ksqlDB's void serde.
var Kafka Format = kafkaFormat{}

type kafkaFormat struct{}

func (kafkaFormat) Name() string           { return "KAFKA" }
func (kafkaFormat) SupportsWrapping() bool { return false }

func (f kafkaFormat) Validate(cols []types.Column, p Props) error {
	if err := validateCommon(f, cols, p); err != nil {
		return err
	}
	if len(cols) > 1 {
		return keySchemaError("KAFKA", cols, p, fmt.Errorf("The 'KAFKA' format only supports a single field. Got: %s", columnList(cols)))
	}
	if len(cols) == 1 {
		switch k := cols[0].Type.Kind; k {
		case types.KindInt, types.KindBigint, types.KindDouble, types.KindString, types.KindBytes:
		default:
			return keySchemaError("KAFKA", cols, p, fmt.Errorf("The 'KAFKA' format does not support type '%s'", k))
		}
	}
	return nil
}

func (f kafkaFormat) Serializer(cols []types.Column, p Props) (Serializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	s := &kafkaSerde{n: len(cols)}
	if len(cols) == 1 {
		s.kind = cols[0].Type.Kind
	}
	return s, nil
}

func (f kafkaFormat) Deserializer(cols []types.Column, p Props) (Deserializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	s := &kafkaSerde{n: len(cols)}
	if len(cols) == 1 {
		s.kind = cols[0].Type.Kind
	}
	return s, nil
}

type kafkaSerde struct {
	n    int
	kind types.Kind
}

// Serialize writes the single value; NULL (or zero columns) is a Kafka null.
func (s *kafkaSerde) Serialize(topic string, values []any) ([]byte, error) {
	if values == nil || s.n == 0 {
		return nil, nil
	}
	if len(values) != 1 {
		return nil, countMismatch(topic, 1, len(values), true)
	}
	v := values[0]
	if v == nil {
		return nil, nil
	}
	switch s.kind {
	case types.KindInt:
		if x, ok := v.(int32); ok {
			return binary.BigEndian.AppendUint32(nil, uint32(x)), nil
		}
	case types.KindBigint:
		if x, ok := asInt64(v); ok {
			return binary.BigEndian.AppendUint64(nil, uint64(x)), nil
		}
	case types.KindDouble:
		if x, ok := asFloat64(v); ok {
			return binary.BigEndian.AppendUint64(nil, math.Float64bits(x)), nil
		}
	case types.KindString:
		if x, ok := v.(string); ok {
			return []byte(x), nil
		}
	case types.KindBytes:
		if x, ok := v.([]byte); ok {
			out := make([]byte, len(x))
			copy(out, x)
			return out, nil
		}
	}
	return nil, fmt.Errorf("value does not match expected type. expected: %s, but got: %T", s.kind, v)
}

// Deserialize reads the single value; a Kafka null gives a nil row.
func (s *kafkaSerde) Deserialize(topic string, data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	if s.n == 0 {
		return []any{}, nil
	}
	fail := func(msg string) error {
		return fmt.Errorf("Error deserializing KAFKA message from topic: %s: %s", topic, msg)
	}
	switch s.kind {
	case types.KindInt:
		if len(data) != 4 {
			return nil, fail("Size of data received by IntegerDeserializer is not 4")
		}
		return []any{int32(binary.BigEndian.Uint32(data))}, nil
	case types.KindBigint:
		if len(data) != 8 {
			return nil, fail("Size of data received by LongDeserializer is not 8")
		}
		return []any{int64(binary.BigEndian.Uint64(data))}, nil
	case types.KindDouble:
		if len(data) != 8 {
			return nil, fail("Size of data received by Deserializer is not 8")
		}
		return []any{math.Float64frombits(binary.BigEndian.Uint64(data))}, nil
	case types.KindString:
		return []any{javaUTF8(data)}, nil
	case types.KindBytes:
		out := make([]byte, len(data))
		copy(out, data)
		return []any{out}, nil
	}
	return nil, fail(fmt.Sprintf("The 'KAFKA' format does not support type '%s'", s.kind))
}

// javaUTF8 decodes UTF-8 as Java's String constructor: each malformed byte
// becomes U+FFFD.
func javaUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = append(out, "\ufffd"...)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return string(out)
}

// None is the NONE format: no columns, no data. Writing gives a Kafka null;
// reading ignores the data and gives an empty row (a nil row for a Kafka
// null).
var None Format = noneFormat{}

type noneFormat struct{}

func (noneFormat) Name() string           { return "NONE" }
func (noneFormat) SupportsWrapping() bool { return false }

func (f noneFormat) Validate(cols []types.Column, p Props) error {
	if len(cols) > 0 {
		return fmt.Errorf("The 'NONE' format can only be used when no columns are defined. Got: %s", columnList(cols))
	}
	return validateCommon(f, cols, p)
}

func (f noneFormat) Serializer(cols []types.Column, p Props) (Serializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	return noneSerde{}, nil
}

func (f noneFormat) Deserializer(cols []types.Column, p Props) (Deserializer, error) {
	if err := f.Validate(cols, p); err != nil {
		return nil, err
	}
	return noneSerde{}, nil
}

type noneSerde struct{}

func (noneSerde) Serialize(topic string, values []any) ([]byte, error) {
	if len(values) > 0 {
		return nil, errors.New("The 'NONE' format cannot serialize values")
	}
	return nil, nil
}

func (noneSerde) Deserialize(topic string, data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	return []any{}, nil
}
