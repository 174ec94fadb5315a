package physical

import (
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// Repartition routes rows through an internal topic keyed by the rows' key
// columns, so that every row of a key reaches the same task. Within one
// process the topic round trip is what makes scale-out correct: the
// partition of the internal topic, not of the source, decides the task.
type Repartition struct {
	Input Step
	// Topic is the internal topic's name suffix; the runtime prefixes it
	// with the query's application id.
	Topic string
	// Partitions, when set, sizes the internal topic; 0 sizes it like the
	// query's sources.
	Partitions int
	// Changelog passes rows as they are, upserts and deletes (a join's
	// input); otherwise a row whose key changed also sends an undo of the
	// old row to its old key (an aggregation's input).
	Changelog bool
	// KeyFormat, when set, is the format the topic's keys are written in,
	// so that Kafka's partitioner places them as it placed the same keys
	// in a topic of that format (a join's other side); nil is Eddy's own
	// encoding.
	KeyFormat *catalog.Format
}

// AggregateCall is one aggregate function call.
type AggregateCall struct {
	Name string
	// Args are the column arguments, over the aggregate's input rows.
	Args []expr.Expr
	// Literals are the constant trailing arguments (TOPK's k, ...).
	Literals []any
	Return   *types.Type
}

// WindowSpec is a WINDOW clause; durations in milliseconds.
type WindowSpec struct {
	Kind      string // TUMBLING, HOPPING, SESSION
	Size      int64  // SESSION: the inactivity gap
	Advance   int64  // HOPPING
	Grace     int64
	Retention int64
}

// Aggregate folds rows per key (and window) into aggregate values. The
// input rows' first KeyCount columns are the grouping key.
type Aggregate struct {
	Input    Step
	KeyCount int
	Calls    []AggregateCall
	Window   *WindowSpec
	// FromTable marks a table input: an update first undoes the key's
	// previous row.
	FromTable bool
	// Final suppresses results until their window closes (EMIT FINAL).
	Final bool
	// Store names the state store (and its changelog topic).
	Store string
	// Out is key columns, then WINDOWSTART and WINDOWEND for windowed
	// aggregations, then one column per call.
	Out *types.Schema
}

func (s *Repartition) Kind() string { return "repartition/v1" }
func (s *Aggregate) Kind() string   { return "aggregate/v1" }

func (s *Repartition) Inputs() []Step { return []Step{s.Input} }
func (s *Aggregate) Inputs() []Step   { return []Step{s.Input} }

func (s *Repartition) Schema() *types.Schema { return s.Input.Schema() }
func (s *Aggregate) Schema() *types.Schema   { return s.Out }

// Join joins two keyed inputs on their key. Out is the key column, the
// left input's other columns, the right input's columns, then ROWTIME,
// ROWPARTITION and ROWOFFSET of the joined row.
type Join struct {
	Left, Right Step
	// Sides is STREAM_STREAM, STREAM_TABLE or TABLE_TABLE.
	Sides string
	// Type is INNER, LEFT, RIGHT or FULL.
	Type string
	// Before and After bound a stream-stream join: a right row joins a
	// left row when left.ts - Before <= right.ts <= left.ts + After.
	Before, After int64
	// Grace, when set, delays outer results until the window closes
	// (Kafka Streams' spurious-result-free join); nil emits eagerly.
	Grace *int64
	// LeftStore and RightStore name the join's state stores.
	LeftStore, RightStore string
	// LeftFK, for a foreign-key join (Sides FOREIGN_KEY), computes the
	// right key a left row refers to.
	LeftFK expr.Expr
	// KeyColumns is how many leading columns of Out are the key: the left
	// table's key columns in a foreign-key join, else one.
	KeyColumns int
	// LeftWindowSize, set when time-windowed inputs have windows of
	// different sizes, is the left input's: a result keeps the window
	// start both keys share and the left window's end.
	LeftWindowSize int64
	// LeftValues and RightValues pick the input columns copied into Out
	// after the key.
	LeftValues, RightValues []int
	Out                     *types.Schema
}

func (s *Join) Kind() string          { return "join/v1" }
func (s *Join) Inputs() []Step        { return []Step{s.Left, s.Right} }
func (s *Join) Schema() *types.Schema { return s.Out }

// TableCall is one table function call of a FlatMap.
type TableCall struct {
	Name   string
	Fn     func(args []any) (any, error)
	Args   []expr.Expr
	Return *types.Type
}

// FlatMap runs table functions (EXPLODE, ...): each input row becomes as
// many rows as the longest call result, shorter results padded with NULL.
// Out is the input columns followed by one column per call.
type FlatMap struct {
	Input Step
	Calls []TableCall
	Out   *types.Schema
}

func (s *FlatMap) Kind() string          { return "flatMap/v1" }
func (s *FlatMap) Inputs() []Step        { return []Step{s.Input} }
func (s *FlatMap) Schema() *types.Schema { return s.Out }
