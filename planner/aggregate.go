package planner

import (
	"fmt"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// DefaultGrace is the grace period of windows that do not set one, as in
// ksqlDB: 24 hours.
const DefaultGrace = 24 * 60 * 60 * 1000

// aggregation is what planning GROUP BY produced.
type aggregation struct {
	step *physical.Aggregate
	// keyNames are the grouping expressions as SQL, for error messages.
	keyNames []string
	// pre binds the SELECT and HAVING expressions against the aggregate.
	pre func(e ast.Expr, clause string) (expr.Expr, bool, error)
}

// isAggregateQuery tells whether the query aggregates.
func (p *Planner) isAggregateQuery(q *ast.Query) bool {
	if len(q.GroupBy) > 0 || q.Window != nil || q.Having != nil {
		return true
	}
	for _, it := range q.Select {
		if it.Expr != nil && p.hasAggregate(it.Expr) {
			return true
		}
	}
	return false
}

// hasAggregate tells whether an expression calls an aggregate function.
func (p *Planner) hasAggregate(e ast.Expr) bool {
	found := false
	walkExpr(e, func(n ast.Expr) {
		if fc, ok := n.(*ast.FuncCall); ok && p.fns.IsAggregate(strings.ToUpper(fc.Name)) {
			found = true
		}
	})
	return found
}

// planAggregate plans GROUP BY, WINDOW and the aggregate calls of SELECT
// and HAVING over the rows of in.
func (p *Planner) planAggregate(b *binder, q *ast.Query, in physical.Step, src *catalog.Source, quals, hidden map[string]bool, sinkName string) (*aggregation, error) {
	if len(q.GroupBy) == 0 {
		if bad := p.nonAggregateItems(q); len(bad) > 0 {
			return nil, plain("Non-aggregate SELECT expression(s) not part of GROUP BY: %s\nEither add the column(s) to the GROUP BY or remove them from the SELECT.", strings.Join(bad, ", "))
		}
		if sinkName == "" && q.Window == nil {
			// A push query aggregates all its rows as one group, as
			// ksqlDB's do; a table needs a key.
			whole := *q
			whole.GroupBy = []ast.Expr{&ast.Literal{Base: q.Base, Kind: ast.LitInteger, Text: "1"}}
			return p.planAggregate(b, &whole, in, src, quals, hidden, sinkName)
		}
		var calls []string
		for _, it := range q.Select {
			if it.Expr != nil && p.hasAggregate(it.Expr) {
				calls = append(calls, strings.ToUpper(countStarText(it.Expr)))
			}
		}
		kind := "CREATE TABLE AS SELECT"
		if sinkName == "" {
			kind = "SELECT"
		}
		return nil, plain("%s statement does not support aggregate function [%s] without a GROUP BY clause.", kind, strings.Join(calls, ", "))
	}
	if src.ValueFormat.Name == "KAFKA" {
		return nil, plain("Source(s) %s are using the 'KAFKA' value format. This format does not yet support GROUP BY.", src.Name)
	}
	for _, g := range q.GroupBy {
		var bad string
		walkExpr(g, func(n ast.Expr) {
			if fc, ok := n.(*ast.FuncCall); ok && bad == "" && p.fns.IsAggregate(strings.ToUpper(fc.Name)) {
				bad = strings.ToUpper(fc.Name)
			}
		})
		if bad != "" {
			return nil, errorf(g.Position(), "GROUP BY does not support aggregate functions: %s is an aggregate function.", bad)
		}
	}
	inSchema := in.Schema()
	gsc := &scope{schema: inSchema, qualifiers: quals, clause: "GROUP BY", hidden: hidden}
	groups := make([]expr.Expr, len(q.GroupBy))
	for i, g := range q.GroupBy {
		e, err := b.bind(g, gsc)
		if err != nil {
			return nil, err
		}
		for j := 0; j < i; j++ {
			if groups[j].String() == e.String() {
				return nil, plain("Duplicate GROUP BY expression: %s", exprText(g))
			}
		}
		groups[i] = e
	}
	if src.Window != nil {
		return nil, plain("Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.")
	}
	// Key column names: a grouping expression the projection selects takes
	// that item's name (its alias, column or field name, else the
	// KSQL_COL_n the projection generates); others keep their column name
	// or get the next generated name.
	itemNames, names := selectNames(q, inSchema)
	itemExprs := make([]string, len(q.Select))
	for i, it := range q.Select {
		if it.Expr == nil {
			continue
		}
		if e, err := (&binder{fns: b.fns, cat: b.cat, join: b.join}).bind(it.Expr, gsc); err == nil {
			itemExprs[i] = e.String()
		}
	}
	keyCols := make([]types.Column, len(groups))
	keyNames := make([]string, len(groups))
	for i, g := range groups {
		keyNames[i] = g.String()
		name := ""
		for j, s := range itemExprs {
			if s != "" && s == g.String() {
				name = itemNames[j]
				break
			}
		}
		if name == "" {
			switch a := q.GroupBy[i].(type) {
			case *ast.ColumnRef:
				name = a.Name
			case *ast.Dereference:
				name = a.Field
			default:
				name = names.generated()
			}
		}
		if containsMap(g.Type()) {
			return nil, plain("Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: %s. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.", types.QuoteIdent(name), g.Type())
		}
		keyCols[i] = types.Column{Name: name, Type: g.Type(), Namespace: types.NsKey}
	}
	// Re-key unless a stream is grouped by exactly its key columns.
	aggIn := in
	fromTable := src.Kind == catalog.Table
	if fromTable || !groupsAreKey(groups, inSchema) {
		sk := selectKey(in, groups, keyCols)
		aggIn = &physical.Repartition{Input: sk, Topic: "Aggregate-GroupBy-repartition"}
	}
	if fromTable {
		if s, ok := findSource(in); ok {
			s.Store = "Aggregate-Source-Materialize"
		}
	}
	aggInSchema := aggIn.Schema()
	agg := &physical.Aggregate{Input: aggIn, KeyCount: len(groups), FromTable: fromTable, Final: q.Emit == ast.EmitFinal,
		Store: "Aggregate-Aggregate-Materialize"}
	if q.Window != nil {
		agg.Window = windowSpec(q.Window)
		if agg.Final && q.Window.Grace == nil {
			// EMIT FINAL without a grace period closes a window at its
			// end, as ksqlDB's emit-on-window-close does.
			agg.Window.Grace = 0
			agg.Window.Retention = agg.Window.Size
			if q.Window.Retention != nil {
				agg.Window.Retention = *q.Window.Retention
			}
		}
	} else if q.Emit == ast.EmitFinal {
		return nil, errorf(q.Position(), "EMIT FINAL is only supported for windowed aggregations.")
	}
	out := &types.Schema{}
	for i := 0; i < len(groups); i++ {
		c := aggInSchema.Columns[i]
		c.Name = keyCols[i].Name
		out.Columns = append(out.Columns, c)
	}
	if agg.Window != nil {
		out.Columns = append(out.Columns,
			types.Column{Name: types.WindowStart, Type: types.BigintType, Namespace: types.NsKey},
			types.Column{Name: types.WindowEnd, Type: types.BigintType, Namespace: types.NsKey})
	}
	// Collect the aggregate calls of SELECT and HAVING, each once.
	asc := &scope{schema: aggInSchema, qualifiers: quals, clause: "SELECT", hidden: hidden}
	callIndex := map[string]int{}
	addCall := func(fc *ast.FuncCall, clause string) (int, error) {
		call, key, err := p.bindAggregateCall(b, fc, asc, clause)
		if err != nil {
			return 0, err
		}
		if i, ok := callIndex[key]; ok {
			return i, nil
		}
		callIndex[key] = len(agg.Calls)
		agg.Calls = append(agg.Calls, call)
		out.Columns = append(out.Columns, types.Column{Name: fmt.Sprintf("KSQL_AGG_VARIABLE_%d", len(agg.Calls)-1), Type: call.Return})
		return len(agg.Calls) - 1, nil
	}
	var collectErr error
	collect := func(e ast.Expr, clause string) {
		walkExpr(e, func(n ast.Expr) {
			if fc, ok := n.(*ast.FuncCall); ok && collectErr == nil && p.fns.IsAggregate(strings.ToUpper(fc.Name)) {
				_, collectErr = addCall(fc, clause)
			}
		})
	}
	if q.Having != nil {
		if ref := p.bareWindowBound(q.Having); ref != nil {
			return nil, errorf(ref.Position(), "Window bounds column %s can only be used in the SELECT clause of windowed aggregations", ref.Name)
		}
	}
	for _, it := range q.Select {
		if it.Expr != nil {
			collect(it.Expr, "SELECT")
		}
	}
	if q.Having != nil {
		collect(q.Having, "HAVING")
	}
	if collectErr != nil {
		return nil, collectErr
	}
	if src.ValueFormat.Name == "DELIMITED" {
		// The aggregation state is kept (and changelogged) in the source's
		// value format, as ksqlDB does.
		for _, c := range agg.Calls {
			if p.fns.StructuredState(c.Name) {
				return nil, plain("One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.")
			}
		}
	}
	if fromTable {
		var cannot []string
		for _, c := range agg.Calls {
			if !p.fns.CanUndo(c.Name) && !contains(cannot, c.Name) {
				cannot = append(cannot, c.Name)
			}
		}
		if len(cannot) > 0 {
			list := strings.Join(cannot, ", ")
			if len(cannot) > 1 {
				list = strings.Join(cannot[:len(cannot)-1], ", ") + " and " + cannot[len(cannot)-1]
			}
			return nil, plain("The aggregation functions %s cannot be applied to a table source, only to a stream source.", list)
		}
	}
	if len(agg.Calls) == 0 {
		// A call to an unknown function is the better message.
		for _, it := range q.Select {
			if it.Expr != nil {
				if _, err := (&binder{fns: b.fns, cat: b.cat, join: b.join}).bind(it.Expr, gsc); err != nil {
					return nil, err
				}
			}
		}
		return nil, plain("GROUP BY requires aggregate functions in either the SELECT or HAVING clause.")
	}
	agg.Out = out
	nKeyOut := len(groups)
	pre := func(a ast.Expr, clause string) (expr.Expr, bool, error) {
		if fc, ok := a.(*ast.FuncCall); ok && p.fns.IsAggregate(strings.ToUpper(fc.Name)) {
			_, key, err := p.bindAggregateCall(b, fc, asc, "SELECT")
			if err != nil {
				return nil, true, err
			}
			i := nKeyOut + callIndex[key]
			if agg.Window != nil {
				i += 2
			}
			c := out.Columns[i]
			// Named as the call, so messages quote the SQL (SUM(VALUE)).
			return &expr.Column{Index: i, Name: sqlPrinter{join: b.join}.text(fc), T: c.Type}, true, nil
		}
		if p.hasAggregate(a) {
			return nil, false, nil
		}
		if ref, ok := a.(*ast.ColumnRef); ok && (ref.Name == types.WindowStart || ref.Name == types.WindowEnd) && clause == "HAVING" {
			return nil, true, errorf(ref.Position(), "Window bounds column %s can only be used in the SELECT clause of windowed aggregations", ref.Name)
		}
		e, err := (&binder{fns: b.fns, cat: b.cat, join: b.join}).bind(a, gsc)
		if err != nil {
			return nil, false, nil
		}
		for i, g := range groups {
			if e.String() == g.String() {
				c := out.Columns[i]
				return &expr.Column{Index: i, Name: c.Name, T: c.Type}, true, nil
			}
		}
		if ref, ok := a.(*ast.ColumnRef); ok && !isPseudo(ref.Name) && out.Find(ref.Name) < 0 {
			// A source column outside any aggregate call that is not
			// grouped by.
			return nil, true, &nonAggregateError{col: sqlText(ref), pos: ref.Position()}
		}
		return nil, false, nil
	}
	return &aggregation{step: agg, keyNames: keyNames, pre: pre}, nil
}

// bareWindowBound finds WINDOWSTART or WINDOWEND outside aggregate calls.
func (p *Planner) bareWindowBound(e ast.Expr) *ast.ColumnRef {
	switch n := e.(type) {
	case *ast.ColumnRef:
		if n.Name == types.WindowStart || n.Name == types.WindowEnd {
			return n
		}
		return nil
	case *ast.FuncCall:
		if p.fns.IsAggregate(strings.ToUpper(n.Name)) {
			return nil
		}
		for _, a := range n.Args {
			if r := p.bareWindowBound(a); r != nil {
				return r
			}
		}
		return nil
	case *ast.Binary:
		if r := p.bareWindowBound(n.Left); r != nil {
			return r
		}
		return p.bareWindowBound(n.Right)
	case *ast.Unary:
		return p.bareWindowBound(n.Operand)
	}
	return nil
}

// nonAggregateItems lists the SELECT items of a query without GROUP BY
// that read columns outside any aggregate call.
func (p *Planner) nonAggregateItems(q *ast.Query) []string {
	var bad []string
	for _, it := range q.Select {
		if it.Star {
			bad = append(bad, "*")
			continue
		}
		if p.hasAggregate(it.Expr) {
			continue
		}
		reads := false
		walkExpr(it.Expr, func(n ast.Expr) {
			if _, ok := n.(*ast.ColumnRef); ok {
				reads = true
			}
		})
		if reads {
			bad = append(bad, sqlText(it.Expr))
		}
	}
	return bad
}

// bindAggregateCall binds one aggregate call's arguments and resolves it;
// key identifies equal calls.
func (p *Planner) bindAggregateCall(b *binder, fc *ast.FuncCall, sc *scope, clause string) (physical.AggregateCall, string, error) {
	name := strings.ToUpper(fc.Name)
	call := physical.AggregateCall{Name: name}
	var argTypes []*types.Type
	// Literals after the first argument are the call's constant (init)
	// arguments, unless the function takes them as per-row columns.
	ncols, colsErr := p.fns.ColumnArgs(name, len(fc.Args))
	for i, a := range fc.Args {
		if p.hasAggregate(a) {
			return call, "", errorf(a.Position(), "Aggregate functions can not be nested: %s(%s)", name, exprText(a))
		}
		if lit, ok := a.(*ast.Literal); ok && i > 0 && (colsErr != nil || i >= ncols) {
			v, err := bindLiteral(lit)
			if err != nil {
				return call, "", err
			}
			l := v.(*expr.Literal)
			call.Literals = append(call.Literals, l.Value)
			argTypes = append(argTypes, l.T)
			continue
		}
		if len(call.Literals) > 0 {
			return call, "", errorf(a.Position(), "Function '%s' expects its constant arguments last", name)
		}
		e, err := b.bind(a, sc)
		if err != nil {
			return call, "", err
		}
		call.Args = append(call.Args, e)
		argTypes = append(argTypes, e.Type())
	}
	if colsErr == nil && len(call.Args) > ncols {
		// A call no signature takes says so first, as in ksqlDB.
		if err := p.fns.CheckAggregate(name, argTypes); err != nil {
			return call, "", errorf(fc.Position(), "%s", err)
		}
		return call, "", errorf(fc.Args[ncols].Position(), "Parameter %d passed to function %s must be a literal constant, but was expression: '%s'", ncols+1, name, exprText(fc.Args[ncols]))
	}
	ret, params, err := p.fns.ResolveAggregate(name, argTypes, call.Literals)
	if err != nil {
		return call, "", errorf(fc.Position(), "%s", err)
	}
	for i := range call.Args {
		if i < len(params) && params[i] != nil {
			call.Args[i] = castTo(call.Args[i], params[i])
		}
	}
	call.Return = ret
	key := name + "(" + exprList(call.Args) + fmt.Sprint(call.Literals) + ")"
	return call, key, nil
}

func exprList(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// groupsAreKey tells whether the grouping expressions are exactly the
// input's key columns, in order.
func groupsAreKey(groups []expr.Expr, in *types.Schema) bool {
	var keys []int
	for i, c := range in.Columns {
		if c.Namespace == types.NsKey && !isPseudo(c.Name) {
			keys = append(keys, i)
		}
	}
	if len(keys) != len(groups) {
		return false
	}
	for i, g := range groups {
		c, ok := g.(*expr.Column)
		if !ok || c.Index != keys[i] {
			return false
		}
	}
	return true
}

func findSource(s physical.Step) (*physical.Source, bool) {
	for {
		if src, ok := s.(*physical.Source); ok {
			return src, true
		}
		ins := s.Inputs()
		if len(ins) == 0 {
			return nil, false
		}
		s = ins[0]
	}
}

func windowSpec(w *ast.Window) *physical.WindowSpec {
	spec := &physical.WindowSpec{Kind: w.Kind.String(), Size: w.Size, Advance: w.Advance, Grace: DefaultGrace}
	if w.Kind == ast.WindowTumbling {
		spec.Advance = w.Size
	}
	if w.Grace != nil {
		spec.Grace = *w.Grace
	}
	spec.Retention = spec.Size + spec.Grace
	if w.Retention != nil {
		spec.Retention = *w.Retention
	}
	return spec
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
