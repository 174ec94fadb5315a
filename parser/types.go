package parser

import (
	"strconv"
	"strings"

	"github.com/antlr4-go/antlr/v4"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/parser/internal/gen"
)

// builder walks a parse tree and produces AST nodes. Semantic errors are
// raised with failAt and recovered by build.
type builder struct {
	src []rune // the whole input; token offsets index runes
}

func base(ctx antlr.ParserRuleContext) ast.Base { return ast.Base{P: posOf(ctx.GetStart())} }

func baseTok(t antlr.Token) ast.Base { return ast.Base{P: posOf(t)} }

// text returns the exact source text of ctx.
func (b *builder) text(ctx antlr.ParserRuleContext) string {
	start, stop := ctx.GetStart().GetStart(), ctx.GetStop().GetStop()
	if start < 0 || stop < start || stop >= len(b.src) {
		return ""
	}
	return string(b.src[start : stop+1])
}

// ident returns an identifier's name: unquoted identifiers (also ones
// starting with a digit, which ksqlDB accepts) are upper-cased,
// quoted ones (`x` or "x") keep their case with doubled quotes unescaped.
func (b *builder) ident(ctx gen.IIdentifierContext) string {
	switch c := ctx.(type) {
	case *gen.BackQuotedIdentifierContext:
		return unquote(c.GetText(), '`')
	case *gen.QuotedIdentifierContext:
		return unquote(c.GetText(), '"')
	}
	return strings.ToUpper(ctx.GetText())
}

// rawIdent is ident without upper-casing unquoted names.
func (b *builder) rawIdent(ctx gen.IIdentifierContext) string {
	switch ctx.(type) {
	case *gen.UnquotedIdentifierContext:
		return ctx.GetText()
	}
	return b.ident(ctx)
}

func (b *builder) idents(ctxs []gen.IIdentifierContext) []string {
	out := make([]string, len(ctxs))
	for i, c := range ctxs {
		out[i] = b.ident(c)
	}
	return out
}

// unquote strips the surrounding quote characters and undoubles inner ones.
func unquote(s string, q byte) string {
	if len(s) >= 2 && s[0] == q && s[len(s)-1] == q {
		s = s[1 : len(s)-1]
	}
	qs := string(q)
	return strings.ReplaceAll(s, qs+qs, qs)
}

func stringValue(t antlr.TerminalNode) string { return unquote(t.GetText(), '\'') }

func (b *builder) intValue(t antlr.TerminalNode) int {
	n, err := strconv.Atoi(t.GetText())
	if err != nil {
		failAt(t.GetSymbol(), "Invalid integer '%s'", t.GetText())
	}
	return n
}

func (b *builder) literal(ctx gen.ILiteralContext) *ast.Literal {
	switch c := ctx.(type) {
	case *gen.NullLiteralContext:
		return &ast.Literal{Base: base(c), Kind: ast.LitNull, Text: "NULL"}
	case *gen.BooleanLiteralContext:
		v := c.TRUE() != nil
		return &ast.Literal{Base: base(c), Kind: ast.LitBool, Bool: v, Text: strings.ToUpper(c.GetText())}
	case *gen.NumericLiteralContext:
		return b.number(c.Number())
	case *gen.StringLiteralContext:
		return &ast.Literal{Base: base(c), Kind: ast.LitString, Text: stringValue(c.STRING())}
	}
	failAt(ctx.GetStart(), "Unsupported literal '%s'", ctx.GetText())
	return nil
}

func (b *builder) number(ctx gen.INumberContext) *ast.Literal {
	c := ctx.(*gen.NumberContext)
	kind := ast.LitInteger
	switch {
	case c.DECIMAL_VALUE() != nil:
		kind = ast.LitDecimal
	case c.FLOATING_POINT_VALUE() != nil:
		kind = ast.LitDouble
	}
	return &ast.Literal{Base: base(c), Kind: kind, Text: c.GetText()}
}

// primitiveTypes maps unquoted type names to kinds.
var primitiveTypes = map[string]ast.TypeKind{
	"BOOLEAN":   ast.TypeBoolean,
	"INT":       ast.TypeInt,
	"INTEGER":   ast.TypeInt,
	"BIGINT":    ast.TypeBigint,
	"DOUBLE":    ast.TypeDouble,
	"DECIMAL":   ast.TypeDecimal,
	"STRING":    ast.TypeString,
	"VARCHAR":   ast.TypeString,
	"BYTES":     ast.TypeBytes,
	"DATE":      ast.TypeDate,
	"TIME":      ast.TypeTime,
	"TIMESTAMP": ast.TypeTimestamp,
}

func (b *builder) typ(ctx gen.ITypeContext) *ast.Type {
	switch c := ctx.(type) {
	case *gen.ArrayTypeContext:
		return &ast.Type{Base: base(c), Kind: ast.TypeArray, Elem: b.typ(c.Type_())}
	case *gen.MapTypeContext:
		return &ast.Type{Base: base(c), Kind: ast.TypeMap, Key: b.typ(c.GetKey()), Value: b.typ(c.GetValue())}
	case *gen.StructTypeContext:
		t := &ast.Type{Base: base(c), Kind: ast.TypeStruct, Fields: []ast.StructField{}}
		seen := map[string]bool{}
		for _, f := range c.AllStructField() {
			fc := f.(*gen.StructFieldContext)
			name := b.ident(fc.Identifier())
			if seen[name] {
				failAt(fc.GetStart(), "Duplicate field names found in STRUCT: '%s'", name)
			}
			seen[name] = true
			t.Fields = append(t.Fields, ast.StructField{Name: name, Type: b.typ(fc.Type_())})
		}
		return t
	case *gen.NamedTypeContext:
		return b.namedType(c)
	}
	failAt(ctx.GetStart(), "Unsupported type '%s'", ctx.GetText())
	return nil
}

func (b *builder) namedType(c *gen.NamedTypeContext) *ast.Type {
	t := &ast.Type{Base: base(c)}
	params := c.AllTypeParameter()
	_, unquoted := c.Identifier().(*gen.UnquotedIdentifierContext)
	name := b.ident(c.Identifier())
	kind, ok := primitiveTypes[name]
	if !ok || !unquoted {
		if len(params) > 0 {
			failAt(params[0].GetStart(), "Type '%s' does not take parameters", name)
		}
		t.Kind, t.Name = ast.TypeCustom, name
		return t
	}
	t.Kind = kind
	if kind == ast.TypeString && len(params) == 1 && strings.EqualFold(params[0].GetText(), "STRING") {
		return t // VARCHAR(STRING)
	}
	if kind != ast.TypeDecimal {
		if len(params) > 0 {
			// ksqlDB's grammar takes only numbers and STRING as type
			// parameters.
			if p := params[0].(*gen.TypeParameterContext); p.INTEGER_VALUE() == nil && !strings.EqualFold(p.GetText(), "STRING") {
				syntaxAt(p.GetStart(), "Expecting {'STRING', INTEGER_VALUE}")
			}
			failAt(params[0].GetStart(), "Type %s does not take parameters", name)
		}
		return t
	}
	if len(params) != 2 {
		failAt(c.GetStop(), "DECIMAL requires a precision and a scale: DECIMAL(precision, scale)")
	}
	pc := params[0].(*gen.TypeParameterContext)
	sc := params[1].(*gen.TypeParameterContext)
	t.Precision = b.typeParam(pc)
	t.Scale = b.typeParam(sc)
	switch {
	case t.Precision < 1:
		failAt(pc.GetStart(), "DECIMAL precision must be >= 1: DECIMAL(%d, %d)", t.Precision, t.Scale)
	case t.Scale > t.Precision:
		failAt(sc.GetStart(), "DECIMAL scale must be <= precision: DECIMAL(%d, %d)", t.Precision, t.Scale)
	}
	return t
}

func (b *builder) typeParam(c *gen.TypeParameterContext) int {
	if c.INTEGER_VALUE() == nil {
		failAt(c.GetStart(), "DECIMAL parameters must be integers, got '%s'", c.GetText())
	}
	return b.intValue(c.INTEGER_VALUE())
}
