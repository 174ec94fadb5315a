package conformance

import "context"

// Driver runs one case through Eddy and returns what happened.
type Driver interface {
	Run(ctx context.Context, c *Case) (*Outcome, error) // error = infrastructure failure (counts as failed with that message)
}

// Outcome is what a Driver observed while running one QTT case.
type Outcome struct {
	Skip       string       // non-empty: the case is skipped, with this reason (printed in the report)
	Err        error        // the statement error raised (nil if none); compared with c.Expected
	FailedStmt int          // index of the statement that raised Err
	Outputs    []Record     // records the queries wrote, per topic in production order (Key/Value decoded to test JSON form by the driver)
	Sources    []PostSource // catalog at the end: name, type ("stream"/"table"), schema string, key/value formats
	Topics     []string     // topics that exist at the end
}

// DriverFunc adapts a function to the Driver interface.
type DriverFunc func(ctx context.Context, c *Case) (*Outcome, error)

// Run calls f.
func (f DriverFunc) Run(ctx context.Context, c *Case) (*Outcome, error) { return f(ctx, c) }

// RESTDriver runs one RQTT case through Eddy's REST API and returns what
// happened.
type RESTDriver interface {
	Run(ctx context.Context, c *Case) (*RESTOutcome, error) // error = infrastructure failure
}

// RESTOutcome is what a RESTDriver observed while running one RQTT case.
type RESTOutcome struct {
	Skip string // non-empty: the case is skipped, with this reason
	// Responses holds one decoded JSON entity per response, in the order of
	// c.Responses: for non-SELECT statements the /ksql response entity (e.g.
	// {"admin": {"@type": "currentStatus", ...}}), for each trailing SELECT
	// {"query": [ {"header": {...}}, {"row": {"columns": [...]}}, ...,
	// {"finalMessage": "..."} ]}. Numbers may be json.Number or float64.
	Responses []any
	// Error is the error response the server returned, nil if none.
	Error *RESTError
	// Outputs are the records written to topics by the statements and
	// the persistent queries (not the case's inputs), in order.
	Outputs []Record
}

// RESTError is an error response of the REST API.
type RESTError struct {
	Status    int    // HTTP status
	Type      string // error entity type, informational
	Message   string
	Statement int // index of the statement that failed
}

// RESTDriverFunc adapts a function to the RESTDriver interface.
type RESTDriverFunc func(ctx context.Context, c *Case) (*RESTOutcome, error)

// Run calls f.
func (f RESTDriverFunc) Run(ctx context.Context, c *Case) (*RESTOutcome, error) { return f(ctx, c) }
