// Package rest serves ksqlDB's REST API over HTTP/1.1 and cleartext HTTP/2
// with a chi router: one file per endpoint, all of them calling a Backend
// (the engine). The JSON shapes live in package wire.
package rest

import (
	"context"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
)

// StatementRequest is a request to run statements: the body of /ksql and
// /query, or of /query-stream (sql -> KSQL, properties -> StreamsProperties).
// JSON numbers in the maps arrive as json.Number.
type StatementRequest struct {
	KSQL                  string
	StreamsProperties     map[string]any
	SessionVariables      map[string]any
	CommandSequenceNumber *int64
}

// Backend is what the handlers call: the engine implements it.
//
// SELECT and PRINT sent to /ksql are not detected by the handlers (that
// needs the statement splitter): Execute must refuse them with
// wire.QueryEndpoint(statementText) (400, error code 40002).
type Backend interface {
	// Execute runs /ksql statements (validate all first, then run). Returns one entity per statement that yields one.
	// Errors are *wire.Error values (or wrapped) carrying the HTTP status and ksqlDB error code/body.
	Execute(ctx context.Context, req StatementRequest) ([]wire.Entity, error)
	// Query starts a push or pull query (SELECT ...) or PRINT. Errors before streaming are *wire.Error.
	Query(ctx context.Context, req StatementRequest) (QueryStream, error)
	CloseQuery(id string) error                                          // unknown id -> *wire.Error 40000
	Insert(ctx context.Context, target string, row map[string]any) error // /inserts-stream, one row
	Info() wire.ServerInfo
	Health() wire.HealthStatus
	Status() map[string]string // commandId -> status
	CommandStatus(commandID string) (wire.CommandStatus, bool)
	IsValidProperty(name string) error
}

// Column is one column of a query's result. Key columns are marked KEY in
// the header; the backend sets Key only where ksqlDB marks it (table
// results).
type Column struct {
	Name string
	Type *types.Type
	Key  bool
	// Header marks a pull query column read from a record header (listed
	// after the keys, marked HEADERS or HEADER('key') in the header);
	// HeaderKey is the header's key for a single-header column.
	Header    bool
	HeaderKey string
}

// QueryStream is a running query as the handlers see it. The handler that
// started it calls Close when the response ends, the client goes away or
// the limit is reached.
type QueryStream interface {
	ID() string
	Columns() []Column
	IsPull() bool
	IsPrint() bool // PRINT: rows are text lines (Next returns Row.Text)
	// Next blocks for the next row; returns io.EOF at the end (LIMIT reached or pull query done);
	// ctx.Err() when ctx is cancelled; any other error is sent as errorMessage mid-stream.
	// A pull query's rows are all there when Query returns: Next does not block for them.
	Next(ctx context.Context) (Row, error)
	LimitReached() bool // after io.EOF: finalMessage "Limit Reached" vs "Query Completed"
	Close()             // stops the query and releases it (idempotent)
}

// Row is one result row: column values in Columns() order (Tombstone for a
// deleted table row), or a PRINT text line.
type Row struct {
	Values    []any
	Tombstone bool
	Text      string
}
