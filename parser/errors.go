package parser

import (
	"fmt"
	"sort"
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
	// ksqlDB's wording: "Syntax Error" and, on the next line, what went
	// wrong; the statement follows.
	text := tok.GetText()
	if tok.GetTokenType() == antlr.TokenEOF {
		text = "<EOF>"
	}
	detail := msg // missing or extraneous tokens: ANTLR's words, as ksqlDB keeps them
	p, _ := recognizer.(antlr.Parser)
	switch e.(type) {
	case *antlr.NoViableAltException:
		if p != nil && startsStatement(p, tok) {
			detail = fmt.Sprintf("Unknown statement '%s'", text)
		} else {
			detail = fmt.Sprintf("Syntax error at or near '%s' at line %d:%d", text, pos.Line, pos.Col)
		}
	case *antlr.InputMisMatchException:
		if p != nil {
			if exp := describeExpected(p.GetExpectedTokens()); exp != "" {
				detail = "Expecting " + exp
			}
		}
	}
	l.err = &Error{Pos: pos, Msg: "Syntax Error\n" + detail}
	if p != nil {
		l.err.Statement = statementAround(p, tok)
	}
}

// statementAround is the text of the statement tok is in, from the token
// after the previous ';' to the next ';' (included) or the end.
func statementAround(p antlr.Parser, tok antlr.Token) string {
	ts := p.GetTokenStream()
	if cts, ok := ts.(*antlr.CommonTokenStream); ok {
		cts.Fill() // the parser reads tokens lazily; the rest of the statement is needed
	}
	first := statementStart(ts, tok)
	last := tok.GetTokenIndex()
	for last < ts.Size()-1 && ts.Get(last).GetTokenType() != gen.EddyLexerSEMICOLON && ts.Get(last).GetTokenType() != antlr.TokenEOF {
		last++
	}
	if ts.Get(last).GetTokenType() == antlr.TokenEOF && last > first {
		last--
	}
	start, stop := ts.Get(first).GetStart(), ts.Get(last).GetStop()
	if start < 0 || stop < start {
		return ""
	}
	return strings.TrimSpace(ts.GetTokenSource().GetInputStream().GetTextFromInterval(antlr.NewInterval(start, stop)))
}

// startsStatement tells whether tok is the first token of a statement.
func startsStatement(p antlr.Parser, tok antlr.Token) bool {
	return statementStart(p.GetTokenStream(), tok) == tok.GetTokenIndex()
}

// statementStart is the index of the first token of the statement tok is
// in: the first one after the previous ';' that is not whitespace or a
// comment.
func statementStart(ts antlr.TokenStream, tok antlr.Token) int {
	i := tok.GetTokenIndex()
	for i > 0 && ts.Get(i-1).GetTokenType() != gen.EddyLexerSEMICOLON {
		i--
	}
	for i < tok.GetTokenIndex() && ts.Get(i).GetChannel() != antlr.TokenDefaultChannel {
		i++
	}
	return i
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
	// ksqlDB's grammar defines ';', ',', '(' and ')' before every other
	// token, in that order, so its messages list them first.
	sort.SliceStable(names, func(i, j int) bool { return punctuationRank(names[i]) < punctuationRank(names[j]) })
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

func punctuationRank(name string) int {
	switch name {
	case "';'":
		return 0
	case "','":
		return 1
	case "'('":
		return 2
	case "')'":
		return 3
	}
	return 4
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
