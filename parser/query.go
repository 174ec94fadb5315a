package parser

import (
	"math"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/parser/internal/gen"
)

func (b *builder) query(ctx gen.IQueryContext) *ast.Query {
	c := ctx.(*gen.QueryContext)
	q := &ast.Query{Base: base(c), Text: b.text(c)}
	for _, s := range c.AllSelectItem() {
		q.Select = append(q.Select, b.selectItem(s))
	}
	q.From = b.relation(c.Relation())
	if w := c.WindowExpression(); w != nil {
		q.Window = b.window(w)
	}
	if c.GetWhere() != nil {
		q.Where = b.expr(c.GetWhere())
	}
	if c.GetGroupBy() != nil {
		q.GroupBy = b.expressionList(c.GetGroupBy())
	}
	if c.GetPartitionBy() != nil {
		q.PartitionBy = b.expressionList(c.GetPartitionBy())
		if len(q.PartitionBy) == 0 {
			failAt(c.GetPartitionBy().GetStart(), "PARTITION BY requires at least one expression")
		}
	}
	if c.GetHaving() != nil {
		q.Having = b.expr(c.GetHaving())
	}
	switch {
	case c.CHANGES() != nil:
		q.Emit = ast.EmitChanges
	case c.FINAL() != nil:
		q.Emit = ast.EmitFinal
	}
	if lv := c.LimitValue(); lv != nil {
		q.Limit = b.limit(lv)
	}
	return q
}

func (b *builder) selectItem(ctx gen.ISelectItemContext) ast.SelectItem {
	switch c := ctx.(type) {
	case *gen.SelectAllContext:
		return ast.SelectItem{Base: base(c), Star: true}
	case *gen.SelectAllOfContext:
		return ast.SelectItem{Base: base(c), Star: true, StarOf: b.ident(c.Identifier())}
	case *gen.SelectStructAllContext:
		return ast.SelectItem{Base: base(c), StructAll: true, Expr: b.primary(c.PrimaryExpression())}
	case *gen.SelectSingleContext:
		it := ast.SelectItem{Base: base(c), Expr: b.expr(c.Expression())}
		if c.Identifier() != nil {
			it.Alias, it.HasAlias = b.ident(c.Identifier()), true
		}
		return it
	}
	failAt(ctx.GetStart(), "Unsupported select item")
	return ast.SelectItem{}
}

func (b *builder) expressionList(ctx gen.IExpressionListContext) []ast.Expr {
	vs := ctx.(*gen.ExpressionListContext).AllValueExpression()
	out := make([]ast.Expr, len(vs))
	for i, v := range vs {
		out[i] = b.value(v)
	}
	return out
}

func (b *builder) relation(ctx gen.IRelationContext) ast.Relation {
	switch c := ctx.(type) {
	case *gen.SingleRelationContext:
		return b.table(c.AliasedRelation())
	case *gen.JoinRelationContext:
		j := &ast.Join{
			Base:  base(c.JoinType()),
			Left:  b.relation(c.GetLeft()),
			Right: b.table(c.GetRight()),
			On:    b.expr(c.Expression()),
		}
		if jt := c.JoinType().(*gen.JoinTypeContext); jt.GetChildCount() == 0 {
			j.Base = baseTok(c.JOIN().GetSymbol())
		} else {
			switch {
			case jt.LEFT() != nil:
				j.Type = ast.JoinLeft
			case jt.RIGHT() != nil:
				j.Type = ast.JoinRight
			case jt.FULL() != nil:
				j.Type = ast.JoinFull
			}
		}
		if w := c.JoinWindow(); w != nil {
			j.Within = b.within(w.(*gen.JoinWindowContext))
		}
		return j
	}
	failAt(ctx.GetStart(), "Unsupported relation")
	return nil
}

func (b *builder) table(ctx gen.IAliasedRelationContext) *ast.Table {
	c := ctx.(*gen.AliasedRelationContext)
	t := &ast.Table{Base: base(c), Name: b.ident(c.Identifier(0))}
	if c.GetAlias() != nil {
		t.Alias = b.ident(c.GetAlias())
	}
	return t
}

func (b *builder) within(c *gen.JoinWindowContext) *ast.Within {
	w := &ast.Within{Base: base(c)}
	if c.GetBefore() != nil {
		w.Before, w.After = b.duration(c.GetBefore()), b.duration(c.GetAfter())
	} else {
		w.Before = b.duration(c.Duration(0))
		w.After = w.Before
	}
	if c.GetGrace() != nil {
		g := b.duration(c.GetGrace())
		w.Grace = &g
	}
	return w
}

func (b *builder) window(ctx gen.IWindowExpressionContext) *ast.Window {
	spec := ctx.(*gen.WindowExpressionContext).WindowSpec()
	w := &ast.Window{Base: base(spec)}
	var opts []gen.IWindowOptionContext
	switch c := spec.(type) {
	case *gen.TumblingWindowContext:
		w.Kind, w.Size, opts = ast.WindowTumbling, b.duration(c.GetSize()), c.AllWindowOption()
	case *gen.HoppingWindowContext:
		w.Kind, w.Size, opts = ast.WindowHopping, b.duration(c.GetSize()), c.AllWindowOption()
		w.Advance = b.duration(c.GetAdvance())
	case *gen.SessionWindowContext:
		w.Kind, w.Size, opts = ast.WindowSession, b.duration(c.GetSize()), c.AllWindowOption()
	}
	for _, o := range opts {
		switch oc := o.(type) {
		case *gen.RetentionOptionContext:
			if w.Retention != nil {
				failAt(oc.RETENTION().GetSymbol(), "RETENTION given twice")
			}
			d := b.duration(oc.Duration())
			w.Retention = &d
		case *gen.GraceOptionContext:
			if w.Grace != nil {
				failAt(oc.GRACE().GetSymbol(), "GRACE PERIOD given twice")
			}
			d := b.duration(oc.Duration())
			w.Grace = &d
		}
	}
	return w
}

// unitMillis gives milliseconds per time unit; singular and plural.
var unitMillis = map[string]int64{
	"MILLISECOND": 1,
	"SECOND":      1000,
	"MINUTE":      60 * 1000,
	"HOUR":        60 * 60 * 1000,
	"DAY":         24 * 60 * 60 * 1000,
}

// normalizeUnit maps a unit spelling to its singular form, "" if unknown.
func normalizeUnit(s string) string {
	u := strings.ToUpper(s)
	if _, ok := unitMillis[u]; ok {
		return u
	}
	if t := strings.TrimSuffix(u, "S"); t != u {
		if _, ok := unitMillis[t]; ok {
			return t
		}
	}
	return ""
}

// duration converts "n unit" to milliseconds.
func (b *builder) duration(ctx gen.IDurationContext) int64 {
	c := ctx.(*gen.DurationContext)
	unit := normalizeUnit(c.Identifier().GetText())
	if _, unquoted := c.Identifier().(*gen.UnquotedIdentifierContext); !unquoted || unit == "" {
		failAt(c.Identifier().GetStart(), "Unknown time unit '%s': expecting one of MILLISECOND(S), SECOND(S), MINUTE(S), HOUR(S), DAY(S)", c.Identifier().GetText())
	}
	n, err := strconv.ParseInt(c.INTEGER_VALUE().GetText(), 10, 64)
	per := unitMillis[unit]
	if err != nil || n > math.MaxInt64/per {
		failAt(c.GetStart(), "Duration out of range: %s", b.text(c))
	}
	return n * per
}

// limit reads LIMIT's value: an integer, negative ones included (the
// planner says what a query allows).
func (b *builder) limit(c gen.ILimitValueContext) *int {
	num := c.Number()
	if num.INTEGER_VALUE() == nil {
		failAt(num.GetStart(), "Failed to prepare statement: Value must be integer for command: LIMIT")
	}
	n := b.intValue(num.INTEGER_VALUE())
	if c.MINUS() != nil {
		n = -n
	}
	return &n
}
