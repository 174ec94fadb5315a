package planner

import (
	"maps"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// relation is a planned FROM item: its rows keyed by one key column, its
// columns named <ALIAS>_<COLUMN> as ksqlDB names the columns of joins.
type relation struct {
	step    physical.Step
	aliases []string
	table   bool
	sources []string
	// keyEquiv are value columns known to equal the key (the other side
	// of an inner join's condition): selecting one of them selects the key.
	keyEquiv map[string]bool
	// keyExprs are the columns and expressions (expr.Expr.String()) that
	// equal every row's key: what the joins it is built of joined on (see
	// planJoin). A later join on one of them joins on the key.
	keyExprs map[string]bool
	window   *catalog.WindowInfo
	// keyTexts are the join expressions as written, for error messages.
	keyTexts []string
	// synthetic marks a generated key column (full joins, expressions).
	synthetic bool
	// fkLeftKeys is set for a foreign-key join: the left table's key
	// columns (as the table names them), which the projection must
	// include.
	fkLeftKeys   []string
	fkLeftSource string
	// rekeyed marks a join whose rows were re-keyed on the way: its
	// partitions are no longer those of its first source.
	rekeyed bool
	// keyFormat is the format whose serialized keys Kafka's partitioner
	// placed the rows by: the first source's key format, or, for rows
	// that went through a repartition topic, that topic's (nil: Eddy's
	// own encoding). partitions is how many partitions they are in (0:
	// not known).
	keyFormat  *catalog.Format
	partitions int
}

// joinQualifiers maps aliases to column prefixes.
func joinQualifiers(aliases []string) map[string]bool {
	out := map[string]bool{}
	for _, a := range aliases {
		out[a] = true
	}
	return out
}

// planRelation plans a table or a join tree.
func (p *Planner) planRelation(b *binder, rel ast.Relation) (*relation, error) {
	switch r := rel.(type) {
	case *ast.Table:
		return p.planJoinLeaf(r)
	case *ast.Join:
		if err := checkSameSource(r); err != nil {
			return nil, err
		}
		return p.planJoin(b, r)
	}
	return nil, errorf(rel.Position(), "unsupported FROM clause")
}

// checkSameSource refuses a join criteria whose sides both name one source
// by its qualifier. It runs before the joins it builds on are planned, as
// ksqlDB's analyzer checks every criteria first.
func checkSameSource(j *ast.Join) error {
	cond, ok := j.On.(*ast.Binary)
	if !ok || cond.Op != ast.OpEq {
		return nil
	}
	qualifier := func(e ast.Expr) string { return sourceOf(e, func(string) string { return "" }) }
	if l := qualifier(cond.Left); l != "" && l == qualifier(cond.Right) {
		return plain("Each side of the join must reference exactly one source and not the same source. Left side references `%s` and right references `%s`", l, l)
	}
	return nil
}

func (p *Planner) planJoinLeaf(t *ast.Table) (*relation, error) {
	src, ok := p.cat.Source(t.Name)
	if !ok {
		return nil, errorf(t.Position(), "%s does not exist.", t.Name)
	}
	alias := t.Name
	if t.Alias != "" {
		alias = t.Alias
	}
	in := &physical.Source{
		SourceName: src.Name, Topic: src.Topic, Table: src.Kind == catalog.Table, KeyFormat: src.KeyFormat,
		ValueFormat: src.ValueFormat, Physical: src.Schema, Timestamp: src.Timestamp, Window: src.Window,
		Out: sourceSchema(src),
	}
	// Rename every column to <ALIAS>_<NAME>, pseudo columns included (a
	// query may select L.ROWTIME); the join computes its own ROWTIME,
	// ROWPARTITION and ROWOFFSET, which follow.
	out := &types.Schema{}
	var exprs []expr.Expr
	for i, c := range in.Out.Columns {
		nc := c
		nc.Name = alias + "_" + c.Name
		if isPseudo(c.Name) {
			nc.Namespace = types.NsValue
		}
		out.Columns = append(out.Columns, nc)
		exprs = append(exprs, &expr.Column{Index: i, Name: c.Name, T: c.Type})
	}
	for i, c := range in.Out.Columns {
		if c.Name == types.RowTime || c.Name == types.RowPartition || c.Name == types.RowOffset {
			out.Columns = append(out.Columns, c)
			exprs = append(exprs, &expr.Column{Index: i, Name: c.Name, T: c.Type})
		}
	}
	step := &physical.Project{Input: in, Exprs: exprs, Out: out, Table: in.Table}
	return &relation{step: step, aliases: []string{alias}, table: in.Table, sources: []string{src.Name}, window: src.Window,
		keyFormat: &src.KeyFormat, partitions: src.Partitions}, nil
}

func joinTypeName(t ast.JoinType) string {
	switch t {
	case ast.JoinLeft:
		return "LEFT"
	case ast.JoinRight:
		return "RIGHT"
	case ast.JoinFull:
		return "FULL"
	}
	return "INNER"
}

// planJoin plans left JOIN right ON a = b.
func (p *Planner) planJoin(b *binder, j *ast.Join) (*relation, error) {
	left, err := p.planRelation(b, j.Left)
	if err != nil {
		return nil, err
	}
	right, err := p.planJoinLeaf(j.Right)
	if err != nil {
		return nil, err
	}
	for _, l := range left.sources {
		if l == right.sources[0] && len(left.sources) > 1 {
			return nil, plain("N-way joins do not support multiple occurrences of the same source. Source: '%s'", l)
		}
		if l == right.sources[0] {
			return nil, plain("Can not join '%s' to '%s': self joins are not yet supported.", l, l)
		}
	}
	cond, ok := j.On.(*ast.Binary)
	if ok && (cond.Op == ast.OpAnd || cond.Op == ast.OpOr) {
		return nil, plain("Invalid join condition: joins on multiple conditions are not yet supported. Got %s.", exprText(j.On))
	}
	if !ok || cond.Op != ast.OpEq {
		return nil, plain("Unsupported join expression: %s. Only equality conditions (a = b) are supported.", exprText(j.On))
	}
	for _, side := range []ast.Expr{cond.Left, cond.Right} {
		refs := 0
		walkExpr(side, func(n ast.Expr) {
			if _, ok := n.(*ast.ColumnRef); ok {
				refs++
			}
		})
		if refs == 0 {
			return nil, errorf(side.Position(), "Invalid comparison expression '%s' in join '(%s = %s)'. Each side of the join comparision must contain references from exactly one source.", exprText(side), exprText(cond.Left), exprText(cond.Right))
		}
	}
	lsc := &scope{schema: left.step.Schema(), qualifiers: joinQualifiers(left.aliases), clause: "JOIN ON"}
	rsc := &scope{schema: right.step.Schema(), qualifiers: joinQualifiers(right.aliases), clause: "JOIN ON"}
	both := &scope{schema: &types.Schema{Columns: append(append([]types.Column(nil), left.step.Schema().Columns...), right.step.Schema().Columns...)},
		qualifiers: joinQualifiers(append(append([]string(nil), left.aliases...), right.aliases...)), clause: "JOIN ON"}
	// Unknown qualifiers first, then an unqualified column that both sides
	// have: it is ambiguous, not a column of whichever side is tried first.
	for _, unqualified := range []bool{false, true} {
		want := "not a valid stream/table name"
		if unqualified {
			want = "is ambiguous"
		}
		var refErr error
		walkExpr(j.On, func(n ast.Expr) {
			if ref, ok := n.(*ast.ColumnRef); ok && (ref.Qualifier == "") == unqualified && refErr == nil {
				if _, err := b.bind(ref, both); err != nil && strings.Contains(err.Error(), want) {
					refErr = err
				}
			}
		})
		if refErr != nil {
			return nil, refErr
		}
	}
	sideOf := func(e ast.Expr) (expr.Expr, int, error) {
		if x, err := b.bind(e, lsc); err == nil {
			return x, 0, nil
		}
		if x, err := b.bind(e, rsc); err == nil {
			return x, 1, nil
		}
		// Report the first failure in ksqlDB's words.
		if _, err := b.bind(e, both); err != nil {
			return nil, 0, err
		}
		return nil, 0, errorf(e.Position(), "Invalid comparison expression '%s' in join '(%s = %s)'. Each side of the join comparision must contain references from exactly one source.", exprText(e), exprText(cond.Left), exprText(cond.Right))
	}
	a, sa, err := sideOf(cond.Left)
	if err != nil {
		return nil, err
	}
	c, sc, err := sideOf(cond.Right)
	if err != nil {
		return nil, err
	}
	all := append(append([]types.Column(nil), left.step.Schema().Columns...), right.step.Schema().Columns...)
	aliases := append(append([]string(nil), left.aliases...), right.aliases...)
	owner := func(name string) string {
		for _, q := range aliases {
			for _, c := range all {
				if c.Name == q+"_"+name {
					return q
				}
			}
		}
		return ""
	}
	if sa == sc {
		// Both sides refer to what was joined before: to one source, or
		// to two that are not the one joined here.
		ls, rs := sourceOf(cond.Left, owner), sourceOf(cond.Right, owner)
		if ls == rs {
			return nil, plain("Each side of the join must reference exactly one source and not the same source. Left side references `%s` and right references `%s`", ls, rs)
		}
		return nil, plain("A join criteria is expected to reference the source (`%s`) in the FROM clause, instead the right source references `%s` and the left source references `%s`", right.aliases[0], rs, ls)
	}
	leftKey, rightKey := a, c
	leftText, rightText := exprTextWith(cond.Left, owner), exprTextWith(cond.Right, owner)
	// ksqlDB quotes a table-table condition as written.
	condText := leftText + " = " + rightText
	if sa == 1 {
		leftKey, rightKey = c, a
		leftText, rightText = rightText, leftText
	}
	var kafkaSources []string
	for _, name := range append(append([]string(nil), left.sources...), right.sources...) {
		if src, ok := p.cat.Source(name); ok && src.ValueFormat.Name == "KAFKA" {
			kafkaSources = append(kafkaSources, name)
		}
	}
	if len(kafkaSources) > 0 {
		return nil, plain("Source(s) %s are using the 'KAFKA' value format. This format does not yet support JOIN.", strings.Join(kafkaSources, ", "))
	}
	typ := joinTypeName(j.Type)
	// A criteria equal to what an earlier join is keyed by (a column or
	// expression it joined on) joins on that key, as ksqlDB finds: the
	// left side is not re-keyed and the result keeps its key's name.
	joinedOn := leftKey
	if k := left.keyEquivalent(leftKey); k != nil {
		leftKey = k
	}
	sides := "STREAM_STREAM"
	switch {
	case left.table && right.table:
		sides = "TABLE_TABLE"
	case !left.table && right.table:
		sides = "STREAM_TABLE"
	case left.table && !right.table:
		return nil, errorf(j.Position(), "Invalid join order: table-stream joins are not supported; only stream-table joins. Got %s %s JOIN %s.", left.aliases[0], joinTypeText(j.Type), right.aliases[0])
	}
	if sides == "STREAM_STREAM" && j.Within == nil {
		return nil, errorf(j.Position(), "Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select")
	}
	if sides != "STREAM_STREAM" && j.Within != nil {
		return nil, errorf(j.Within.Position(), "A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your join again.")
	}
	if sides == "STREAM_TABLE" && typ == "FULL" {
		return nil, errorf(j.Position(), "Invalid join type: full-outer join not supported for stream-table join. Got %s [FULL] OUTER JOIN %s.", left.aliases[0], right.aliases[0])
	}
	if (left.window == nil) != (right.window == nil) {
		return nil, plain("Can not join windowed source to non-windowed source.\n%s\n%s", windowDesc(left), windowDesc(right))
	}
	if left.window != nil && (left.window.Type == "SESSION") != (right.window.Type == "SESSION") {
		return nil, plain("Incompatible windowed sources.\nLeft source: %s\nRight source: %s\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources", left.window.Type, right.window.Type)
	}
	if !leftKey.Type().Equal(rightKey.Type()) {
		if sides == "STREAM_STREAM" {
			if ct := commonType(leftKey.Type(), rightKey.Type()); ct != nil {
				leftKey, rightKey = castTo(leftKey, ct), castTo(rightKey, ct)
			}
		}
		if !leftKey.Type().Equal(rightKey.Type()) {
			return nil, plain("Invalid join condition: types don't match. Got %s{%s} = %s{%s}.", leftText, leftKey.Type(), rightText, rightKey.Type())
		}
	}
	// Each input must be keyed by its join expression: streams are
	// re-keyed through a repartition topic, tables must join on their key.
	rightIsKey := isKeyColumn(rightKey, right.step.Schema())
	if right.table && !rightIsKey {
		if sides == "STREAM_TABLE" {
			return nil, plain("Invalid join condition: stream-table joins require to join on the table's primary key. Got %s = %s.", leftText, rightText)
		}
		return nil, plain("Invalid join condition: table-table joins require to join on the primary key of the right input table. Got %s.", condText)
	}
	if left.table && !isKeyColumn(leftKey, left.step.Schema()) {
		return p.planForeignKeyJoin(j, left, right, leftKey, rightKey, leftText, rightText, typ)
	}
	leftKeyed, rightKeyed := isKeyColumn(leftKey, left.step.Schema()), isKeyColumn(rightKey, right.step.Schema())
	// Windowed keys carry their window: differently windowed sources
	// would have to be re-keyed to meet. ksqlDB lets time-windowed ones
	// meet when both keys are in a schema-registry format (it re-keys
	// those sides anyway): only a window's start is serialized, so keys
	// with equal starts match.
	if left.window != nil && (!leftKeyed || !rightKeyed ||
		(*left.window != *right.window && !(registryFormat(left.keyFormat) && registryFormat(right.keyFormat)))) {
		return nil, plain("Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.")
	}
	// Inputs read as they are must agree on partitions, or equal keys
	// would meet in different tasks.
	if leftKeyed && rightKeyed {
		if err := p.checkCopartitioned(left, right); err != nil {
			return nil, err
		}
	}
	for _, k := range []expr.Expr{leftKey, rightKey} {
		if containsMap(k.Type()) {
			name := "KSQL_COL_0"
			if c, ok := k.(*expr.Column); ok {
				name = c.Name
			}
			return nil, plain("Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: %s. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.", types.QuoteIdent(name), k.Type())
		}
	}
	lstep, err := rekey(left.step, leftKey, left.table, left.synthetic, "Join-left-repartition")
	if err != nil {
		return nil, err
	}
	rstep, err := rekey(right.step, rightKey, right.table, right.synthetic, "Join-right-repartition")
	if err != nil {
		return nil, err
	}
	if left.window == nil {
		lstep, rstep = p.copartition(left, right, lstep, rstep)
	}
	step := &physical.Join{Left: lstep, Right: rstep, Sides: sides, Type: typ, LeftStore: "Join-left-store", RightStore: "Join-right-store"}
	if j.Within != nil {
		step.Before, step.After, step.Grace = j.Within.Before, j.Within.After, j.Within.Grace
	}
	if left.window != nil && right.window != nil && left.window.Type != "SESSION" && *left.window != *right.window {
		step.LeftWindowSize = left.window.Size
	}
	lcols, rcols := lstep.Schema().Columns, rstep.Schema().Columns
	// The result's key is named after the left join column (for a right
	// join too: only the name, the value is the record key, which the
	// right side always has), the right one when only that is a column,
	// and a synthetic ROWKEY for full joins or when neither is a column.
	_, leftIsCol := leftKey.(*expr.Column)
	_, rightIsCol := rightKey.(*expr.Column)
	keyCol, skipLeft, skipRight := lcols[0], true, false
	synthetic := false
	switch {
	case typ != "FULL" && leftIsCol:
	case typ != "FULL" && rightIsCol:
		keyCol, skipLeft, skipRight = rcols[0], false, true
	default:
		keyCol.Name = syntheticKeyName(append(p.sourceColumns(left, right), lcols, rcols)...)
		skipLeft, synthetic = false, true
	}
	fillJoinOutput(step, []types.Column{keyCol}, lcols, rcols,
		skipLeft || strings.HasPrefix(lcols[0].Name, "KSQL_COL_"), skipRight || strings.HasPrefix(rcols[0].Name, "KSQL_COL_"))
	rel := &relation{step: step, aliases: append(append([]string(nil), left.aliases...), right.aliases...),
		table: sides == "TABLE_TABLE", sources: append(append([]string(nil), left.sources...), right.sources...),
		keyEquiv: map[string]bool{}, window: left.window, rekeyed: left.rekeyed || !leftKeyed || !rightKeyed,
		keyFormat: left.keyFormat, partitions: left.partitions}
	if rep, ok := lstep.(*physical.Repartition); ok {
		rel.rekeyed, rel.keyFormat, rel.partitions = true, rep.KeyFormat, rep.Partitions
	}
	for k := range left.keyEquiv {
		rel.keyEquiv[k] = true
	}
	// Every row of an inner or left join has its left row, whose
	// equivalents still equal the key unless this join re-keyed it; an
	// inner join's right criteria does too.
	if (typ == "INNER" || typ == "LEFT") && !synthetic {
		rel.keyExprs = map[string]bool{joinedOn.String(): true}
		if leftKeyed {
			for k := range left.keyExprs {
				rel.keyExprs[k] = true
			}
		}
		if typ == "INNER" {
			rel.keyExprs[rightKey.String()] = true
		}
	}
	// The expressions a projection may use for the key: every column join
	// expression of the chain (ksqlDB lists them all in its message).
	if synthetic {
		rel.keyTexts = []string{keyCol.Name}
	} else {
		rel.keyTexts = append([]string(nil), left.keyTexts...)
		if left.synthetic || !leftKeyed {
			// The left side was re-keyed: its join expressions no longer
			// give the key.
			rel.keyTexts = nil
		}
		add := func(t string) {
			for _, x := range rel.keyTexts {
				if x == t {
					return
				}
			}
			rel.keyTexts = append(rel.keyTexts, t)
		}
		if leftIsCol {
			add(leftText)
		}
		if rightIsCol {
			add(rightText)
			rel.keyEquiv[rcols[0].Name] = true
		}
	}
	if keyCol.Name == lcols[0].Name && rightIsCol {
		rel.keyEquiv[rcols[0].Name] = true
	} else if keyCol.Name == rcols[0].Name && leftIsCol {
		rel.keyEquiv[lcols[0].Name] = true
	}
	rel.synthetic = synthetic
	return rel, nil
}

func joinTypeText(t ast.JoinType) string {
	switch t {
	case ast.JoinLeft:
		return "LEFT [OUTER]"
	case ast.JoinRight:
		return "RIGHT [OUTER]"
	case ast.JoinFull:
		return "[FULL] OUTER"
	}
	return "[INNER]"
}

func windowDesc(r *relation) string {
	name := "`" + r.sources[0] + "`"
	if r.window == nil {
		return name + " is not windowed"
	}
	return name + " is " + r.window.Type + " windowed"
}

// sourceColumns are the columns of the sources of rels as they declare
// them: a synthetic key's name must not be one of them either.
func (p *Planner) sourceColumns(rels ...*relation) [][]types.Column {
	var out [][]types.Column
	for _, r := range rels {
		for _, name := range r.sources {
			if src, ok := p.cat.Source(name); ok {
				out = append(out, src.Schema.Columns)
			}
		}
	}
	return out
}

func syntheticKeyName(cols ...[]types.Column) string {
	taken := map[string]bool{}
	for _, cs := range cols {
		for _, c := range cs {
			taken[c.Name] = true
		}
	}
	name := "ROWKEY"
	for i := 1; taken[name]; i++ {
		name = "ROWKEY_" + itoa(i)
	}
	return name
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// isKeyColumn tells whether e is the (single) key column of the schema.
// keyEquivalent returns r's key column when e, bound to r, is known to
// equal it (keyExprs), else nil.
func (r *relation) keyEquivalent(e expr.Expr) expr.Expr {
	schema := r.step.Schema()
	if len(schema.Columns) == 0 {
		return nil
	}
	key := &expr.Column{Index: 0, Name: schema.Columns[0].Name, T: schema.Columns[0].Type}
	if !r.keyExprs[e.String()] || !isKeyColumn(key, schema) || !e.Type().Equal(key.T) {
		return nil
	}
	return key
}

func isKeyColumn(e expr.Expr, s *types.Schema) bool {
	c, ok := e.(*expr.Column)
	if !ok || s.Columns[c.Index].Namespace != types.NsKey {
		return false
	}
	n := 0
	for _, col := range s.Columns {
		if col.Namespace == types.NsKey && !isPseudo(col.Name) && !strings.HasSuffix(col.Name, "_"+types.WindowStart) && !strings.HasSuffix(col.Name, "_"+types.WindowEnd) {
			n++
		}
	}
	return n == 1
}

// rekey keys a join input by its join expression, through a repartition
// topic unless it already is.
func rekey(in physical.Step, key expr.Expr, table, synthetic bool, topic string) (physical.Step, error) {
	if isKeyColumn(key, in.Schema()) {
		// Move the key column first so the join finds it at index 0.
		c := key.(*expr.Column)
		if c.Index == 0 {
			return in, nil
		}
	}
	name := "KSQL_COL_0"
	if c, ok := key.(*expr.Column); ok {
		name = c.Name
	}
	// Unlike PARTITION BY, a re-keyed join input keeps its columns in
	// their declared order, the old key among them unless it was a
	// synthetic one (an outer join's ROWKEY), which ksqlDB drops.
	sk := &physical.SelectKey{Input: in, KeyExprs: []expr.Expr{key},
		Out: &types.Schema{Columns: []types.Column{{Name: name, Type: key.Type(), Namespace: types.NsKey}}}}
	for i, c := range in.Schema().Columns {
		if c.Name == name || (i == 0 && synthetic) {
			continue
		}
		c.Namespace = types.NsValue
		sk.Out.Columns = append(sk.Out.Columns, c)
		sk.ValueFrom = append(sk.ValueFrom, i)
	}
	if isKeyColumn(key, in.Schema()) || table {
		return sk, nil
	}
	return &physical.Repartition{Input: sk, Topic: topic}, nil
}

// copartition makes the two inputs of a join meet in the same partitions,
// as ksqlDB does: each key must be in the same partition number on both
// sides. A side read as it is was placed by its producers, by the hash of
// its key serialized in its key format; a side re-keyed through a topic is
// placed by the hash of the key the topic is written with. So:
//   - a side re-keyed alone writes its topic's keys in the other side's
//     format, into as many partitions as the other side has (Kafka
//     Streams sizes a co-partition group's repartition topics so);
//   - sides read as they are in different key formats or partition
//     counts: the right one goes through a topic like the left's;
//   - a schema-registry format may put different schema ids in equal
//     keys: a side in one goes through a topic in Eddy's own encoding, as
//     the other side then does too.
//
// Every such topic passes the rows as they are (upserts and deletes).
func (p *Planner) copartition(left, right *relation, lstep, rstep physical.Step) (physical.Step, physical.Step) {
	lrep, lok := lstep.(*physical.Repartition)
	rrep, rok := rstep.(*physical.Repartition)
	force := func(rel *relation, step physical.Step, side string, format *catalog.Format, partitions int) *physical.Repartition {
		topic := "Join-" + strings.ToLower(side) + "-repartition"
		if rel.table {
			topic = side + "SourceKeyed-SelectKey-repartition"
		}
		return &physical.Repartition{Input: step, Topic: topic, KeyFormat: format, Partitions: partitions}
	}
	switch {
	case lok && rok:
		n := max(left.partitions, right.partitions)
		lrep.Partitions, rrep.Partitions = n, n
	case lok || rok:
		asIs, rep := right, lrep
		if rok {
			asIs, rep = left, rrep
		}
		rep.Partitions = asIs.partitions
		switch {
		case !registryFormat(asIs.keyFormat):
			rep.KeyFormat = asIs.keyFormat
		case rok:
			lstep = force(left, lstep, "Left", nil, asIs.partitions)
		default:
			rstep = force(right, rstep, "Right", nil, asIs.partitions)
		}
	case registryFormat(left.keyFormat) || registryFormat(right.keyFormat):
		// A side already in Eddy's encoding stays where it is.
		switch {
		case left.keyFormat == nil:
			rstep = force(right, rstep, "Right", nil, left.partitions)
		case right.keyFormat == nil:
			lstep = force(left, lstep, "Left", nil, right.partitions)
		default:
			n := max(left.partitions, right.partitions)
			lstep, rstep = force(left, lstep, "Left", nil, n), force(right, rstep, "Right", nil, n)
		}
	case !sameFormat(left.keyFormat, right.keyFormat) ||
		(left.partitions > 0 && right.partitions > 0 && left.partitions != right.partitions):
		rstep = force(right, rstep, "Right", left.keyFormat, left.partitions)
	}
	for _, step := range []physical.Step{lstep, rstep} {
		if rep, ok := step.(*physical.Repartition); ok {
			rep.Changelog = true
		}
	}
	return lstep, rstep
}

// registryFormat tells whether keys in f (nil: Eddy's own encoding) carry
// schema-registry ids.
func registryFormat(f *catalog.Format) bool { return f != nil && catalog.UsesSchemaRegistry(f.Name) }

// sameFormat tells whether keys in a and b serialize alike (nil is Eddy's
// own encoding).
func sameFormat(a, b *catalog.Format) bool {
	if a == nil || b == nil {
		return a == b
	}
	return strings.EqualFold(a.Name, b.Name) && maps.Equal(a.Props, b.Props)
}

// checkCopartitioned compares the partition counts of two join inputs
// that are not repartitioned (known for plain sources only).
func (p *Planner) checkCopartitioned(left, right *relation) error {
	// A join of joins is partitioned like its first source unless
	// something in it was re-keyed.
	if left.rekeyed {
		return nil
	}
	l, lok := p.cat.Source(left.sources[0])
	r, rok := p.cat.Source(right.sources[0])
	if !lok || !rok || l.Partitions == 0 || r.Partitions == 0 || l.Partitions == r.Partitions {
		return nil
	}
	return plain("Can't join `%s` with `%s` since the number of partitions don't match. `%s` partitions = %d; `%s` partitions = %d. Please repartition either one so that the number of partitions match.",
		l.Name, r.Name, l.Name, l.Partitions, r.Name, r.Partitions)
}

// sourceOf is the source (alias) of the first column e refers to; owner
// finds the source of an unqualified column.
func sourceOf(e ast.Expr, owner func(name string) string) string {
	src := ""
	walkExpr(e, func(n ast.Expr) {
		if ref, ok := n.(*ast.ColumnRef); ok && src == "" {
			src = ref.Qualifier
			if src == "" {
				src = owner(ref.Name)
			}
		}
	})
	return src
}

// fillJoinOutput lays out a join's rows: the key column, the left input's
// columns, the right input's, then the join's own ROWTIME, ROWPARTITION
// and ROWOFFSET. An input's key column (index 0) is left out when its
// skip flag is set (it is the result's key already).
func fillJoinOutput(step *physical.Join, keyCols []types.Column, lcols, rcols []types.Column, skipLeftKey, skipRightKey bool) {
	out := &types.Schema{Columns: append([]types.Column(nil), keyCols...)}
	step.KeyColumns = len(keyCols)
	add := func(cols []types.Column, skipKey bool, picked *[]int) {
		for i, c := range cols {
			if isPseudo(c.Name) || (i < len(keyCols) && skipKey) {
				continue
			}
			c.Namespace = types.NsValue
			out.Columns = append(out.Columns, c)
			*picked = append(*picked, i)
		}
	}
	add(lcols, skipLeftKey, &step.LeftValues)
	add(rcols, skipRightKey, &step.RightValues)
	out.Columns = append(out.Columns,
		types.Column{Name: types.RowTime, Type: types.BigintType},
		types.Column{Name: types.RowPartition, Type: types.IntType},
		types.Column{Name: types.RowOffset, Type: types.BigintType})
	step.Out = out
}

// declaredColumns lists the columns of a join's sources as each declares
// them, renamed <ALIAS>_<NAME>, with a windowed source's bounds after its
// key: the order in which ksqlDB's SELECT * selects a join's columns. Re-keyed by PARTITION BY, a join's star
// selects what the re-keying saw instead: per source its value columns,
// its pseudo columns and then its key columns (repartitioned).
func (p *Planner) declaredColumns(r *relation, repartitioned bool) []string {
	var out []string
	for i, name := range r.sources {
		src, ok := p.cat.Source(name)
		if !ok || i >= len(r.aliases) {
			return nil
		}
		add := func(keys bool) {
			for _, c := range src.Schema.Columns {
				if (c.Namespace == types.NsKey) == keys {
					out = append(out, r.aliases[i]+"_"+c.Name)
				}
			}
		}
		if !repartitioned {
			// A windowed source's bounds follow its key columns.
			bounds := src.Window != nil
			for _, c := range src.Schema.Columns {
				if bounds && c.Namespace != types.NsKey {
					out = append(out, r.aliases[i]+"_"+types.WindowStart, r.aliases[i]+"_"+types.WindowEnd)
					bounds = false
				}
				out = append(out, r.aliases[i]+"_"+c.Name)
			}
			if bounds {
				out = append(out, r.aliases[i]+"_"+types.WindowStart, r.aliases[i]+"_"+types.WindowEnd)
			}
			continue
		}
		add(false)
		for _, pc := range []string{types.RowTime, types.RowPartition, types.RowOffset} {
			out = append(out, r.aliases[i]+"_"+pc)
		}
		add(true)
	}
	return out
}
