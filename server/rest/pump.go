package rest

import (
	"context"
	"fmt"
	"strings"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
)

// pumped is one result of QueryStream.Next: a row, or the terminal error
// (io.EOF at the end).
type pumped struct {
	row Row
	err error
}

// pump calls qs.Next in its own goroutine and hands each result over the
// returned channel, so that the handler can wait for rows, keep-alive ticks
// and the client going away at once. The last value sent carries the
// terminal error; the channel is closed after it, or when ctx is done (the
// goroutine then returns as soon as Next does). A panic in Next becomes an
// error rather than killing the server.
func pump(ctx context.Context, qs QueryStream) <-chan pumped {
	ch := make(chan pumped)
	go func() {
		defer close(ch)
		for {
			row, err := safeNext(ctx, qs)
			select {
			case ch <- pumped{row: row, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

func safeNext(ctx context.Context, qs QueryStream) (row Row, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = wire.ServerError(fmt.Sprintf("internal server error: %v", v))
		}
	}()
	return qs.Next(ctx)
}

// schemaString prints the result schema of a classic /query header:
// "`ID` STRING KEY, `NAME` STRING" (KEY marked for pull queries only, as
// ksqlDB does).
//
// Header columns are listed right after the leading keys, as ksqlDB
// prints them.
func schemaString(cols []Column, markKeys bool) string {
	ordered := cols
	if hasHeaders(cols) {
		ordered = make([]Column, 0, len(cols))
		lead := 0
		for lead < len(cols) && markKeys && cols[lead].Key {
			lead++
		}
		ordered = append(ordered, cols[:lead]...)
		for _, c := range cols[lead:] {
			if c.Header {
				ordered = append(ordered, c)
			}
		}
		for _, c := range cols[lead:] {
			if !c.Header {
				ordered = append(ordered, c)
			}
		}
	}
	var b strings.Builder
	for i, c := range ordered {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(types.QuoteIdent(c.Name))
		b.WriteByte(' ')
		b.WriteString(typeOrString(c.Type).String())
		switch {
		case markKeys && c.Key:
			b.WriteString(" KEY")
		case c.Header && c.HeaderKey != "":
			b.WriteString(" HEADER('" + c.HeaderKey + "')")
		case c.Header:
			b.WriteString(" HEADERS")
		}
	}
	return b.String()
}

func hasHeaders(cols []Column) bool {
	for _, c := range cols {
		if c.Header {
			return true
		}
	}
	return false
}

// metadata is the /query-stream header of a query.
func metadata(qs QueryStream) wire.QueryStreamMetadata {
	cols := qs.Columns()
	m := wire.QueryStreamMetadata{
		QueryID:     qs.ID(),
		ColumnNames: make([]string, len(cols)),
		ColumnTypes: make([]string, len(cols)),
	}
	for i, c := range cols {
		m.ColumnNames[i] = c.Name
		m.ColumnTypes[i] = typeOrString(c.Type).SQLName()
	}
	return m
}

func columnTypes(cols []Column) []*types.Type {
	ts := make([]*types.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	return ts
}

func typeOrString(t *types.Type) *types.Type {
	if t == nil {
		return types.StringType
	}
	return t
}

// finalMessage is the classic stream's last message after io.EOF.
func finalMessage(qs QueryStream) string {
	if qs.LimitReached() {
		return wire.FinalLimitReached
	}
	return wire.FinalQueryCompleted
}
