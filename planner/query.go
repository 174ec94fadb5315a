package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
)

// QueryPlan is a planned SELECT.
type QueryPlan struct {
	Root physical.Step
	// Output is the schema of the rows the query produces.
	Output *types.Schema
	// Sources names the sources the query reads.
	Sources []string
	// Pull marks a pull query (a lookup on a materialized table).
	Pull bool
	// StreamScan marks a pull query on a stream: it reads the stream up
	// to its end at the start of the query, then completes.
	StreamScan bool
	// Limit is the LIMIT clause, 0 when absent.
	Limit int
	// Table tells whether the result is a table (an aggregation or a
	// query on a table) rather than a stream.
	Table bool
	// Window describes a windowed result's key.
	Window *catalog.WindowInfo
	// PullKeys are the keys a key-lookup pull query reads: one tuple of
	// constant expressions per WHERE disjunct, each of its key column's
	// type, in key column order. The query's filter still applies to the
	// rows found.
	PullKeys [][]expr.Expr
	// PullWindows bound the WINDOWSTART of each key tuple's rows, for
	// windowed tables (a superset: the filter decides).
	PullWindows []PullWindow
}

// PullWindow is an inclusive WINDOWSTART range in epoch milliseconds (BIGINT
// constant expressions); a nil bound is open.
type PullWindow struct{ From, To expr.Expr }

// PersistentPlan is a planned CSAS, CTAS or INSERT INTO.
type PersistentPlan struct {
	QueryPlan
	// Sink is the source the query writes; for INSERT INTO the existing one.
	Sink *catalog.Source
	// Create is false for INSERT INTO.
	Create bool
}

// sourceSchema returns the rows a source step emits: declared columns
// then pseudo columns.
func sourceSchema(src *catalog.Source) *types.Schema {
	cols := append([]types.Column(nil), src.Schema.Columns...)
	cols = append(cols,
		types.Column{Name: types.RowTime, Type: types.BigintType},
		types.Column{Name: types.RowPartition, Type: types.IntType},
		types.Column{Name: types.RowOffset, Type: types.BigintType})
	if src.Window != nil {
		cols = append(cols,
			types.Column{Name: types.WindowStart, Type: types.BigintType, Namespace: types.NsKey},
			types.Column{Name: types.WindowEnd, Type: types.BigintType, Namespace: types.NsKey})
	}
	return &types.Schema{Columns: cols}
}

// pseudoCount is the number of pseudo columns at the end of a source row.
func isPseudo(name string) bool { return isReserved(name) }

// Query plans a standalone SELECT (push or pull query).
func (p *Planner) Query(q *ast.Query) (*QueryPlan, error) {
	qp, err := p.planSelect(q, "")
	if err != nil {
		return nil, err
	}
	if err := checkTypedColumns(qp.Output); err != nil {
		return nil, err
	}
	if !qp.Pull {
		materializeFilteredTables(qp.Root)
	}
	qp.Root = &physical.Transient{Input: qp.Root, Limit: qp.Limit}
	uniqueNames(qp.Root)
	return qp, nil
}

// CreateAsSelect plans CSAS/CTAS.
func (p *Planner) CreateAsSelect(s *ast.CreateAsSelect) (*PersistentPlan, error) {
	kind := kindOf(s.Kind)
	if existing, ok := p.cat.Source(s.Name); ok {
		if err := p.checkReplace(existing, kind, s.Name, s.OrReplace, s.IfNotExists); err != nil || !s.OrReplace {
			return nil, err
		}
	}
	w, err := parseProps(s.Props, sinkProps)
	if err != nil {
		return nil, err
	}
	if s.Query.Limit != nil {
		return nil, errorf(s.Query.Position(), "CREATE %s AS SELECT statements don't support LIMIT clause.", kind)
	}
	qp, err := p.planSelect(s.Query, s.Name)
	if err != nil {
		return nil, err
	}
	if err := checkTypedColumns(qp.Output); err != nil {
		return nil, err
	}
	from := p.primarySource(s.Query)
	if kind == catalog.Table && !qp.Table {
		return nil, plain("Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.")
	}
	if kind == catalog.Stream && qp.Table {
		return nil, plain("Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.")
	}
	keyFmt, valFmt, err := w.formats(from.KeyFormat.Name, from.ValueFormat.Name, p.cfg.WrapSingleValues)
	if err != nil {
		return nil, err
	}
	// A sink inherits its source's format options, but not what names
	// the source topic's registered schema.
	inherit := func(dst, src map[string]string, skip ...string) {
		for k, v := range src {
			if _, set := dst[k]; !set && !slices.Contains(skip, k) {
				dst[k] = v
			}
		}
	}
	if !w.has("KEY_FORMAT") && !w.has("FORMAT") {
		inherit(keyFmt.Props, from.KeyFormat.Props, "SCHEMA_ID", "SCHEMA_FULL_NAME")
	}
	if !w.has("VALUE_FORMAT") && !w.has("FORMAT") && !w.has("VALUE_DELIMITER") {
		inherit(valFmt.Props, from.ValueFormat.Props, "WRAP_SINGLE_VALUE", "SCHEMA_ID", "SCHEMA_FULL_NAME")
	}
	explicitNone := (w.has("KEY_FORMAT") || w.has("FORMAT")) && keyFmt.Name == "NONE"
	if len(qp.Output.Key()) == 0 {
		if w.has("KEY_FORMAT") && keyFmt.Name != "NONE" {
			return nil, plain("Key format specified for stream without key columns.")
		}
		keyFmt.Name = "NONE"
	} else if keyFmt.Name == "NONE" && !explicitNone {
		// A keyless source's NONE does not carry over to a keyed result;
		// an explicit NONE is checked against the key columns.
		keyFmt.Name = p.cfg.DefaultKeyFormat
	}
	topic := w.str("KAFKA_TOPIC")
	if topic == "" {
		topic = p.cfg.OutputTopicPrefix + s.Name
	}
	sink := &catalog.Source{
		Name: s.Name, Kind: kind, Topic: topic, KeyFormat: keyFmt, ValueFormat: valFmt,
		Schema: qp.Output, Statement: s.Text, Sink: true, Window: qp.Window,
	}
	if n, ok, err := w.integer("PARTITIONS"); err != nil {
		return nil, err
	} else if ok {
		sink.Partitions = n
	}
	if n, ok, err := w.integer("REPLICAS"); err != nil {
		return nil, err
	} else if ok {
		sink.Replicas = n
	}
	if err := p.timestampSpec(w, qp.Output, &sink.Timestamp); err != nil {
		return nil, err
	}
	qp.Root = sinkStep(qp.Root, sink)
	uniqueNames(qp.Root)
	return &PersistentPlan{QueryPlan: *qp, Sink: sink, Create: true}, nil
}

// checkTypedColumns rejects result columns whose type is that of an
// untyped NULL (SELECT NULL AS X): no format can write them.
func checkTypedColumns(s *types.Schema) error {
	for _, c := range s.Columns {
		if c.Type.Kind == types.KindNull {
			return plain("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
	}
	return nil
}

func sinkStep(input physical.Step, sink *catalog.Source) *physical.Sink {
	tsCol := -1
	if sink.Timestamp.Column != "" {
		tsCol = sink.Schema.Find(sink.Timestamp.Column)
	}
	return &physical.Sink{Input: input, SinkName: sink.Name, Topic: sink.Topic, KeyFormat: sink.KeyFormat,
		ValueFormat: sink.ValueFormat, TimestampColumn: tsCol, TimestampFormat: sink.Timestamp.Format,
		Table: sink.Kind == catalog.Table}
}

// InsertInto plans INSERT INTO ... SELECT.
func (p *Planner) InsertInto(s *ast.InsertInto) (*PersistentPlan, error) {
	target, ok := p.cat.Source(s.Target)
	if !ok {
		return nil, errorf(s.TargetPos, "Source `%s` does not exist.", s.Target)
	}
	if target.Kind == catalog.Table {
		return nil, plain("INSERT INTO can only be used to insert into a stream. %s is a table.", target.Name)
	}
	if target.ReadOnly {
		return nil, plain("Cannot insert into read-only stream: %s", target.Name)
	}
	qp, err := p.planSelect(s.Query, s.Target)
	if err != nil {
		return nil, err
	}
	if err := checkTypedColumns(qp.Output); err != nil {
		return nil, err
	}
	if qp.Table {
		return nil, plain("INSERT INTO can only be used to insert into a stream. The SELECT produces a TABLE.")
	}
	if !insertCastable(qp.Output, target.Schema) {
		return nil, plain("Incompatible schema between results and sink.\nResult schema is %s\nSink schema is %s", qp.Output, target.Schema)
	}
	if !sameSchema(qp.Output, target.Schema) {
		// Value columns widen to the sink's types, as ksqlDB casts them.
		exprs := make([]expr.Expr, len(qp.Output.Columns))
		for i, c := range qp.Output.Columns {
			exprs[i] = castTo(&expr.Column{Index: i, Name: c.Name, T: c.Type}, target.Schema.Columns[i].Type)
		}
		qp.Root = &physical.Project{Input: qp.Root, Exprs: exprs, Out: target.Schema}
		qp.Output = target.Schema
	}
	qp.Root = sinkStep(qp.Root, target)
	uniqueNames(qp.Root)
	return &PersistentPlan{QueryPlan: *qp, Sink: target}, nil
}

// insertCastable tells whether INSERT INTO may cast the result columns to
// the sink's: same names and keys, and value columns that widen
// implicitly (INT to BIGINT, DECIMAL or DOUBLE; a DECIMAL to any DECIMAL;
// NULL to anything).
func insertCastable(res, sink *types.Schema) bool {
	if len(res.Columns) != len(sink.Columns) {
		return false
	}
	for i := range res.Columns {
		x, y := res.Columns[i], sink.Columns[i]
		if x.Name != y.Name || x.Namespace != y.Namespace {
			return false
		}
		if x.Type.Equal(y.Type) {
			continue
		}
		if x.Namespace == types.NsKey {
			return false
		}
		ct := commonType(x.Type, y.Type)
		widens := (y.Type.Kind == types.KindDecimal && numericRank(x.Type) > 0 && numericRank(x.Type) <= 3) ||
			(ct != nil && ct.Equal(y.Type))
		if !widens {
			return false
		}
	}
	return true
}

func sameSchema(a, b *types.Schema) bool {
	if len(a.Columns) != len(b.Columns) {
		return false
	}
	for i := range a.Columns {
		x, y := a.Columns[i], b.Columns[i]
		if x.Name != y.Name || x.Namespace != y.Namespace || !x.Type.Equal(y.Type) {
			return false
		}
	}
	return true
}

func (p *Planner) primarySource(q *ast.Query) *catalog.Source {
	src, _ := p.cat.Source(leftmost(q.From).(*ast.Table).Name)
	return src
}

// leftmost is the first relation of a FROM clause: the left side of its
// joins, all the way down.
func leftmost(rel ast.Relation) ast.Relation {
	for {
		j, ok := rel.(*ast.Join)
		if !ok {
			return rel
		}
		rel = j.Left
	}
}

// planSelect plans the body of a SELECT. sinkName is empty for push and
// pull queries; for persistent queries it drives the key checks.
func (p *Planner) planSelect(q *ast.Query, sinkName string) (*QueryPlan, error) {
	if sinkName != "" && q.Limit != nil {
		return nil, errorf(q.Position(), "CREATE ... AS SELECT statements do not support LIMIT clause.")
	}
	var src *catalog.Source
	var step physical.Step
	var quals map[string]bool
	b := &binder{fns: p.fns, cat: p.cat}
	qp := &QueryPlan{}
	var keyEquiv map[string]bool
	var joinTexts []string
	var syntheticKey bool
	var fkKeys []string
	var fkSource string
	var starOrder []string
	if tbl, ok := q.From.(*ast.Table); ok {
		var found bool
		if src, found = p.cat.Source(tbl.Name); !found {
			return nil, errorf(tbl.Position(), "%s does not exist.", tbl.Name)
		}
		qp.Sources, qp.Table, qp.Window = []string{src.Name}, src.Kind == catalog.Table, src.Window
		quals = map[string]bool{src.Name: true}
		if tbl.Alias != "" {
			quals = map[string]bool{tbl.Alias: true}
		}
		step = &physical.Source{
			SourceName: src.Name, Topic: src.Topic, Table: src.Kind == catalog.Table, KeyFormat: src.KeyFormat,
			ValueFormat: src.ValueFormat, Physical: src.Schema, Timestamp: src.Timestamp, Window: src.Window,
			Out: sourceSchema(src),
		}
	} else {
		b.join = true
		rel, err := p.planRelation(b, q.From)
		if err != nil {
			return nil, err
		}
		step, quals, keyEquiv, joinTexts, syntheticKey = rel.step, joinQualifiers(rel.aliases), rel.keyEquiv, rel.keyTexts, rel.synthetic
		fkKeys, fkSource = rel.fkLeftKeys, rel.fkLeftSource
		qp.Sources, qp.Table, qp.Window = rel.sources, rel.table, rel.window
		starOrder = p.declaredColumns(rel, len(q.PartitionBy) > 0)
		kind := catalog.Stream
		if rel.table {
			kind = catalog.Table
		}
		// Aggregations over a join see it as a source of this kind.
		src = &catalog.Source{Name: strings.Join(rel.sources, "_"), Kind: kind, Window: rel.window}
	}
	if q.Limit != nil {
		if *q.Limit < 0 {
			return nil, errorf(q.Position(), "LIMIT must not be negative, got %d.", *q.Limit)
		}
		qp.Limit = *q.Limit
	}
	if sinkName == "" && src.Kind == catalog.Table && q.Emit == ast.EmitNone && !b.join {
		qp.Pull = true
	}
	isTable := src.Kind == catalog.Table
	hidden := map[string]bool{}
	if src.Window == nil {
		hidden[types.WindowStart], hidden[types.WindowEnd] = true, true
	}
	if q.Where != nil {
		pred, err := b.bind(q.Where, &scope{schema: step.Schema(), qualifiers: quals, clause: "WHERE", hidden: hidden, windowedLater: q.Window != nil})
		if err != nil {
			return nil, err
		}
		if k := pred.Type().Kind; k != types.KindBoolean && k != types.KindNull {
			return nil, errorf(q.Where.Position(), "Type error in WHERE expression: Should evaluate to boolean but is %s (%s) instead.", pred, pred.Type())
		}
		step = &physical.Filter{Input: step, Predicate: pred, Clause: "WHERE", Table: isTable}
	}
	if p.isAggregateQuery(q) {
		if len(q.PartitionBy) > 0 {
			return nil, errorf(q.PartitionBy[0].Position(), "PARTITION BY is not supported on aggregations: the grouping decides the key.")
		}
		agg, err := p.planAggregate(b, q, step, src, quals, hidden, sinkName)
		if err != nil {
			return nil, err
		}
		step = agg.step
		qp.Table, qp.Pull = true, false
		if w := agg.step.Window; w != nil {
			qp.Window = &catalog.WindowInfo{Type: w.Kind}
			if w.Kind != "SESSION" {
				qp.Window.Size = w.Size
			}
		}
		outHidden := map[string]bool{}
		if agg.step.Window == nil {
			outHidden[types.WindowStart], outHidden[types.WindowEnd] = true, true
		}
		if q.Having != nil {
			pred, err := b.bind(q.Having, &scope{schema: step.Schema(), qualifiers: quals, clause: "HAVING", hidden: outHidden, pre: agg.pre})
			if err != nil {
				return nil, err
			}
			if k := pred.Type().Kind; k != types.KindBoolean && k != types.KindNull {
				return nil, errorf(q.Having.Position(), "Type error in HAVING expression: Should evaluate to boolean but is %s (%s) instead.", pred, pred.Type())
			}
			step = &physical.Filter{Input: step, Predicate: pred, Clause: "HAVING", Table: true}
		}
		proj, err := p.planProjection(b, q, step, quals, outHidden, nil, sinkName, projectionOpts{pre: agg.pre, keyWhat: "grouping expression", keyNames: agg.keyNames, table: true})
		if err != nil {
			return nil, err
		}
		qp.Root, qp.Output = proj, proj.Out
		return qp, nil
	}
	var subst map[string]int
	if len(q.PartitionBy) > 0 {
		if isTable {
			return nil, errorf(q.PartitionBy[0].Position(), "Only STREAMs can be repartitioned. PARTITION BY on a TABLE is not supported.")
		}
		sk, err := p.planPartitionBy(b, q.PartitionBy, step, quals, hidden)
		if err != nil {
			return nil, err
		}
		step = sk
		subst = map[string]int{}
		for i, e := range sk.KeyExprs {
			subst[e.String()] = i
		}
	}
	step, tfPre, err := p.planTableFunctions(b, q, step, quals, hidden)
	if err != nil {
		return nil, err
	}
	opts := projectionOpts{keyWhat: "key column", table: isTable, keyEquiv: keyEquiv, pre: tfPre}
	if b.join {
		if sinkName != "" {
			opts.starOrder, opts.starPseudo = starOrder, subst != nil
		}
		opts.keyWhat = "join expression"
		if syntheticKey {
			opts.keyWhat = "synthetic join key"
		}
		switch {
		case fkKeys != nil:
			opts.keyWhat, opts.keySource, opts.keyNames = "foreign key join key", fkSource, fkKeys
		case len(joinTexts) > 1:
			opts.keyNames = []string{strings.Join(joinTexts[:len(joinTexts)-1], ", ") + " or " + joinTexts[len(joinTexts)-1]}
		default:
			opts.keyNames = joinTexts
		}
	}
	if subst != nil {
		opts.keyWhat = "partitioning expression"
		// ksqlDB names the missing expressions qualified by their source.
		var qual string
		for q := range quals {
			qual = q
		}
		owner := func(string) string { return qual }
		opts.keyNames = nil
		for _, pb := range q.PartitionBy {
			opts.keyNames = append(opts.keyNames, exprTextWith(pb, owner))
		}
	}
	proj, err := p.planProjection(b, q, step, quals, hidden, subst, sinkName, opts)
	if err != nil {
		return nil, err
	}
	qp.Root, qp.Output = proj, proj.Out
	return qp, nil
}

// planPartitionBy builds the re-keying step: new key columns first, then
// the input's value columns, its old key columns and the pseudo columns.
func (p *Planner) planPartitionBy(b *binder, exprs []ast.Expr, in physical.Step, quals, hidden map[string]bool) (*physical.SelectKey, error) {
	sc := &scope{schema: in.Schema(), qualifiers: quals, clause: "PARTITION BY", hidden: hidden}
	var keyExprs []expr.Expr
	var keyCols []types.Column
	names := newNamer(in.Schema())
	for _, a := range exprs {
		if lit, ok := a.(*ast.Literal); ok && lit.Kind == ast.LitNull {
			if len(exprs) > 1 {
				return nil, errorf(a.Position(), "Cannot PARTITION BY multiple columns including NULL")
			}
			break
		}
		e, err := b.bind(a, sc)
		if err != nil {
			if pe, ok := err.(*Error); ok && strings.HasSuffix(pe.Msg, "cannot be resolved.") {
				if ref, ok := a.(*ast.ColumnRef); ok {
					pe.Msg += fmt.Sprintf(" '%s' must be a column in the source schema since PARTITION BY is applied on the input.", ref.Name)
				}
			}
			return nil, err
		}
		name := names.nameFor(a, e)
		if c, ok := e.(*expr.Column); ok && b.join {
			// A join's column keeps its <ALIAS>_<NAME> name as the key.
			name = c.Name
		}
		if containsMap(e.Type()) {
			return nil, plain("Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: %s. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.", types.QuoteIdent(name), e.Type())
		}
		keyExprs = append(keyExprs, e)
		keyCols = append(keyCols, types.Column{Name: name, Type: e.Type(), Namespace: types.NsKey})
	}
	return selectKey(in, keyExprs, keyCols), nil
}

// selectKey re-keys rows: the new key columns first, then the input's
// value columns, its old key columns (now values) and the pseudo columns.
func selectKey(in physical.Step, keyExprs []expr.Expr, keyCols []types.Column) *physical.SelectKey {
	out := &types.Schema{Columns: append([]types.Column(nil), keyCols...)}
	var from []int
	taken := map[string]bool{}
	for _, c := range keyCols {
		taken[c.Name] = true
	}
	add := func(i int, c types.Column) {
		if taken[c.Name] {
			return
		}
		taken[c.Name] = true
		if c.Namespace == types.NsKey {
			c.Namespace = types.NsValue
		}
		out.Columns = append(out.Columns, c)
		from = append(from, i)
	}
	cols := in.Schema().Columns
	for i, c := range cols {
		if c.Namespace != types.NsKey && !isPseudo(c.Name) {
			add(i, c)
		}
	}
	for i, c := range cols {
		if c.Namespace == types.NsKey && !isPseudo(c.Name) {
			add(i, c)
		}
	}
	for i, c := range cols {
		if isPseudo(c.Name) {
			add(i, c)
		}
	}
	return &physical.SelectKey{Input: in, KeyExprs: keyExprs, Out: out, ValueFrom: from}
}

// materializeFilteredTables keeps the rows of the tables a push query
// filters, as ksqlDB's transient queries do: a row that stops matching is
// then deleted from the result, while one that never matched is not
// reported at all.
func materializeFilteredTables(root physical.Step) {
	filtered := false
	physical.Walk(root, func(s physical.Step) {
		if f, ok := s.(*physical.Filter); ok && f.Table {
			filtered = true
		}
	})
	if !filtered {
		return
	}
	for _, src := range physical.Sources(root) {
		if src.Table && src.Store == "" {
			src.Store = "Transient-Source-Materialize"
		}
	}
}
