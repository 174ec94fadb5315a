package ast

// Expr is an expression node.
type Expr interface {
	Node
	expr()
}

// LiteralKind is the lexical kind of a literal.
type LiteralKind int

const (
	LitNull LiteralKind = iota
	LitBool
	LitInteger // fits INT or BIGINT; Text holds the digits
	LitDecimal // 1.5: exact, DECIMAL(p,s) as written
	LitDouble  // 1.5E3
	LitString
)

// Literal is a constant. Text is the literal's source spelling for numbers
// and the unquoted value for strings.
type Literal struct {
	Base
	Kind LiteralKind
	Text string
	Bool bool
}

// ColumnRef names a column, optionally qualified by a source alias.
type ColumnRef struct {
	Base
	Qualifier string
	Name      string
}

// Dereference is struct->field.
type Dereference struct {
	Base
	Struct Expr
	Field  string
}

// Subscript is base[index] on arrays (1-based, negative from the end) and maps.
type Subscript struct {
	Base
	Container Expr
	Index     Expr
}

// FuncCall is name(args). Star marks COUNT(*).
type FuncCall struct {
	Base
	Name string
	Args []Expr
	Star bool
}

// BinaryOp enumerates binary operators.
type BinaryOp int

const (
	OpAdd BinaryOp = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpConcat // ||
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAnd
	OpOr
	OpIsDistinct    // IS DISTINCT FROM
	OpIsNotDistinct // IS NOT DISTINCT FROM
)

var binaryOpText = [...]string{"+", "-", "*", "/", "%", "||", "=", "<>", "<", "<=", ">", ">=", "AND", "OR", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"}

func (o BinaryOp) String() string { return binaryOpText[o] }

// IsComparison tells =, <>, <, <=, >, >= and the distinctness tests.
func (o BinaryOp) IsComparison() bool {
	return (o >= OpEq && o <= OpGe) || o == OpIsDistinct || o == OpIsNotDistinct
}

// IsArithmetic tells + - * / %.
func (o BinaryOp) IsArithmetic() bool { return o <= OpMod }

// Binary is left op right.
type Binary struct {
	Base
	Op          BinaryOp
	Left, Right Expr
}

// UnaryOp enumerates unary operators.
type UnaryOp int

const (
	OpNot UnaryOp = iota
	OpNeg
	OpPlus
)

// Unary is op operand.
type Unary struct {
	Base
	Op      UnaryOp
	Operand Expr
}

// Between is value [NOT] BETWEEN low AND high.
type Between struct {
	Base
	Value, Low, High Expr
	Not              bool
}

// In is value [NOT] IN (list).
type In struct {
	Base
	Value Expr
	List  []Expr
	Not   bool
}

// Like is value [NOT] LIKE pattern [ESCAPE 'c'].
type Like struct {
	Base
	Value, Pattern Expr
	Escape         string
	Not            bool
}

// IsNull is value IS [NOT] NULL.
type IsNull struct {
	Base
	Value Expr
	Not   bool
}

// WhenClause is one WHEN cond THEN result.
type WhenClause struct {
	When, Then Expr
}

// Case is CASE [operand] WHEN ... THEN ... [ELSE ...] END.
type Case struct {
	Base
	Operand Expr // nil for a searched CASE
	Whens   []WhenClause
	Else    Expr
}

// Cast is CAST(value AS type).
type Cast struct {
	Base
	Value Expr
	Type  *Type
}

// Lambda is (x, y) => body.
type Lambda struct {
	Base
	Params []string
	Body   Expr
}

// ArrayCtor is ARRAY[e, ...].
type ArrayCtor struct {
	Base
	Elems []Expr
}

// MapCtor is MAP(k := v, ...).
type MapCtor struct {
	Base
	Keys, Values []Expr
}

// StructCtor is STRUCT(name := v, ...).
type StructCtor struct {
	Base
	Names  []string
	Values []Expr
}

// TimeUnit is a bare time unit given to functions such as TIMESTAMPADD.
type TimeUnit struct {
	Base
	Unit string // upper case, plural form: MILLISECONDS, SECONDS, ...
	// Text is the word as written, upper-cased: a column of that name
	// (SECOND, DAY, ...) takes precedence over the unit.
	Text string
}

// TypeLiteral is a type passed as an argument (rare; for completeness of
// CAST-like functions).
type TypeLiteral struct {
	Base
	Type *Type
}

func (*Literal) expr()     {}
func (*ColumnRef) expr()   {}
func (*Dereference) expr() {}
func (*Subscript) expr()   {}
func (*FuncCall) expr()    {}
func (*Binary) expr()      {}
func (*Unary) expr()       {}
func (*Between) expr()     {}
func (*In) expr()          {}
func (*Like) expr()        {}
func (*IsNull) expr()      {}
func (*Case) expr()        {}
func (*Cast) expr()        {}
func (*Lambda) expr()      {}
func (*ArrayCtor) expr()   {}
func (*MapCtor) expr()     {}
func (*StructCtor) expr()  {}
func (*TimeUnit) expr()    {}
func (*TypeLiteral) expr() {}
