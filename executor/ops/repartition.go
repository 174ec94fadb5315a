package ops

import (
	"bytes"
	"context"
	"fmt"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// undoHeader marks a repartitioned row that takes a previous table row's
// contribution out of an aggregation (Kafka Streams sends old and new
// values of a table change through its repartition topic the same way).
const undoHeader = "eddy.undo"

// oldHeader carries the previous value of a table row whose grouping key
// did not change: the aggregation takes the old row out and adds the new
// one as one update, so it emits once (Kafka Streams does the same since
// KIP-904).
const oldHeader = "eddy.old"

// keyFormatHeader marks a record whose key is written in the format the
// plan names (physical.Repartition.KeyFormat) rather than in Eddy's own
// encoding, which records written before a join's topic used the format
// still have.
const keyFormatHeader = "eddy.keyformat"

// repartitionSink writes rows to the internal topic; repartitionSource
// reads them back in whichever task owns the topic partition.
type repartitionSink struct {
	topic     string
	keys      *rowCodec
	values    *rowCodec
	nKey      int
	emitter   Emitter
	changelog bool // rows pass as they are (physical.Repartition.Changelog)
	formatted bool // keys are in the plan's format (keyFormatHeader)
}

func newRepartition(step *physical.Repartition, topic string, emitter Emitter, formats *serde.Registry) (*repartitionSink, *repartitionSource, error) {
	cols := step.Input.Schema().Columns
	nKey := 0
	for _, c := range cols {
		if c.Namespace == types.NsKey {
			nKey++
		}
	}
	own, err := newRowCodec(cols[:nKey])
	if err != nil {
		return nil, nil, err
	}
	keys := own
	if step.KeyFormat != nil {
		if keys, err = keyCodec(*step.KeyFormat, cols[:nKey], formats); err != nil {
			return nil, nil, err
		}
	}
	values, err := newRowCodec(cols[nKey:])
	if err != nil {
		return nil, nil, err
	}
	sink := &repartitionSink{topic: topic, keys: keys, values: values, nKey: nKey, emitter: emitter,
		changelog: step.Changelog, formatted: step.KeyFormat != nil}
	return sink, &repartitionSource{keys: keys, ownKeys: own, values: values, nKey: nKey, width: len(cols)}, nil
}

// keyCodec encodes a repartition topic's keys in format f: a join's other
// side is partitioned by keys in it.
func keyCodec(f catalog.Format, cols []types.Column, formats *serde.Registry) (*rowCodec, error) {
	if formats == nil {
		return nil, fmt.Errorf("repartition keys in %s need the formats", f.Name)
	}
	format, err := formats.Get(f.Name)
	if err != nil {
		return nil, err
	}
	ser, err := format.Serializer(cols, SerdeProps(f, true))
	if err != nil {
		return nil, err
	}
	de, err := format.Deserializer(cols, SerdeProps(f, true))
	if err != nil {
		return nil, err
	}
	return &rowCodec{ser: ser, de: de}, nil
}

func (s *repartitionSink) write(ctx context.Context, row, old []any, r *Record, undo, tombstone bool) error {
	k, err := s.keys.encode(row[:s.nKey])
	if err != nil {
		return err
	}
	raw := &Raw{Topic: s.topic, Key: k, Timestamp: r.Timestamp}
	if s.formatted {
		raw.Headers = []Header{{Key: keyFormatHeader, Value: []byte{1}}}
	}
	if !tombstone {
		if raw.Value, err = s.values.encode(row[s.nKey:]); err != nil {
			return err
		}
	}
	if undo {
		raw.Headers = append(raw.Headers, Header{Key: undoHeader, Value: []byte{1}})
	}
	if old != nil {
		v, err := s.values.encode(old[s.nKey:])
		if err != nil {
			return err
		}
		raw.Headers = append(raw.Headers, Header{Key: oldHeader, Value: v})
	}
	return s.emitter.Emit(ctx, raw)
}

func (s *repartitionSink) Process(ctx context.Context, r *Record) error {
	if s.changelog {
		// A join input keeps its key: the row, or its delete, is all
		// the other side needs.
		return s.write(ctx, r.Row, nil, r, false, r.Tombstone)
	}
	if r.Old != nil && !r.Tombstone && !r.Undo && s.sameKey(r.Old[:s.nKey], r.Row[:s.nKey]) {
		return s.write(ctx, r.Row, r.Old, r, false, false)
	}
	if r.Old != nil {
		if err := s.write(ctx, r.Old, nil, r, true, false); err != nil {
			return err
		}
	}
	if r.Tombstone && r.Old != nil {
		return nil
	}
	return s.write(ctx, r.Row, nil, r, r.Undo, r.Tombstone)
}

// sameKey tells whether two grouping keys encode alike (NULLs never match:
// rows with a NULL grouping value are not aggregated).
func (s *repartitionSink) sameKey(a, b []any) bool {
	for i := range a {
		if a[i] == nil || b[i] == nil {
			return false
		}
	}
	ka, err := s.keys.encode(a)
	if err != nil {
		return false
	}
	kb, err := s.keys.encode(b)
	return err == nil && bytes.Equal(ka, kb)
}

type repartitionSource struct {
	keys, values *rowCodec
	// ownKeys reads keys in Eddy's own encoding: those of records written
	// before the topic's keys took the plan's format.
	ownKeys     *rowCodec
	nKey, width int
	next        Operator
}

func (s *repartitionSource) ProcessRaw(ctx context.Context, raw *Raw) error {
	row := make([]any, s.width)
	keys := s.ownKeys
	for _, h := range raw.Headers {
		if h.Key == keyFormatHeader {
			keys = s.keys
		}
	}
	k, err := keys.decode(raw.Key)
	if err != nil {
		return err
	}
	copy(row, k)
	rec := &Record{Row: row, Timestamp: raw.Timestamp, Partition: raw.Partition, Offset: raw.Offset}
	if raw.Value == nil {
		rec.Tombstone = true
	} else {
		v, err := s.values.decode(raw.Value)
		if err != nil {
			return err
		}
		copy(row[s.nKey:], v)
	}
	for _, h := range raw.Headers {
		switch h.Key {
		case undoHeader:
			rec.Undo = true
		case oldHeader:
			v, err := s.values.decode(h.Value)
			if err != nil {
				return err
			}
			rec.Old = make([]any, s.width)
			copy(rec.Old, k)
			copy(rec.Old[s.nKey:], v)
		}
	}
	return s.next.Process(ctx, rec)
}
