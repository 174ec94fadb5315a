// Package physical holds the physical plan: a tree of serializable steps
// that the executor turns into a running topology. Steps carry everything
// the runtime needs (topics, formats, resolved expressions, schemas), so
// the executor never looks back at the SQL or the catalog.
package physical

import (
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// Step is one node of the physical plan.
type Step interface {
	// Kind names the step and its version, e.g. "streamSource/v1".
	Kind() string
	// Inputs returns the upstream steps.
	Inputs() []Step
	// Schema is the layout of the rows this step emits.
	Schema() *types.Schema
}

// Source reads a topic. Its output rows hold the source's key columns,
// value columns and header columns in catalog order, followed by the
// pseudo columns ROWTIME, ROWPARTITION, ROWOFFSET and, for windowed
// sources, WINDOWSTART and WINDOWEND.
type Source struct {
	SourceName  string
	Topic       string
	Table       bool
	KeyFormat   catalog.Format
	ValueFormat catalog.Format
	// Physical is the source's declared schema (key, value, headers).
	Physical  *types.Schema
	Timestamp catalog.Timestamp
	Window    *catalog.WindowInfo
	// Store, when set, materializes a table source so that each update
	// carries the key's previous row (aggregations and joins need it).
	Store string
	Out   *types.Schema
}

// Filter keeps rows whose predicate is TRUE. On a table, a row that
// fails the predicate becomes a tombstone for its key.
type Filter struct {
	Input     Step
	Predicate expr.Expr
	// Clause names the SQL clause for error messages (WHERE, HAVING).
	Clause string
	Table  bool
}

// Project computes the output columns. Out's key columns come first.
type Project struct {
	Input Step
	Exprs []expr.Expr
	Out   *types.Schema
	Table bool
}

// SelectKey re-keys a stream (PARTITION BY): the output key columns are
// computed from KeyExprs; the old key columns move into the value.
type SelectKey struct {
	Input    Step
	KeyExprs []expr.Expr
	Out      *types.Schema
	// ValueFrom maps each output non-key column to an input column index.
	ValueFrom []int
}

// Sink writes rows to a topic.
type Sink struct {
	Input       Step
	SinkName    string
	Topic       string
	KeyFormat   catalog.Format
	ValueFormat catalog.Format
	// TimestampColumn, when >= 0, is the index of the output column whose
	// value becomes the Kafka record timestamp.
	TimestampColumn int
	TimestampFormat string
	Table           bool
}

// Transient delivers rows to a push query's client.
type Transient struct {
	Input Step
	Limit int // 0 = unlimited
}

func (s *Source) Kind() string    { return "streamSource/v1" }
func (s *Filter) Kind() string    { return "filter/v1" }
func (s *Project) Kind() string   { return "project/v1" }
func (s *SelectKey) Kind() string { return "selectKey/v1" }
func (s *Sink) Kind() string      { return "sink/v1" }
func (s *Transient) Kind() string { return "transient/v1" }

func (s *Source) Inputs() []Step    { return nil }
func (s *Filter) Inputs() []Step    { return []Step{s.Input} }
func (s *Project) Inputs() []Step   { return []Step{s.Input} }
func (s *SelectKey) Inputs() []Step { return []Step{s.Input} }
func (s *Sink) Inputs() []Step      { return []Step{s.Input} }
func (s *Transient) Inputs() []Step { return []Step{s.Input} }

func (s *Source) Schema() *types.Schema    { return s.Out }
func (s *Filter) Schema() *types.Schema    { return s.Input.Schema() }
func (s *Project) Schema() *types.Schema   { return s.Out }
func (s *SelectKey) Schema() *types.Schema { return s.Out }
func (s *Sink) Schema() *types.Schema      { return s.Input.Schema() }
func (s *Transient) Schema() *types.Schema { return s.Input.Schema() }

// Walk visits the plan depth-first, inputs before the step.
func Walk(s Step, fn func(Step)) {
	for _, in := range s.Inputs() {
		Walk(in, fn)
	}
	fn(s)
}

// Sources returns the plan's source steps.
func Sources(root Step) []*Source {
	var out []*Source
	Walk(root, func(s Step) {
		if src, ok := s.(*Source); ok {
			out = append(out, src)
		}
	})
	return out
}
