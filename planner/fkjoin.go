package planner

import (
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
)

// planForeignKeyJoin plans a table-table join whose left side joins on a
// value (the foreign key) and whose right side joins on its primary key.
// The result is keyed by the left table's key. A right update must reach
// every left row that refers to it, wherever the left rows are: both
// inputs go through one-partition repartition topics so that one task
// sees them all. That is correct for any partitioning, at the price of
// running the join in a single task.
func (p *Planner) planForeignKeyJoin(j *ast.Join, left, right *relation, leftKey, rightKey expr.Expr, leftText, rightText, typ string) (*relation, error) {
	if _, nested := j.Left.(*ast.Join); nested {
		return nil, plain("Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got %s = %s.", leftText, rightText)
	}
	if left.window != nil || right.window != nil {
		return nil, plain("Foreign-key table-table joins are not supported on windowed tables.")
	}
	switch typ {
	case "RIGHT":
		return nil, plain("RIGHT OUTER JOIN on a foreign key is not supported")
	case "FULL":
		return nil, plain("FULL OUTER JOIN on a foreign key is not supported")
	}
	lcols, rcols := left.step.Schema().Columns, right.step.Schema().Columns
	step := &physical.Join{
		Left:  &physical.Repartition{Input: left.step, Topic: "FK-left-repartition", Partitions: 1},
		Right: &physical.Repartition{Input: right.step, Topic: "FK-right-repartition", Partitions: 1},
		Sides: "FOREIGN_KEY", Type: typ, LeftFK: leftKey, LeftStore: "FK-left-store", RightStore: "FK-right-store",
	}
	fillJoinOutput(step, lcols[0], lcols, rcols, true, false)
	return &relation{step: step, aliases: append(append([]string(nil), left.aliases...), right.aliases...), table: true,
		sources: append(append([]string(nil), left.sources...), right.sources...), keyEquiv: map[string]bool{},
		window: left.window, keyTexts: []string{leftText}, fkLeftKey: lcols[0].Name, fkLeftSource: left.sources[0]}, nil
}
