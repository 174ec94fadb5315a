package planner

import (
	"strings"

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
	// The result is keyed by all of the left table's key columns.
	keys := 1
	for keys < len(lcols) && lcols[keys].Namespace == types.NsKey {
		keys++
	}
	fillJoinOutput(step, lcols[:keys], lcols, rcols, true, false)
	// The left table's key columns are the result's key, as written
	// (<ALIAS>.<COLUMN>) for the errors of joins built on this one.
	var keyNames, keyTexts []string
	for _, c := range lcols[:keys] {
		name := strings.TrimPrefix(c.Name, left.aliases[0]+"_")
		keyNames = append(keyNames, name)
		keyTexts = append(keyTexts, left.aliases[0]+"."+name)
	}
	return &relation{step: step, aliases: append(append([]string(nil), left.aliases...), right.aliases...), table: true,
		sources: append(append([]string(nil), left.sources...), right.sources...), keyEquiv: map[string]bool{},
		window: left.window, keyTexts: keyTexts, fkLeftKeys: keyNames, fkLeftSource: left.sources[0],
		// Its rows are in the one partition of its topics, in Eddy's encoding.
		rekeyed: true, partitions: 1}, nil
}
