package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
	"github.com/eddysql/eddy/udf"
)

func (e *Engine) show(s *session, st *ast.Show) (wire.Entity, error) {
	switch st.What {
	case ast.ShowStreams, ast.ShowTables:
		kind := catalog.Stream
		if st.What == ast.ShowTables {
			kind = catalog.Table
		}
		if st.Extended {
			list := &wire.SourceDescriptionList{}
			for _, src := range s.cat.Sources() {
				if src.Kind == kind {
					list.SourceDescriptions = append(list.SourceDescriptions, e.describeSource(src, true))
				}
			}
			return list, nil
		}
		var infos []wire.SourceInfo
		for _, src := range s.cat.Sources() {
			if src.Kind == kind {
				infos = append(infos, wire.SourceInfo{Type: src.Kind.String(), Name: src.Name, Topic: src.Topic,
					KeyFormat: src.KeyFormat.Name, ValueFormat: src.ValueFormat.Name, IsWindowed: src.Window != nil})
			}
		}
		if kind == catalog.Table {
			return &wire.TablesList{Tables: infos}, nil
		}
		return &wire.StreamsList{Streams: infos}, nil
	case ast.ShowQueries:
		if st.Extended {
			list := &wire.QueryDescriptionList{}
			for _, id := range e.order {
				list.QueryDescriptions = append(list.QueryDescriptions, e.describeQuery(e.queries[id]))
			}
			return list, nil
		}
		out := &wire.Queries{}
		for _, id := range e.order {
			out.Queries = append(out.Queries, e.runningQuery(e.queries[id]))
		}
		for _, p := range e.pushQueries() {
			out.Queries = append(out.Queries, wire.RunningQuery{QueryString: p.text, ID: p.id,
				StatusCount: map[string]int{"RUNNING": 1}, QueryType: wire.QueryTypePush, State: "RUNNING"})
		}
		return out, nil
	case ast.ShowTopics:
		names := make([]string, 0, len(s.topics))
		for n := range s.topics {
			if st.All || !strings.HasPrefix(n, "_") {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		if st.Extended {
			out := &wire.KafkaTopicsListExtended{}
			for _, n := range names {
				out.Topics = append(out.Topics, wire.KafkaTopicInfoExtended{Name: n, ReplicaInfo: replicaInfo(s.topics[n])})
			}
			return out, nil
		}
		out := &wire.KafkaTopicsList{}
		for _, n := range names {
			out.Topics = append(out.Topics, wire.KafkaTopicInfo{Name: n, ReplicaInfo: replicaInfo(s.topics[n])})
		}
		return out, nil
	case ast.ShowProperties:
		return e.properties(s), nil
	case ast.ShowFunctions:
		out := &wire.FunctionNameList{}
		for _, f := range e.fns.Functions() {
			out.Functions = append(out.Functions, wire.SimpleFunctionInfo{Name: f.Name, Type: f.Kind.String(), Category: category(f)})
		}
		return out, nil
	case ast.ShowTypes:
		out := &wire.TypeList{Types: map[string]wire.SchemaInfo{}}
		for name, t := range s.cat.Types() {
			out.Types[name] = wire.SchemaInfoOf(t)
		}
		return out, nil
	case ast.ShowVariables:
		out := &wire.VariablesList{}
		names := make([]string, 0, len(s.vars))
		for n := range s.vars {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out.Variables = append(out.Variables, wire.Variable{Name: n, Value: s.vars[n]})
		}
		return out, nil
	case ast.ShowConnectors:
		return nil, fmt.Errorf("Connectors are not supported: Eddy has no Kafka Connect integration")
	}
	return nil, fmt.Errorf("unsupported SHOW")
}

func replicaInfo(t TopicInfo) []int {
	out := make([]int, t.Partitions)
	for i := range out {
		out[i] = t.Replicas
	}
	return out
}

func category(f *udf.Function) string {
	switch f.Kind {
	case udf.Aggregate:
		return "AGGREGATE"
	case udf.Table:
		return "TABLE"
	}
	return ""
}

func (e *Engine) properties(s *session) *wire.PropertiesList {
	out := &wire.PropertiesList{}
	merged := map[string]string{"ksql.service.id": e.cfg.ServiceID}
	for k, v := range e.cfg.Properties {
		merged[k] = v
	}
	for k, v := range s.props {
		merged[k] = v
		out.OverwrittenProperties = append(out.OverwrittenProperties, k)
	}
	names := make([]string, 0, len(merged))
	for k := range merged {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		scope := "KSQL"
		if strings.HasPrefix(k, "ksql.streams.") || !strings.HasPrefix(k, "ksql.") {
			scope = "STREAMS"
		}
		level := "SERVER"
		if _, ok := s.props[k]; ok {
			level = "QUERY"
		}
		out.Properties = append(out.Properties, wire.Property{Name: k, Scope: scope, Value: merged[k], Editable: true, Level: level})
	}
	sort.Strings(out.OverwrittenProperties)
	return out
}

func (e *Engine) runningQuery(q *Query) wire.RunningQuery {
	return wire.RunningQuery{QueryString: q.Statement, Sinks: []string{q.Sink}, SinkKafkaTopics: []string{q.SinkTopic},
		ID: q.ID, StatusCount: map[string]int{q.State: 1}, QueryType: wire.QueryTypePersistent, State: q.State}
}

func fieldsOf(schema *types.Schema) []wire.FieldInfo {
	var out []wire.FieldInfo
	for _, c := range schema.Columns {
		f := wire.FieldInfo{Name: c.Name, Schema: wire.SchemaInfoOf(c.Type)}
		switch c.Namespace {
		case types.NsKey:
			f.Type = wire.FieldKey
		case types.NsHeader:
			f.Type = wire.FieldHeader
		}
		out = append(out, f)
	}
	return out
}

func (e *Engine) describeSource(src *catalog.Source, extended bool) wire.SourceDescription {
	readers, writers := e.queriesOf(src.Name)
	d := wire.SourceDescription{
		Name: src.Name, Type: src.Kind.String(), Extended: extended, KeyFormat: src.KeyFormat.Name,
		ValueFormat: src.ValueFormat.Name, Topic: src.Topic, Partitions: src.Partitions, Replication: src.Replicas,
		Statement: src.Statement, Timestamp: src.Timestamp.Column,
	}
	if src.Window != nil {
		d.WindowType = wire.NullString(src.Window.Type)
	}
	// ROWTIME is listed first, as ksqlDB's DESCRIBE does.
	d.Fields = append([]wire.FieldInfo{{Name: types.RowTime, Schema: wire.SchemaInfoOf(types.BigintType)}}, fieldsOf(src.Schema)...)
	for _, id := range readers {
		d.ReadQueries = append(d.ReadQueries, e.runningQuery(e.queries[id]))
	}
	for _, id := range writers {
		d.WriteQueries = append(d.WriteQueries, e.runningQuery(e.queries[id]))
	}
	return d
}

func (e *Engine) describe(s *session, st *ast.Describe) (wire.Entity, error) {
	if st.AllOf != nil {
		kind := kindOf(*st.AllOf)
		list := &wire.SourceDescriptionList{}
		for _, src := range s.cat.Sources() {
			if src.Kind == kind {
				list.SourceDescriptions = append(list.SourceDescriptions, e.describeSource(src, st.Extended))
			}
		}
		return list, nil
	}
	src, ok := s.cat.Source(st.Name)
	if !ok {
		return nil, fmt.Errorf("Could not find STREAM/TABLE '%s' in the Metastore", st.Name)
	}
	return &wire.SourceDescriptionEntity{SourceDescription: e.describeSource(src, st.Extended)}, nil
}

func (e *Engine) describeFunction(st *ast.DescribeFunction) (wire.Entity, error) {
	f, ok := e.fns.Lookup(st.Name)
	if !ok {
		return nil, fmt.Errorf("Can't find any functions with the name '%s'", strings.ToUpper(st.Name))
	}
	out := &wire.FunctionDescriptionList{Name: f.Name, Description: f.Description, Author: "Eddy", Version: e.cfg.Version,
		Path: "internal", Type: f.Kind.String()}
	for _, sig := range f.Signatures {
		ret := "ANY"
		if sig.Ret != nil {
			ret = sig.Ret.String()
		}
		info := wire.FunctionInfo{ReturnType: ret, Description: f.Description}
		for i, p := range sig.Params {
			info.Arguments = append(info.Arguments, wire.ArgumentInfo{Name: fmt.Sprintf("arg%d", i+1), Type: p.String(),
				IsVariadic: sig.IsVariadicParam(i)})
		}
		out.Functions = append(out.Functions, info)
	}
	return out, nil
}

func (e *Engine) describeQuery(q *Query) wire.QueryDescription {
	d := wire.QueryDescription{ID: q.ID, StatementText: q.Statement, Fields: fieldsOf(q.Plan.Output),
		Sources: q.Sources, Sinks: []string{q.Sink}, Topology: physical.Explain(q.Plan.Root),
		ExecutionPlan: physical.Explain(q.Plan.Root), QueryType: wire.QueryTypePersistent,
		State: wire.NullString(q.State), KsqlHostQueryStatus: map[string]string{}}
	if q.Err != nil {
		d.QueryErrors = append(d.QueryErrors, wire.QueryError{ErrorMessage: q.Err.Error(), Type: "SYSTEM"})
	}
	return d
}

func (e *Engine) explain(s *session, st *ast.Explain, text string) (wire.Entity, error) {
	if st.Statement == nil {
		q, ok := e.queries[strings.ToUpper(st.QueryID)]
		if !ok {
			return nil, fmt.Errorf("Query with id:%s does not exist, use SHOW QUERIES to view the full set of running queries.", st.QueryID)
		}
		return &wire.QueryDescriptionEntity{QueryDescription: e.describeQuery(q)}, nil
	}
	p := e.planner(s.cat.Clone())
	var root physical.Step
	var out *types.Schema
	var sources, sinks []string
	switch inner := st.Statement.(type) {
	case *ast.Query:
		qp, err := p.Query(inner)
		if err != nil {
			return nil, err
		}
		root, out, sources = qp.Root, qp.Output, qp.Sources
	case *ast.CreateAsSelect:
		pp, err := p.CreateAsSelect(inner)
		if err != nil {
			return nil, err
		}
		root, out, sources, sinks = pp.Root, pp.Output, pp.Sources, []string{pp.Sink.Name}
	case *ast.InsertInto:
		pp, err := p.InsertInto(inner)
		if err != nil {
			return nil, err
		}
		root, out, sources, sinks = pp.Root, pp.Output, pp.Sources, []string{pp.Sink.Name}
	default:
		return nil, fmt.Errorf("EXPLAIN is only supported for queries")
	}
	plan := physical.Explain(root)
	return &wire.QueryDescriptionEntity{QueryDescription: wire.QueryDescription{
		ID: "", StatementText: text, Fields: fieldsOf(out), Sources: sources, Sinks: sinks,
		Topology: plan, ExecutionPlan: plan, QueryType: wire.QueryTypePersistent,
	}}, nil
}
