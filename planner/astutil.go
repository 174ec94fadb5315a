package planner

import (
	"strings"

	"github.com/eddysql/eddy/parser/ast"
)

// walkExpr calls fn for e and every expression below it. Lambda bodies
// are included.
func walkExpr(e ast.Expr, fn func(ast.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch n := e.(type) {
	case *ast.Dereference:
		walkExpr(n.Struct, fn)
	case *ast.Subscript:
		walkExpr(n.Container, fn)
		walkExpr(n.Index, fn)
	case *ast.FuncCall:
		for _, a := range n.Args {
			walkExpr(a, fn)
		}
	case *ast.Binary:
		walkExpr(n.Left, fn)
		walkExpr(n.Right, fn)
	case *ast.Unary:
		walkExpr(n.Operand, fn)
	case *ast.Between:
		walkExpr(n.Value, fn)
		walkExpr(n.Low, fn)
		walkExpr(n.High, fn)
	case *ast.In:
		walkExpr(n.Value, fn)
		for _, x := range n.List {
			walkExpr(x, fn)
		}
	case *ast.Like:
		walkExpr(n.Value, fn)
		walkExpr(n.Pattern, fn)
	case *ast.IsNull:
		walkExpr(n.Value, fn)
	case *ast.Case:
		walkExpr(n.Operand, fn)
		for _, w := range n.Whens {
			walkExpr(w.When, fn)
			walkExpr(w.Then, fn)
		}
		walkExpr(n.Else, fn)
	case *ast.Cast:
		walkExpr(n.Value, fn)
	case *ast.Lambda:
		walkExpr(n.Body, fn)
	case *ast.ArrayCtor:
		for _, x := range n.Elems {
			walkExpr(x, fn)
		}
	case *ast.MapCtor:
		for i := range n.Keys {
			walkExpr(n.Keys[i], fn)
			walkExpr(n.Values[i], fn)
		}
	case *ast.StructCtor:
		for _, x := range n.Values {
			walkExpr(x, fn)
		}
	}
}

// exprText prints simple expressions for messages that quote the SQL
// before it is bound (column references, calls, literals).
func exprText(e ast.Expr) string { return exprTextWith(e, nil) }

// exprTextWith prints like exprText; owner, when set, names the source of
// an unqualified column so that the text shows it qualified, as ksqlDB's
// join messages do.
func exprTextWith(e ast.Expr, owner func(string) string) string {
	exprText := func(e ast.Expr) string { return exprTextWith(e, owner) }
	switch n := e.(type) {
	case *ast.ColumnRef:
		if n.Qualifier != "" {
			return n.Qualifier + "." + n.Name
		}
		if owner != nil {
			if q := owner(n.Name); q != "" {
				return q + "." + n.Name
			}
		}
		return n.Name
	case *ast.Literal:
		if n.Kind == ast.LitString {
			return "'" + n.Text + "'"
		}
		if n.Kind == ast.LitNull {
			return "null"
		}
		if n.Kind == ast.LitBool {
			if n.Bool {
				return "true"
			}
			return "false"
		}
		return n.Text
	case *ast.FuncCall:
		if n.Star {
			return strings.ToUpper(n.Name) + "(*)"
		}
		parts := make([]string, len(n.Args))
		for i, a := range n.Args {
			parts[i] = exprText(a)
		}
		return strings.ToUpper(n.Name) + "(" + strings.Join(parts, ", ") + ")"
	case *ast.Dereference:
		return exprText(n.Struct) + "->" + n.Field
	case *ast.Binary:
		return "(" + exprText(n.Left) + " " + n.Op.String() + " " + exprText(n.Right) + ")"
	case *ast.Subscript:
		return exprText(n.Container) + "[" + exprText(n.Index) + "]"
	case *ast.Cast:
		return "CAST(" + exprText(n.Value) + " AS " + typeText(n.Type) + ")"
	case *ast.Unary:
		if n.Op == ast.OpNot {
			return "(NOT " + exprText(n.Operand) + ")"
		}
		return "-" + exprText(n.Operand)
	}
	return "<expression>"
}

func typeText(t *ast.Type) string {
	names := map[ast.TypeKind]string{ast.TypeBoolean: "BOOLEAN", ast.TypeInt: "INTEGER", ast.TypeBigint: "BIGINT",
		ast.TypeDouble: "DOUBLE", ast.TypeString: "STRING", ast.TypeBytes: "BYTES", ast.TypeDate: "DATE",
		ast.TypeTime: "TIME", ast.TypeTimestamp: "TIMESTAMP"}
	if n, ok := names[t.Kind]; ok {
		return n
	}
	if t.Kind == ast.TypeCustom {
		return t.Name
	}
	return "<type>"
}
