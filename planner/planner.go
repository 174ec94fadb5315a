// Package planner turns parsed statements into catalog changes and
// physical plans, resolving names and checking types on the way.
package planner

import (
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
)

// Planner plans statements against a catalog. It never mutates the
// catalog itself; the caller applies the returned changes.
type Planner struct {
	cat *catalog.Catalog
	fns Functions
	cfg Config
}

// Config holds the server settings that change planning.
type Config struct {
	// DefaultKeyFormat is ksql.persistence.default.format.key (KAFKA).
	DefaultKeyFormat string
	// DefaultValueFormat is ksql.persistence.default.format.value; empty
	// means VALUE_FORMAT is required.
	DefaultValueFormat string
	// OutputTopicPrefix is ksql.output.topic.name.prefix.
	OutputTopicPrefix string
	// WrapSingleValues is ksql.persistence.wrap.single.values; nil = format default.
	WrapSingleValues *bool
	// NewQueryPlanner is ksql.new.query.planner.enabled: key columns of a
	// projection keep the projection's order.
	NewQueryPlanner bool
	// InferColumns, when set, supplies the key or value columns of a CREATE
	// STREAM/TABLE that declares none, from the topic's registered schema
	// (AVRO). It returns nil columns when the format cannot infer them.
	InferColumns func(topic string, f catalog.Format, isKey bool) ([]types.Column, error)
}

// New returns a planner over cat.
func New(cat *catalog.Catalog, fns Functions, cfg Config) *Planner {
	if cfg.DefaultKeyFormat == "" {
		cfg.DefaultKeyFormat = "KAFKA"
	}
	return &Planner{cat: cat, fns: fns, cfg: cfg}
}

// Catalog returns the catalog the planner reads.
func (p *Planner) Catalog() *catalog.Catalog { return p.cat }
