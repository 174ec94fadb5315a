package parser

import (
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/parser/internal/gen"
)

func (b *builder) statement(ctx gen.IStatementContext) ast.Statement {
	switch c := ctx.(type) {
	case *gen.QueryStatementContext:
		return b.query(c.Query())
	case *gen.CreateSourceContext:
		s := &ast.CreateSource{
			Base:        base(c),
			Kind:        sourceKind(c.SourceKind()),
			Name:        b.ident(c.Identifier()),
			OrReplace:   c.REPLACE() != nil,
			IfNotExists: c.EXISTS() != nil,
			IsSource:    c.SOURCE() != nil,
			Props:       b.properties(c.Properties()),
			Text:        b.text(c),
		}
		for _, e := range c.AllTableElement() {
			s.Elements = append(s.Elements, b.tableElement(e.(*gen.TableElementContext)))
		}
		return s
	case *gen.CreateAsSelectContext:
		return &ast.CreateAsSelect{
			Base:        base(c),
			Kind:        sourceKind(c.SourceKind()),
			Name:        b.ident(c.Identifier()),
			OrReplace:   c.REPLACE() != nil,
			IfNotExists: c.EXISTS() != nil,
			Props:       b.properties(c.Properties()),
			Query:       b.query(c.Query()),
			Text:        b.text(c),
		}
	case *gen.InsertIntoContext:
		return &ast.InsertInto{
			Base:      base(c),
			Target:    b.ident(c.Identifier()),
			TargetPos: posOf(c.Identifier().GetStart()),
			Props:     b.properties(c.Properties()),
			Query:     b.query(c.Query()),
			Text:      b.text(c),
		}
	case *gen.InsertValuesContext:
		ids := c.AllIdentifier()
		s := &ast.InsertValues{Base: base(c), Target: b.ident(ids[0]), Text: b.text(c)}
		if len(ids) > 1 {
			s.Columns = b.idents(ids[1:])
		}
		s.Values = b.exprs(c.AllExpression())
		return s
	case *gen.DropSourceContext:
		return &ast.Drop{
			Base:        base(c),
			Kind:        sourceKind(c.SourceKind()),
			Name:        b.ident(c.Identifier()),
			IfExists:    c.EXISTS() != nil,
			DeleteTopic: c.DELETE() != nil,
			Text:        b.text(c),
		}
	case *gen.DropTypeContext:
		return &ast.DropType{Base: base(c), Name: b.ident(c.Identifier()), IfExists: c.EXISTS() != nil}
	case *gen.CreateTypeContext:
		return &ast.CreateType{
			Base:        base(c),
			Name:        b.ident(c.Identifier()),
			IfNotExists: c.EXISTS() != nil,
			Type:        b.typ(c.Type_()),
			Text:        b.text(c),
		}
	case *gen.AlterSourceContext:
		s := &ast.AlterSource{Base: base(c), Kind: sourceKind(c.SourceKind()), Name: b.ident(c.Identifier()), Text: b.text(c)}
		for _, o := range c.AllAlterOption() {
			oc := o.(*gen.AlterOptionContext)
			s.Columns = append(s.Columns, ast.TableElement{
				Base: baseTok(oc.Identifier().GetStart()),
				Name: b.ident(oc.Identifier()),
				Type: b.typ(oc.Type_()),
			})
		}
		return s
	case *gen.TerminateContext:
		s := &ast.Terminate{Base: base(c), All: c.ALL() != nil}
		if c.Identifier() != nil {
			s.QueryID = b.ident(c.Identifier())
		}
		return s
	case *gen.PauseResumeContext:
		s := &ast.PauseResume{Base: base(c), Resume: c.RESUME() != nil, All: c.ALL() != nil}
		if c.Identifier() != nil {
			s.QueryID = b.ident(c.Identifier())
		}
		return s
	case *gen.ShowAllTopicsContext:
		return &ast.Show{Base: base(c), What: ast.ShowTopics, All: true, Extended: c.EXTENDED() != nil}
	case *gen.ShowContext:
		return &ast.Show{Base: base(c), What: showKinds[strings.ToUpper(c.ShowTarget().GetText())], Extended: c.EXTENDED() != nil}
	case *gen.DescribeAllContext:
		k := ast.KindStream
		if c.TABLES() != nil {
			k = ast.KindTable
		}
		return &ast.Describe{Base: base(c), AllOf: &k, Extended: c.EXTENDED() != nil}
	case *gen.DescribeFunctionContext:
		return &ast.DescribeFunction{Base: base(c), Name: b.ident(c.Identifier())}
	case *gen.DescribeContext:
		return &ast.Describe{Base: base(c), Name: b.ident(c.Identifier()), Extended: len(c.AllEXTENDED()) > 0}
	case *gen.ExplainStatementContext:
		return &ast.Explain{Base: base(c), Statement: b.statement(c.Statement())}
	case *gen.ExplainQueryContext:
		return &ast.Explain{Base: base(c), QueryID: b.ident(c.Identifier())}
	case *gen.PrintContext:
		return b.print(c)
	case *gen.SetPropertyContext:
		return &ast.SetProperty{Base: base(c), Name: stringValue(c.STRING(0)), Value: stringValue(c.STRING(1))}
	case *gen.UnsetPropertyContext:
		return &ast.UnsetProperty{Base: base(c), Name: stringValue(c.STRING())}
	case *gen.DefineContext:
		return &ast.Define{Base: base(c), Name: b.rawIdent(c.Identifier()), Value: stringValue(c.STRING())}
	case *gen.UndefineContext:
		return &ast.Undefine{Base: base(c), Name: b.rawIdent(c.Identifier())}
	case *gen.RunScriptContext:
		return &ast.RunScript{Base: base(c), Path: stringValue(c.STRING())}
	case *gen.AssertTopicContext:
		a := &ast.AssertTopic{Base: base(c), NotExists: c.NOT() != nil}
		if c.Identifier() != nil {
			a.Name = b.rawIdent(c.Identifier())
		} else {
			a.Name = stringValue(c.STRING())
		}
		if c.Properties() != nil {
			a.Props = b.properties(c.Properties())
		}
		if c.Duration() != nil {
			a.TimeoutMs = b.duration(c.Duration())
		}
		return a
	case *gen.AssertSchemaContext:
		a := &ast.AssertSchema{Base: base(c), NotExists: c.NOT() != nil}
		if c.Identifier() != nil {
			a.Subject = b.rawIdent(c.Identifier())
		} else if c.STRING() != nil {
			a.Subject = stringValue(c.STRING())
		}
		if c.INTEGER_VALUE() != nil {
			id := b.intValue(c.INTEGER_VALUE())
			a.ID = &id
		}
		if c.Duration() != nil {
			a.TimeoutMs = b.duration(c.Duration())
		}
		if a.Subject == "" && a.ID == nil {
			failAt(c.GetStart(), "ASSERT SCHEMA statements much include a subject name or an id")
		}
		return a
	}
	failAt(ctx.GetStart(), "Unsupported statement")
	return nil
}

var showKinds = map[string]ast.ShowKind{
	"STREAMS":    ast.ShowStreams,
	"TABLES":     ast.ShowTables,
	"QUERIES":    ast.ShowQueries,
	"TOPICS":     ast.ShowTopics,
	"PROPERTIES": ast.ShowProperties,
	"FUNCTIONS":  ast.ShowFunctions,
	"TYPES":      ast.ShowTypes,
	"VARIABLES":  ast.ShowVariables,
	"CONNECTORS": ast.ShowConnectors,
}

func sourceKind(ctx gen.ISourceKindContext) ast.SourceKind {
	if ctx.(*gen.SourceKindContext).TABLE() != nil {
		return ast.KindTable
	}
	return ast.KindStream
}

// print builds PRINT; an unquoted topic name keeps its case (Kafka topic
// names are case-sensitive).
func (b *builder) print(c *gen.PrintContext) *ast.Print {
	s := &ast.Print{Base: base(c)}
	if c.STRING() != nil {
		s.Topic = stringValue(c.STRING())
	} else {
		s.Topic = b.rawIdent(c.Identifier())
	}
	for _, pc := range c.AllPrintClause() {
		p := pc.(*gen.PrintClauseContext)
		switch {
		case p.BEGINNING() != nil:
			s.FromBeginning = true
		case p.INTERVAL() != nil:
			s.Interval = b.intValue(p.INTEGER_VALUE())
		case p.LIMIT() != nil:
			n := b.intValue(p.INTEGER_VALUE())
			s.Limit = &n
		}
	}
	return s
}

func (b *builder) tableElement(c *gen.TableElementContext) ast.TableElement {
	e := ast.TableElement{Base: base(c), Name: b.ident(c.Identifier()), Type: b.typ(c.Type_())}
	if cc, ok := c.ColumnConstraint().(*gen.ColumnConstraintContext); ok && cc != nil {
		switch {
		case cc.PRIMARY() != nil:
			e.Constraint = ast.ColumnPrimaryKey
		case cc.KEY() != nil:
			e.Constraint = ast.ColumnKey
		case cc.HEADERS() != nil:
			e.Constraint = ast.ColumnHeaders
		case cc.HEADER() != nil:
			e.Constraint = ast.ColumnHeader
			e.HeaderKey = stringValue(cc.STRING())
		}
	}
	return e
}

// properties builds a WITH clause; names are upper-cased whatever their
// spelling and must not repeat.
func (b *builder) properties(ctx gen.IPropertiesContext) ast.Properties {
	if ctx == nil {
		return nil
	}
	var ps ast.Properties
	for _, pc := range ctx.(*gen.PropertiesContext).AllProperty() {
		c := pc.(*gen.PropertyContext)
		var name string
		if c.STRING() != nil {
			name = stringValue(c.STRING())
		} else {
			name = b.ident(c.Identifier())
		}
		name = strings.ToUpper(name)
		if _, dup := ps.Get(name); dup {
			failAt(c.GetStart(), "Duplicate property name: '%s'", name)
		}
		ps = append(ps, ast.Property{Base: base(c), Name: name, Value: *b.propertyValue(c.PropertyValue().(*gen.PropertyValueContext))})
	}
	return ps
}

func (b *builder) propertyValue(c *gen.PropertyValueContext) *ast.Literal {
	switch {
	case c.STRING() != nil:
		return &ast.Literal{Base: base(c), Kind: ast.LitString, Text: stringValue(c.STRING())}
	case c.TRUE() != nil, c.FALSE() != nil:
		return &ast.Literal{Base: base(c), Kind: ast.LitBool, Bool: c.TRUE() != nil, Text: strings.ToUpper(c.GetText())}
	}
	lit := b.number(c.Number())
	lit.Base = base(c)
	if c.MINUS() != nil {
		lit.Text = "-" + lit.Text
	}
	return lit
}
