package ops

import (
	"context"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/planner/expr"
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
		if r.OldKnown && r.Old == nil {
			return nil // it did not match before either: nothing to delete
		}
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
	keys   []bool // output column is a key column or a window bound (evaluated on tombstones too)
	next   Operator
	policy ErrorPolicy
}

func newProject(step *physical.Project, next Operator, policy ErrorPolicy) (*project, error) {
	evs, err := eval.CompileAll(step.Exprs)
	if err != nil {
		return nil, err
	}
	p := &project{exprs: evs, next: next, policy: policy}
	for i, c := range step.Out.Columns {
		p.names = append(p.names, c.Name)
		// A deleted window still has its bounds, which come with its key.
		col, bound := step.Exprs[i].(*expr.Column)
		bound = bound && (col.Name == types.WindowStart || col.Name == types.WindowEnd)
		p.keys = append(p.keys, c.Namespace == types.NsKey || bound)
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
	keys []eval.Evaluator
	// readsValue marks the key expressions that read a value column: on
	// a record without value they give a NULL key, as in ksqlDB (nil
	// when unknown: every expression is evaluated).
	readsValue []bool
	from       []int
	next       Operator
	policy     ErrorPolicy
}

func newSelectKey(step *physical.SelectKey, next Operator, policy ErrorPolicy) (*selectKey, error) {
	keys, err := eval.CompileAll(step.KeyExprs)
	if err != nil {
		return nil, err
	}
	s := &selectKey{keys: keys, from: step.ValueFrom, next: next, policy: policy}
	in := step.Input.Schema()
	for _, e := range step.KeyExprs {
		s.readsValue = append(s.readsValue, readsValueColumn(e, in))
	}
	return s, nil
}

// readsValueColumn tells whether e reads a column of in that is not a
// key column. ksqlDB evaluates only the expressions that depend on key
// columns alone on a record without value; pseudo columns such as
// ROWTIME come with the value there, so they count as value columns.
func readsValueColumn(e expr.Expr, in *types.Schema) bool {
	found := false
	var walk func(e expr.Expr)
	walk = func(e expr.Expr) {
		if e == nil || found {
			return
		}
		switch e := e.(type) {
		case *expr.Column:
			if e.Index < len(in.Columns) {
				found = in.Columns[e.Index].Namespace != types.NsKey
			}
		case *expr.Binary:
			walk(e.Left)
			walk(e.Right)
		case *expr.Not:
			walk(e.X)
		case *expr.Neg:
			walk(e.X)
		case *expr.IsNull:
			walk(e.X)
		case *expr.Like:
			walk(e.X)
			walk(e.Pattern)
		case *expr.In:
			walk(e.X)
			for _, x := range e.List {
				walk(x)
			}
		case *expr.Case:
			for _, w := range e.Whens {
				walk(w.Cond)
				walk(w.Result)
			}
			walk(e.Else)
		case *expr.Cast:
			walk(e.X)
		case *expr.Call:
			for _, x := range e.Args {
				walk(x)
			}
		case *expr.Lambda:
			walk(e.Body)
		case *expr.Subscript:
			walk(e.X)
			walk(e.Index)
		case *expr.Field:
			walk(e.X)
		case *expr.ArrayCtor:
			for _, x := range e.Elems {
				walk(x)
			}
		case *expr.MapCtor:
			for i := range e.Keys {
				walk(e.Keys[i])
				walk(e.Values[i])
			}
		case *expr.StructCtor:
			for _, x := range e.Values {
				walk(x)
			}
		}
	}
	walk(e)
	return found
}

func (s *selectKey) Process(ctx context.Context, r *Record) error {
	if r.Old != nil {
		r.Old = s.apply(r.Old, false)
	}
	r.Row = s.apply(r.Row, r.Tombstone)
	r.NullKey = false
	return s.next.Process(ctx, r)
}

func (s *selectKey) apply(row []any, noValue bool) []any {
	out := make([]any, len(s.keys)+len(s.from))
	for i, ev := range s.keys {
		if noValue && i < len(s.readsValue) && s.readsValue[i] {
			continue
		}
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
