package ops

import (
	"context"
	"fmt"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// sink serializes rows and hands them to the emitter.
type sink struct {
	step    *physical.Sink
	keys    serde.Serializer // nil without key columns
	values  serde.Serializer
	keyIdx  []int
	valIdx  []int
	tsParse func(string) (int64, error)
	emitter Emitter
	policy  ErrorPolicy
}

func newSink(step *physical.Sink, formats *serde.Registry, tsParser TimestampParser, emitter Emitter, policy ErrorPolicy) (*sink, error) {
	s := &sink{step: step, emitter: emitter, policy: policy}
	schema := step.Input.Schema()
	var keyCols, valCols []types.Column
	for i, c := range schema.Columns {
		if c.Namespace == types.NsKey {
			s.keyIdx = append(s.keyIdx, i)
			keyCols = append(keyCols, c)
		} else {
			s.valIdx = append(s.valIdx, i)
			valCols = append(valCols, c)
		}
	}
	if len(keyCols) > 0 {
		f, err := formats.Get(step.KeyFormat.Name)
		if err != nil {
			return nil, err
		}
		if s.keys, err = f.Serializer(keyCols, SerdeProps(step.KeyFormat, true)); err != nil {
			return nil, fmt.Errorf("key format of %s: %w", step.SinkName, err)
		}
	}
	f, err := formats.Get(step.ValueFormat.Name)
	if err != nil {
		return nil, err
	}
	if s.values, err = f.Serializer(valCols, SerdeProps(step.ValueFormat, false)); err != nil {
		return nil, fmt.Errorf("value format of %s: %w", step.SinkName, err)
	}
	if step.TimestampFormat != "" {
		if s.tsParse, err = tsParser(step.TimestampFormat); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func pick(row []any, idx []int) []any {
	out := make([]any, len(idx))
	for i, j := range idx {
		out[i] = row[j]
	}
	return out
}

func (s *sink) Process(ctx context.Context, r *Record) error {
	raw := &Raw{Topic: s.step.Topic, Timestamp: r.Timestamp, Headers: r.Headers}
	var err error
	if key := pick(r.Row, s.keyIdx); s.keys != nil && !(r.NullKey && allNil(key)) {
		if raw.Key, err = s.keys.Serialize(s.step.Topic, key); err != nil {
			s.policy.logger().Warn("Failed to serialize key, record skipped", "sink", s.step.SinkName, "error", err)
			return nil
		}
	}
	if r.Window != nil {
		raw.Key = AppendWindow(raw.Key, r.Window)
		raw.Window = r.Window
	}
	if !r.Tombstone {
		if raw.Value, err = s.values.Serialize(s.step.Topic, pick(r.Row, s.valIdx)); err != nil {
			s.policy.logger().Warn("Failed to serialize value, record skipped", "sink", s.step.SinkName, "error", err)
			return nil
		}
		if s.step.TimestampColumn >= 0 {
			ts, ok := s.timestamp(r.Row[s.step.TimestampColumn])
			if !ok {
				return nil
			}
			raw.Timestamp = ts
		}
	}
	return s.emitter.Emit(ctx, raw)
}

func (s *sink) timestamp(v any) (int64, bool) {
	var ts int64
	switch v := v.(type) {
	case int64:
		ts = v
	case types.Timestamp:
		ts = int64(v)
	case string:
		if s.tsParse == nil {
			s.policy.logger().Warn("invalid sink timestamp, record skipped", "sink", s.step.SinkName, "value", v)
			return 0, false
		}
		var err error
		if ts, err = s.tsParse(v); err != nil {
			s.policy.logger().Warn("invalid sink timestamp, record skipped", "sink", s.step.SinkName, "error", err)
			return 0, false
		}
	default:
		s.policy.logger().Warn("invalid sink timestamp, record skipped", "sink", s.step.SinkName, "value", v)
		return 0, false
	}
	if ts < 0 {
		// Kafka refuses negative timestamps; ksqlDB logs and drops the record.
		s.policy.logger().Warn("negative sink timestamp, record skipped", "sink", s.step.SinkName, "value", ts)
		return 0, false
	}
	return ts, true
}
