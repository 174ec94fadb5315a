// Package ops holds the stream operators, one per physical step, and the
// builder that wires a physical plan into a topology. Operators see
// decoded rows; Kafka I/O lives in the runtime that feeds a topology.
package ops

import (
	"context"
	"log/slog"
)

// Header is one Kafka record header.
type Header struct {
	Key   string
	Value []byte
}

// Record is a row travelling between operators.
type Record struct {
	// Row holds the values in the emitting step's schema order.
	Row       []any
	Timestamp int64
	Partition int32
	Offset    int64
	Headers   []Header
	// Tombstone marks a table delete (only key columns are meaningful) or
	// a stream record without value.
	Tombstone bool
	// Old is a table update's previous row for the key, nil if none.
	Old []any
	// OldKnown says Old was looked up: a nil Old then means the key had
	// no row before.
	OldKnown bool
	// Undo asks an aggregation to take this row's contribution out.
	Undo bool
	// Window is the window of a windowed key.
	Window *Window
	// NullKey tells that the record came with a Kafka null key and has
	// not been re-keyed: a sink writes a null key again, rather than a
	// record of NULL columns, when the key columns are still all NULL (the
	// two differ for formats that always wrap keys, like PROTOBUF).
	NullKey bool
}

// Window is a windowed key's bounds in milliseconds.
type Window struct {
	Start, End int64
	// Session marks session windows, whose keys carry both bounds.
	Session bool
}

// Raw is a record as read from or written to Kafka.
type Raw struct {
	Topic     string
	Key       []byte
	Value     []byte
	Headers   []Header
	Timestamp int64
	Partition int32
	Offset    int64
	// Window is the bounds of a windowed key; the sink puts them in the key
	// bytes, the in-memory test driver reads them from here.
	Window *Window
}

// Operator processes records and pushes results downstream.
type Operator interface {
	Process(ctx context.Context, r *Record) error
}

// Emitter receives the records a sink writes.
type Emitter interface {
	Emit(ctx context.Context, r *Raw) error
}

// Collector receives the rows of a push query.
type Collector interface {
	// Collect delivers one row; it returns false when the query has all
	// the rows it wants (LIMIT reached or client gone).
	Collect(ctx context.Context, row []any, tombstone bool) bool
}

// ErrorPolicy decides what happens to a record that fails processing.
type ErrorPolicy struct {
	// Log receives the processing-log entry (ksqlDB's processing log).
	Log *slog.Logger
	// FailOnDeserialization stops the query instead of skipping the record
	// (ksql.fail.on.deserialization.error).
	FailOnDeserialization bool
	// FailOnInvalidTimestamp stops the query when a record's timestamp
	// column cannot be read (ksql.timestamp.throw.on.invalid).
	FailOnInvalidTimestamp bool
}

func (p ErrorPolicy) logger() *slog.Logger {
	if p.Log == nil {
		return slog.Default()
	}
	return p.Log
}
