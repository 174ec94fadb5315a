package ast

// Drop is DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC].
type Drop struct {
	Base
	Kind        SourceKind
	Name        string
	IfExists    bool
	DeleteTopic bool
	Text        string
}

// DropType is DROP TYPE [IF EXISTS] name.
type DropType struct {
	Base
	Name     string
	IfExists bool
}

// CreateType is CREATE TYPE [IF NOT EXISTS] name AS type.
type CreateType struct {
	Base
	Name        string
	IfNotExists bool
	Type        *Type
	Text        string
}

// Terminate is TERMINATE id | TERMINATE ALL.
type Terminate struct {
	Base
	QueryID string
	All     bool
}

// PauseResume is PAUSE|RESUME id|ALL.
type PauseResume struct {
	Base
	Resume  bool
	QueryID string
	All     bool
}

// ShowKind says what SHOW/LIST lists.
type ShowKind int

const (
	ShowStreams ShowKind = iota
	ShowTables
	ShowQueries
	ShowTopics
	ShowProperties
	ShowFunctions
	ShowTypes
	ShowVariables
	ShowConnectors
)

// Show is SHOW|LIST what [EXTENDED].
type Show struct {
	Base
	What     ShowKind
	Extended bool
	All      bool // SHOW ALL TOPICS
}

// Describe is DESCRIBE [EXTENDED] name, DESCRIBE STREAMS|TABLES [EXTENDED].
type Describe struct {
	Base
	Name     string
	Extended bool
	// AllOf is set for DESCRIBE STREAMS / DESCRIBE TABLES.
	AllOf *SourceKind
}

// DescribeFunction is DESCRIBE FUNCTION name.
type DescribeFunction struct {
	Base
	Name string
}

// Explain is EXPLAIN queryId | EXPLAIN statement.
type Explain struct {
	Base
	QueryID   string
	Statement Statement
}

// Print is PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n].
type Print struct {
	Base
	Topic         string
	FromBeginning bool
	Interval      int
	Limit         *int
}

// SetProperty is SET 'name'='value'.
type SetProperty struct {
	Base
	Name  string
	Value string
}

// UnsetProperty is UNSET 'name'.
type UnsetProperty struct {
	Base
	Name string
}

// Define is DEFINE name = 'value'.
type Define struct {
	Base
	Name  string
	Value string
}

// Undefine is UNDEFINE name.
type Undefine struct {
	Base
	Name string
}

// RunScript is RUN SCRIPT 'path'.
type RunScript struct {
	Base
	Path string
}

// AlterSource is ALTER STREAM|TABLE name ADD [COLUMN] col type, ...
type AlterSource struct {
	Base
	Kind    SourceKind
	Name    string
	Columns []TableElement
	Text    string
}

func (*Drop) statement()             {}
func (*DropType) statement()         {}
func (*CreateType) statement()       {}
func (*Terminate) statement()        {}
func (*PauseResume) statement()      {}
func (*Show) statement()             {}
func (*Describe) statement()         {}
func (*DescribeFunction) statement() {}
func (*Explain) statement()          {}
func (*Print) statement()            {}
func (*SetProperty) statement()      {}
func (*UnsetProperty) statement()    {}
func (*Define) statement()           {}
func (*Undefine) statement()         {}
func (*RunScript) statement()        {}
func (*AlterSource) statement()      {}
func (*AssertTopic) statement()      {}
func (*AssertSchema) statement()     {}

// AssertTopic is ASSERT [NOT EXISTS] TOPIC name [WITH (...)] [TIMEOUT n unit]:
// it succeeds once the topic exists (with the given PARTITIONS and
// REPLICAS) or, with NOT EXISTS, once it does not.
type AssertTopic struct {
	Base
	Name      string
	NotExists bool
	Props     Properties
	// TimeoutMs is 0 when the statement gives none.
	TimeoutMs int64
}

// AssertSchema is ASSERT [NOT EXISTS] SCHEMA [SUBJECT s] [ID n] [TIMEOUT n
// unit], checked against the schema registry.
type AssertSchema struct {
	Base
	Subject   string
	ID        *int
	NotExists bool
	TimeoutMs int64
}
