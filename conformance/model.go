// Package conformance runs ksqlDB's public query-validation test corpus (QTT and
// RQTT files) against Eddy and reports how much of it passes.
//
// The package owns loading, variant expansion, comparison and reporting. The
// engine is reached only through the Driver and RESTDriver interfaces
// (driver.go); the concrete drivers are built by newDriver and newRESTDriver
// in driver_eddy.go.
package conformance

import "encoding/json"

// Kind tells which corpus a case comes from.
type Kind string

// Corpus kinds.
const (
	KindQTT  Kind = "qtt"
	KindRQTT Kind = "rqtt"
)

// Case is one expanded test case: a test from a corpus file, after the
// `format` and `config` variants have been expanded and substituted.
type Case struct {
	Kind     Kind
	File     string // base name of the corpus file, e.g. "project-filter.json"
	Name     string // expanded name, e.g. "project and filter - JSON"
	BaseName string // the test's own name, without the variant suffix
	// Variant is "" for unexpanded tests, otherwise the format (e.g. "JSON"),
	// the config value (e.g. "true"), or "FORMAT - CONFIG" when both are set.
	Variant     string
	Format      string // the `format` entry substituted for {FORMAT}, if any
	Config      any    // the `config` entry substituted for "{CONFIG}", if any (nil if none)
	ConfigIndex int    // index of Config in the test's config list, -1 if none
	Index       int    // position of the test in its file (0-based, before expansion)

	Statements []string
	Inputs     []Record
	Outputs    []Record
	Topics     []Topic
	Properties map[string]any
	Expected   *ExpectedException
	Post       *Post
	Enabled    bool

	// RQTT only.
	Responses     []json.RawMessage
	ExpectedError *ExpectedError

	// Raw is the test object as it appears in the file (comments stripped,
	// numbers as json.Number, before substitution). Read-only: variants share it.
	Raw map[string]any
}

// ID identifies a case across runs: "file/name".
func (c *Case) ID() string { return c.File + "/" + c.Name }

// Record is an input or output record in test JSON form.
type Record struct {
	Topic string
	// Key and Value are decoded JSON: nil, json.Number, string, bool, []any or
	// map[string]any. A missing key is nil; a nil value is a tombstone.
	Key       any
	Value     any
	Timestamp *int64  // nil when the record does not give one
	Window    *Window // nil when the record does not give one
	// Headers is nil when the record does not give headers, and a non-nil
	// (possibly empty) slice when it does.
	Headers []Header
}

// Window is the window of a windowed key.
type Window struct {
	Start int64
	End   int64
	Type  string // "time" or "session" (as written in the corpus)
}

// Header is a Kafka record header. Value is nil for a null header value.
type Header struct {
	Key   string
	Value []byte
}

// Topic is an entry of a test's `topics` list (or of post.topics.topics).
type Topic struct {
	Name        string
	Partitions  int // 0 when not given
	Replicas    int // 0 when not given
	KeyFormat   string
	ValueFormat string
	KeySchema   any // inline registry schema, decoded JSON (nil if none)
	ValueSchema any
	// KeySchemaID and ValueSchemaID are the ids the inline schemas must be
	// registered with (0: any).
	KeySchemaID, ValueSchemaID int
	// KeySchemaReferences and ValueSchemaReferences are schemas the inline
	// ones import, registered first under their names.
	KeySchemaReferences, ValueSchemaReferences []SchemaReference
	Raw                                        map[string]any
}

// SchemaReference is an entry of a topic's keySchemaReferences or
// valueSchemaReferences.
type SchemaReference struct {
	Name   string
	Format string
	Schema any
}

// ExpectedException is a QTT `expectedException`.
type ExpectedException struct {
	Type    string // informational only
	Message string // substring the raised error's message must contain
}

// ExpectedError is an RQTT `expectedError`.
type ExpectedError struct {
	Type    string
	Message string
	Status  int // 0 when not given
}

// Post holds a test's post-conditions.
type Post struct {
	Sources []PostSource
	Topics  *PostTopics
}

// PostTopics is post.topics.
type PostTopics struct {
	Blacklist string  // regular expression (whole-name match) of topics that must not exist
	Topics    []Topic // topics that must exist
}

// PostSource describes a source in the catalog: expected (from post.sources)
// or actual (from the driver's Outcome).
type PostSource struct {
	Name        string
	Type        string // "stream" or "table"
	Schema      string // e.g. "`ID` STRING KEY, `V` INTEGER"; "" = not given / unknown
	KeyFormat   string // format name, e.g. "KAFKA"; "" = not given / unknown
	ValueFormat string
	WindowType  string // "TUMBLING", "HOPPING", "SESSION"; "" = not windowed / not given
	WindowSize  *int64 // window size in ms; nil = not given / unknown
	// KeyFeatures and ValueFeatures are serde features such as UNWRAP_SINGLES;
	// nil = not given / unknown.
	KeyFeatures   []string
	ValueFeatures []string
	IsSource      *bool // nil = not given / unknown
	Raw           map[string]any
}
