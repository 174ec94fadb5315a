package planner

import (
	"fmt"

	"github.com/eddysql/eddy/parser/ast"
)

// Error is a planning error. Pos is zero when the error has no single
// place in the statement.
type Error struct {
	Pos ast.Pos
	Msg string
	// Prefix comes before the position: ksqlDB's name for the phase that
	// found the error ("Exception while preparing statement: ").
	Prefix string
	// literal marks an invalid literal, which ksqlDB finds while it builds
	// the statement and reports in its parser's style, one column on.
	literal bool
}

func (e *Error) Error() string {
	switch {
	case e.Pos.Line == 0:
		return e.Prefix + e.Msg
	case e.literal:
		return fmt.Sprintf("%sline %d:%d: %s", e.Prefix, e.Pos.Line, e.Pos.Col+1, e.Msg)
	}
	return fmt.Sprintf("%sLine: %d, Col: %d: %s", e.Prefix, e.Pos.Line, e.Pos.Col, e.Msg)
}

// literalError reports a numeric literal that does not fit its type.
func literalError(pos ast.Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Prefix: "Failed to prepare statement: ", literal: true}
}

func errorf(pos ast.Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// plain builds an error without a position, for statement-level checks
// whose ksqlDB messages carry none.
func plain(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}
