package types

import (
	"time"
)

// Date is days since the Unix epoch.
type Date int32

// Time is milliseconds since midnight.
type Time int64

// Timestamp is milliseconds since the Unix epoch, UTC.
type Timestamp int64

// StructValue holds a STRUCT's field values in the order of its type's fields.
type StructValue []any

// GoTime converts a timestamp to time.Time in UTC.
func (t Timestamp) GoTime() time.Time { return time.UnixMilli(int64(t)).UTC() }

// String prints a timestamp as ksqlDB does: 2021-01-02T03:04:05.678.
func (t Timestamp) String() string { return t.GoTime().Format("2006-01-02T15:04:05.000") }

// String prints a date as ISO 8601.
func (d Date) String() string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

// String prints a time of day as HH:MM:SS[.fff].
func (t Time) String() string {
	tt := time.UnixMilli(int64(t)).UTC()
	if t%1000 != 0 {
		return tt.Format("15:04:05.000")
	}
	return tt.Format("15:04:05")
}
