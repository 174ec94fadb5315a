package wire

import "github.com/eddysql/eddy/planner/types"

// SchemaInfo is a column type in DESCRIBE output:
// {"type":"STRUCT","fields":[...],"memberSchema":null}. Fields is set for
// STRUCT only, MemberSchema for ARRAY (element) and MAP (value) only;
// Parameters holds DECIMAL's {"precision","scale"}.
type SchemaInfo struct {
	Type         string         `json:"type"`
	Fields       []FieldInfo    `json:"fields"`
	MemberSchema *SchemaInfo    `json:"memberSchema"`
	Parameters   map[string]any `json:"parameters,omitempty"`
}

// Field types of FieldInfo.Type.
const (
	FieldKey    = "KEY"
	FieldHeader = "HEADER"
)

// FieldInfo is one column in DESCRIBE output; Type is "KEY" or "HEADER" for
// those columns and empty (omitted) for value columns.
type FieldInfo struct {
	Name   string     `json:"name"`
	Schema SchemaInfo `json:"schema"`
	Type   string     `json:"type,omitempty"`
}

// SchemaInfoOf describes a SQL type the way DESCRIBE does.
func SchemaInfoOf(t *types.Type) SchemaInfo {
	if t == nil {
		return SchemaInfo{Type: "STRING"}
	}
	s := SchemaInfo{Type: t.Kind.String()}
	switch t.Kind {
	case types.KindDecimal:
		s.Parameters = map[string]any{"precision": t.Precision, "scale": t.Scale}
	case types.KindArray:
		m := SchemaInfoOf(t.Elem)
		s.MemberSchema = &m
	case types.KindMap:
		m := SchemaInfoOf(t.Value)
		s.MemberSchema = &m
	case types.KindStruct:
		s.Fields = make([]FieldInfo, len(t.Fields))
		for i, f := range t.Fields {
			s.Fields[i] = FieldInfo{Name: f.Name, Schema: SchemaInfoOf(f.Type)}
		}
	}
	return s
}

// QueryOffsetSummary is a consumer group's offsets in DESCRIBE EXTENDED.
type QueryOffsetSummary struct {
	GroupID        string                    `json:"groupId"`
	TopicSummaries []QueryTopicOffsetSummary `json:"topicSummaries"`
}

// QueryTopicOffsetSummary is one topic of a QueryOffsetSummary.
type QueryTopicOffsetSummary struct {
	KafkaTopic string                     `json:"kafkaTopic"`
	Offsets    []ConsumerPartitionOffsets `json:"offsets"`
}

// ConsumerPartitionOffsets is one partition of a QueryTopicOffsetSummary.
type ConsumerPartitionOffsets struct {
	Partition      int32 `json:"partition"`
	LogStartOffset int64 `json:"logStartOffset"`
	LogEndOffset   int64 `json:"logEndOffset"`
	ConsumerOffset int64 `json:"consumerOffset"`
}

// SourceDescription is the body of DESCRIBE [EXTENDED] for a stream or table.
type SourceDescription struct {
	Name                 string               `json:"name"`
	WindowType           NullString           `json:"windowType"` // TUMBLING, HOPPING, SESSION or null
	ReadQueries          []RunningQuery       `json:"readQueries"`
	WriteQueries         []RunningQuery       `json:"writeQueries"`
	Fields               []FieldInfo          `json:"fields"`
	Type                 string               `json:"type"` // STREAM or TABLE
	Timestamp            string               `json:"timestamp"`
	Statistics           string               `json:"statistics"`
	ErrorStats           string               `json:"errorStats"`
	Extended             bool                 `json:"extended"`
	KeyFormat            string               `json:"keyFormat"`
	ValueFormat          string               `json:"valueFormat"`
	Topic                string               `json:"topic"`
	Partitions           int                  `json:"partitions"`
	Replication          int                  `json:"replication"`
	Statement            string               `json:"statement"`
	QueryOffsetSummaries []QueryOffsetSummary `json:"queryOffsetSummaries"`
	SourceConstraints    []string             `json:"sourceConstraints"`
}

// MarshalJSON writes empty lists rather than null.
func (d SourceDescription) MarshalJSON() ([]byte, error) {
	type plain SourceDescription
	p := plain(d)
	p.ReadQueries = nonNil(p.ReadQueries)
	p.WriteQueries = nonNil(p.WriteQueries)
	p.Fields = nonNil(p.Fields)
	p.QueryOffsetSummaries = nonNil(p.QueryOffsetSummaries)
	p.SourceConstraints = nonNil(p.SourceConstraints)
	return Marshal(p)
}

// SourceDescriptionEntity ("sourceDescription") answers DESCRIBE [EXTENDED] x.
type SourceDescriptionEntity struct {
	EntityMeta        `json:"-"`
	SourceDescription SourceDescription `json:"sourceDescription"`
}

func (*SourceDescriptionEntity) EntityType() string { return "sourceDescription" }

func (e *SourceDescriptionEntity) MarshalJSON() ([]byte, error) {
	type plain SourceDescriptionEntity
	return marshalEntity(e, (*plain)(e))
}

// SourceDescriptionList ("source_descriptions") answers
// SHOW STREAMS EXTENDED / SHOW TABLES EXTENDED.
type SourceDescriptionList struct {
	EntityMeta         `json:"-"`
	SourceDescriptions []SourceDescription `json:"sourceDescriptions"`
}

func (*SourceDescriptionList) EntityType() string { return "source_descriptions" }

func (e *SourceDescriptionList) MarshalJSON() ([]byte, error) {
	type plain SourceDescriptionList
	p := plain(*e)
	p.SourceDescriptions = nonNil(p.SourceDescriptions)
	return marshalEntity(e, &p)
}

// QueryError is one error of a persistent query.
type QueryError struct {
	Timestamp    int64  `json:"timestamp"`
	ErrorMessage string `json:"errorMessage"`
	Type         string `json:"type"` // USER, SYSTEM, UNKNOWN
}

// QueryDescription is the body of EXPLAIN <query id>.
type QueryDescription struct {
	ID                   string            `json:"id"`
	StatementText        string            `json:"statementText"`
	WindowType           NullString        `json:"windowType"`
	Fields               []FieldInfo       `json:"fields"`
	Sources              []string          `json:"sources"`
	Sinks                []string          `json:"sinks"`
	Topology             string            `json:"topology"`
	ExecutionPlan        string            `json:"executionPlan"`
	OverriddenProperties map[string]any    `json:"overriddenProperties"`
	KsqlHostQueryStatus  map[string]string `json:"ksqlHostQueryStatus"` // "host:port" -> RUNNING
	QueryType            string            `json:"queryType"`
	QueryErrors          []QueryError      `json:"queryErrors"`
	State                NullString        `json:"state"`
}

// MarshalJSON writes empty lists and maps rather than null.
func (d QueryDescription) MarshalJSON() ([]byte, error) {
	type plain QueryDescription
	p := plain(d)
	p.Fields = nonNil(p.Fields)
	p.Sources = nonNil(p.Sources)
	p.Sinks = nonNil(p.Sinks)
	p.QueryErrors = nonNil(p.QueryErrors)
	if p.OverriddenProperties == nil {
		p.OverriddenProperties = map[string]any{}
	}
	if p.KsqlHostQueryStatus == nil {
		p.KsqlHostQueryStatus = map[string]string{}
	}
	return Marshal(p)
}

// QueryDescriptionEntity ("queryDescription") answers EXPLAIN.
type QueryDescriptionEntity struct {
	EntityMeta       `json:"-"`
	QueryDescription QueryDescription `json:"queryDescription"`
}

func (*QueryDescriptionEntity) EntityType() string { return "queryDescription" }

func (e *QueryDescriptionEntity) MarshalJSON() ([]byte, error) {
	type plain QueryDescriptionEntity
	return marshalEntity(e, (*plain)(e))
}

// QueryDescriptionList ("query_descriptions") answers SHOW QUERIES EXTENDED.
type QueryDescriptionList struct {
	EntityMeta        `json:"-"`
	QueryDescriptions []QueryDescription `json:"queryDescriptions"`
}

func (*QueryDescriptionList) EntityType() string { return "query_descriptions" }

func (e *QueryDescriptionList) MarshalJSON() ([]byte, error) {
	type plain QueryDescriptionList
	p := plain(*e)
	p.QueryDescriptions = nonNil(p.QueryDescriptions)
	return marshalEntity(e, &p)
}

// ArgumentInfo is one argument of a function signature.
type ArgumentInfo struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	IsVariadic  bool   `json:"isVariadic"`
}

// FunctionInfo is one signature in DESCRIBE FUNCTION. ArgumentTypes (kept by
// ksqlDB for old clients) is derived from Arguments when marshalled.
type FunctionInfo struct {
	Arguments   []ArgumentInfo `json:"arguments"`
	ReturnType  string         `json:"returnType"`
	Description string         `json:"description"`
}

// MarshalJSON adds "argumentTypes".
func (f FunctionInfo) MarshalJSON() ([]byte, error) {
	type inner FunctionInfo
	p := struct {
		inner
		ArgumentTypes []string `json:"argumentTypes"`
	}{inner: inner(f), ArgumentTypes: []string{}}
	p.Arguments = nonNil(p.Arguments)
	for _, a := range f.Arguments {
		p.ArgumentTypes = append(p.ArgumentTypes, a.Type)
	}
	return Marshal(p)
}

// FunctionDescriptionList ("describe_function") answers DESCRIBE FUNCTION.
type FunctionDescriptionList struct {
	EntityMeta  `json:"-"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Author      string         `json:"author"`
	Version     string         `json:"version"`
	Path        string         `json:"path"`
	Functions   []FunctionInfo `json:"functions"`
	Type        string         `json:"type"` // SCALAR, AGGREGATE, TABLE
}

func (*FunctionDescriptionList) EntityType() string { return "describe_function" }

func (e *FunctionDescriptionList) MarshalJSON() ([]byte, error) {
	type plain FunctionDescriptionList
	p := plain(*e)
	p.Functions = nonNil(p.Functions)
	return marshalEntity(e, &p)
}
