package planner

import "github.com/eddysql/eddy/parser/ast"

// ScalablePushSource returns the source a push query reads when its shape
// lets it be served as a scalable push query (ksqlDB's push queries v2):
// one source, EMIT CHANGES, no aggregation, window, HAVING or PARTITION
// BY, and no ROWPARTITION or ROWOFFSET among the columns it names. Whether
// the source is written by exactly one persistent query and the query
// reads from the latest offsets is for the caller to check.
func ScalablePushSource(q *ast.Query) (string, bool) {
	tbl, ok := q.From.(*ast.Table)
	if !ok || q.Emit != ast.EmitChanges || q.Window != nil || len(q.GroupBy) > 0 || q.Having != nil || len(q.PartitionBy) > 0 {
		return "", false
	}
	named := selectedExprs(q)
	if q.Where != nil {
		named = append(named, q.Where)
	}
	if disallowedPullColumns(named...) != "" {
		return "", false
	}
	return tbl.Name, true
}
