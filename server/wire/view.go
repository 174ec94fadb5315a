package wire

// ViewRowsPath is the internal endpoint that answers forwarded reads.
const ViewRowsPath = "/internal/view-rows"

// ViewRowsRequest is the body of POST /internal/view-rows: one Eddy server
// asking another, which holds some partitions of a table's pull-query
// view, for their rows. The answer is the rows in a binary form that only
// Eddy reads (see the engine); CodeNotHeld means the partitions have moved.
type ViewRowsRequest struct {
	Table      string  `json:"table"`
	Partitions []int32 `json:"partitions"`
	// Lookup asks for the rows of Keys; otherwise for every row.
	Lookup bool      `json:"lookup,omitempty"`
	Keys   []ViewKey `json:"keys,omitempty"`
	// MaxOffsetLag is ksql.query.pull.max.allowed.offset.lag: how far
	// behind the newest end offsets the server knows the rows may be.
	// Zero asks for the rows as of end offsets listed after the request
	// arrived (read-your-writes).
	MaxOffsetLag int64 `json:"maxOffsetLag,omitempty"`
}

// ViewKey is a key of a lookup in its serialized form; From and To bound
// the window starts of a windowed table.
type ViewKey struct {
	Key  []byte `json:"key"`
	From int64  `json:"from"`
	To   int64  `json:"to"`
}
