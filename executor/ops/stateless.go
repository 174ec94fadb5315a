package ops

import (
	"context"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// filter passes rows whose predicate is TRUE. On tables, rows that fail
// become tombstones so downstream drops the key.
type filter struct {
	pred   eval.Evaluator
	clause string
	table  bool
	next   Operator
	policy ErrorPolicy
}

func (f *filter) Process(ctx context.Context, r *Record) error {
	if r.Tombstone {
		// Table deletes flow on; a stream row without value matches nothing.
		if f.table {
			return f.next.Process(ctx, r)
		}
		return nil
	}
	if r.Old != nil && !f.matches(r.Old) {
		r.Old = nil
	}
	if f.matches(r.Row) {
		return f.next.Process(ctx, r)
	}
	if f.table {
		r.Tombstone = true
		return f.next.Process(ctx, r)
	}
	return nil
}

func (f *filter) matches(row []any) bool {
	v, err := f.pred(row)
	if err != nil {
		f.policy.logger().Warn("Error evaluating "+f.clause+" expression, treated as false", "error", err)
		return false
	}
	b, ok := v.(bool)
	return ok && b
}

// project computes output columns. An expression that fails yields NULL
// and a processing-log entry, as in ksqlDB.
type project struct {
	exprs  []eval.Evaluator
	names  []string
	keys   []bool // output column is a key column (evaluated on tombstones too)
	next   Operator
	policy ErrorPolicy
}

func newProject(step *physical.Project, next Operator, policy ErrorPolicy) (*project, error) {
	evs, err := eval.CompileAll(step.Exprs)
	if err != nil {
		return nil, err
	}
	p := &project{exprs: evs, next: next, policy: policy}
	for _, c := range step.Out.Columns {
		p.names = append(p.names, c.Name)
		p.keys = append(p.keys, c.Namespace == types.NsKey)
	}
	return p, nil
}

func (p *project) Process(ctx context.Context, r *Record) error {
	if r.Old != nil {
		r.Old = p.apply(r.Old, false)
	}
	r.Row = p.apply(r.Row, r.Tombstone)
	return p.next.Process(ctx, r)
}

func (p *project) apply(row []any, keysOnly bool) []any {
	out := make([]any, len(p.exprs))
	for i, ev := range p.exprs {
		if keysOnly && !p.keys[i] {
			continue
		}
		v, err := ev(row)
		if err != nil {
			p.policy.logger().Warn("Error computing expression, column set to null", "column", p.names[i], "error", err)
			v = nil
		}
		out[i] = v
	}
	return out
}

// selectKey re-keys a stream for PARTITION BY.
type selectKey struct {
	keys   []eval.Evaluator
	from   []int
	next   Operator
	policy ErrorPolicy
}

func (s *selectKey) Process(ctx context.Context, r *Record) error {
	if r.Old != nil {
		r.Old = s.apply(r.Old)
	}
	r.Row = s.apply(r.Row)
	return s.next.Process(ctx, r)
}

func (s *selectKey) apply(row []any) []any {
	out := make([]any, len(s.keys)+len(s.from))
	for i, ev := range s.keys {
		v, err := ev(row)
		if err != nil {
			s.policy.logger().Warn("Error computing the new key, key set to null", "error", err)
			v = nil
		}
		out[i] = v
	}
	for i, src := range s.from {
		out[len(s.keys)+i] = row[src]
	}
	return out
}

// transient hands rows to a push query's collector.
type transient struct {
	collector Collector
	done      bool
}

// ErrLimitReached is returned once a push query has delivered its rows.
var ErrLimitReached = errLimit{}

type errLimit struct{}

func (errLimit) Error() string { return "limit reached" }

func (t *transient) Process(ctx context.Context, r *Record) error {
	if t.done {
		return ErrLimitReached
	}
	if !t.collector.Collect(ctx, r.Row, r.Tombstone) {
		t.done = true
		return ErrLimitReached
	}
	return nil
}
