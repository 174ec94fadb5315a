package types

import (
	"strings"
)

// Namespace says where a column lives in a record.
type Namespace int

const (
	NsValue Namespace = iota
	NsKey
	NsHeader
)

// Column is one column of a schema.
type Column struct {
	Name      string
	Type      *Type
	Namespace Namespace
	// HeaderKey is set for a column declared HEADER('key'); empty for the
	// HEADERS column that holds the whole header list.
	HeaderKey string
}

// Schema is the logical schema of a stream or table: key columns, then
// value and header columns, in declaration order.
type Schema struct {
	Columns []Column
}

// Key returns the key columns in order.
func (s *Schema) Key() []Column { return s.filter(NsKey) }

// Value returns the value columns in order.
func (s *Schema) Value() []Column { return s.filter(NsValue) }

// Headers returns the header columns in order.
func (s *Schema) Headers() []Column { return s.filter(NsHeader) }

func (s *Schema) filter(ns Namespace) []Column {
	var out []Column
	for _, c := range s.Columns {
		if c.Namespace == ns {
			out = append(out, c)
		}
	}
	return out
}

// Find returns the index of the named column, or -1.
func (s *Schema) Find(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// String prints the schema as ksqlDB does in tests and DESCRIBE:
// "`ID` STRING KEY, `NAME` STRING".
func (s *Schema) String() string {
	parts := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		p := QuoteIdent(c.Name) + " " + c.Type.String()
		switch c.Namespace {
		case NsKey:
			p += " KEY"
		case NsHeader:
			if c.HeaderKey != "" {
				p += " HEADER('" + c.HeaderKey + "')"
			} else {
				p += " HEADERS"
			}
		}
		parts[i] = p
	}
	return strings.Join(parts, ", ")
}

// Row is one record's column values, in schema order.
type Row = []any

// Pseudo column names.
const (
	RowTime      = "ROWTIME"
	RowPartition = "ROWPARTITION"
	RowOffset    = "ROWOFFSET"
	WindowStart  = "WINDOWSTART"
	WindowEnd    = "WINDOWEND"
)

// HeadersType is the type of a HEADERS column.
var HeadersType = ArrayOf(StructOf(Field{"KEY", StringType}, Field{"VALUE", BytesType}))
