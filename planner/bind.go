package planner

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// scope is what names resolve against while binding one clause.
type scope struct {
	schema *types.Schema
	// qualifiers are the source names and aliases a column may be
	// qualified with (upper case).
	qualifiers map[string]bool
	// clause names the SQL clause for error messages.
	clause string
	// subst maps a bound expression's SQL text to a column of schema that
	// already holds its value (PARTITION BY and GROUP BY expressions).
	subst map[string]int
	// hidden are columns that exist in schema but cannot be named here.
	hidden map[string]bool
	// pre, when set, may bind an expression before normal binding: the
	// SELECT and HAVING of an aggregation use it to read aggregate calls
	// and grouping expressions from the aggregate's output.
	pre func(e ast.Expr, clause string) (expr.Expr, bool, error)
	// windowedLater marks the WHERE of a windowed aggregation: the window
	// bounds exist in the query, only not yet here.
	windowedLater bool
}

type lambdaFrame struct {
	params []string
	types  []*types.Type
}

// binder turns AST expressions into typed, resolved expressions.
type binder struct {
	fns     Functions
	cat     *catalog.Catalog
	lambdas []lambdaFrame
	// join marks the planning of a join, whose columns are named
	// <ALIAS>_<COLUMN>.
	join bool
}

func (b *binder) bind(e ast.Expr, sc *scope) (expr.Expr, error) {
	if sc.pre != nil {
		if out, ok, err := sc.pre(e, sc.clause); ok || err != nil {
			return out, err
		}
	}
	out, err := b.bindNode(e, sc)
	if err != nil {
		return nil, err
	}
	if sc.subst != nil {
		if i, ok := sc.subst[out.String()]; ok {
			c := sc.schema.Columns[i]
			return &expr.Column{Index: i, Name: c.Name, T: c.Type}, nil
		}
	}
	return out, nil
}

func (b *binder) bindNode(e ast.Expr, sc *scope) (expr.Expr, error) {
	switch e := e.(type) {
	case *ast.Literal:
		return bindLiteral(e)
	case *ast.ColumnRef:
		return b.bindColumn(e, sc)
	case *ast.Dereference:
		x, err := b.bind(e.Struct, sc)
		if err != nil {
			return nil, err
		}
		t := x.Type()
		if t.Kind != types.KindStruct {
			return nil, errorf(e.Position(), "Expected STRUCT type, got %s in %s->%s", t, x, e.Field)
		}
		i := t.FieldIndex(e.Field)
		if i < 0 {
			for j, f := range t.Fields {
				if strings.EqualFold(f.Name, e.Field) {
					i = j
				}
			}
		}
		if i < 0 {
			return nil, errorf(e.Position(), "Could not find field '%s' in '%s'.", e.Field, x)
		}
		return &expr.Field{X: x, Index: i, Name: t.Fields[i].Name, T: t.Fields[i].Type}, nil
	case *ast.Subscript:
		return b.bindSubscript(e, sc)
	case *ast.FuncCall:
		return b.bindCall(e, sc)
	case *ast.Binary:
		return b.bindBinary(e, sc)
	case *ast.Unary:
		if lit, ok := e.Operand.(*ast.Literal); ok && e.Op == ast.OpNeg && isNumericLiteral(lit) {
			// -9223372036854775808 is a BIGINT: fold the sign into the
			// literal before its range is checked.
			neg := *lit
			neg.Text = "-" + lit.Text
			return bindLiteral(&neg)
		}
		x, err := b.bind(e.Operand, sc)
		if err != nil {
			return nil, err
		}
		switch e.Op {
		case ast.OpNot:
			if k := x.Type().Kind; k != types.KindBoolean && k != types.KindNull {
				return nil, errorf(e.Position(), "Type error in %s expression: NOT requires a BOOLEAN operand but %s is %s.", sc.clause, x, x.Type())
			}
			return &expr.Not{X: castTo(x, types.BooleanType)}, nil
		case ast.OpNeg:
			if !x.Type().IsNumeric() {
				return nil, errorf(e.Position(), "Unary minus requires a numeric operand but %s is %s.", x, x.Type())
			}
			return negate(x), nil
		}
		return x, nil
	case *ast.Between:
		return b.bindBetween(e, sc)
	case *ast.In:
		return b.bindIn(e, sc)
	case *ast.Like:
		x, err := b.bind(e.Value, sc)
		if err != nil {
			return nil, err
		}
		p, err := b.bind(e.Pattern, sc)
		if err != nil {
			return nil, err
		}
		for _, o := range []expr.Expr{x, p} {
			if k := o.Type().Kind; k != types.KindString && k != types.KindNull {
				return nil, errorf(e.Position(), "LIKE operands must be STRING but %s is %s.", o, o.Type())
			}
		}
		var esc rune
		if e.Escape != "" {
			esc = []rune(e.Escape)[0]
		}
		return &expr.Like{X: castTo(x, types.StringType), Pattern: castTo(p, types.StringType), Escape: esc, Not: e.Not}, nil
	case *ast.IsNull:
		x, err := b.bind(e.Value, sc)
		if err != nil {
			return nil, err
		}
		return &expr.IsNull{X: x, Not: e.Not}, nil
	case *ast.Case:
		return b.bindCase(e, sc)
	case *ast.Cast:
		x, err := b.bind(e.Value, sc)
		if err != nil {
			return nil, err
		}
		t, err := resolveType(b.cat, e.Type)
		if err != nil {
			return nil, err
		}
		if !castable(x.Type(), t) {
			prefix := ""
			if sc.clause == "SELECT" {
				prefix = "Invalid Select: "
			}
			return nil, errorf(e.Position(), "%sCast of %s to %s is not supported", prefix, x.Type(), t)
		}
		// A cast to the operand's own type converts nothing but stays an
		// expression (it is named KSQL_COL_n, not after its operand).
		return &expr.Cast{X: x, T: t}, nil
	case *ast.Lambda:
		return nil, errorf(e.Position(), "Lambda expressions are only allowed as function arguments")
	case *ast.ArrayCtor:
		return b.bindArrayCtor(e, sc)
	case *ast.MapCtor:
		return b.bindMapCtor(e, sc)
	case *ast.StructCtor:
		vals := make([]expr.Expr, len(e.Values))
		fields := make([]types.Field, len(e.Values))
		seen := map[string]bool{}
		for _, n := range e.Names {
			if seen[n] {
				return nil, errorf(e.Position(), "Duplicate field names found in STRUCT: '%s'", n)
			}
			seen[n] = true
		}
		for i, v := range e.Values {
			x, err := b.bind(v, sc)
			if err != nil {
				return nil, err
			}
			vals[i] = x
			fields[i] = types.Field{Name: e.Names[i], Type: x.Type()}
		}
		return &expr.StructCtor{Values: vals, T: types.StructOf(fields...)}, nil
	case *ast.TimeUnit:
		// A function argument that reads as a unit may be a column.
		if i := sc.schema.Find(e.Text); i >= 0 && !sc.hidden[e.Text] && !b.join {
			c := sc.schema.Columns[i]
			return &expr.Column{Index: i, Name: c.Name, T: c.Type}, nil
		}
		if b.join {
			if x, err := b.bindJoinColumn(&ast.ColumnRef{Base: e.Base, Name: e.Text}, sc); err == nil {
				return x, nil
			}
		}
		return &expr.Literal{Value: e.Unit, T: types.UnitType}, nil
	}
	return nil, errorf(e.Position(), "unsupported expression %T", e)
}

func negate(x expr.Expr) expr.Expr {
	if lit, ok := x.(*expr.Literal); ok {
		switch v := lit.Value.(type) {
		case int32:
			return &expr.Literal{Value: -v, T: lit.T}
		case int64:
			return &expr.Literal{Value: -v, T: lit.T}
		case float64:
			return &expr.Literal{Value: -v, T: lit.T}
		case decimal.Decimal:
			return &expr.Literal{Value: v.Neg(), T: lit.T}
		}
	}
	return &expr.Neg{X: x}
}

func isNumericLiteral(l *ast.Literal) bool {
	return l.Kind == ast.LitInteger || l.Kind == ast.LitDecimal || l.Kind == ast.LitDouble
}

func bindLiteral(e *ast.Literal) (expr.Expr, error) {
	switch e.Kind {
	case ast.LitNull:
		return &expr.Literal{T: types.NullType}, nil
	case ast.LitBool:
		return &expr.Literal{Value: e.Bool, T: types.BooleanType}, nil
	case ast.LitInteger:
		v, err := strconv.ParseInt(e.Text, 10, 64)
		if err != nil {
			return nil, literalError(e.Position(), "Invalid numeric literal: %s", e.Text)
		}
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			return &expr.Literal{Value: int32(v), T: types.IntType}, nil
		}
		return &expr.Literal{Value: v, T: types.BigintType}, nil
	case ast.LitDecimal:
		d, err := decimal.NewFromString(e.Text)
		if err != nil {
			return nil, literalError(e.Position(), "Invalid numeric literal: %s", e.Text)
		}
		return &expr.Literal{Value: d, T: decimalTypeOf(e.Text)}, nil
	case ast.LitDouble:
		v, err := strconv.ParseFloat(e.Text, 64)
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !math.IsInf(v, 0) {
			err = nil // underflow to zero or a denormal
		}
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, literalError(e.Position(), "Number overflows DOUBLE: %s", e.Text)
			}
			return nil, literalError(e.Position(), "Invalid numeric literal: %s", e.Text)
		}
		return &expr.Literal{Value: v, T: types.DoubleType}, nil
	case ast.LitString:
		return &expr.Literal{Value: e.Text, T: types.StringType}, nil
	}
	return nil, errorf(e.Position(), "unsupported literal")
}

func (b *binder) bindColumn(e *ast.ColumnRef, sc *scope) (expr.Expr, error) {
	if e.Qualifier == "" {
		for d := len(b.lambdas) - 1; d >= 0; d-- {
			f := b.lambdas[d]
			for slot, p := range f.params {
				if p == e.Name {
					return &expr.LambdaVar{Name: e.Name, Depth: len(b.lambdas) - 1 - d, Slot: slot, T: f.types[slot]}, nil
				}
			}
		}
	}
	full := e.Name
	if e.Qualifier != "" {
		full = e.Qualifier + "." + e.Name
		if !sc.qualifiers[e.Qualifier] {
			return nil, errorf(e.Position(), "Failed to prepare statement: '%s' is not a valid stream/table name or alias.", e.Qualifier)
		}
	}
	if b.join {
		return b.bindJoinColumn(e, sc)
	}
	i := sc.schema.Find(e.Name)
	if (i < 0 || sc.hidden[e.Name]) && (e.Name == types.WindowStart || e.Name == types.WindowEnd) && sc.clause != "WHERE" {
		return nil, errorf(e.Position(), "Window bounds column %s can only be used in the SELECT clause of windowed aggregations", e.Name)
	}
	if (i < 0 || sc.hidden[e.Name]) && (e.Name == types.WindowStart || e.Name == types.WindowEnd) && sc.windowedLater {
		// WHERE runs before the aggregation makes the window bounds.
		return nil, errorf(e.Position(), "Error in %s expression: Unknown column %s.", sc.clause, e.Name)
	}
	if i < 0 || sc.hidden[e.Name] {
		return nil, errorf(e.Position(), "%s column '%s' cannot be resolved.", sc.clause, full)
	}
	c := sc.schema.Columns[i]
	return &expr.Column{Index: i, Name: c.Name, T: c.Type}, nil
}

func (b *binder) bindSubscript(e *ast.Subscript, sc *scope) (expr.Expr, error) {
	x, err := b.bind(e.Container, sc)
	if err != nil {
		return nil, err
	}
	idx, err := b.bind(e.Index, sc)
	if err != nil {
		return nil, err
	}
	t := x.Type()
	switch t.Kind {
	case types.KindArray:
		if k := idx.Type().Kind; k != types.KindInt && k != types.KindBigint && k != types.KindNull {
			return nil, errorf(e.Position(), "Array index must be an INTEGER but %s is %s.", idx, idx.Type())
		}
		return &expr.Subscript{X: x, Index: castTo(idx, types.IntType), T: t.Elem}, nil
	case types.KindMap:
		if commonType(idx.Type(), t.Key) == nil {
			return nil, errorf(e.Position(), "Map key must be %s but %s is %s.", t.Key, idx, idx.Type())
		}
		return &expr.Subscript{X: x, Index: castTo(idx, t.Key), T: t.Value}, nil
	}
	return nil, errorf(e.Position(), "Subscript expression requires an ARRAY or MAP but %s is %s.", x, t)
}

func (b *binder) bindCall(e *ast.FuncCall, sc *scope) (expr.Expr, error) {
	name := strings.ToUpper(e.Name)
	if b.fns.IsAggregate(name) {
		// As in ksqlDB, an argument that does not resolve is reported first.
		for _, a := range e.Args {
			if _, err := b.bind(a, sc); err != nil {
				return nil, err
			}
		}
		return nil, errorf(e.Position(), "Aggregate function %s is not allowed in %s clause; aggregations need a GROUP BY.", name, sc.clause)
	}
	if b.fns.IsTableFunction(name) {
		return nil, errorf(e.Position(), "Table function %s can only be used in the SELECT clause.", name)
	}
	args := make([]expr.Expr, len(e.Args))
	argTypes := make([]*types.Type, len(e.Args))
	for i, a := range e.Args {
		if _, ok := a.(*ast.Lambda); ok {
			continue
		}
		x, err := b.bind(a, sc)
		if err != nil {
			return nil, err
		}
		args[i], argTypes[i] = x, x.Type()
	}
	for i, a := range e.Args {
		l, ok := a.(*ast.Lambda)
		if !ok {
			continue
		}
		pts, err := b.fns.LambdaParamTypes(name, argTypes, i)
		if err != nil {
			return nil, errorf(e.Position(), "%s", err.Error())
		}
		if len(pts) != len(l.Params) {
			return nil, errorf(l.Position(), "Lambda of %s expects %d parameters but has %d.", name, len(pts), len(l.Params))
		}
		b.lambdas = append(b.lambdas, lambdaFrame{params: l.Params, types: pts})
		body, err := b.bind(l.Body, sc)
		b.lambdas = b.lambdas[:len(b.lambdas)-1]
		if err != nil {
			return nil, err
		}
		fields := make([]types.Field, 0, len(pts)+1)
		for j, pt := range pts {
			fields = append(fields, types.Field{Name: l.Params[j], Type: pt})
		}
		fields = append(fields, types.Field{Name: "RETURN", Type: body.Type()})
		args[i] = &expr.Lambda{Params: l.Params, ParamTypes: pts, Body: body}
		argTypes[i] = &types.Type{Kind: types.KindLambda, Fields: fields}
	}
	impl, err := b.fns.ResolveScalar(name, argTypes)
	if err != nil {
		return nil, errorf(e.Position(), "%s", err.Error())
	}
	for i := range args {
		if i < len(impl.Params) && impl.Params[i] != nil && argTypes[i].Kind != types.KindLambda {
			args[i] = castTo(args[i], impl.Params[i])
		}
	}
	return &expr.Call{Name: name, Fn: impl.Fn, Args: args, T: impl.Return}, nil
}

var binaryOps = map[ast.BinaryOp]expr.Op{
	ast.OpAdd: expr.Add, ast.OpSub: expr.Sub, ast.OpMul: expr.Mul, ast.OpDiv: expr.Div, ast.OpMod: expr.Mod,
	ast.OpConcat: expr.Concat, ast.OpEq: expr.Eq, ast.OpNe: expr.Ne, ast.OpLt: expr.Lt, ast.OpLe: expr.Le,
	ast.OpGt: expr.Gt, ast.OpGe: expr.Ge, ast.OpAnd: expr.And, ast.OpOr: expr.Or,
	ast.OpIsDistinct: expr.IsDistinct, ast.OpIsNotDistinct: expr.IsNotDistinct,
}

// comparisonNames are ksqlDB's operator names in type errors.
var comparisonNames = map[expr.Op]string{
	expr.Eq: "EQUAL", expr.Ne: "NOT_EQUAL", expr.Lt: "LESS_THAN", expr.Le: "LESS_THAN_OR_EQUAL",
	expr.Gt: "GREATER_THAN", expr.Ge: "GREATER_THAN_OR_EQUAL", expr.IsDistinct: "IS_DISTINCT_FROM",
	expr.IsNotDistinct: "IS_NOT_DISTINCT_FROM",
}

func (b *binder) bindBinary(e *ast.Binary, sc *scope) (expr.Expr, error) {
	l, err := b.bind(e.Left, sc)
	if err != nil {
		return nil, err
	}
	r, err := b.bind(e.Right, sc)
	if err != nil {
		return nil, err
	}
	op := binaryOps[e.Op]
	lt, rt := l.Type(), r.Type()
	switch {
	case op == expr.And || op == expr.Or:
		for _, o := range []expr.Expr{l, r} {
			if k := o.Type().Kind; k != types.KindBoolean && k != types.KindNull {
				return nil, errorf(e.Position(), "Type error in %s expression: %s requires BOOLEAN operands but %s is %s.", sc.clause, op, o, o.Type())
			}
		}
		return &expr.Binary{Op: op, Left: castTo(l, types.BooleanType), Right: castTo(r, types.BooleanType), T: types.BooleanType}, nil
	case op == expr.Concat || (op == expr.Add && (lt.Kind == types.KindString || rt.Kind == types.KindString)):
		if (lt.Kind != types.KindString && lt.Kind != types.KindNull) || (rt.Kind != types.KindString && rt.Kind != types.KindNull) {
			return nil, errorf(e.Position(), "%sError processing expression: (%s + %s). Unsupported arithmetic types. %s %s", clausePrefix(sc), l, r, lt.Kind, rt.Kind)
		}
		return &expr.Binary{Op: expr.Concat, Left: castTo(l, types.StringType), Right: castTo(r, types.StringType), T: types.StringType}, nil
	case e.Op.IsArithmetic():
		if lt.Kind == types.KindNull || rt.Kind == types.KindNull {
			// An untyped NULL has no arithmetic type to take (CAST it).
			name := func(t *types.Type) string {
				if t.Kind == types.KindNull {
					return "null"
				}
				return t.String()
			}
			return nil, errorf(e.Position(), "%sError processing expression: (%s %s %s). Arithmetic on types %s and %s are not supported.",
				clausePrefix(sc), l, op, r, name(lt), name(rt))
		}
		ct := commonType(lt, rt)
		if ct == nil || (!ct.IsNumeric()) {
			return nil, errorf(e.Position(), "%sError processing expression: (%s %s %s). Unsupported arithmetic types. %s %s", clausePrefix(sc), l, op, r, lt.Kind, rt.Kind)
		}
		res := ct
		if ct.Kind == types.KindDecimal {
			res = decimalArith(op, asDecimal(nonNull(lt, ct)), asDecimal(nonNull(rt, ct)))
		}
		return &expr.Binary{Op: op, Left: castTo(l, ct), Right: castTo(r, ct), T: res}, nil
	default:
		if lt.Kind == types.KindNull || rt.Kind == types.KindNull {
			if op != expr.IsDistinct && op != expr.IsNotDistinct && (isNullLiteral(l) || isNullLiteral(r)) {
				return nil, errorf(e.Position(), "%sComparison with NULL not supported: %s %s %s\nUse 'IS NULL' or 'IS NOT NULL' instead.", clausePrefix(sc), lt.Kind, op, rt.Kind)
			}
		}
		l, r = magicTimestamp(l, r), magicTimestamp(r, l)
		lt, rt = l.Type(), r.Type()
		ct, err := comparisonType(l, r)
		if err != nil {
			return nil, errorf(e.Position(), "Error in %s expression: Cannot compare %s (%s) to %s (%s) with %s.", sc.clause, l, lt, r, rt, comparisonNames[op])
		}
		return &expr.Binary{Op: op, Left: castTo(l, ct), Right: castTo(r, ct), T: types.BooleanType}, nil
	}
}

// clausePrefix is how ksqlDB introduces type errors of a filter clause.
func clausePrefix(sc *scope) string {
	if sc.clause == "WHERE" || sc.clause == "HAVING" {
		return "Error in " + sc.clause + " expression: "
	}
	return ""
}

func isNullLiteral(e expr.Expr) bool {
	lit, ok := e.(*expr.Literal)
	return ok && lit.Value == nil && lit.T.Kind == types.KindNull
}

func nonNull(t, fallback *types.Type) *types.Type {
	if t.Kind == types.KindNull {
		return fallback
	}
	return t
}

// comparisonType returns the type both sides of a comparison are cast to.
func comparisonType(l, r expr.Expr) (*types.Type, error) {
	lt, rt := l.Type(), r.Type()
	if ct := commonType(lt, rt); ct != nil {
		return ct, nil
	}
	temporal := func(t *types.Type) bool {
		return t.Kind == types.KindTimestamp || t.Kind == types.KindDate || t.Kind == types.KindTime
	}
	switch {
	case temporal(lt) && rt.Kind == types.KindString:
		return lt, nil
	case temporal(rt) && lt.Kind == types.KindString:
		return rt, nil
	case lt.Kind == types.KindTimestamp && rt.Kind == types.KindDate, lt.Kind == types.KindDate && rt.Kind == types.KindTimestamp:
		return types.TimestampType, nil
	}
	return nil, plain("not comparable")
}

func (b *binder) bindBetween(e *ast.Between, sc *scope) (expr.Expr, error) {
	x, err := b.bind(e.Value, sc)
	if err != nil {
		return nil, err
	}
	lo, err := b.bind(e.Low, sc)
	if err != nil {
		return nil, err
	}
	hi, err := b.bind(e.High, sc)
	if err != nil {
		return nil, err
	}
	lo, hi = magicTimestamp(lo, x), magicTimestamp(hi, x)
	ct := commonType(x.Type(), lo.Type())
	if ct != nil {
		ct = commonType(ct, hi.Type())
	}
	if ct == nil {
		if t1, err1 := comparisonType(x, lo); err1 == nil {
			if t2, err2 := comparisonType(x, hi); err2 == nil && t1.Equal(t2) {
				ct = t1
			}
		}
	}
	if ct == nil {
		return nil, errorf(e.Position(), "Error in %s expression: Cannot compare %s (%s) BETWEEN %s (%s) AND %s (%s).", sc.clause, x, x.Type(), lo, lo.Type(), hi, hi.Type())
	}
	x, lo, hi = castTo(x, ct), castTo(lo, ct), castTo(hi, ct)
	var out expr.Expr = &expr.Binary{Op: expr.And,
		Left:  &expr.Binary{Op: expr.Ge, Left: x, Right: lo, T: types.BooleanType},
		Right: &expr.Binary{Op: expr.Le, Left: x, Right: hi, T: types.BooleanType},
		T:     types.BooleanType}
	if e.Not {
		out = &expr.Not{X: out}
	}
	return out, nil
}

func (b *binder) bindIn(e *ast.In, sc *scope) (expr.Expr, error) {
	x, err := b.bind(e.Value, sc)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if sc.clause == "WHERE" {
		prefix = "Invalid Predicate: "
	}
	list := make([]expr.Expr, len(e.List))
	ct := x.Type()
	for i, a := range e.List {
		v, err := b.bind(a, sc)
		if err != nil {
			return nil, err
		}
		if list[i], err = b.coerceInElement(a, v, x.Type(), sc); err != nil {
			var mismatch *opMismatch
			if errors.As(err, &mismatch) {
				// ksqlDB names the type the list has widened to so far.
				mismatch.target = ct
			}
			return nil, errorf(a.Position(), "%s%s", prefix, err)
		}
		if next := commonType(ct, list[i].Type()); next != nil {
			ct = next
		}
	}
	x = castTo(x, ct)
	for i := range list {
		if commonType(list[i].Type(), ct) != nil {
			list[i] = castTo(list[i], ct)
		}
	}
	return &expr.In{X: x, List: list, Not: e.Not}, nil
}

// bindCommon binds expressions and casts them to their common type.
func (b *binder) bindCommon(es []ast.Expr, sc *scope, pos ast.Pos, what string) ([]expr.Expr, *types.Type, error) {
	out := make([]expr.Expr, len(es))
	ct := types.NullType
	for i, a := range es {
		x, err := b.bind(a, sc)
		if err != nil {
			return nil, nil, err
		}
		out[i] = x
		next := commonType(ct, x.Type())
		if next == nil {
			if t, err := comparisonType(&expr.Literal{T: ct}, x); err == nil && what == "IN" {
				next = t
			} else {
				return nil, nil, errorf(a.Position(), "invalid %s: all elements must be of the same type; %s is %s but expected %s", what, x, x.Type(), ct)
			}
		}
		ct = next
	}
	for i := range out {
		out[i] = castTo(out[i], ct)
	}
	return out, ct, nil
}

func (b *binder) bindCase(e *ast.Case, sc *scope) (expr.Expr, error) {
	var operand expr.Expr
	if e.Operand != nil {
		x, err := b.bind(e.Operand, sc)
		if err != nil {
			return nil, err
		}
		operand = x
	}
	whens := make([]expr.When, len(e.Whens))
	results := make([]ast.Expr, 0, len(e.Whens)+1)
	for i, w := range e.Whens {
		c, err := b.bind(w.When, sc)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			ct, err := comparisonType(operand, c)
			if err != nil {
				return nil, errorf(w.When.Position(), "Cannot compare %s (%s) to %s (%s) in CASE.", operand, operand.Type(), c, c.Type())
			}
			c = &expr.Binary{Op: expr.Eq, Left: castTo(operand, ct), Right: castTo(c, ct), T: types.BooleanType}
		} else if k := c.Type().Kind; k != types.KindBoolean && k != types.KindNull {
			return nil, errorf(w.When.Position(), "WHEN operand type should be boolean. Type for '%s' is %s", c, c.Type())
		}
		whens[i].Cond = c
		results = append(results, w.Then)
	}
	if e.Else != nil {
		results = append(results, e.Else)
	}
	bound, ct, err := b.bindCommon(results, sc, e.Position(), "CASE result")
	if err != nil {
		return nil, err
	}
	if ct.Kind == types.KindNull {
		return nil, errorf(e.Position(), "Invalid Case expression. All case branches have NULL type")
	}
	for i := range whens {
		whens[i].Result = bound[i]
	}
	out := &expr.Case{Whens: whens, T: ct}
	if e.Else != nil {
		out.Else = bound[len(bound)-1]
	}
	return out, nil
}

// bindJoinColumn resolves a column of a join: Q.NAME is column Q_NAME; an
// unqualified name must belong to exactly one source (or be a column of
// the join itself, such as ROWTIME or a synthetic key).
func (b *binder) bindJoinColumn(e *ast.ColumnRef, sc *scope) (expr.Expr, error) {
	col := func(i int) expr.Expr {
		c := sc.schema.Columns[i]
		return &expr.Column{Index: i, Name: c.Name, T: c.Type}
	}
	if e.Qualifier != "" {
		if !sc.qualifiers[e.Qualifier] {
			return nil, errorf(e.Position(), "Failed to prepare statement: '%s' is not a valid stream/table name or alias.", e.Qualifier)
		}
		if i := sc.schema.Find(e.Qualifier + "_" + e.Name); i >= 0 {
			return col(i), nil
		}
		if isPseudo(e.Name) {
			if i := sc.schema.Find(e.Name); i >= 0 {
				return col(i), nil
			}
		}
		return nil, errorf(e.Position(), "%s column '%s.%s' cannot be resolved.", sc.clause, e.Qualifier, e.Name)
	}
	if i := sc.schema.Find(e.Name); i >= 0 {
		return col(i), nil
	}
	var found []int
	var owners []string
	for q := range sc.qualifiers {
		if i := sc.schema.Find(q + "_" + e.Name); i >= 0 {
			found = append(found, i)
			owners = append(owners, q+"."+e.Name)
		}
	}
	switch len(found) {
	case 1:
		return col(found[0]), nil
	case 0:
		return nil, errorf(e.Position(), "%s column '%s' cannot be resolved.", sc.clause, e.Name)
	}
	sort.Strings(owners)
	// ksqlDB finds ambiguous columns while it builds the statement.
	return nil, &Error{Pos: e.Position(), Prefix: "Exception while preparing statement: ",
		Msg: fmt.Sprintf("Column '%s' is ambiguous. Could be %s or %s.", e.Name, strings.Join(owners[:len(owners)-1], ", "), owners[len(owners)-1])}
}
