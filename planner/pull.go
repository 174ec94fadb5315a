package planner

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
)

// PullOptions are the request settings that shape pull queries.
type PullOptions struct {
	// TableScan is ksql.query.pull.table.scan.enabled (default true).
	TableScan bool
	// RangeScan is ksql.query.pull.range.scan.enabled (default true).
	RangeScan bool
	// StreamScan is ksql.query.pull.stream.enabled: a SELECT without
	// EMIT on a stream reads the stream up to its current end and
	// completes, as in ksqlDB since 0.22. Off by default: KSQL 5.x
	// streamed such a query without end, and course material relies on
	// that.
	StreamScan bool
	// LimitClause is ksql.query.pull.limit.clause.enabled (default true).
	LimitClause bool
}

// DefaultPullOptions are ksqlDB's defaults, but for StreamScan.
func DefaultPullOptions() PullOptions {
	return PullOptions{TableScan: true, RangeScan: true, LimitClause: true}
}

// checkPullLimit refuses LIMIT when ksql.query.pull.limit.clause.enabled
// is off.
func checkPullLimit(q *ast.Query, opts PullOptions) error {
	if q.Limit != nil && !opts.LimitClause {
		return plain("LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true." + pullHelp)
	}
	return nil
}

// PullScan is how a pull query reads its table.
type PullScan int

const (
	// PullTableScan reads every row.
	PullTableScan PullScan = iota
	// PullKeyLookup reads the rows of given keys.
	PullKeyLookup
	// PullRangeScan reads a range of keys.
	PullRangeScan
)

// pullHelp ends ksqlDB's pull query messages.
const pullHelp = " See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."

// PullQuery plans a standalone SELECT like Query and, when it is a pull
// query (no EMIT CHANGES on a table), applies ksqlDB's pull query rules:
// the unsupported clauses and columns, the queryable sources, and the
// WHERE clause analysis that decides between a key lookup, a range scan
// and a table scan.
func (p *Planner) PullQuery(q *ast.Query, opts PullOptions) (*QueryPlan, PullScan, error) {
	src := p.pullSource(q)
	if src == nil {
		if stream := p.streamPullSource(q); stream != nil && opts.StreamScan {
			if err := checkPullShape(q, stream); err != nil {
				return nil, PullTableScan, err
			}
			if err := checkPullLimit(q, opts); err != nil {
				return nil, PullTableScan, err
			}
			qp, err := p.Query(q)
			if err == nil {
				qp.StreamScan = true
			}
			return qp, PullTableScan, err
		}
		qp, err := p.Query(q)
		return qp, PullTableScan, err
	}
	if err := checkPullShape(q, src); err != nil {
		return nil, PullTableScan, err
	}
	if err := checkPullLimit(q, opts); err != nil {
		return nil, PullTableScan, err
	}
	var wa *whereAnalysis
	orig := q
	if q.Where != nil {
		where, err := windowBoundsAsMillis(q.Where, src.Window != nil)
		if err != nil {
			return nil, PullTableScan, err
		}
		if wa, err = validatePullWhere(where, src, opts); err != nil {
			return nil, PullTableScan, err
		}
		cp := *q
		cp.Where = where
		q = &cp
	}
	qp, err := p.Query(q)
	if err != nil {
		var pe *Error
		if q.Where != nil && errors.As(err, &pe) && strings.HasPrefix(pe.Msg, "Error in WHERE expression:") &&
			!strings.Contains(pe.Msg, "\nStatement: ") {
			pe.Msg += "\nStatement: " + pullExprText(orig.Where)
		}
		return nil, PullTableScan, err
	}
	if !qp.Pull {
		return qp, PullTableScan, nil
	}
	if !src.Sink && !src.ReadOnly {
		return nil, PullTableScan, plain("The `%s` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_%s AS SELECT * FROM %s'."+pullHelp, src.Name, src.Name, src.Name)
	}
	scan := PullTableScan
	if wa != nil {
		if scan, err = wa.planScan(src, opts); err != nil {
			return nil, PullTableScan, err
		}
	}
	if scan == PullRangeScan && (!opts.RangeScan || src.Window != nil) {
		scan = PullTableScan
	}
	if scan == PullTableScan && !opts.TableScan {
		return nil, PullTableScan, plain("Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true")
	}
	if scan == PullKeyLookup {
		if qp.PullKeys, qp.PullWindows, err = wa.keyTuples(&binder{fns: p.fns, cat: p.cat}, src); err != nil {
			return nil, PullTableScan, err
		}
	}
	return qp, scan, nil
}

// pullSource is the table a pull query reads, nil for other queries.
func (p *Planner) pullSource(q *ast.Query) *catalog.Source { return p.unemitted(q, catalog.Table) }

// streamPullSource is the stream a SELECT without EMIT reads first, nil
// for other queries.
func (p *Planner) streamPullSource(q *ast.Query) *catalog.Source {
	return p.unemitted(q, catalog.Stream)
}

// unemitted is the source of kind that a SELECT without EMIT reads first.
func (p *Planner) unemitted(q *ast.Query, kind catalog.Kind) *catalog.Source {
	if q.Emit != ast.EmitNone {
		return nil
	}
	tbl, ok := leftmost(q.From).(*ast.Table)
	if !ok {
		return nil
	}
	src, ok := p.cat.Source(tbl.Name)
	if !ok || src.Kind != kind {
		return nil
	}
	return src
}

// checkPullShape rejects the clauses and columns pull queries lack.
func checkPullShape(q *ast.Query, src *catalog.Source) error {
	if _, join := q.From.(*ast.Join); join {
		return plain("Pull queries don't support JOIN clauses." + pullHelp)
	}
	if q.Window != nil {
		return plain("Pull queries don't support WINDOW clauses." + pullHelp)
	}
	if len(q.GroupBy) > 0 {
		return plain("Pull queries don't support GROUP BY clauses." + pullHelp)
	}
	if len(q.PartitionBy) > 0 {
		return plain("Pull queries don't support PARTITION BY clauses." + pullHelp)
	}
	if q.Having != nil {
		return plain("Pull queries don't support HAVING clauses." + pullHelp)
	}
	if q.Limit != nil && *q.Limit < 0 {
		return plain("Pull queries don't support negative integers in the LIMIT clause." + pullHelp)
	}
	if cols := disallowedPullColumns(selectedExprs(q)...); cols != "" {
		return plain("Pull queries don't support the following columns in SELECT clauses: %s\n%s", cols, pullHelp)
	}
	if q.Where != nil {
		if cols := disallowedPullColumns(q.Where); cols != "" {
			return plain("Pull queries don't support the following columns in WHERE clauses: %s\n%s", cols, pullHelp)
		}
	}
	return nil
}

// selectedExprs are the expressions a SELECT names (stars left out).
func selectedExprs(q *ast.Query) []ast.Expr {
	var out []ast.Expr
	for _, it := range q.Select {
		if !it.Star && it.StarOf == "" && it.Expr != nil {
			out = append(out, it.Expr)
		}
	}
	return out
}

// disallowedPullColumns lists the pseudo columns pull queries cannot read.
func disallowedPullColumns(es ...ast.Expr) string {
	var names []string
	for _, e := range es {
		walkExpr(e, func(x ast.Expr) {
			if c, ok := x.(*ast.ColumnRef); ok {
				if n := strings.ToUpper(c.Name); n == types.RowPartition || n == types.RowOffset {
					names = append(names, types.QuoteIdent(n))
				}
			}
		})
	}
	return strings.Join(names, ", ")
}

// windowBoundsAsMillis replaces the datetime strings that WINDOWSTART and
// WINDOWEND are compared with by their epoch milliseconds, as ksqlDB's
// pull queries read them ('2020-02-22T23:45' <= WINDOWSTART).
func windowBoundsAsMillis(e ast.Expr, windowed bool) (ast.Expr, error) {
	b, ok := e.(*ast.Binary)
	if !ok || !windowed {
		return e, nil
	}
	if b.Op == ast.OpAnd || b.Op == ast.OpOr {
		l, err := windowBoundsAsMillis(b.Left, windowed)
		if err != nil {
			return nil, err
		}
		r, err := windowBoundsAsMillis(b.Right, windowed)
		if err != nil {
			return nil, err
		}
		return &ast.Binary{Base: b.Base, Op: b.Op, Left: l, Right: r}, nil
	}
	if !b.Op.IsComparison() {
		return e, nil
	}
	col, other := columnSide(b)
	lit, isLit := other.(*ast.Literal)
	if col == nil || !isLit || lit.Kind != ast.LitString {
		return e, nil
	}
	if n := strings.ToUpper(col.Name); n != types.WindowStart && n != types.WindowEnd {
		return e, nil
	}
	ms, err := parsePartialTimestamp(lit.Text)
	if err != nil {
		return nil, invalidWhere("Failed to parse datetime: "+lit.Text, true)
	}
	num := &ast.Literal{Base: lit.Base, Kind: ast.LitInteger, Text: strconv.FormatInt(ms, 10)}
	out := *b
	if out.Left == ast.Expr(lit) {
		out.Left = num
	} else {
		out.Right = num
	}
	return &out, nil
}

// parsePartialTimestamp reads yyyy[-MM[-dd[Thh[:mm[:ss[.fff]]]]]][zone],
// the missing parts taking their smallest value; times are UTC unless a
// zone (Z, +hh:mm) is given.
func parsePartialTimestamp(s string) (int64, error) {
	text := strings.TrimSpace(s)
	loc := time.UTC
	date, clock, _ := strings.Cut(text, "T")
	if m := zoneSuffix.FindString(clock); m != "" {
		clock = clock[:len(clock)-len(m)]
		if m != "Z" {
			sign, hh, mm := 1, m[1:3], m[len(m)-2:]
			if m[0] == '-' {
				sign = -1
			}
			h, _ := strconv.Atoi(hh)
			mi, _ := strconv.Atoi(mm)
			loc = time.FixedZone(m, sign*(h*3600+mi*60))
		}
	}
	parts := []int{0, 1, 1, 0, 0, 0, 0}
	fields := strings.Split(date, "-")
	if len(fields) > 3 || fields[0] == "" {
		return 0, fmt.Errorf("bad date %q", s)
	}
	if clock != "" {
		hms, frac, _ := strings.Cut(clock, ".")
		cf := strings.Split(hms, ":")
		if len(cf) > 3 {
			return 0, fmt.Errorf("bad time %q", s)
		}
		fields = append(append(fields, make([]string, 3-len(fields))...), cf...)
		if frac != "" {
			for len(frac) < 3 {
				frac += "0"
			}
			fields = append(append(fields, make([]string, 6-len(fields))...), frac[:3])
		}
	}
	for i, f := range fields {
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return 0, err
		}
		parts[i] = n
	}
	t := time.Date(parts[0], time.Month(parts[1]), parts[2], parts[3], parts[4], parts[5], parts[6]*int(time.Millisecond), loc)
	return t.UnixMilli(), nil
}

// zoneSuffix is the zone at the end of a datetime's time part.
var zoneSuffix = regexp.MustCompile(`(Z|[+-]\d{2}:?\d{2})$`)

// pullExprText prints a WHERE clause as ksqlDB quotes it in messages.
func pullExprText(e ast.Expr) string {
	switch n := e.(type) {
	case *ast.Binary:
		return "(" + pullExprText(n.Left) + " " + n.Op.String() + " " + pullExprText(n.Right) + ")"
	case *ast.Unary:
		if n.Op == ast.OpNot {
			return "(NOT " + pullExprText(n.Operand) + ")"
		}
	case *ast.Between:
		not := ""
		if n.Not {
			not = "NOT "
		}
		return "(" + pullExprText(n.Value) + " " + not + "BETWEEN " + pullExprText(n.Low) + " AND " + pullExprText(n.High) + ")"
	case *ast.In:
		items := make([]string, len(n.List))
		for i, x := range n.List {
			items[i] = pullExprText(x)
		}
		not := ""
		if n.Not {
			not = "NOT "
		}
		return "(" + pullExprText(n.Value) + " " + not + "IN (" + strings.Join(items, ", ") + "))"
	case *ast.Like:
		not := ""
		if n.Not {
			not = "NOT "
		}
		return "(" + pullExprText(n.Value) + " " + not + "LIKE " + pullExprText(n.Pattern) + ")"
	case *ast.IsNull:
		if n.Not {
			return "(" + pullExprText(n.Value) + " IS NOT NULL)"
		}
		return "(" + pullExprText(n.Value) + " IS NULL)"
	}
	return exprText(e)
}
