package parser

import (
	"fmt"
	"strings"

	"github.com/antlr4-go/antlr/v4"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/parser/internal/gen"
)

// Error is a syntax or semantic error found while parsing, with the 1-based
// position of the offending token.
type Error struct {
	Pos ast.Pos
	Msg string
	// Statement is the text of the statement, for the syntax errors that
	// ksqlDB reports with it.
	Statement string
	// withStatement asks Parse to fill in Statement.
	withStatement bool
}

func (e *Error) Error() string {
	if e.Statement != "" {
		return e.Pos.String() + ": " + e.Msg + "\nStatement: " + e.Statement
	}
	return e.Pos.String() + ": " + e.Msg
}

// posOf converts an ANTLR token position (1-based line, 0-based column) to
// an ast.Pos.
func posOf(t antlr.Token) ast.Pos {
	if t == nil {
		return ast.Pos{Line: 1, Col: 1}
	}
	return ast.Pos{Line: t.GetLine(), Col: t.GetColumn() + 1}
}

// semanticError aborts the tree walk; Parse recovers it.
type semanticError struct{ err *Error }

// syntaxAt aborts the walk with a syntax error that ksqlDB's grammar would
// have raised, reported with the statement's text as ksqlDB does.
func syntaxAt(t antlr.Token, msg string) {
	panic(semanticError{&Error{Pos: posOf(t), Msg: "Syntax Error\n" + msg, withStatement: true}})
}

func failAt(t antlr.Token, format string, args ...any) {
	panic(semanticError{&Error{Pos: posOf(t), Msg: fmt.Sprintf(format, args...)}})
}

// errorListener keeps the first syntax error and prints nothing.
type errorListener struct {
	*antlr.DefaultErrorListener
	err *Error
}

func (l *errorListener) SyntaxError(recognizer antlr.Recognizer, offending any, line, column int, msg string, e antlr.RecognitionException) {
	if l.err != nil {
		return
	}
	pos := ast.Pos{Line: line, Col: column + 1}
	tok, _ := offending.(antlr.Token)
	if tok == nil { // lexer error
		l.err = &Error{Pos: pos, Msg: "Syntax Error: " + msg}
		return
	}
	var b strings.Builder
	if tok.GetTokenType() == antlr.TokenEOF {
		b.WriteString("Syntax Error at end of input")
	} else {
		fmt.Fprintf(&b, "Syntax Error at or near '%s'", tok.GetText())
	}
	// After a failed prediction the parser sits at the decision's start, so
	// its expected tokens only describe the offending token when the
	// decision failed on its first token.
	if p, ok := recognizer.(antlr.Parser); ok {
		_, noViable := e.(*antlr.NoViableAltException)
		if !noViable || p.GetCurrentToken().GetTokenIndex() == tok.GetTokenIndex() {
			if exp := describeExpected(p.GetExpectedTokens()); exp != "" {
				b.WriteString(": expecting ")
				b.WriteString(exp)
			}
		}
	}
	l.err = &Error{Pos: pos, Msg: b.String()}
}

// isNonReserved tells keywords that may also be used as identifiers: the
// lexer defines them contiguously from ADD to WITH.
func isNonReserved(tokenType int) bool {
	return tokenType >= gen.EddyLexerADD && tokenType <= gen.EddyLexerWITH
}

const maxExpected = 12

// describeExpected renders an expected-token set for humans: keywords as
// quoted literals, identifier-like tokens collapsed to "identifier".
func describeExpected(set *antlr.IntervalSet) string {
	if set == nil {
		return ""
	}
	var types []int
	hasIdent := false
	for _, iv := range set.GetIntervals() {
		for t := iv.Start; t < iv.Stop; t++ {
			types = append(types, t)
			if t == gen.EddyLexerIDENTIFIER {
				hasIdent = true
			}
		}
	}
	seen := map[string]bool{}
	var names []string
	for _, t := range types {
		if hasIdent && isNonReserved(t) {
			continue
		}
		name := tokenDisplayName(t)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, name)
	}
	switch {
	case len(names) == 0:
		return ""
	case len(names) == 1:
		return names[0]
	case len(names) > maxExpected:
		names = append(names[:maxExpected], "...")
	}
	return "{" + strings.Join(names, ", ") + "}"
}

func tokenDisplayName(t int) string {
	switch t {
	case antlr.TokenEOF:
		return "<EOF>"
	case gen.EddyLexerIDENTIFIER, gen.EddyLexerBACKQUOTED_IDENTIFIER,
		gen.EddyLexerQUOTED_IDENTIFIER, gen.EddyLexerDIGIT_IDENTIFIER:
		return "identifier"
	case gen.EddyLexerSTRING:
		return "string"
	case gen.EddyLexerINTEGER_VALUE:
		return "integer"
	case gen.EddyLexerDECIMAL_VALUE:
		return "decimal"
	case gen.EddyLexerFLOATING_POINT_VALUE:
		return "double"
	case gen.EddyLexerUNRECOGNIZED:
		return ""
	}
	lits := gen.EddyLexerLexerStaticData.LiteralNames
	if t > 0 && t < len(lits) && lits[t] != "" {
		return lits[t]
	}
	return ""
}
