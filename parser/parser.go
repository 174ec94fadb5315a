// Package parser turns ksqlDB-dialect SQL text into parser/ast nodes.
//
// The grammar lives in grammar/*.g4 and is compiled to parser/internal/gen
// by antlr-ng ("make grammar"). Parsing runs in two stages: the fast SLL
// prediction mode with bail-out first, and full LL with error reporting
// only when SLL fails.
package parser

import (
	"github.com/antlr4-go/antlr/v4"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/parser/internal/gen"
)

// Parse parses one or more statements separated by ';' (the last ';' is
// optional). It returns the first syntax or semantic error as *Error.
func Parse(sql string) ([]ast.Statement, error) {
	tree, src, err := parseTree(sql, func(p *gen.EddyParser) gen.IStatementsContext { return p.Statements() })
	if err != nil {
		return nil, err
	}
	var out []ast.Statement
	b := &builder{src: src}
	for _, s := range tree.AllStatement() {
		err = build(func() { out = append(out, b.statement(s)) })
		if pe, ok := err.(*Error); ok && pe.withStatement {
			pe.Statement = stmtText(src, s)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// stmtText is a statement as written, with its semicolon.
func stmtText(src []rune, s antlr.ParserRuleContext) string {
	start, stop := s.GetStart().GetStart(), s.GetStop().GetStop()+1
	if start < 0 || stop > len(src) || start >= stop {
		return ""
	}
	for i := stop; i < len(src); i++ {
		if src[i] == ';' {
			stop = i + 1
			break
		}
		if src[i] != ' ' && src[i] != '\t' && src[i] != '\n' && src[i] != '\r' {
			break
		}
	}
	return string(src[start:stop])
}

// ParseExpr parses a single expression.
func ParseExpr(s string) (ast.Expr, error) {
	tree, src, err := parseTree(s, func(p *gen.EddyParser) gen.ISingleExpressionContext { return p.SingleExpression() })
	if err != nil {
		return nil, err
	}
	var e ast.Expr
	err = build(func() { e = (&builder{src: src}).expr(tree.Expression()) })
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ParseType parses a SQL type such as "STRUCT<A INT, B ARRAY<STRING>>".
func ParseType(s string) (*ast.Type, error) {
	tree, src, err := parseTree(s, func(p *gen.EddyParser) gen.ISingleTypeContext { return p.SingleType() })
	if err != nil {
		return nil, err
	}
	var t *ast.Type
	err = build(func() { t = (&builder{src: src}).typ(tree.Type_()) })
	if err != nil {
		return nil, err
	}
	return t, nil
}

// build runs f, turning a semantic-error panic into an *Error.
func build(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(semanticError)
			if !ok {
				panic(r)
			}
			err = se.err
		}
	}()
	f()
	return nil
}

// bailout is panicked by bailStrategy to abandon the SLL stage.
type bailout struct{}

// bailStrategy gives up at the first error so that the LL stage can take
// over. (The runtime's BailErrorStrategy does not stop the parse in Go.)
type bailStrategy struct{ *antlr.DefaultErrorStrategy }

func (bailStrategy) ReportError(antlr.Parser, antlr.RecognitionException) { panic(bailout{}) }
func (bailStrategy) Recover(antlr.Parser, antlr.RecognitionException)     { panic(bailout{}) }
func (bailStrategy) RecoverInline(antlr.Parser) antlr.Token               { panic(bailout{}) }
func (bailStrategy) Sync(antlr.Parser)                                    {}

// parseTree runs the two-stage parse of sql with the given entry rule and
// returns the tree and the source runes (token offsets index runes).
func parseTree[T antlr.ParserRuleContext](sql string, entry func(*gen.EddyParser) T) (tree T, src []rune, err error) {
	input := antlr.NewInputStream(sql)
	lexer := gen.NewEddyLexer(input)
	lexer.RemoveErrorListeners()
	lexErrs := &errorListener{}
	lexer.AddErrorListener(lexErrs)
	tokens := antlr.NewCommonTokenStream(lexer, antlr.TokenDefaultChannel)
	p := gen.NewEddyParser(tokens)
	p.RemoveErrorListeners()
	src = []rune(sql)

	// Stage 1: SLL, bail out on the first error.
	p.GetInterpreter().SetPredictionMode(antlr.PredictionModeSLL)
	p.SetErrorHandler(bailStrategy{antlr.NewDefaultErrorStrategy()})
	if t, ok := trySLL(p, entry); ok && lexErrs.err == nil {
		return t, src, nil
	}
	if lexErrs.err != nil {
		return tree, nil, lexErrs.err
	}

	// Stage 2: full LL with error recovery and reporting.
	tokens.Seek(0)
	p.SetTokenStream(tokens)
	p.GetInterpreter().SetPredictionMode(antlr.PredictionModeLL)
	p.SetErrorHandler(antlr.NewDefaultErrorStrategy())
	errs := &errorListener{}
	p.AddErrorListener(errs)
	tree, perr := tryLL(p, entry)
	switch {
	case errs.err != nil:
		return tree, nil, errs.err
	case perr != nil:
		return tree, nil, perr
	}
	return tree, src, nil
}

func trySLL[T antlr.ParserRuleContext](p *gen.EddyParser, entry func(*gen.EddyParser) T) (tree T, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isBail := r.(bailout); !isBail {
				panic(r)
			}
			ok = false
		}
	}()
	return entry(p), true
}

// tryLL guards against runtime panics during error recovery: any panic
// becomes an error at the current token.
func tryLL[T antlr.ParserRuleContext](p *gen.EddyParser, entry func(*gen.EddyParser) T) (tree T, err error) {
	defer func() {
		if r := recover(); r != nil {
			tok := p.GetCurrentToken()
			err = &Error{Pos: posOf(tok), Msg: "Syntax Error at or near '" + tok.GetText() + "'"}
		}
	}()
	return entry(p), nil
}
