package wire

// SourceInfo is one stream or table in SHOW STREAMS / SHOW TABLES.
type SourceInfo struct {
	Type        string `json:"type"` // STREAM or TABLE
	Name        string `json:"name"`
	Topic       string `json:"topic"`
	KeyFormat   string `json:"keyFormat"`
	ValueFormat string `json:"valueFormat"`
	IsWindowed  bool   `json:"isWindowed"`
}

// StreamsList ("streams") answers SHOW STREAMS.
type StreamsList struct {
	EntityMeta `json:"-"`
	Streams    []SourceInfo `json:"streams"`
}

func (*StreamsList) EntityType() string { return "streams" }

func (e *StreamsList) MarshalJSON() ([]byte, error) {
	type plain StreamsList
	p := plain(*e)
	p.Streams = nonNil(p.Streams)
	return marshalEntity(e, &p)
}

// TablesList ("tables") answers SHOW TABLES.
type TablesList struct {
	EntityMeta `json:"-"`
	Tables     []SourceInfo `json:"tables"`
}

func (*TablesList) EntityType() string { return "tables" }

func (e *TablesList) MarshalJSON() ([]byte, error) {
	type plain TablesList
	p := plain(*e)
	p.Tables = nonNil(p.Tables)
	return marshalEntity(e, &p)
}

// Query types.
const (
	QueryTypePersistent = "PERSISTENT"
	QueryTypePush       = "PUSH"
)

// RunningQuery is one query in SHOW QUERIES and in a source description's
// read/write queries. StatusCount maps a state to a number of hosts, e.g.
// {"RUNNING":1}; State is the aggregate state.
type RunningQuery struct {
	QueryString     string         `json:"queryString"`
	Sinks           []string       `json:"sinks"`
	SinkKafkaTopics []string       `json:"sinkKafkaTopics"`
	ID              string         `json:"id"`
	StatusCount     map[string]int `json:"statusCount"`
	QueryType       string         `json:"queryType"`
	State           string         `json:"state"`
}

// MarshalJSON writes empty lists and maps rather than null.
func (q RunningQuery) MarshalJSON() ([]byte, error) {
	type plain RunningQuery
	p := plain(q)
	p.Sinks = nonNil(p.Sinks)
	p.SinkKafkaTopics = nonNil(p.SinkKafkaTopics)
	if p.StatusCount == nil {
		p.StatusCount = map[string]int{}
	}
	return Marshal(p)
}

// Queries ("queries") answers SHOW QUERIES.
type Queries struct {
	EntityMeta `json:"-"`
	Queries    []RunningQuery `json:"queries"`
}

func (*Queries) EntityType() string { return "queries" }

func (e *Queries) MarshalJSON() ([]byte, error) {
	type plain Queries
	p := plain(*e)
	p.Queries = nonNil(p.Queries)
	return marshalEntity(e, &p)
}

// KafkaTopicInfo is one topic of SHOW TOPICS; ReplicaInfo has the replica
// count of each partition.
type KafkaTopicInfo struct {
	Name        string `json:"name"`
	ReplicaInfo []int  `json:"replicaInfo"`
}

// KafkaTopicsList ("kafka_topics") answers SHOW TOPICS.
type KafkaTopicsList struct {
	EntityMeta `json:"-"`
	Topics     []KafkaTopicInfo `json:"topics"`
}

func (*KafkaTopicsList) EntityType() string { return "kafka_topics" }

func (e *KafkaTopicsList) MarshalJSON() ([]byte, error) {
	type plain KafkaTopicsList
	p := plain(*e)
	p.Topics = nonNil(p.Topics)
	for i := range p.Topics {
		p.Topics[i].ReplicaInfo = nonNil(p.Topics[i].ReplicaInfo)
	}
	return marshalEntity(e, &p)
}

// KafkaTopicInfoExtended is one topic of SHOW TOPICS EXTENDED.
type KafkaTopicInfoExtended struct {
	Name               string `json:"name"`
	ReplicaInfo        []int  `json:"replicaInfo"`
	ConsumerCount      int    `json:"consumerCount"`
	ConsumerGroupCount int    `json:"consumerGroupCount"`
}

// KafkaTopicsListExtended ("kafka_topics_extended") answers SHOW TOPICS EXTENDED.
type KafkaTopicsListExtended struct {
	EntityMeta `json:"-"`
	Topics     []KafkaTopicInfoExtended `json:"topics"`
}

func (*KafkaTopicsListExtended) EntityType() string { return "kafka_topics_extended" }

func (e *KafkaTopicsListExtended) MarshalJSON() ([]byte, error) {
	type plain KafkaTopicsListExtended
	p := plain(*e)
	p.Topics = nonNil(p.Topics)
	for i := range p.Topics {
		p.Topics[i].ReplicaInfo = nonNil(p.Topics[i].ReplicaInfo)
	}
	return marshalEntity(e, &p)
}

// Function types.
const (
	FunctionScalar    = "SCALAR"
	FunctionAggregate = "AGGREGATE"
	FunctionTable     = "TABLE"
)

// SimpleFunctionInfo is one function of SHOW FUNCTIONS.
type SimpleFunctionInfo struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // SCALAR, AGGREGATE, TABLE
	Category string `json:"category"`
}

// FunctionNameList ("function_names") answers SHOW FUNCTIONS.
type FunctionNameList struct {
	EntityMeta `json:"-"`
	Functions  []SimpleFunctionInfo `json:"functions"`
}

func (*FunctionNameList) EntityType() string { return "function_names" }

func (e *FunctionNameList) MarshalJSON() ([]byte, error) {
	type plain FunctionNameList
	p := plain(*e)
	p.Functions = nonNil(p.Functions)
	return marshalEntity(e, &p)
}

// TypeList ("type_list") answers SHOW TYPES: type name -> schema.
type TypeList struct {
	EntityMeta `json:"-"`
	Types      map[string]SchemaInfo `json:"types"`
}

func (*TypeList) EntityType() string { return "type_list" }

func (e *TypeList) MarshalJSON() ([]byte, error) {
	type plain TypeList
	p := plain(*e)
	if p.Types == nil {
		p.Types = map[string]SchemaInfo{}
	}
	return marshalEntity(e, &p)
}
