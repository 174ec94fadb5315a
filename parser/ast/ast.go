// Package ast holds Eddy's abstract syntax tree: closed node types, each
// carrying the position of its first token so that every later error can
// point the user at line and column.
package ast

import "fmt"

// Pos is a 1-based line and column in the statement text.
type Pos struct {
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("line %d:%d", p.Line, p.Col) }

// Node is implemented by every AST node.
type Node interface {
	Position() Pos
}

// Statement is a top-level SQL statement.
type Statement interface {
	Node
	statement()
}

// Base carries a node's position; it is embedded by every node.
type Base struct {
	P Pos
}

// Position returns where the node starts.
func (b Base) Position() Pos { return b.P }

// SourceKind tells streams from tables.
type SourceKind int

const (
	KindStream SourceKind = iota
	KindTable
)

func (k SourceKind) String() string {
	if k == KindTable {
		return "TABLE"
	}
	return "STREAM"
}

// Property is one entry of a WITH (...) clause. Names keep the user's
// spelling upper-cased; values are literals.
type Property struct {
	Base
	Name  string
	Value Literal
}

// Properties is an ordered WITH clause.
type Properties []Property

// Get returns the property named name (upper case) if present.
func (ps Properties) Get(name string) (Property, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

// ColumnConstraint marks a column declared in CREATE STREAM/TABLE.
type ColumnConstraint int

const (
	ColumnValue ColumnConstraint = iota
	ColumnKey
	ColumnPrimaryKey
	ColumnHeaders // HEADERS: the whole header list
	ColumnHeader  // HEADER('name'): one header's bytes
)

// TableElement is one declared column.
type TableElement struct {
	Base
	Name       string
	Type       *Type
	Constraint ColumnConstraint
	HeaderKey  string // for ColumnHeader
}

// TypeKind names a SQL type constructor.
type TypeKind int

const (
	TypeBoolean TypeKind = iota
	TypeInt
	TypeBigint
	TypeDouble
	TypeDecimal
	TypeString
	TypeBytes
	TypeDate
	TypeTime
	TypeTimestamp
	TypeArray
	TypeMap
	TypeStruct
	TypeCustom // a name declared with CREATE TYPE
)

// Type is a type as written in SQL.
type Type struct {
	Base
	Kind      TypeKind
	Precision int // DECIMAL
	Scale     int // DECIMAL
	Elem      *Type
	Key       *Type // MAP key
	Value     *Type // MAP value
	Fields    []StructField
	Name      string // TypeCustom
}

// StructField is one field of a STRUCT<...> type.
type StructField struct {
	Name string
	Type *Type
}

// CreateSource is CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS].
type CreateSource struct {
	Base
	Kind        SourceKind
	Name        string
	OrReplace   bool
	IfNotExists bool
	IsSource    bool // CREATE SOURCE TABLE / STREAM: read-only, materialized
	Elements    []TableElement
	Props       Properties
	Text        string
}

// CreateAsSelect is CREATE [OR REPLACE] STREAM|TABLE name [WITH (...)] AS SELECT.
type CreateAsSelect struct {
	Base
	Kind        SourceKind
	Name        string
	OrReplace   bool
	IfNotExists bool
	Props       Properties
	Query       *Query
	Text        string
}

// InsertInto is INSERT INTO target [WITH (...)] SELECT ...
type InsertInto struct {
	Base
	Target    string
	TargetPos Pos
	Props     Properties
	Query     *Query
	Text      string
}

// InsertValues is INSERT INTO target [(cols)] VALUES (...).
type InsertValues struct {
	Base
	Target  string
	Columns []string
	Values  []Expr
	Text    string
}

// Query is a SELECT statement, standalone (push or pull query) or inside
// CSAS/CTAS/INSERT INTO.
type Query struct {
	Base
	Select      []SelectItem
	From        Relation
	Window      *Window
	Where       Expr
	GroupBy     []Expr
	PartitionBy []Expr
	Having      Expr
	Emit        EmitKind
	Limit       *int
	Text        string
}

// EmitKind is the EMIT clause.
type EmitKind int

const (
	EmitNone EmitKind = iota
	EmitChanges
	EmitFinal
)

// SelectItem is one projection: `*`, `alias.*`, `struct->*` or an
// expression with an optional alias.
type SelectItem struct {
	Base
	Star     bool
	StarOf   string // alias.* when non-empty
	Expr     Expr
	Alias    string
	HasAlias bool
	// StructAll marks `expr->*`: every field of the struct Expr becomes a
	// column.
	StructAll bool
}

// Relation is something in FROM.
type Relation interface {
	Node
	relation()
}

// Table names a stream or table, with an optional alias.
type Table struct {
	Base
	Name  string
	Alias string
}

// JoinType enumerates joins.
type JoinType int

const (
	JoinInner JoinType = iota
	JoinLeft
	JoinRight
	JoinFull
)

func (j JoinType) String() string {
	switch j {
	case JoinLeft:
		return "LEFT OUTER"
	case JoinRight:
		return "RIGHT OUTER"
	case JoinFull:
		return "FULL OUTER"
	}
	return "INNER"
}

// Join is left JOIN right [WITHIN ...] ON criteria. N-way joins nest on
// the left.
type Join struct {
	Base
	Type   JoinType
	Left   Relation
	Right  *Table
	Within *Within
	On     Expr
}

// Within is the WITHIN clause of a stream-stream join, in milliseconds.
type Within struct {
	Base
	Before int64
	After  int64
	Grace  *int64
}

// WindowKind enumerates windows.
type WindowKind int

const (
	WindowTumbling WindowKind = iota
	WindowHopping
	WindowSession
)

func (w WindowKind) String() string {
	switch w {
	case WindowHopping:
		return "HOPPING"
	case WindowSession:
		return "SESSION"
	}
	return "TUMBLING"
}

// Window is the WINDOW clause; durations are in milliseconds, nil when absent.
type Window struct {
	Base
	Kind      WindowKind
	Size      int64
	Advance   int64
	Retention *int64
	Grace     *int64
}

func (*CreateSource) statement()   {}
func (*CreateAsSelect) statement() {}
func (*InsertInto) statement()     {}
func (*InsertValues) statement()   {}
func (*Query) statement()          {}
func (*Table) relation()           {}
func (*Join) relation()            {}
