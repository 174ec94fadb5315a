// Package catalog is the metastore: the streams, tables and types the
// statements have declared. A Catalog is not safe for concurrent use; the
// engine owns it and hands planners a Clone when it validates a batch.
package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

// Kind tells streams from tables.
type Kind int

const (
	Stream Kind = iota
	Table
)

func (k Kind) String() string {
	if k == Table {
		return "TABLE"
	}
	return "STREAM"
}

// Format is a serialization format with its properties (WRAP_SINGLE_VALUE,
// DELIMITER, ...), as the serdes expect them.
type Format struct {
	Name  string
	Props map[string]string
}

// UsesSchemaRegistry tells whether a format's data carries schema-registry
// schema ids (AVRO, PROTOBUF, JSON_SR).
func UsesSchemaRegistry(name string) bool {
	switch strings.ToUpper(name) {
	case "AVRO", "PROTOBUF", "JSON_SR":
		return true
	}
	return false
}

// WindowInfo describes the key of a windowed source.
type WindowInfo struct {
	Type string // TUMBLING, HOPPING, SESSION
	Size int64  // ms; 0 for SESSION
}

// Timestamp says where record time comes from: the Kafka record timestamp
// when Column is empty, else a column (BIGINT ms, TIMESTAMP, or STRING
// parsed with Format).
type Timestamp struct {
	Column string
	Format string
}

// Source is a stream or table.
type Source struct {
	Name        string
	Kind        Kind
	Topic       string
	KeyFormat   Format
	ValueFormat Format
	Schema      *types.Schema
	Timestamp   Timestamp
	Window      *WindowInfo
	// ReadOnly marks CREATE SOURCE STREAM/TABLE.
	ReadOnly bool
	// Statement is the SQL that created the source.
	Statement string
	// Partitions and Replicas of the backing topic, when known.
	Partitions int
	Replicas   int
	// Sink marks sources created by CSAS/CTAS, written by a query.
	Sink bool
}

// Catalog holds sources and custom types by upper-case name.
type Catalog struct {
	sources map[string]*Source
	types   map[string]*types.Type
}

// New returns an empty catalog.
func New() *Catalog {
	return &Catalog{sources: map[string]*Source{}, types: map[string]*types.Type{}}
}

// Clone returns a copy whose maps can be changed independently; the
// sources themselves are shared and must be treated as immutable.
func (c *Catalog) Clone() *Catalog {
	n := New()
	for k, v := range c.sources {
		n.sources[k] = v
	}
	for k, v := range c.types {
		n.types[k] = v
	}
	return n
}

// Source returns the named source.
func (c *Catalog) Source(name string) (*Source, bool) {
	s, ok := c.sources[name]
	return s, ok
}

// Put adds or replaces a source.
func (c *Catalog) Put(s *Source) { c.sources[s.Name] = s }

// Remove deletes a source.
func (c *Catalog) Remove(name string) { delete(c.sources, name) }

// Sources returns all sources sorted by name.
func (c *Catalog) Sources() []*Source {
	out := make([]*Source, 0, len(c.sources))
	for _, s := range c.sources {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Type returns the custom type registered under name.
func (c *Catalog) Type(name string) (*types.Type, bool) {
	t, ok := c.types[strings.ToUpper(name)]
	return t, ok
}

// PutType registers a custom type.
func (c *Catalog) PutType(name string, t *types.Type) { c.types[strings.ToUpper(name)] = t }

// RemoveType removes a custom type.
func (c *Catalog) RemoveType(name string) { delete(c.types, strings.ToUpper(name)) }

// Types returns the custom types by name.
func (c *Catalog) Types() map[string]*types.Type {
	out := make(map[string]*types.Type, len(c.types))
	for k, v := range c.types {
		out[k] = v
	}
	return out
}

// NotFoundError reports a missing source.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s does not exist.", e.Name)
}
