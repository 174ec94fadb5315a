package ops

import (
	"context"
	"fmt"
	"strconv"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// source decodes raw Kafka records into rows of the source schema.
type source struct {
	step     *physical.Source
	keys     serde.Deserializer // nil when the source has no key columns
	values   serde.Deserializer
	nKey     int
	nValue   int
	headers  []types.Column
	tsCol    int // index in the row, -1 for the record timestamp
	tsParse  func(string) (int64, error)
	windowed bool
	next     Operator
	policy   ErrorPolicy
	// store, when set, holds each key's latest value bytes so that table
	// updates carry the previous row.
	store Store
}

func newSource(step *physical.Source, formats *serde.Registry, tsParser TimestampParser, next Operator, policy ErrorPolicy) (*source, error) {
	s := &source{step: step, next: next, policy: policy, tsCol: -1, windowed: step.Window != nil}
	keyCols, valCols := step.Physical.Key(), step.Physical.Value()
	s.nKey, s.nValue = len(keyCols), len(valCols)
	s.headers = step.Physical.Headers()
	var err error
	if len(keyCols) > 0 {
		if s.keys, err = deserializer(formats, step.KeyFormat, keyCols, true); err != nil {
			return nil, fmt.Errorf("key format of %s: %w", step.SourceName, err)
		}
	}
	if s.values, err = deserializer(formats, step.ValueFormat, valCols, false); err != nil {
		return nil, fmt.Errorf("value format of %s: %w", step.SourceName, err)
	}
	if step.Timestamp.Column != "" {
		s.tsCol = step.Physical.Find(step.Timestamp.Column)
		if step.Timestamp.Format != "" {
			if tsParser == nil {
				return nil, fmt.Errorf("TIMESTAMP_FORMAT needs a timestamp parser")
			}
			if s.tsParse, err = tsParser(step.Timestamp.Format); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// TimestampParser builds a parser for a Java-style TIMESTAMP_FORMAT.
type TimestampParser func(format string) (func(string) (int64, error), error)

// DefaultWrapProp is the format property that carries the server's
// ksql.persistence.wrap.single.values into the serdes.
const DefaultWrapProp = "DEFAULT_WRAP_SINGLE_VALUE"

// SerdeProps converts catalog format properties to serde properties.
func SerdeProps(f catalog.Format, isKey bool) serde.Props {
	p := serde.Props{IsKey: isKey, Delimiter: f.Props["DELIMITER"],
		NullableRepresentation: f.Props["PROTOBUF_NULLABLE_REPRESENTATION"], SchemaFullName: f.Props["SCHEMA_FULL_NAME"]}
	p.SchemaID, _ = strconv.Atoi(f.Props["SCHEMA_ID"])
	_, p.SchemaFullNameSet = f.Props["SCHEMA_FULL_NAME"]
	if v, ok := f.Props["WRAP_SINGLE_VALUE"]; ok {
		b, _ := strconv.ParseBool(v)
		p.WrapSingleValue = &b
	}
	if v, ok := f.Props[DefaultWrapProp]; ok {
		b, _ := strconv.ParseBool(v)
		p.DefaultWrapSingleValue = &b
	}
	return p
}

func deserializer(formats *serde.Registry, f catalog.Format, cols []types.Column, isKey bool) (serde.Deserializer, error) {
	format, err := formats.Get(f.Name)
	if err != nil {
		return nil, err
	}
	return format.Deserializer(cols, SerdeProps(f, isKey))
}

// ProcessRaw decodes one Kafka record and passes it on. Bad records are
// logged and skipped, as ksqlDB's processing log does.
func (s *source) ProcessRaw(ctx context.Context, raw *Raw) error {
	row := make([]any, len(s.step.Out.Columns))
	keyBytes := raw.Key
	var win *Window
	if s.windowed && keyBytes != nil {
		var err error
		if keyBytes, win, err = SplitWindow(keyBytes, s.step.Window.Type == "SESSION", s.step.Window.Size); err != nil {
			return s.bad(raw, "key", err)
		}
	}
	if s.keys != nil {
		k, err := s.keys.Deserialize(raw.Topic, keyBytes)
		if err != nil {
			return s.bad(raw, "key", err)
		}
		copy(row, k)
		if s.step.Table && allNil(row[:s.nKey]) {
			// A table row needs a key: Kafka Streams drops records with a
			// null key from a table's changelog.
			s.policy.logger().Warn("table record with a null key, record skipped", "source", s.step.SourceName,
				"topic", raw.Topic, "partition", raw.Partition, "offset", raw.Offset)
			return nil
		}
	}
	rec := &Record{Row: row, Timestamp: raw.Timestamp, Partition: raw.Partition, Offset: raw.Offset, Headers: raw.Headers, Window: win,
		NullKey: keyBytes == nil}
	// A null value is a tombstone on a table and a row without value on a
	// stream: ksqlDB passes it through projections as a null value.
	if raw.Value == nil {
		rec.Tombstone = true
	} else {
		v, err := s.values.Deserialize(raw.Topic, raw.Value)
		if err != nil {
			return s.bad(raw, "value", err)
		}
		if v == nil {
			rec.Tombstone = true
		} else {
			copy(row[s.nKey:], v)
		}
	}
	s.fillHeaders(row, raw.Headers)
	if s.tsCol >= 0 && !rec.Tombstone {
		ts, err := s.timestamp(row[s.tsCol])
		if err != nil && s.policy.FailOnInvalidTimestamp {
			// Kafka Streams' wording, which ksqlDB users search for.
			return fmt.Errorf("Fatal user code error in TimestampExtractor callback for record from topic %s partition %d offset %d: %w",
				raw.Topic, raw.Partition, raw.Offset, err)
		}
		if err != nil {
			s.policy.logger().Warn("invalid timestamp, record skipped", "source", s.step.SourceName, "topic", raw.Topic,
				"partition", raw.Partition, "offset", raw.Offset, "error", err)
			return nil
		}
		rec.Timestamp = ts
	}
	if rec.Timestamp < 0 {
		s.policy.logger().Warn("negative timestamp, record skipped", "source", s.step.SourceName, "topic", raw.Topic,
			"partition", raw.Partition, "offset", raw.Offset, "timestamp", rec.Timestamp)
		return nil
	}
	n := len(s.step.Physical.Columns)
	row[n], row[n+1], row[n+2] = rec.Timestamp, raw.Partition, raw.Offset
	if win != nil {
		row[n+3], row[n+4] = win.Start, win.End
	}
	if s.store != nil {
		if err := s.materialize(raw, rec); err != nil {
			return err
		}
	}
	return s.next.Process(ctx, rec)
}

func allNil(vs []any) bool {
	for _, v := range vs {
		if v != nil {
			return false
		}
	}
	return true
}

// materialize remembers the key's value and attaches the previous one.
func (s *source) materialize(raw *Raw, rec *Record) error {
	prev, ok, err := s.store.Get(raw.Key)
	if err != nil {
		return err
	}
	rec.OldKnown = true
	if ok {
		if v, err := s.values.Deserialize(raw.Topic, prev); err == nil && v != nil {
			old := append([]any(nil), rec.Row...)
			copy(old[s.nKey:], v)
			rec.Old = old
		}
	}
	if rec.Tombstone {
		return s.store.Delete(raw.Key)
	}
	return s.store.Put(raw.Key, raw.Value)
}

func (s *source) fillHeaders(row []any, hs []Header) {
	for _, c := range s.headers {
		i := s.step.Physical.Find(c.Name)
		if c.HeaderKey == "" {
			all := make([]any, len(hs))
			for j, h := range hs {
				all[j] = types.StructValue{h.Key, h.Value}
			}
			row[i] = all
			continue
		}
		row[i] = nil
		for _, h := range hs {
			if h.Key == c.HeaderKey {
				row[i] = h.Value
			}
		}
	}
}

func (s *source) timestamp(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case types.Timestamp:
		return int64(v), nil
	case string:
		return s.tsParse(v)
	case nil:
		return 0, fmt.Errorf("timestamp column %s is null", s.step.Timestamp.Column)
	}
	return 0, fmt.Errorf("unsupported timestamp value %T", v)
}

func (s *source) bad(raw *Raw, part string, err error) error {
	if s.policy.FailOnDeserialization {
		return fmt.Errorf("deserializing %s from topic %s: %w", part, raw.Topic, err)
	}
	s.policy.logger().Warn("Failed to deserialize "+part+", record skipped", "source", s.step.SourceName,
		"topic", raw.Topic, "partition", raw.Partition, "offset", raw.Offset, "error", err)
	return nil
}
