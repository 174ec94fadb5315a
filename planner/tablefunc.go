package planner

import (
	"fmt"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// planTableFunctions adds a FlatMap for the table function calls of the
// SELECT list and returns a pre-binding hook that reads each call's value
// from its synthetic column.
func (p *Planner) planTableFunctions(b *binder, q *ast.Query, in physical.Step, quals, hidden map[string]bool) (physical.Step, func(ast.Expr, string) (expr.Expr, bool, error), error) {
	var calls []*ast.FuncCall
	for _, it := range q.Select {
		if it.Expr == nil {
			continue
		}
		walkExpr(it.Expr, func(n ast.Expr) {
			if fc, ok := n.(*ast.FuncCall); ok && p.fns.IsTableFunction(strings.ToUpper(fc.Name)) {
				calls = append(calls, fc)
			}
		})
	}
	if len(calls) == 0 {
		return in, nil, nil
	}
	if src, ok := findSource(in); ok && src.Table {
		return nil, nil, plain("Table source is not supported with table functions")
	}
	sc := &scope{schema: in.Schema(), qualifiers: quals, clause: "SELECT", hidden: hidden}
	fm := &physical.FlatMap{Input: in, Out: &types.Schema{Columns: append([]types.Column(nil), in.Schema().Columns...)}}
	index := map[*ast.FuncCall]int{}
	for _, fc := range calls {
		name := strings.ToUpper(fc.Name)
		args := make([]expr.Expr, len(fc.Args))
		argTypes := make([]*types.Type, len(fc.Args))
		for i, a := range fc.Args {
			if p.hasTableFunction(a) {
				return nil, nil, errorf(a.Position(), "Table functions cannot be nested: %s", exprText(fc))
			}
			e, err := b.bind(a, sc)
			if err != nil {
				return nil, nil, err
			}
			args[i], argTypes[i] = e, e.Type()
		}
		impl, err := p.fns.ResolveTable(name, argTypes)
		if err != nil {
			return nil, nil, errorf(fc.Position(), "%s", err)
		}
		for i := range args {
			if i < len(impl.Params) && impl.Params[i] != nil {
				args[i] = castTo(args[i], impl.Params[i])
			}
		}
		index[fc] = len(fm.Out.Columns)
		fm.Calls = append(fm.Calls, physical.TableCall{Name: name, Fn: impl.Fn, Args: args, Return: impl.Return})
		fm.Out.Columns = append(fm.Out.Columns, types.Column{Name: fmt.Sprintf("KSQL_SYNTH_%d", len(fm.Calls)-1), Type: impl.Return})
	}
	pre := func(e ast.Expr, _ string) (expr.Expr, bool, error) {
		fc, ok := e.(*ast.FuncCall)
		if !ok {
			return nil, false, nil
		}
		i, ok := index[fc]
		if !ok {
			return nil, false, nil
		}
		c := fm.Out.Columns[i]
		return &expr.Column{Index: i, Name: c.Name, T: c.Type}, true, nil
	}
	return fm, pre, nil
}

func (p *Planner) hasTableFunction(e ast.Expr) bool {
	found := false
	walkExpr(e, func(n ast.Expr) {
		if fc, ok := n.(*ast.FuncCall); ok && p.fns.IsTableFunction(strings.ToUpper(fc.Name)) {
			found = true
		}
	})
	return found
}
