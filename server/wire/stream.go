package wire

import (
	"encoding/base64"
	"strconv"

	"github.com/eddysql/eddy/planner/types"
)

// Final messages of a classic /query push stream.
const (
	FinalLimitReached   = "Limit Reached"
	FinalQueryCompleted = "Query Completed"
)

// AppendQueryHeader appends the first element of a classic /query response:
// {"header":{"queryId":"...","schema":"`A` STRING, `B` BIGINT"}}.
func AppendQueryHeader(buf []byte, queryID, schema string) []byte {
	buf = append(buf, `{"header":{"queryId":`...)
	buf = AppendString(buf, queryID)
	buf = append(buf, `,"schema":`...)
	buf = AppendString(buf, schema)
	return append(buf, "}}"...)
}

// AppendProtoQueryHeader appends the header of a classic /query response
// in Protobuf (application/vnd.ksql.v1+protobuf): the rows' message schema
// besides the usual fields.
func AppendProtoQueryHeader(buf []byte, queryID, schema, protoSchema string) []byte {
	buf = append(buf, `{"header":{"queryId":`...)
	buf = AppendString(buf, queryID)
	buf = append(buf, `,"schema":`...)
	buf = AppendString(buf, schema)
	buf = append(buf, `,"protoSchema":`...)
	buf = AppendString(buf, protoSchema)
	return append(buf, "}}"...)
}

// AppendProtoRow appends a row of a Protobuf /query response:
// {"row":{"protobufBytes":"<base64 of the message>"}}.
func AppendProtoRow(buf, message []byte) []byte {
	buf = append(buf, `{"row":{"protobufBytes":"`...)
	buf = base64.StdEncoding.AppendEncode(buf, message)
	return append(buf, `"}}`...)
}

// AppendStreamedRow appends a classic /query row:
// {"row":{"columns":[...]}} or, for a table tombstone,
// {"row":{"columns":[...],"tombstone":true}}.
func AppendStreamedRow(buf []byte, vals []any, cols []*types.Type, tombstone bool) []byte {
	buf = append(buf, `{"row":{"columns":`...)
	buf = AppendRowValues(buf, vals, cols)
	if tombstone {
		buf = append(buf, `,"tombstone":true`...)
	}
	return append(buf, "}}"...)
}

// AppendFinalMessage appends {"finalMessage":"..."}.
func AppendFinalMessage(buf []byte, msg string) []byte {
	buf = append(buf, `{"finalMessage":`...)
	buf = AppendString(buf, msg)
	return append(buf, '}')
}

// AppendErrorMessage appends a mid-stream error of a classic /query
// response: {"errorMessage":{"@type":"generic_error","error_code":N,...}}.
func AppendErrorMessage(buf []byte, e *Error) []byte {
	buf = append(buf, `{"errorMessage":`...)
	buf = appendErrorBody(buf, e)
	return append(buf, '}')
}

// AppendErrorBody appends an error's JSON body (as on an error response).
func AppendErrorBody(buf []byte, e *Error) []byte { return appendErrorBody(buf, e) }

func appendErrorBody(buf []byte, e *Error) []byte {
	out, err := e.AppendJSON(buf)
	if err != nil { // only entity marshalling can fail: drop them
		plain := *e
		plain.Entities = nil
		out, _ = plain.AppendJSON(buf)
	}
	return out
}

// QueryStreamMetadata is the first line (or element) of a /query-stream
// response. QueryID is omitted when empty.
type QueryStreamMetadata struct {
	QueryID     string   `json:"queryId,omitempty"`
	ColumnNames []string `json:"columnNames"`
	ColumnTypes []string `json:"columnTypes"`
}

// AppendJSON appends the metadata object.
func (m QueryStreamMetadata) AppendJSON(buf []byte) []byte {
	buf = append(buf, '{')
	if m.QueryID != "" {
		buf = append(buf, `"queryId":`...)
		buf = AppendString(buf, m.QueryID)
		buf = append(buf, ',')
	}
	buf = append(buf, `"columnNames":`...)
	buf = appendStrings(buf, m.ColumnNames)
	buf = append(buf, `,"columnTypes":`...)
	buf = appendStrings(buf, m.ColumnTypes)
	return append(buf, '}')
}

func appendStrings(buf []byte, ss []string) []byte {
	buf = append(buf, '[')
	for i, s := range ss {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = AppendString(buf, s)
	}
	return append(buf, ']')
}

// AppendInsertAck appends a successful /inserts-stream ack:
// {"status":"ok","seq":N}.
func AppendInsertAck(buf []byte, seq int64) []byte {
	buf = append(buf, `{"status":"ok","seq":`...)
	buf = strconv.AppendInt(buf, seq, 10)
	return append(buf, '}')
}

// AppendInsertError appends a failed /inserts-stream ack: the error body
// with "status":"error" and the row's "seq".
func AppendInsertError(buf []byte, seq int64, e *Error) []byte {
	buf = append(buf, `{"@type":"generic_error","error_code":`...)
	buf = strconv.AppendInt(buf, int64(e.Code), 10)
	buf = append(buf, `,"message":`...)
	buf = AppendString(buf, e.Message)
	buf = append(buf, `,"status":"error","seq":`...)
	buf = strconv.AppendInt(buf, seq, 10)
	return append(buf, '}')
}

// StreamedRow is the decoded form of one element of a classic /query
// response, for clients and tests. Exactly one field is set.
type StreamedRow struct {
	Header       *StreamHeader `json:"header,omitempty"`
	Row          *DataRow      `json:"row,omitempty"`
	ErrorMessage *ErrorBody    `json:"errorMessage,omitempty"`
	FinalMessage *string       `json:"finalMessage,omitempty"`
}

// StreamHeader is the header of a classic /query response.
type StreamHeader struct {
	QueryID string `json:"queryId"`
	Schema  string `json:"schema"`
}

// DataRow is a row of a classic /query response.
type DataRow struct {
	Columns   []any `json:"columns"`
	Tombstone bool  `json:"tombstone,omitempty"`
}

// InsertAck is the decoded form of an /inserts-stream ack line.
type InsertAck struct {
	Status    string `json:"status"`
	Seq       int64  `json:"seq"`
	ErrorCode int    `json:"error_code,omitempty"`
	Message   string `json:"message,omitempty"`
}
