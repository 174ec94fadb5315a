package parser

import (
	"github.com/antlr4-go/antlr/v4"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/parser/internal/gen"
)

func (b *builder) exprs(ctxs []gen.IExpressionContext) []ast.Expr {
	out := make([]ast.Expr, len(ctxs))
	for i, c := range ctxs {
		out[i] = b.expr(c)
	}
	return out
}

func (b *builder) expr(ctx gen.IExpressionContext) ast.Expr {
	return b.boolean(ctx.(*gen.ExpressionContext).BooleanExpression())
}

func (b *builder) boolean(ctx gen.IBooleanExpressionContext) ast.Expr {
	switch c := ctx.(type) {
	case *gen.PredicatedContext:
		v := b.value(c.ValueExpression())
		if c.Predicate() == nil {
			return v
		}
		return b.predicate(c, v, c.Predicate())
	case *gen.LogicalNotContext:
		return &ast.Unary{Base: base(c), Op: ast.OpNot, Operand: b.boolean(c.BooleanExpression())}
	case *gen.LogicalAndContext:
		return &ast.Binary{Base: base(c), Op: ast.OpAnd, Left: b.boolean(c.GetLeft()), Right: b.boolean(c.GetRight())}
	case *gen.LogicalOrContext:
		return &ast.Binary{Base: base(c), Op: ast.OpOr, Left: b.boolean(c.GetLeft()), Right: b.boolean(c.GetRight())}
	}
	failAt(ctx.GetStart(), "Unsupported expression")
	return nil
}

var comparisonOps = map[int]ast.BinaryOp{
	gen.EddyLexerEQ:  ast.OpEq,
	gen.EddyLexerNEQ: ast.OpNe,
	gen.EddyLexerLT:  ast.OpLt,
	gen.EddyLexerLTE: ast.OpLe,
	gen.EddyLexerGT:  ast.OpGt,
	gen.EddyLexerGTE: ast.OpGe,
}

// predicate applies a comparison/IS/BETWEEN/IN/LIKE suffix to v; the node
// starts where the whole predicated expression does.
func (b *builder) predicate(outer *gen.PredicatedContext, v ast.Expr, ctx gen.IPredicateContext) ast.Expr {
	bs := base(outer)
	switch c := ctx.(type) {
	case *gen.ComparisonContext:
		op := comparisonOps[c.ComparisonOperator().GetStart().GetTokenType()]
		return &ast.Binary{Base: bs, Op: op, Left: v, Right: b.value(c.GetRight())}
	case *gen.NullPredicateContext:
		return &ast.IsNull{Base: bs, Value: v, Not: c.NOT() != nil}
	case *gen.DistinctFromContext:
		op := ast.OpIsDistinct
		if c.NOT() != nil {
			op = ast.OpIsNotDistinct
		}
		return &ast.Binary{Base: bs, Op: op, Left: v, Right: b.value(c.GetRight())}
	case *gen.BetweenContext:
		return &ast.Between{Base: bs, Value: v, Low: b.value(c.GetLower()), High: b.value(c.GetUpper()), Not: c.NOT() != nil}
	case *gen.InListContext:
		return &ast.In{Base: bs, Value: v, List: b.exprs(c.AllExpression()), Not: c.NOT() != nil}
	case *gen.LikeContext:
		l := &ast.Like{Base: bs, Value: v, Pattern: b.value(c.GetPattern()), Not: c.NOT() != nil}
		if c.GetEscape() != nil {
			l.Escape = unquote(c.GetEscape().GetText(), '\'')
			if len([]rune(l.Escape)) != 1 {
				failAt(c.GetEscape(), "ESCAPE must be a single character, got '%s'", l.Escape)
			}
		}
		return l
	}
	failAt(ctx.GetStart(), "Unsupported predicate")
	return nil
}

func (b *builder) value(ctx gen.IValueExpressionContext) ast.Expr {
	switch c := ctx.(type) {
	case *gen.ValueDefaultContext:
		return b.primary(c.PrimaryExpression())
	case *gen.ArithmeticUnaryContext:
		op := ast.OpNeg
		if c.GetOp().GetTokenType() == gen.EddyLexerPLUS {
			op = ast.OpPlus
		}
		return &ast.Unary{Base: base(c), Op: op, Operand: b.value(c.ValueExpression())}
	case *gen.ArithmeticBinaryContext:
		var op ast.BinaryOp
		switch c.GetOp().GetTokenType() {
		case gen.EddyLexerASTERISK:
			op = ast.OpMul
		case gen.EddyLexerSLASH:
			op = ast.OpDiv
		case gen.EddyLexerPERCENT:
			op = ast.OpMod
		case gen.EddyLexerPLUS:
			op = ast.OpAdd
		default:
			op = ast.OpSub
		}
		return &ast.Binary{Base: base(c), Op: op, Left: b.value(c.GetLeft()), Right: b.value(c.GetRight())}
	case *gen.ConcatenationContext:
		return &ast.Binary{Base: base(c), Op: ast.OpConcat, Left: b.value(c.GetLeft()), Right: b.value(c.GetRight())}
	}
	failAt(ctx.GetStart(), "Unsupported expression")
	return nil
}

func (b *builder) primary(ctx gen.IPrimaryExpressionContext) ast.Expr {
	switch c := ctx.(type) {
	case *gen.LiteralExpressionContext:
		return b.literal(c.Literal())
	case *gen.SimpleCaseContext:
		return b.caseExpr(c.GetStart(), c.GetOperand(), c.AllWhenClause(), c.GetElseExpr())
	case *gen.SearchedCaseContext:
		return b.caseExpr(c.GetStart(), nil, c.AllWhenClause(), c.GetElseExpr())
	case *gen.CastContext:
		return &ast.Cast{Base: base(c), Value: b.expr(c.Expression()), Type: b.typ(c.Type_())}
	case *gen.ArrayConstructorContext:
		return &ast.ArrayCtor{Base: base(c), Elems: b.exprs(c.AllExpression())}
	case *gen.MapConstructorContext:
		m := &ast.MapCtor{Base: base(c), Keys: []ast.Expr{}, Values: []ast.Expr{}}
		for _, e := range c.AllMapEntry() {
			ec := e.(*gen.MapEntryContext)
			m.Keys = append(m.Keys, b.expr(ec.GetKey()))
			m.Values = append(m.Values, b.expr(ec.GetValue()))
		}
		return m
	case *gen.StructConstructorContext:
		s := &ast.StructCtor{Base: base(c), Names: []string{}, Values: []ast.Expr{}}
		for _, e := range c.AllStructEntry() {
			ec := e.(*gen.StructEntryContext)
			s.Names = append(s.Names, b.ident(ec.Identifier()))
			s.Values = append(s.Values, b.expr(ec.Expression()))
		}
		return s
	case *gen.FunctionCallContext:
		f := &ast.FuncCall{Base: base(c), Name: b.ident(c.Identifier()), Star: c.ASTERISK() != nil, Args: []ast.Expr{}}
		for _, a := range c.AllFunctionArgument() {
			f.Args = append(f.Args, b.functionArg(a))
		}
		return f
	case *gen.ColumnReferenceContext:
		if c.GetQualifier() != nil {
			return &ast.ColumnRef{Base: base(c), Qualifier: b.ident(c.GetQualifier()), Name: b.ident(c.GetName())}
		}
		return &ast.ColumnRef{Base: base(c), Name: b.ident(c.Identifier(0))}
	case *gen.ParenthesizedContext:
		return b.expr(c.Expression())
	case *gen.SubscriptContext:
		return &ast.Subscript{Base: base(c), Container: b.primary(c.GetBase()), Index: b.value(c.GetIndex())}
	case *gen.DereferenceContext:
		return &ast.Dereference{Base: base(c), Struct: b.primary(c.GetBase()), Field: b.ident(c.GetField())}
	}
	failAt(ctx.GetStart(), "Unsupported expression")
	return nil
}

func (b *builder) functionArg(ctx gen.IFunctionArgumentContext) ast.Expr {
	switch c := ctx.(type) {
	case *gen.TimeUnitArgumentContext:
		u := c.TimeUnit()
		return &ast.TimeUnit{Base: base(u), Unit: normalizeUnit(u.GetText()) + "S", Text: strings.ToUpper(u.GetText())}
	case *gen.LambdaContext:
		return &ast.Lambda{Base: base(c), Params: b.idents(c.AllIdentifier()), Body: b.expr(c.Expression())}
	case *gen.ExpressionArgumentContext:
		return b.expr(c.Expression())
	}
	failAt(ctx.GetStart(), "Unsupported function argument")
	return nil
}

func (b *builder) caseExpr(start antlr.Token, operand gen.IExpressionContext, whens []gen.IWhenClauseContext, els gen.IExpressionContext) ast.Expr {
	e := &ast.Case{Base: baseTok(start)}
	if operand != nil {
		e.Operand = b.expr(operand)
	}
	for _, w := range whens {
		wc := w.(*gen.WhenClauseContext)
		e.Whens = append(e.Whens, ast.WhenClause{When: b.expr(wc.GetCondition()), Then: b.expr(wc.GetResult())})
	}
	if els != nil {
		e.Else = b.expr(els)
	}
	return e
}
