// Package types defines SQL types, runtime values and schemas shared by the
// planner, the executor and the serdes.
//
// Runtime values are plain Go values, chosen so that the hot path needs no
// boxing beyond interface{}: BOOLEAN bool, INT int32, BIGINT int64, DOUBLE
// float64, DECIMAL decimal.Decimal, STRING string, BYTES []byte, DATE Date,
// TIME Time, TIMESTAMP Timestamp, ARRAY []any, MAP map[string]any, STRUCT
// Struct (values aligned with the type's fields). SQL NULL is nil.
package types

import (
	"fmt"
	"strings"
)

// Kind is a type constructor.
type Kind int

const (
	KindBoolean Kind = iota
	KindInt
	KindBigint
	KindDouble
	KindDecimal
	KindString
	KindBytes
	KindDate
	KindTime
	KindTimestamp
	KindArray
	KindMap
	KindStruct
	// Null is the type of an untyped NULL literal; it converts to any type.
	KindNull
	// IntervalUnit is the type of a bare time unit argument.
	KindIntervalUnit
	// Lambda is the type of a lambda argument during function resolution.
	KindLambda
)

var kindNames = [...]string{"BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "STRING", "BYTES", "DATE", "TIME", "TIMESTAMP", "ARRAY", "MAP", "STRUCT", "NULL", "INTERVALUNIT", "LAMBDA"}

func (k Kind) String() string { return kindNames[k] }

// Type is a SQL type. Types are immutable once built; share them freely.
type Type struct {
	Kind      Kind
	Precision int // DECIMAL
	Scale     int // DECIMAL
	Elem      *Type
	Key       *Type // MAP
	Value     *Type // MAP
	Fields    []Field
}

// Field is a STRUCT field.
type Field struct {
	Name string
	Type *Type
}

// The primitive types.
var (
	BooleanType   = &Type{Kind: KindBoolean}
	IntType       = &Type{Kind: KindInt}
	BigintType    = &Type{Kind: KindBigint}
	DoubleType    = &Type{Kind: KindDouble}
	StringType    = &Type{Kind: KindString}
	BytesType     = &Type{Kind: KindBytes}
	DateType      = &Type{Kind: KindDate}
	TimeType      = &Type{Kind: KindTime}
	TimestampType = &Type{Kind: KindTimestamp}
	NullType      = &Type{Kind: KindNull}
	UnitType      = &Type{Kind: KindIntervalUnit}
)

// DecimalOf returns DECIMAL(p, s).
func DecimalOf(p, s int) *Type { return &Type{Kind: KindDecimal, Precision: p, Scale: s} }

// ArrayOf returns ARRAY<elem>.
func ArrayOf(elem *Type) *Type { return &Type{Kind: KindArray, Elem: elem} }

// MapOf returns MAP<key, value>.
func MapOf(key, value *Type) *Type { return &Type{Kind: KindMap, Key: key, Value: value} }

// StructOf returns STRUCT<fields>.
func StructOf(fields ...Field) *Type { return &Type{Kind: KindStruct, Fields: fields} }

// String prints the type the way ksqlDB prints schemas.
func (t *Type) String() string {
	if t == nil {
		return "<nil>"
	}
	switch t.Kind {
	case KindDecimal:
		return fmt.Sprintf("DECIMAL(%d, %d)", t.Precision, t.Scale)
	case KindArray:
		return "ARRAY<" + t.Elem.String() + ">"
	case KindMap:
		return "MAP<" + t.Key.String() + ", " + t.Value.String() + ">"
	case KindStruct:
		var b strings.Builder
		b.WriteString("STRUCT<")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteIdent(f.Name))
			b.WriteByte(' ')
			b.WriteString(f.Type.String())
		}
		b.WriteString(">")
		return b.String()
	}
	return t.Kind.String()
}

// SQLName prints the type in the short form used by the REST API column
// types and ksqlDB's DESCRIBE (INTEGER for INT, no backquotes).
func (t *Type) SQLName() string {
	switch t.Kind {
	case KindArray:
		return "ARRAY<" + t.Elem.SQLName() + ">"
	case KindMap:
		return "MAP<" + t.Key.SQLName() + ", " + t.Value.SQLName() + ">"
	case KindStruct:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = "`" + f.Name + "` " + f.Type.SQLName()
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	}
	return t.String()
}

// Equal reports structural type equality (struct field names compared exactly).
func (t *Type) Equal(o *Type) bool {
	if t == o {
		return true
	}
	if t == nil || o == nil || t.Kind != o.Kind {
		return false
	}
	switch t.Kind {
	case KindDecimal:
		return t.Precision == o.Precision && t.Scale == o.Scale
	case KindArray:
		return t.Elem.Equal(o.Elem)
	case KindMap:
		return t.Key.Equal(o.Key) && t.Value.Equal(o.Value)
	case KindStruct:
		if len(t.Fields) != len(o.Fields) {
			return false
		}
		for i := range t.Fields {
			if t.Fields[i].Name != o.Fields[i].Name || !t.Fields[i].Type.Equal(o.Fields[i].Type) {
				return false
			}
		}
	}
	return true
}

// FieldIndex returns the index of a struct field, or -1.
func (t *Type) FieldIndex(name string) int {
	for i, f := range t.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// IsNumeric tells INT, BIGINT, DECIMAL and DOUBLE.
func (t *Type) IsNumeric() bool {
	switch t.Kind {
	case KindInt, KindBigint, KindDecimal, KindDouble:
		return true
	}
	return false
}

// IsPrimitive tells types without type parameters other than DECIMAL's.
func (t *Type) IsPrimitive() bool { return t.Kind < KindArray }

// QuoteIdent quotes a name with backticks when it is not a plain upper-case
// identifier, as ksqlDB does when it prints schemas.
func QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
