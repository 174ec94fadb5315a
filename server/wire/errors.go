// Package wire holds the JSON shapes of ksqlDB's REST API: error bodies, the
// entities /ksql answers with, the classic /query stream, the /query-stream
// metadata and rows, the /inserts-stream acks, and the encoder for SQL values.
//
// Field names, @type names and field order follow what ksqlDB emits, so that
// existing ksqlDB clients parse Eddy's answers unchanged.
package wire

import (
	"errors"
	"strconv"
)

// ksqlDB error codes. The HTTP status of an error is its code / 100.
const (
	CodeBadRequest             = 40000 // malformed request
	CodeBadStatement           = 40001 // statement failed validation or execution
	CodeQueryEndpoint          = 40002 // SELECT or PRINT sent to /ksql
	CodeMaxPushQueriesExceeded = 40003
	CodeHTTP2Only              = 40004
	CodeUnauthorized           = 40100
	CodeForbidden              = 40300
	CodeForbiddenKafkaAccess   = 40301
	CodeNotFound               = 40400
	CodeNotHeld                = 40900 // Eddy: a forwarded pull query asked for partitions this server does not hold
	CodeSchemaRegistryNotSet   = 42801
	CodeAssertionFailed        = 41700 // ASSERT TOPIC/SCHEMA did not hold within its timeout
	CodeTooManyRequests        = 42900
	CodeServerError            = 50000
	CodeCommandQueueTimeout    = 50301 // timed out waiting for a previous command
	CodeServerNotReady         = 50302
	CodeServerShuttingDown     = 50303
	CodeServerShutDown         = 50304
)

// QueryEndpointMessage is ksqlDB's message for SELECT and PRINT sent to /ksql
// (error code 40002). The line separator is the server's: "\n".
const QueryEndpointMessage = "The following statement types should be issued to the websocket endpoint '/query':\n" +
	"\t* PRINT\n" +
	"\t* SELECT"

// Error is a ksqlDB error body and a Go error. A statement error
// (Statement true, or a non-empty StatementText) marshals as
// "statement_error" with statementText and entities; any other as
// "generic_error".
type Error struct {
	Code          int
	Message       string
	Statement     bool
	StatementText string
	// Entities are the results of the statements of the request that ran
	// before the failing one (statement errors only).
	Entities []Entity
	// Err is an optional cause, returned by Unwrap; it is not sent.
	Err error
}

// NewError returns a generic error with the given ksqlDB code.
func NewError(code int, msg string) *Error { return &Error{Code: code, Message: msg} }

// NewStatementError returns a statement error for the given statement text.
func NewStatementError(code int, msg, statementText string, entities ...Entity) *Error {
	return &Error{Code: code, Message: msg, Statement: true, StatementText: statementText, Entities: entities}
}

// BadRequest returns a 40000 generic error.
func BadRequest(msg string) *Error { return NewError(CodeBadRequest, msg) }

// BadStatement returns a 40001 statement error.
func BadStatement(msg, statementText string, entities ...Entity) *Error {
	return NewStatementError(CodeBadStatement, msg, statementText, entities...)
}

// QueryEndpoint returns the 40002 error for a SELECT or PRINT sent to /ksql.
func QueryEndpoint(statementText string) *Error {
	return NewStatementError(CodeQueryEndpoint, QueryEndpointMessage, statementText)
}

// NotFound returns a 40400 generic error.
func NotFound(msg string) *Error { return NewError(CodeNotFound, msg) }

// ServerError returns a 50000 generic error.
func ServerError(msg string) *Error { return NewError(CodeServerError, msg) }

func (e *Error) Error() string {
	if e.Message == "" {
		return "ksql error " + strconv.Itoa(e.Code)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus is the HTTP status for the error: its code / 100, or 500 when
// the code is not a valid status.
func (e *Error) HTTPStatus() int {
	s := e.Code / 100
	if s < 400 || s > 599 {
		return 500
	}
	return s
}

// TypeName is the error's @type.
func (e *Error) TypeName() string {
	if e.Statement || e.StatementText != "" {
		return "statement_error"
	}
	return "generic_error"
}

// MarshalJSON writes {"@type":..,"error_code":N,"message":..} plus, for a
// statement error, "statementText" and "entities".
func (e *Error) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil) }

// AppendJSON appends the error's JSON body to buf.
func (e *Error) AppendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, `{"@type":`...)
	buf = AppendString(buf, e.TypeName())
	buf = append(buf, `,"error_code":`...)
	buf = strconv.AppendInt(buf, int64(e.Code), 10)
	buf = append(buf, `,"message":`...)
	buf = AppendString(buf, e.Message)
	if e.TypeName() == "statement_error" {
		buf = append(buf, `,"statementText":`...)
		buf = AppendString(buf, e.StatementText)
		buf = append(buf, `,"entities":`...)
		var err error
		if buf, err = AppendEntities(buf, e.Entities); err != nil {
			return nil, err
		}
	}
	return append(buf, '}'), nil
}

// ErrorBody is the decoded form of an error body, for clients and tests.
type ErrorBody struct {
	Type          string `json:"@type"`
	ErrorCode     int    `json:"error_code"`
	Message       string `json:"message"`
	StatementText string `json:"statementText,omitempty"`
}

// AsError returns err as a *Error: itself (or the *Error it wraps), or a
// 50000 server error carrying err's text.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var we *Error
	if errors.As(err, &we) {
		return we
	}
	return &Error{Code: CodeServerError, Message: err.Error(), Err: err}
}
