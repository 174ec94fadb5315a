package planner

import (
	"fmt"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// whereAnalysis is a pull query's WHERE clause in disjunctive normal form,
// as ksqlDB's QueryFilterNode sees it: IN lists become disjunctions of
// equalities and BETWEEN a pair of bounds.
type whereAnalysis struct {
	disjuncts []ast.Expr
	// tableScan is set when some disjunct cannot be served by keys.
	tableScan bool
}

// validatePullWhere checks each disjunct of a pull query's WHERE clause:
// comparisons must reference a key column directly and be against an
// expression without columns, keys compared at most once, every key of a
// multi-column key constrained. When table scans are enabled the
// offending disjuncts fall back to a scan instead of failing.
func validatePullWhere(where ast.Expr, src *catalog.Source, opts PullOptions) (*whereAnalysis, error) {
	wa := &whereAnalysis{disjuncts: disjuncts(toDNF(rewritePull(where)))}
	keys := src.Schema.Key()
	windowed := src.Window != nil
	for _, d := range wa.disjuncts {
		v := &whereValidator{src: src, opts: opts, windowed: windowed, seen: map[int]bool{}}
		if err := v.visit(d); err != nil {
			return nil, err
		}
		if v.scan {
			wa.tableScan = true
			return wa, nil
		}
		if !v.keyed {
			if opts.TableScan {
				wa.tableScan = true
				return wa, nil
			}
			return nil, invalidWhere("WHERE clause missing key column for disjunct: "+exprText(d), windowed)
		}
		if len(v.seen) != len(keys) {
			if opts.TableScan {
				wa.tableScan = true
				return wa, nil
			}
			var seen []string
			for i, k := range keys {
				if v.seen[i] {
					seen = append(seen, k.Name)
				}
			}
			return nil, invalidWhere(fmt.Sprintf("Multi-column sources must specify every key in the WHERE clause. Specified: [%s] Expected: %s",
				strings.Join(seen, ", "), keyColumnsText(keys)), windowed)
		}
	}
	return wa, nil
}

// planScan extracts the key constraint of each disjunct and picks the
// access path: key lookups when every disjunct fixes the whole key, a
// range scan for a single range on a string key, else a table scan.
func (wa *whereAnalysis) planScan(src *catalog.Source, opts PullOptions) (PullScan, error) {
	if wa.tableScan {
		return PullTableScan, nil
	}
	keys := src.Schema.Key()
	allEq, ranges := true, 0
	nonKey := false
	for _, d := range wa.disjuncts {
		ops := map[int]ast.BinaryOp{}
		var err error
		walkConjuncts(d, func(c ast.Expr) {
			b, ok := c.(*ast.Binary)
			if !ok || err != nil || !b.Op.IsComparison() {
				return
			}
			col, other := columnSide(b)
			if col == nil {
				return
			}
			idx := keyIndex(keys, col.Name)
			if idx < 0 {
				return
			}
			if err = checkKeyValue(other, keys[idx], b); err != nil {
				return
			}
			if op, seen := ops[idx]; seen && op == ast.OpEq {
				return
			}
			if _, seen := ops[idx]; !seen || b.Op == ast.OpEq {
				ops[idx] = b.Op
			}
		})
		if err != nil {
			return PullTableScan, err
		}
		switch {
		case len(ops) == 0:
			nonKey = true
		case len(ops) > 1:
			for _, op := range ops {
				if op != ast.OpEq {
					nonKey = true
				}
			}
		default:
			var op ast.BinaryOp
			var idx int
			for i, o := range ops {
				idx, op = i, o
			}
			if op == ast.OpEq {
				break
			}
			allEq = false
			if k := keys[idx].Type.Kind; (k == types.KindString || k == types.KindBytes) && op >= ast.OpLt && op <= ast.OpGe {
				ranges++
			} else {
				nonKey = true
			}
		}
	}
	switch {
	case nonKey:
		return PullTableScan, nil
	case allEq:
		return PullKeyLookup, nil
	case ranges == 1 && len(wa.disjuncts) == 1:
		return PullRangeScan, nil
	}
	return PullTableScan, nil
}

// keyTuples binds the key each disjunct of a key lookup fixes (planScan
// has checked that every disjunct equates every key column with a
// constant): the first equality per key column, cast to its type; and, for
// windowed tables, the disjunct's WINDOWSTART bounds.
func (wa *whereAnalysis) keyTuples(b *binder, src *catalog.Source) ([][]expr.Expr, []PullWindow, error) {
	keys := src.Schema.Key()
	sc := &scope{schema: &types.Schema{}, clause: "WHERE"}
	out := make([][]expr.Expr, 0, len(wa.disjuncts))
	var windows []PullWindow
	for _, d := range wa.disjuncts {
		tuple := make([]expr.Expr, len(keys))
		var win PullWindow
		var err error
		walkConjuncts(d, func(c ast.Expr) {
			bin, ok := c.(*ast.Binary)
			if !ok || err != nil || !bin.Op.IsComparison() {
				return
			}
			col, other := columnSide(bin)
			if col == nil {
				return
			}
			if src.Window != nil && strings.EqualFold(col.Name, types.WindowStart) {
				err = windowBound(b, sc, bin, other, &win)
				return
			}
			idx := keyIndex(keys, col.Name)
			if bin.Op != ast.OpEq || idx < 0 || tuple[idx] != nil {
				return
			}
			var e expr.Expr
			if e, err = b.bind(other, sc); err == nil {
				tuple[idx] = castTo(e, keys[idx].Type)
			}
		})
		if err != nil {
			return nil, nil, err
		}
		for i, e := range tuple {
			if e == nil {
				return nil, nil, fmt.Errorf("pull query: no value for key column %s", keys[i].Name)
			}
		}
		out = append(out, tuple)
		windows = append(windows, win)
	}
	if src.Window == nil {
		windows = nil
	}
	return out, windows, nil
}

// windowBound narrows win by a comparison of WINDOWSTART with a constant;
// strict bounds are kept inclusive (the filter applies them exactly).
func windowBound(b *binder, sc *scope, bin *ast.Binary, other ast.Expr, win *PullWindow) error {
	e, err := b.bind(other, sc)
	if err != nil {
		return err
	}
	e = castTo(e, types.BigintType)
	op := bin.Op
	if _, right := bin.Right.(*ast.ColumnRef); right { // 5 < WINDOWSTART
		switch op {
		case ast.OpLt:
			op = ast.OpGt
		case ast.OpLe:
			op = ast.OpGe
		case ast.OpGt:
			op = ast.OpLt
		case ast.OpGe:
			op = ast.OpLe
		}
	}
	switch op {
	case ast.OpEq:
		win.From, win.To = e, e
	case ast.OpGt, ast.OpGe:
		win.From = e
	case ast.OpLt, ast.OpLe:
		win.To = e
	}
	return nil
}

// checkKeyValue rejects NULL keys and literals that cannot become the key
// column's type.
func checkKeyValue(e ast.Expr, key types.Column, cmp ast.Expr) error {
	lit, ok := e.(*ast.Literal)
	if !ok {
		return nil
	}
	if lit.Kind == ast.LitNull {
		return plain("Primary key columns can not be NULL: %s", exprText(cmp))
	}
	if !strictCoercible(lit, key.Type) {
		text := lit.Text
		if lit.Kind == ast.LitBool {
			text = fmt.Sprint(lit.Bool)
		}
		return plain("'%s' can not be converted to the type of the key column: %s %s KEY", text, key.Name, key.Type)
	}
	return nil
}

// strictCoercible mirrors ksqlDB's strict value coercion of a literal.
func strictCoercible(lit *ast.Literal, t *types.Type) bool {
	switch lit.Kind {
	case ast.LitString:
		return t.Kind == types.KindString
	case ast.LitBool:
		return t.Kind == types.KindBoolean
	case ast.LitInteger:
		switch t.Kind {
		case types.KindInt, types.KindBigint, types.KindDouble, types.KindDecimal:
			return true
		}
	case ast.LitDecimal, ast.LitDouble:
		return t.Kind == types.KindDouble || t.Kind == types.KindDecimal
	}
	return false
}

// whereValidator checks one disjunct.
type whereValidator struct {
	src      *catalog.Source
	opts     PullOptions
	windowed bool
	seen     map[int]bool
	keyed    bool
	scan     bool
}

func (v *whereValidator) scanOr(msg string, windowed bool) error {
	if v.opts.TableScan {
		v.scan = true
		return nil
	}
	return invalidWhere(msg, windowed)
}

func (v *whereValidator) visit(e ast.Expr) error {
	switch n := e.(type) {
	case *ast.Binary:
		if n.Op == ast.OpAnd || n.Op == ast.OpOr {
			if n.Op == ast.OpOr {
				if err := v.scanOr("Only AND expressions are supported: "+exprText(n), false); err != nil {
					return err
				}
			}
			if err := v.visit(n.Left); err != nil {
				return err
			}
			return v.visit(n.Right)
		}
		if n.Op.IsComparison() {
			return v.comparison(n)
		}
	case *ast.Like:
		return v.like(n)
	}
	// Other predicates (IS NULL, functions, NOT ...) need a scan.
	return v.scanOr("Unsupported expression in WHERE clause: "+exprText(e), false)
}

func (v *whereValidator) comparison(n *ast.Binary) error {
	col, other := columnSide(n)
	if col == nil {
		return v.scanOr("A comparison must directly reference a key column", v.windowed)
	}
	if hasColumnRef(other) {
		return v.scanOr("A comparison must be between a key column and a resolvable expression", v.windowed)
	}
	name := strings.ToUpper(col.Name)
	if name == types.WindowStart || name == types.WindowEnd {
		switch n.Op {
		case ast.OpEq, ast.OpLt, ast.OpLe, ast.OpGt, ast.OpGe:
		default:
			return invalidWhere(fmt.Sprintf("Unsupported %s bounds: %s", name, comparisonName(n.Op)), true)
		}
		return nil
	}
	keys := v.src.Schema.Key()
	idx := keyIndex(keys, col.Name)
	if idx < 0 {
		return nil
	}
	if n.Op == ast.OpNe || n.Op == ast.OpIsDistinct || n.Op == ast.OpIsNotDistinct {
		if err := v.scanOr("Bound on key columns '"+keyColumnsText(keys)+"' must currently be '='", v.windowed); err != nil {
			return err
		}
	}
	if v.seen[idx] && !v.opts.TableScan {
		return invalidWhere("A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate", v.windowed)
	}
	v.seen[idx] = true
	v.keyed = true
	return nil
}

func (v *whereValidator) like(n *ast.Like) error {
	col, ok := n.Value.(*ast.ColumnRef)
	if !ok {
		return v.scanOr("Like condition must be between strings", v.windowed)
	}
	i := v.src.Schema.Find(col.Name)
	if i < 0 {
		return nil // the binder reports unknown columns
	}
	if t := v.src.Schema.Columns[i].Type; t.Kind != types.KindString {
		return invalidWhere("The column type for Like condition must be VARCHAR. The column type is "+t.String(), v.windowed)
	}
	if lit, ok := n.Pattern.(*ast.Literal); !ok || (lit.Kind != ast.LitString && lit.Kind != ast.LitNull) {
		return invalidWhere("Like condition on non-string pattern", v.windowed)
	}
	return nil
}

// invalidWhere builds ksqlDB's message for a WHERE clause pull queries
// cannot serve.
func invalidWhere(msg string, windowed bool) error {
	extra := ""
	if windowed {
		extra = "\n - (optionally) limits the time bounds of the windowed table.\n\t Bounds on [`WINDOWSTART`, `WINDOWEND`] are supported\n\t Supported operators are [EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL]"
	}
	return plain("%s. %s\nPull queries require a WHERE clause that:\n"+
		" - includes a key equality expression, e.g. `SELECT * FROM X WHERE <key-column> = Y;`.\n"+
		" - in the case of a multi-column key, is a conjunction of equality expressions that cover all key columns.\n"+
		" - to support range expressions, e.g.,  SELECT * FROM X WHERE <key-column> < Y;`, range scans need to be enabled by setting ksql.query.pull.range.scan.enabled=true%s\n"+
		"If more flexible queries are needed, , table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true.",
		msg, pullHelp, extra)
}

func comparisonName(op ast.BinaryOp) string {
	names := map[ast.BinaryOp]string{ast.OpEq: "EQUAL", ast.OpNe: "NOT_EQUAL", ast.OpLt: "LESS_THAN",
		ast.OpLe: "LESS_THAN_OR_EQUAL", ast.OpGt: "GREATER_THAN", ast.OpGe: "GREATER_THAN_OR_EQUAL",
		ast.OpIsDistinct: "IS_DISTINCT_FROM", ast.OpIsNotDistinct: "IS_NOT_DISTINCT_FROM"}
	return names[op]
}

// keyColumnsText prints key columns as ksqlDB's schema does:
// "[`ID` STRING KEY]".
func keyColumnsText(keys []types.Column) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = types.QuoteIdent(k.Name) + " " + k.Type.String() + " KEY"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func keyIndex(keys []types.Column, name string) int {
	for i, k := range keys {
		if k.Name == name {
			return i
		}
	}
	for i, k := range keys {
		if strings.EqualFold(k.Name, name) {
			return i
		}
	}
	return -1
}

// columnSide returns the column a comparison references directly (the
// right side first, as ksqlDB looks) and the other side.
func columnSide(b *ast.Binary) (*ast.ColumnRef, ast.Expr) {
	if c, ok := b.Right.(*ast.ColumnRef); ok {
		return c, b.Left
	}
	if c, ok := b.Left.(*ast.ColumnRef); ok {
		return c, b.Right
	}
	return nil, nil
}

func hasColumnRef(e ast.Expr) bool {
	found := false
	walkExpr(e, func(x ast.Expr) {
		if _, ok := x.(*ast.ColumnRef); ok {
			found = true
		}
	})
	return found
}

// walkConjuncts calls fn for each operand of a chain of ANDs.
func walkConjuncts(e ast.Expr, fn func(ast.Expr)) {
	if b, ok := e.(*ast.Binary); ok && b.Op == ast.OpAnd {
		walkConjuncts(b.Left, fn)
		walkConjuncts(b.Right, fn)
		return
	}
	fn(e)
}

// rewritePull turns IN lists into disjunctions of equalities and BETWEEN
// into a pair of bounds, as ksqlDB's pull query rewriter does.
func rewritePull(e ast.Expr) ast.Expr {
	switch n := e.(type) {
	case *ast.Binary:
		if n.Op == ast.OpAnd || n.Op == ast.OpOr {
			return &ast.Binary{Base: n.Base, Op: n.Op, Left: rewritePull(n.Left), Right: rewritePull(n.Right)}
		}
	case *ast.In:
		if n.Not || len(n.List) == 0 {
			return e
		}
		var out ast.Expr
		for _, x := range n.List {
			eq := &ast.Binary{Base: n.Base, Op: ast.OpEq, Left: n.Value, Right: x}
			if out == nil {
				out = eq
			} else {
				out = &ast.Binary{Base: n.Base, Op: ast.OpOr, Left: out, Right: eq}
			}
		}
		return out
	case *ast.Between:
		if n.Not {
			return e
		}
		return &ast.Binary{Base: n.Base, Op: ast.OpAnd,
			Left:  &ast.Binary{Base: n.Base, Op: ast.OpGe, Left: n.Value, Right: n.Low},
			Right: &ast.Binary{Base: n.Base, Op: ast.OpLe, Left: n.Value, Right: n.High}}
	}
	return e
}

// toDNF distributes AND over OR.
func toDNF(e ast.Expr) ast.Expr {
	b, ok := e.(*ast.Binary)
	if !ok || (b.Op != ast.OpAnd && b.Op != ast.OpOr) {
		return e
	}
	l, r := toDNF(b.Left), toDNF(b.Right)
	if b.Op == ast.OpOr {
		return &ast.Binary{Base: b.Base, Op: ast.OpOr, Left: l, Right: r}
	}
	ld, rd := disjuncts(l), disjuncts(r)
	if len(ld) == 1 && len(rd) == 1 {
		return &ast.Binary{Base: b.Base, Op: ast.OpAnd, Left: l, Right: r}
	}
	var out ast.Expr
	for _, x := range ld {
		for _, y := range rd {
			and := &ast.Binary{Base: b.Base, Op: ast.OpAnd, Left: x, Right: y}
			if out == nil {
				out = and
			} else {
				out = &ast.Binary{Base: b.Base, Op: ast.OpOr, Left: out, Right: and}
			}
		}
	}
	return out
}

// disjuncts splits a chain of ORs.
func disjuncts(e ast.Expr) []ast.Expr {
	if b, ok := e.(*ast.Binary); ok && b.Op == ast.OpOr {
		return append(disjuncts(b.Left), disjuncts(b.Right)...)
	}
	return []ast.Expr{e}
}
