package wire

import "fmt"

// Command statuses.
const (
	StatusQueued     = "QUEUED"
	StatusParsing    = "PARSING"
	StatusExecuting  = "EXECUTING"
	StatusRunning    = "RUNNING"
	StatusTerminated = "TERMINATED"
	StatusSuccess    = "SUCCESS"
	StatusError      = "ERROR"
)

// CommandStatus is {"status","message","queryId"}; it is also the body of
// GET /status/{type}/{entity}/{action}.
type CommandStatus struct {
	Status  string     `json:"status"`
	Message string     `json:"message"`
	QueryID NullString `json:"queryId"`
}

// CommandStatusEntity ("currentStatus") answers CREATE, CSAS/CTAS, DROP,
// TERMINATE and INSERT INTO. CommandID looks like "stream/`PAGEVIEWS`/create".
type CommandStatusEntity struct {
	EntityMeta            `json:"-"`
	CommandID             string        `json:"commandId"`
	CommandStatus         CommandStatus `json:"commandStatus"`
	CommandSequenceNumber int64         `json:"commandSequenceNumber"`
}

func (*CommandStatusEntity) EntityType() string { return "currentStatus" }

func (e *CommandStatusEntity) MarshalJSON() ([]byte, error) {
	type plain CommandStatusEntity
	return marshalEntity(e, (*plain)(e))
}

// TerminateQueryEntity ("terminate_query") answers TERMINATE of a transient
// (push) query.
type TerminateQueryEntity struct {
	EntityMeta    `json:"-"`
	QueryID       string `json:"queryId"`
	WasTerminated bool   `json:"wasTerminated"`
}

func (*TerminateQueryEntity) EntityType() string { return "terminate_query" }

func (e *TerminateQueryEntity) MarshalJSON() ([]byte, error) {
	type plain TerminateQueryEntity
	return marshalEntity(e, (*plain)(e))
}

// WarningEntity ("warning_entity") answers a statement that did nothing, e.g.
// CREATE ... IF NOT EXISTS on an existing source.
type WarningEntity struct {
	EntityMeta `json:"-"`
	Message    string `json:"message"`
}

func (*WarningEntity) EntityType() string { return "warning_entity" }

func (e *WarningEntity) MarshalJSON() ([]byte, error) {
	type plain WarningEntity
	return marshalEntity(e, (*plain)(e))
}

// Variable is one DEFINE'd session variable.
type Variable struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// VariablesList ("variables") answers SHOW VARIABLES.
type VariablesList struct {
	EntityMeta `json:"-"`
	Variables  []Variable `json:"variables"`
}

func (*VariablesList) EntityType() string { return "variables" }

func (e *VariablesList) MarshalJSON() ([]byte, error) {
	type plain VariablesList
	p := plain(*e)
	p.Variables = nonNil(p.Variables)
	return marshalEntity(e, &p)
}

// Property is one row of SHOW PROPERTIES.
type Property struct {
	Name     string `json:"name"`
	Scope    string `json:"scope"` // KSQL, STREAMS, PRODUCER, CONSUMER...
	Value    string `json:"value"`
	Editable bool   `json:"editable"`
	Level    string `json:"level"` // SERVER or QUERY
}

// PropertiesList ("properties") answers SHOW PROPERTIES.
type PropertiesList struct {
	EntityMeta            `json:"-"`
	Properties            []Property `json:"properties"`
	OverwrittenProperties []string   `json:"overwrittenProperties"`
	DefaultProperties     []string   `json:"defaultProperties"`
}

func (*PropertiesList) EntityType() string { return "properties" }

func (e *PropertiesList) MarshalJSON() ([]byte, error) {
	type plain PropertiesList
	p := plain(*e)
	p.Properties = nonNil(p.Properties)
	p.OverwrittenProperties = nonNil(p.OverwrittenProperties)
	p.DefaultProperties = nonNil(p.DefaultProperties)
	return marshalEntity(e, &p)
}

// AssertTopicEntity ("assert_topic") answers a successful ASSERT TOPIC.
type AssertTopicEntity struct {
	EntityMeta `json:"-"`
	TopicName  string `json:"topicName"`
	Exists     bool   `json:"exists"`
}

func (*AssertTopicEntity) EntityType() string { return "assert_topic" }

func (e *AssertTopicEntity) MarshalJSON() ([]byte, error) {
	type plain AssertTopicEntity
	return marshalEntity(e, (*plain)(e))
}

// AssertSchemaEntity ("assert_schema") answers a successful ASSERT SCHEMA.
type AssertSchemaEntity struct {
	EntityMeta `json:"-"`
	Subject    *string `json:"subject"`
	ID         *int    `json:"id"`
	Exists     bool    `json:"exists"`
}

func (*AssertSchemaEntity) EntityType() string { return "assert_schema" }

// DescribeSchema names what an ASSERT SCHEMA is about, as its messages
// do: "Schema with subject name S and id N".
func DescribeSchema(subject *string, id *int) string {
	what := "Schema"
	if subject != nil {
		what += " with subject name " + *subject
	}
	if id != nil {
		if subject != nil {
			what += " and"
		}
		what += fmt.Sprintf(" id %d", *id)
	}
	return what
}

func (e *AssertSchemaEntity) MarshalJSON() ([]byte, error) {
	type plain AssertSchemaEntity
	return marshalEntity(e, (*plain)(e))
}
