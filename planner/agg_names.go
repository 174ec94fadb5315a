package planner

import (
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// selectNames names the SELECT items of an aggregation before the
// aggregate is planned, as ksqlDB does: an alias, else a column's name or
// a struct field's name, else KSQL_COL_<n> counting only generated names
// and skipping the source's column names and the aliases. Star items get
// "". A grouping expression that the projection selects takes the item's
// name as its key column name, so both agree; the returned namer goes on
// generating names for grouping expressions the projection leaves out.
func selectNames(q *ast.Query, in *types.Schema) ([]string, *namer) {
	names := newNamer(in)
	for _, it := range q.Select {
		if it.HasAlias {
			names.taken[it.Alias] = true
		}
	}
	out := make([]string, len(q.Select))
	for i, it := range q.Select {
		switch {
		case it.Star:
		case it.HasAlias:
			out[i] = it.Alias
		default:
			out[i] = names.nameFor(it.Expr, nil)
		}
	}
	return out, names
}

// nonAggregateError reports a column outside any aggregate call that is
// not a grouping expression. Its message is the HAVING one; the
// projection reports the SELECT items that contain such columns instead.
type nonAggregateError struct {
	col string
	pos ast.Pos
}

func (e *nonAggregateError) Error() string {
	return "Non-aggregate HAVING expression not part of GROUP BY: " + e.col
}

// sqlText prints an expression the way ksqlDB quotes it in messages:
// unqualified upper-case names, binary operations in parentheses.
func sqlText(e ast.Expr) string { return sqlPrinter{}.text(e) }

// sqlPrinter prints expressions for sqlText; in a join (join set) ksqlDB
// names qualified columns <ALIAS>_<COLUMN>, as the join's schema does.
type sqlPrinter struct{ join bool }

func (p sqlPrinter) text(e ast.Expr) string {
	switch n := e.(type) {
	case *ast.ColumnRef:
		if p.join && n.Qualifier != "" {
			return strings.ToUpper(n.Qualifier) + "_" + n.Name
		}
		return n.Name
	case *ast.FuncCall:
		if n.Star {
			return strings.ToUpper(n.Name) + "(*)"
		}
		return strings.ToUpper(n.Name) + "(" + p.list(n.Args) + ")"
	case *ast.Dereference:
		return p.text(n.Struct) + "->" + n.Field
	case *ast.Subscript:
		return p.text(n.Container) + "[" + p.text(n.Index) + "]"
	case *ast.Binary:
		return "(" + p.text(n.Left) + " " + n.Op.String() + " " + p.text(n.Right) + ")"
	case *ast.Unary:
		switch n.Op {
		case ast.OpNot:
			return "(NOT " + p.text(n.Operand) + ")"
		case ast.OpNeg:
			return "-" + p.text(n.Operand)
		}
		return p.text(n.Operand)
	case *ast.IsNull:
		if n.Not {
			return "(" + p.text(n.Value) + " IS NOT NULL)"
		}
		return "(" + p.text(n.Value) + " IS NULL)"
	case *ast.ArrayCtor:
		return "ARRAY[" + p.list(n.Elems) + "]"
	}
	return exprText(e)
}

func (p sqlPrinter) list(es []ast.Expr) string {
	parts := make([]string, len(es))
	for i, a := range es {
		parts[i] = p.text(a)
	}
	return strings.Join(parts, ", ")
}

// countStarText is how ksqlDB prints COUNT(*) once it rewrote it.
func countStarText(e ast.Expr) string {
	if fc, ok := e.(*ast.FuncCall); ok && fc.Star {
		return strings.ToUpper(fc.Name) + "(ROWTIME)"
	}
	return sqlText(e)
}

// aggregateInput finds, below the projection of an aggregation, the rows
// the aggregation reads before any re-keying: the schema its SELECT names
// are generated against and its star expands to.
func aggregateInput(in physical.Step) (*types.Schema, bool) {
	for {
		if agg, ok := in.(*physical.Aggregate); ok {
			src := agg.Input
			if rp, ok := src.(*physical.Repartition); ok {
				src = rp.Input
				if sk, ok := src.(*physical.SelectKey); ok {
					src = sk.Input
				}
			}
			return src.Schema(), true
		}
		ins := in.Inputs()
		if len(ins) != 1 {
			return nil, false
		}
		in = ins[0]
	}
}
