package planner

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// namer generates ksqlDB's names for unaliased expressions: a column keeps
// its name, a struct field its field name, anything else KSQL_COL_<n>
// with n skipping names already taken.
type namer struct {
	taken map[string]bool
	next  int
	// joinQuals and schema let a join's qualified columns keep their
	// short names when no other source has the same column.
	joinQuals map[string]bool
	schema    *types.Schema
}

func newNamer(in *types.Schema) *namer {
	n := &namer{taken: map[string]bool{}}
	for _, c := range in.Columns {
		n.taken[c.Name] = true
	}
	return n
}

func (n *namer) nameFor(a ast.Expr, e expr.Expr) string {
	switch a := a.(type) {
	case *ast.ColumnRef:
		// In a join, T.ID is named ID unless another source has an ID too,
		// then T_ID.
		if c, ok := e.(*expr.Column); ok && n.joinQuals != nil && c.Name == a.Qualifier+"_"+a.Name {
			owners := 0
			for q := range n.joinQuals {
				if n.schema.Find(q+"_"+a.Name) >= 0 {
					owners++
				}
			}
			if owners > 1 {
				return c.Name
			}
		}
		return a.Name
	case *ast.Dereference:
		// A field named like a column or an earlier field gets the first
		// free _<n> suffix (A->B next to B is B_1).
		name := a.Field
		for i := 1; n.taken[name]; i++ {
			name = fmt.Sprintf("%s_%d", a.Field, i)
		}
		n.taken[name] = true
		return name
	}
	return n.generated()
}

func (n *namer) generated() string {
	for {
		name := fmt.Sprintf("KSQL_COL_%d", n.next)
		n.next++
		if !n.taken[name] {
			n.taken[name] = true
			return name
		}
	}
}

type projItem struct {
	// windowKey marks WINDOWSTART/WINDOWEND shown as part of the key.
	windowKey bool
	expr      expr.Expr
	name      string
	aliased   bool
	pos       ast.Pos
}

// planProjection binds the SELECT list and orders the output: for
// persistent queries key columns first, taken from the select items that
// name the input's key columns.
// projectionOpts tune the projection to what precedes it.
type projectionOpts struct {
	pre func(e ast.Expr, clause string) (expr.Expr, bool, error)
	// keyWhat names the key in errors: "key column", "grouping expression".
	keyWhat string
	// keyNames are the key columns as the user wrote them, for errors.
	keyNames []string
	// keySource is the left table of a foreign-key join, for errors.
	keySource string
	// keyEquiv are value columns equal to the key (a join's other key):
	// selecting one of them selects the key.
	keyEquiv map[string]bool
	table    bool
	// starOrder is, for a persistent join, the order its star selects
	// columns in: each source's own columns as declared (<ALIAS>_<NAME>),
	// whatever re-keying did to the join's schema.
	starOrder []string
	// starPseudo lets the star select the join sources' pseudo columns
	// (<ALIAS>_ROWTIME, ...), as it does after PARTITION BY.
	starPseudo bool
}

// starIndexes lists the schema columns a star visits, in order: the
// schema's order, or opts.starOrder's with the columns it does not name
// (generated keys first) around it.
func starIndexes(schema *types.Schema, order []string) []int {
	if order == nil {
		out := make([]int, len(schema.Columns))
		for i := range out {
			out[i] = i
		}
		return out
	}
	named := map[int]bool{}
	var mid []int
	for _, n := range order {
		if i := schema.Find(n); i >= 0 && !named[i] {
			named[i] = true
			mid = append(mid, i)
		}
	}
	var head, tail []int
	for i, c := range schema.Columns {
		switch {
		case named[i]:
		case c.Namespace == types.NsKey:
			head = append(head, i)
		default:
			tail = append(tail, i)
		}
	}
	return append(append(head, mid...), tail...)
}

func (p *Planner) planProjection(b *binder, q *ast.Query, in physical.Step, quals, hidden map[string]bool, subst map[string]int, sinkName string, opts projectionOpts) (*physical.Project, error) {
	schema := in.Schema()
	sc := &scope{schema: schema, qualifiers: quals, clause: "SELECT", subst: subst, hidden: hidden, pre: opts.pre}
	// Generated names skip user aliases and input names.
	names := newNamer(schema)
	if b.join {
		names.joinQuals, names.schema = quals, schema
	}
	for _, it := range q.Select {
		if it.HasAlias {
			names.taken[it.Alias] = true
		}
	}
	// An aggregation names its items against the rows it aggregates, as
	// planAggregate did for the key columns, and its star selects those
	// rows' columns (which must be grouped by).
	var aggNames []string
	var aggIn *types.Schema
	if opts.pre != nil {
		if s, ok := aggregateInput(in); ok {
			aggIn = s
			aggNames, _ = selectNames(q, s)
		}
	}
	var items []projItem
	var nonAgg []string
	for qi, it := range q.Select {
		if it.Star && aggIn != nil && !b.join {
			for _, c := range aggIn.Columns {
				if isPseudo(c.Name) {
					continue
				}
				ref := &ast.ColumnRef{Base: ast.Base{P: it.Position()}, Name: c.Name}
				e, err := b.bind(ref, sc)
				if err != nil {
					var na *nonAggregateError
					if errors.As(err, &na) {
						nonAgg = append(nonAgg, c.Name)
						continue
					}
					return nil, err
				}
				items = append(items, projItem{expr: e, name: c.Name, pos: it.Position()})
			}
			continue
		}
		if it.Star {
			if it.StarOf != "" && !quals[it.StarOf] {
				return nil, errorf(it.Position(), "Failed to prepare statement: '%s' is not a valid stream/table name or alias.", it.StarOf)
			}
			for _, i := range starIndexes(schema, opts.starOrder) {
				c := schema.Columns[i]
				if isPseudoCol(c) || strings.HasPrefix(c.Name, "KSQL_SYNTH_") || (b.join && ((isSidePseudo(c.Name, quals) && !opts.starPseudo) || (it.StarOf != "" && !strings.HasPrefix(c.Name, it.StarOf+"_")))) {
					continue
				}
				items = append(items, projItem{expr: &expr.Column{Index: i, Name: c.Name, T: c.Type}, name: c.Name, pos: it.Position()})
				// A query on a windowed source shows the window bounds
				// after the key, as part of it.
				if sinkName == "" && c.Namespace == types.NsKey && !hidden[types.WindowStart] && (i+1 >= len(schema.Columns) || schema.Columns[i+1].Namespace != types.NsKey) {
					for j, w := range schema.Columns {
						if w.Name == types.WindowStart || w.Name == types.WindowEnd {
							items = append(items, projItem{expr: &expr.Column{Index: j, Name: w.Name, T: w.Type}, name: w.Name, pos: it.Position(), windowKey: true})
						}
					}
				}
			}
			continue
		}
		if it.StructAll {
			// expr->* selects every field of the struct as a column of
			// the field's name.
			e, err := b.bind(it.Expr, sc)
			if err != nil {
				return nil, err
			}
			t := e.Type()
			if t.Kind != types.KindStruct {
				return nil, errorf(it.Position(), "Expected STRUCT type, got %s in %s->*", t, sqlText(it.Expr))
			}
			for fi, f := range t.Fields {
				items = append(items, projItem{expr: &expr.Field{X: e, Index: fi, Name: f.Name, T: f.Type}, name: f.Name, pos: it.Position()})
			}
			continue
		}
		e, err := b.bind(it.Expr, sc)
		if err != nil {
			var na *nonAggregateError
			if errors.As(err, &na) {
				nonAgg = append(nonAgg, sqlText(it.Expr))
				continue
			}
			if pe, ok := err.(*Error); ok && opts.pre != nil && !p.hasAggregate(it.Expr) && strings.HasSuffix(pe.Msg, "cannot be resolved.") {
				nonAgg = append(nonAgg, sqlText(it.Expr))
				continue
			}
			return nil, err
		}
		name := it.Alias
		if !it.HasAlias {
			if qi < len(aggNames) && aggNames[qi] != "" {
				name = aggNames[qi]
			} else if c, ok := e.(*expr.Column); ok && subst != nil && schema.Columns[c.Index].Namespace == types.NsKey {
				// The item is a PARTITION BY expression: it is that key
				// column, under the key's (generated) name.
				name = c.Name
			} else {
				name = names.nameFor(it.Expr, e)
			}
		}
		items = append(items, projItem{expr: e, name: name, aliased: it.HasAlias, pos: it.Position()})
	}
	if len(nonAgg) > 0 {
		return nil, plain("Non-aggregate SELECT expression(s) not part of GROUP BY: %s\nEither add the column(s) to the GROUP BY or remove them from the SELECT.", strings.Join(nonAgg, ", "))
	}
	persistent := sinkName != ""
	if persistent {
		for _, it := range items {
			if c, ok := it.expr.(*expr.Column); ok && !isPseudoCol(schema.Columns[c.Index]) && c.Name == it.name {
				continue // a key made from a pseudo column keeps its name
			}
			if isReserved(it.name) {
				if it.aliased {
					return nil, errorf(it.pos, "`%s` is a reserved column name. You cannot use it as an alias for a column.", it.name)
				}
				return nil, errorf(it.pos, "Reserved column name in select: `%s`. Please remove or alias the column.", it.name)
			}
		}
	}
	// Which items carry the input's key columns.
	keyItem := map[int]int{} // input column index -> item index
	var keyIdx []int
	for i, c := range schema.Columns {
		if c.Namespace == types.NsKey && !isPseudoCol(c) {
			keyIdx = append(keyIdx, i)
		}
	}
	// The key column itself claims its place first; a column equivalent to
	// it (the other side of a join condition) stands for the key only when
	// the key itself is not selected, and is otherwise a value column.
	for _, equivalents := range []bool{false, true} {
		for ii, it := range items {
			c, ok := it.expr.(*expr.Column)
			if !ok {
				continue
			}
			idx := c.Index
			if opts.keyEquiv[c.Name] && len(keyIdx) == 1 {
				idx = keyIdx[0]
			}
			// Selected WINDOWSTART and WINDOWEND are value copies.
			if (idx != c.Index) != equivalents || isPseudoCol(schema.Columns[idx]) {
				continue
			}
			if first, seen := keyItem[idx]; !seen && schema.Columns[idx].Namespace == types.NsKey {
				keyItem[idx] = ii
				if idx != c.Index {
					// An equivalent column stands for the key: read the key
					// itself, which outer joins fill from either side.
					k := schema.Columns[idx]
					items[ii].expr = &expr.Column{Index: idx, Name: k.Name, T: k.Type}
				}
			} else if seen && opts.pre != nil && persistent {
				return nil, plain("The projection contains a key column more than once: %s and %s.", types.QuoteIdent(items[first].name), types.QuoteIdent(it.name))
			} else if seen && persistent && idx == c.Index {
				names := []string{items[first].name, it.name}
				sort.Strings(names)
				return nil, plain("The projection contains a key column (%s) more than once, aliased as: %s and %s.", types.QuoteIdent(schema.Columns[idx].Name), names[0], names[1])
			}
		}
	}
	if persistent {
		var missing []string
		for n, k := range keyIdx {
			if _, ok := keyItem[k]; !ok {
				name := schema.Columns[k].Name
				if n < len(opts.keyNames) {
					name = opts.keyNames[n]
				}
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 && (opts.keyWhat == "key column" || opts.keyWhat == "partitioning expression") {
			// ksqlDB names every key column, not only the missing ones.
			missing = missing[:0]
			for n, k := range keyIdx {
				name := schema.Columns[k].Name
				if n < len(opts.keyNames) {
					name = opts.keyNames[n]
				}
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 && p.cfg.NewQueryPlanner && opts.keyWhat == "key column" && !opts.table {
			// ksqlDB's new query planner lets a stream query leave key
			// columns out: they are simply not in the result, which may
			// be a keyless stream.
			missing = nil
		}
		if len(missing) > 0 {
			return nil, missingKeyError(sinkName, missing, opts)
		}
	}
	isKeyItem := map[int]bool{}
	for _, ii := range keyItem {
		isKeyItem[ii] = true
	}
	out := &types.Schema{}
	var exprs []expr.Expr
	seen := map[string]bool{}
	addCol := func(it projItem, ns types.Namespace) error {
		if seen[it.name] {
			return errorf(it.pos, "Duplicate value columns found in schema: %s %s", types.QuoteIdent(it.name), it.expr.Type())
		}
		seen[it.name] = true
		out.Columns = append(out.Columns, types.Column{Name: it.name, Type: it.expr.Type(), Namespace: ns})
		exprs = append(exprs, it.expr)
		return nil
	}
	if persistent {
		// Key columns come first, in their input order; ksqlDB's new query
		// planner orders a plain projection's keys as it names them.
		var keyOrder []int
		if !p.cfg.NewQueryPlanner || opts.keyWhat != "key column" {
			for _, k := range keyIdx {
				keyOrder = append(keyOrder, keyItem[k])
			}
		} else {
			for ii := range items {
				if isKeyItem[ii] {
					keyOrder = append(keyOrder, ii)
				}
			}
		}
		for _, ii := range keyOrder {
			if err := addCol(items[ii], types.NsKey); err != nil {
				return nil, err
			}
		}
		for ii, it := range items {
			if !isKeyItem[ii] {
				if err := addCol(it, types.NsValue); err != nil {
					return nil, err
				}
			}
		}
		if len(out.Value()) == 0 {
			return nil, plain("The projection contains no value columns.")
		}
	} else {
		for ii, it := range items {
			ns := types.NsValue
			if isKeyItem[ii] || it.windowKey {
				ns = types.NsKey
			}
			if err := addCol(it, ns); err != nil {
				return nil, err
			}
		}
	}
	return &physical.Project{Input: in, Exprs: exprs, Out: out, Table: opts.table}, nil
}

func missingKeyError(sink string, missing []string, opts projectionOpts) error {
	what := opts.keyWhat
	if what == "foreign key join key" {
		if len(missing) == 1 {
			return plain("Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`%s`). Missing column: `%s`.", opts.keySource, missing[0])
		}
		return plain("Primary key columns missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`%s`). Missing columns: `%s`.", opts.keySource, strings.Join(missing, "`, `"))
	}
	if what == "synthetic join key" {
		return plain("Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `%s` must include the join expression %s in its projection (eg, SELECT %s...).\n%s was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased. ", sink, missing[0], missing[0], missing[0])
	}
	if what == "join expression" && len(missing) == 1 {
		first := strings.SplitN(strings.SplitN(missing[0], " or ", 2)[0], ", ", 2)[0]
		plural := ""
		if strings.Contains(missing[0], " or ") {
			plural = "s"
		}
		return plain("The query used to build `%s` must include the join expression%s %s in its projection (eg, SELECT %s...).", sink, plural, missing[0], first)
	}
	if len(missing) == 1 {
		return plain("The query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).", sink, what, missing[0], missing[0])
	}
	list := strings.Join(missing[:len(missing)-1], ", ") + " and " + missing[len(missing)-1]
	return plain("The query used to build `%s` must include the %ss %s in its projection (eg, SELECT %s...).", sink, what, list, strings.Join(missing, ", "))
}

// isSidePseudo tells a join input's own pseudo columns (L_ROWTIME, ...),
// which a star does not select.
func isSidePseudo(name string, quals map[string]bool) bool {
	for q := range quals {
		if rest, ok := strings.CutPrefix(name, q+"_"); ok && isPseudo(rest) && rest != types.WindowStart && rest != types.WindowEnd {
			return true
		}
	}
	return false
}

// isPseudoCol tells the pseudo columns a star leaves out and a projection
// may not keep under their own names. A key that PARTITION BY made from a
// pseudo column (PARTITION BY ROWTIME) is an ordinary key column.
func isPseudoCol(c types.Column) bool {
	return isPseudo(c.Name) && (c.Namespace != types.NsKey || c.Name == types.WindowStart || c.Name == types.WindowEnd)
}
