package planner

import (
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
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
	out := &types.Schema{Columns: []types.Column{lcols[0]}}
	for i, c := range lcols {
		if i == 0 || isPseudo(c.Name) {
			continue
		}
		c.Namespace = types.NsValue
		out.Columns = append(out.Columns, c)
		step.LeftValues = append(step.LeftValues, i)
	}
	for i, c := range rcols {
		if isPseudo(c.Name) {
			continue
		}
		c.Namespace = types.NsValue
		out.Columns = append(out.Columns, c)
		step.RightValues = append(step.RightValues, i)
	}
	out.Columns = append(out.Columns,
		types.Column{Name: types.RowTime, Type: types.BigintType},
		types.Column{Name: types.RowPartition, Type: types.IntType},
		types.Column{Name: types.RowOffset, Type: types.BigintType})
	step.Out = out
	return &relation{step: step, aliases: append(append([]string(nil), left.aliases...), right.aliases...), table: true,
		sources: append(append([]string(nil), left.sources...), right.sources...), keyEquiv: map[string]bool{},
		window: left.window, keyTexts: []string{leftText}, fkLeftKey: lcols[0].Name, fkLeftSource: left.sources[0]}, nil
}
