package ops

import (
	"context"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/planner/physical"
)

// flatMap applies table functions: one output row per produced value,
// calls of unequal length padded with NULL, as ksqlDB zips them.
type flatMap struct {
	step   *physical.FlatMap
	args   [][]eval.Evaluator
	next   Operator
	policy ErrorPolicy
}

func newFlatMap(step *physical.FlatMap, next Operator, policy ErrorPolicy) (*flatMap, error) {
	f := &flatMap{step: step, next: next, policy: policy}
	for _, c := range step.Calls {
		evs, err := eval.CompileAll(c.Args)
		if err != nil {
			return nil, err
		}
		f.args = append(f.args, evs)
	}
	return f, nil
}

func (f *flatMap) Process(ctx context.Context, r *Record) error {
	if r.Tombstone {
		return nil
	}
	results := make([][]any, len(f.step.Calls))
	longest := 0
	for i, c := range f.step.Calls {
		args := make([]any, len(f.args[i]))
		for j, ev := range f.args[i] {
			v, err := ev(r.Row)
			if err != nil {
				f.policy.logger().Warn("Error computing table function argument", "function", c.Name, "error", err)
				v = nil
			}
			args[j] = v
		}
		out, err := c.Fn(args)
		if err != nil {
			f.policy.logger().Warn("Error computing table function", "function", c.Name, "error", err)
			continue
		}
		vals, _ := out.([]any)
		results[i] = vals
		longest = max(longest, len(vals))
	}
	width := len(r.Row)
	for n := 0; n < longest; n++ {
		row := make([]any, width, width+len(results))
		copy(row, r.Row)
		for _, vals := range results {
			var v any
			if n < len(vals) {
				v = vals[n]
			}
			row = append(row, v)
		}
		rec := *r
		rec.Row = row
		if err := f.next.Process(ctx, &rec); err != nil {
			return err
		}
	}
	return nil
}
