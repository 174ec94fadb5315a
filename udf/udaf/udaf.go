// Package udaf implements ksqlDB's built-in aggregate functions (runtime
// side): accumulators, their fold/undo/merge operations, result mapping and
// a compact deterministic binary encoding for state stores and changelogs.
//
// Ownership contract: Init returns a fresh accumulator. Add, Undo and Merge
// take ownership of the accumulators passed in (they may reuse them) and
// return the new accumulator; callers must use the returned value and not
// reuse the argument afterwards. Result never aliases the accumulator, so
// results may be kept while the accumulator keeps changing. Encode/Decode
// round-trip every accumulator state exactly, and Encode is deterministic
// (maps and sets are written in sorted order).
//
// Argument values are the runtime values of planner/types; SQL NULL is nil.
// Values passed to Add are retained by collecting functions, so callers must
// not mutate them afterwards.
package udaf

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// Aggregator is one aggregate call's implementation, specialised to its argument types.
type Aggregator interface {
	Init() any                            // the empty accumulator
	Add(acc any, args []any) (any, error) // fold one input row's argument values
	// Undo removes a row's contribution (table aggregations); ErrNoUndo if the function cannot.
	Undo(acc any, args []any) (any, error)
	Merge(a, b any) (any, error)    // combine two accumulators (session window merges); a is the earlier session
	Result(acc any) (any, error)    // the SQL value (of the aggregate's return type)
	Encode(acc any) ([]byte, error) // compact binary, deterministic
	Decode(b []byte) (any, error)
}

// Appender is implemented by every aggregator of this package: Encode that
// appends to dst, to let callers reuse buffers.
type Appender interface {
	AppendEncode(dst []byte, acc any) ([]byte, error)
}

// ErrNoUndo is returned by Undo of functions that cannot retract a row
// (ksqlDB refuses them on table sources).
var ErrNoUndo = errors.New("aggregate function does not support undo")

// Config holds the ksqlDB settings that affect aggregate functions.
type Config struct {
	// CollectListLimit is ksql.functions.collect_list.limit: 0 means the
	// default (1000), negative means unlimited.
	CollectListLimit int
	// CollectSetLimit is ksql.functions.collect_set.limit (same conventions).
	CollectSetLimit int
}

const defaultCollectLimit = 1000

func limitOf(n int) int {
	switch {
	case n == 0:
		return defaultCollectLimit
	case n < 0:
		return int(^uint(0) >> 1)
	}
	return n
}

// call is one resolved aggregate call.
type call struct {
	name string
	args []*types.Type
	lits []any
	ret  *types.Type
	cfg  Config
}

type spec struct {
	undo bool
	// structured marks functions whose intermediate state is a STRUCT,
	// ARRAY or MAP in ksqlDB (AVG keeps SUM and COUNT), which a value
	// format without nested types cannot hold.
	structured bool
	// cols returns how many of nargs arguments are column (per-row)
	// arguments; the rest must be literal constants.
	cols  func(nargs int) int
	ret   func(c *call) (*types.Type, error)
	build func(c *call) (Aggregator, error)
}

// Registry holds the aggregate functions: the built-ins, and user
// functions (WebAssembly) registered when a server loads its extensions.
// It is built by NewRegistry; lookups are safe for concurrent use.
type Registry struct {
	mu    sync.RWMutex
	specs map[string]*spec
	// user names the aggregates added by RegisterUser, which alone may be
	// replaced.
	user map[string]bool
	seq  *sequence
}

// NewRegistry returns a registry of ksqlDB's aggregate functions.
func NewRegistry() *Registry {
	r := &Registry{specs: map[string]*spec{}, user: map[string]bool{}, seq: newSequence()}
	for _, add := range []func(*Registry){registerAttr, registerCollect, registerCorrelation, registerCount,
		registerDistinct, registerHistogram, registerMinMax, registerOffset, registerStats, registerSum, registerTopK} {
		add(r)
	}
	return r
}

func (r *Registry) register(name string, s *spec) {
	if s.cols == nil {
		s.cols = func(n int) int { return n }
	}
	r.mu.Lock()
	r.specs[name] = s
	r.mu.Unlock()
}

func (r *Registry) lookup(name string) *spec {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.specs[strings.ToUpper(name)]
}

// Names lists the supported aggregate names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.specs))
	for n := range r.specs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CanUndo tells whether the function supports Undo, i.e. whether ksqlDB
// allows it in an aggregation over a table.
func (r *Registry) CanUndo(name string) bool {
	s := r.lookup(name)
	return s != nil && s.undo
}

// StructuredState tells whether the function's intermediate state is a
// STRUCT, ARRAY or MAP, so that a value format without nested types
// (DELIMITED) cannot serialise it.
func (r *Registry) StructuredState(name string) bool {
	s := r.lookup(name)
	return s != nil && s.structured
}

// ColumnArgs tells how many of a call's nargs arguments are per-row column
// arguments; the remaining trailing arguments must be literal constants and
// are passed to New as literals (TOPK(v, 3): 1; TOPK(v, name, 3): 2;
// EARLIEST_BY_OFFSET(v, 2, false): 1).
func (r *Registry) ColumnArgs(name string, nargs int) (int, error) {
	s := r.lookup(name)
	if s == nil {
		return 0, fmt.Errorf("Can't find any functions with the name '%s'", name)
	}
	return s.cols(nargs), nil
}

// ReturnType computes the return type of a call (used by the planner).
func (r *Registry) ReturnType(name string, argTypes []*types.Type, literals []any) (*types.Type, error) {
	s := r.lookup(name)
	if s == nil {
		return nil, fmt.Errorf("Can't find any functions with the name '%s'", name)
	}
	return s.ret(&call{name: strings.ToUpper(name), args: argTypes, lits: literals})
}

// New builds the aggregator for a call with the default Config.
func (r *Registry) New(name string, argTypes []*types.Type, literals []any, ret *types.Type) (Aggregator, error) {
	return r.NewWithConfig(name, argTypes, literals, ret, Config{})
}

// NewWithConfig builds the aggregator for a call. ret may be nil (it is then
// computed); otherwise it must equal ReturnType's answer.
func (r *Registry) NewWithConfig(name string, argTypes []*types.Type, literals []any, ret *types.Type, cfg Config) (Aggregator, error) {
	up := strings.ToUpper(name)
	s := r.lookup(up)
	if s == nil {
		return nil, fmt.Errorf("Can't find any functions with the name '%s'", name)
	}
	c := &call{name: up, args: argTypes, lits: literals, cfg: cfg}
	rt, err := s.ret(c)
	if err != nil {
		return nil, err
	}
	if ret != nil && !ret.Equal(rt) {
		return nil, fmt.Errorf("function '%s': planner return type %s differs from %s", up, ret, rt)
	}
	c.ret = rt
	return s.build(c)
}

// errParams is ksqlDB's message for an unsupported signature.
func (c *call) errParams() error {
	parts := make([]string, 0, len(c.args)+len(c.lits))
	for _, t := range c.args {
		parts = append(parts, t.String())
	}
	for _, l := range c.lits {
		parts = append(parts, literalTypeName(l))
	}
	return fmt.Errorf("Function '%s' does not accept parameters (%s).", c.name, strings.Join(parts, ", "))
}

func literalTypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOLEAN"
	case int32, int:
		return "INTEGER"
	case int64:
		return "BIGINT"
	case float64:
		return "DOUBLE"
	case string:
		return "STRING"
	case decimal.Decimal:
		return fmt.Sprintf("DECIMAL(%d, %d)", len(strings.TrimLeft(x.Coefficient().String(), "-0")), -x.Exponent())
	}
	return fmt.Sprintf("%T", v)
}

// litInt reads an integer literal.
func litInt(v any) (int, bool) {
	switch x := v.(type) {
	case int32:
		return int(x), true
	case int64:
		return int(x), true
	case int:
		return x, true
	}
	return 0, false
}

// noUndo is embedded by aggregators that cannot retract rows.
type noUndo struct{}

func (noUndo) Undo(acc any, args []any) (any, error) { return acc, ErrNoUndo }

func badValue(fn string, want *types.Type, got any) error {
	return fmt.Errorf("%s: expected a %s value, got %T", fn, want, got)
}

func badAcc(fn string, acc any) error {
	return fmt.Errorf("%s: invalid accumulator %T", fn, acc)
}

func arity(c *call, cols, lits int) bool {
	return len(c.args) == cols && len(c.lits) == lits
}

// isComparable tells types MIN, MAX and TOPK accept.
func isComparable(t *types.Type) bool {
	switch t.Kind {
	case types.KindInt, types.KindBigint, types.KindDouble, types.KindDecimal, types.KindString,
		types.KindBytes, types.KindDate, types.KindTime, types.KindTimestamp:
		return true
	}
	return false
}

type decimalT = decimal.Decimal
