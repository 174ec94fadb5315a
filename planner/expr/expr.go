// Package expr holds resolved, typed expressions: every column is bound to
// an index of the input row, every function to its implementation, every
// implicit conversion made explicit as a Cast. The executor compiles these
// trees to closures; nothing here evaluates.
package expr

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

// Expr is a resolved expression.
type Expr interface {
	Type() *types.Type
	// String prints the expression as SQL, the way ksqlDB prints it in
	// EXPLAIN and in generated column names' sources.
	String() string
}

// Column reads column Index of the input row.
type Column struct {
	Index int
	Name  string
	T     *types.Type
}

// LambdaVar reads the lambda parameter at Slot of the innermost lambda frame
// that declared it; Depth 0 is the innermost lambda.
type LambdaVar struct {
	Name  string
	Depth int
	Slot  int
	T     *types.Type
}

// Literal is a constant of type T (T may be types.NullType for NULL).
type Literal struct {
	Value any
	T     *types.Type
}

// Op is a binary operator.
type Op int

const (
	Add Op = iota
	Sub
	Mul
	Div
	Mod
	Concat
	Eq
	Ne
	Lt
	Le
	Gt
	Ge
	And
	Or
	IsDistinct
	IsNotDistinct
)

var opText = [...]string{"+", "-", "*", "/", "%", "||", "=", "<>", "<", "<=", ">", ">=", "AND", "OR", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"}

func (o Op) String() string { return opText[o] }

// Binary applies Op to two operands. The planner guarantees that both
// operands of arithmetic and comparison share one type (OperandType), with
// casts inserted where needed; T is the result type.
type Binary struct {
	Op          Op
	Left, Right Expr
	T           *types.Type
}

// Not is logical negation.
type Not struct{ X Expr }

// Neg is arithmetic negation.
type Neg struct{ X Expr }

// IsNull tests X IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// Like matches X against a SQL LIKE pattern (% and _; Escape optional).
type Like struct {
	X, Pattern Expr
	Escape     rune // 0 when none
	Not        bool
}

// In tests X [NOT] IN (List); operands share one type.
type In struct {
	X    Expr
	List []Expr
	Not  bool
}

// When is one branch of a Case.
type When struct {
	Cond, Result Expr
}

// Case is a searched CASE (simple CASE is rewritten to searched).
type Case struct {
	Whens []When
	Else  Expr // nil yields NULL
	T     *types.Type
}

// Cast converts X to T with ksqlDB's CAST semantics. Implicit marks a
// conversion the planner inserted (widening, literal coercion): it prints
// as its operand, as ksqlDB shows such expressions.
type Cast struct {
	X        Expr
	T        *types.Type
	Implicit bool
}

// Call invokes a scalar function. Fn is the resolved implementation: it
// receives evaluated arguments; a lambda argument arrives as a
// func(args ...any) (any, error) closure.
type Call struct {
	Name string
	Fn   ScalarFunc
	Args []Expr
	T    *types.Type
}

// ScalarFunc is a resolved scalar function implementation.
type ScalarFunc = func(args []any) (any, error)

// Lambda is a lambda argument of a higher-order function. Its body sees its
// parameters through LambdaVar nodes.
type Lambda struct {
	Params     []string
	ParamTypes []*types.Type
	Body       Expr
}

// Subscript indexes an array (1-based, negative from the end) or a map.
type Subscript struct {
	X, Index Expr
	T        *types.Type
}

// Field reads a struct field (X->Name).
type Field struct {
	X     Expr
	Index int
	Name  string
	T     *types.Type
}

// ArrayCtor builds ARRAY[...]; elements share one type.
type ArrayCtor struct {
	Elems []Expr
	T     *types.Type
}

// MapCtor builds MAP(k := v, ...).
type MapCtor struct {
	Keys, Values []Expr
	T            *types.Type
}

// StructCtor builds STRUCT(name := v, ...).
type StructCtor struct {
	Values []Expr
	T      *types.Type
}

func (e *Column) Type() *types.Type     { return e.T }
func (e *LambdaVar) Type() *types.Type  { return e.T }
func (e *Literal) Type() *types.Type    { return e.T }
func (e *Binary) Type() *types.Type     { return e.T }
func (e *Not) Type() *types.Type        { return types.BooleanType }
func (e *Neg) Type() *types.Type        { return e.X.Type() }
func (e *IsNull) Type() *types.Type     { return types.BooleanType }
func (e *Like) Type() *types.Type       { return types.BooleanType }
func (e *In) Type() *types.Type         { return types.BooleanType }
func (e *Case) Type() *types.Type       { return e.T }
func (e *Cast) Type() *types.Type       { return e.T }
func (e *Call) Type() *types.Type       { return e.T }
func (e *Lambda) Type() *types.Type     { return &types.Type{Kind: types.KindLambda} }
func (e *Subscript) Type() *types.Type  { return e.T }
func (e *Field) Type() *types.Type      { return e.T }
func (e *ArrayCtor) Type() *types.Type  { return e.T }
func (e *MapCtor) Type() *types.Type    { return e.T }
func (e *StructCtor) Type() *types.Type { return e.T }

func (e *Column) String() string    { return e.Name }
func (e *LambdaVar) String() string { return e.Name }
func (e *Literal) String() string {
	switch v := e.Value.(type) {
	case nil:
		return "null"
	case string:
		if e.T.Kind == types.KindIntervalUnit {
			return v
		}
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case int64:
		return fmt.Sprintf("%dL", v)
	case decimal.Decimal:
		if e.T.Kind == types.KindDecimal {
			return v.StringFixed(int32(e.T.Scale)) // 5.0 as written, not 5
		}
	}
	return fmt.Sprint(e.Value)
}
func (e *Binary) String() string {
	return "(" + e.Left.String() + " " + e.Op.String() + " " + e.Right.String() + ")"
}
func (e *Not) String() string { return "(NOT " + e.X.String() + ")" }
func (e *Neg) String() string { return "-" + e.X.String() }
func (e *IsNull) String() string {
	if e.Not {
		return "(" + e.X.String() + " IS NOT NULL)"
	}
	return "(" + e.X.String() + " IS NULL)"
}
func (e *Like) String() string {
	not := ""
	if e.Not {
		not = "NOT "
	}
	return "(" + e.X.String() + " " + not + "LIKE " + e.Pattern.String() + ")"
}
func (e *In) String() string {
	not := ""
	if e.Not {
		not = "NOT "
	}
	return "(" + e.X.String() + " " + not + "IN (" + join(e.List) + "))"
}
func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("(CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Result.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END)")
	return b.String()
}
func (e *Cast) String() string {
	if e.Implicit {
		return e.X.String()
	}
	return "CAST(" + e.X.String() + " AS " + e.T.String() + ")"
}
func (e *Call) String() string { return e.Name + "(" + join(e.Args) + ")" }
func (e *Lambda) String() string {
	return "(" + strings.Join(e.Params, ", ") + ") => " + e.Body.String()
}
func (e *Subscript) String() string { return e.X.String() + "[" + e.Index.String() + "]" }
func (e *Field) String() string     { return e.X.String() + "->" + e.Name }
func (e *ArrayCtor) String() string { return "ARRAY[" + join(e.Elems) + "]" }
func (e *MapCtor) String() string {
	parts := make([]string, len(e.Keys))
	for i := range e.Keys {
		parts[i] = e.Keys[i].String() + ":=" + e.Values[i].String()
	}
	return "MAP(" + strings.Join(parts, ", ") + ")"
}
func (e *StructCtor) String() string {
	parts := make([]string, len(e.Values))
	for i := range e.Values {
		parts[i] = e.T.Fields[i].Name + ":=" + e.Values[i].String()
	}
	return "STRUCT(" + strings.Join(parts, ", ") + ")"
}

func join(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
