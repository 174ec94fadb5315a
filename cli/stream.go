package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/eddysql/eddy/server/wire"
)

// QueryStream reads a classic /query response element by element as the
// server flushes them: the header, rows, and a final or error message. A
// PRINT answers text lines instead, which come as Text events.
type QueryStream struct {
	body io.ReadCloser
	rd   *bufio.Reader
}

// Event is one element of a query stream; exactly one field is set.
type Event struct {
	Header *wire.StreamHeader
	Row    *wire.DataRow
	Final  string // "Limit Reached", "Query Completed"
	Err    *wire.ErrorBody
	Text   string // a PRINT line
	Raw    json.RawMessage
}

func newQueryStream(body io.ReadCloser) *QueryStream {
	return &QueryStream{body: body, rd: bufio.NewReaderSize(body, 64<<10)}
}

// Close closes the connection.
func (q *QueryStream) Close() error { return q.body.Close() }

// Next returns the next event; io.EOF at the end of the response.
// Keep-alive blank lines are skipped.
func (q *QueryStream) Next() (Event, error) {
	for {
		line, err := q.rd.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			return Event{}, err
		}
		if ev, ok, perr := parseStreamLine(line); perr != nil {
			return Event{}, perr
		} else if ok {
			return ev, nil
		}
		if err != nil {
			return Event{}, err
		}
	}
}

// parseStreamLine decodes one line of a classic /query response. The JSON
// array's punctuation ("[", "," and "]") around the element is dropped; a
// line that is no JSON object is a PRINT line.
func parseStreamLine(line []byte) (Event, bool, error) {
	t := bytes.TrimSpace(line)
	if len(t) == 0 {
		return Event{}, false, nil
	}
	obj := bytes.TrimPrefix(t, []byte("["))
	obj = bytes.TrimLeft(obj, " ,")
	obj = bytes.TrimRight(obj, " ,]")
	if len(obj) == 0 {
		return Event{}, false, nil // a lone "]" (empty pull result)
	}
	if obj[0] != '{' {
		return Event{Text: string(bytes.TrimRight(line, "\r\n"))}, true, nil
	}
	var sr wire.StreamedRow
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if err := dec.Decode(&sr); err != nil {
		return Event{Text: string(bytes.TrimRight(line, "\r\n"))}, true, nil
	}
	ev := Event{Raw: json.RawMessage(append([]byte(nil), obj...))}
	switch {
	case sr.Header != nil:
		ev.Header = sr.Header
	case sr.Row != nil:
		ev.Row = sr.Row
	case sr.ErrorMessage != nil:
		ev.Err = sr.ErrorMessage
	case sr.FinalMessage != nil:
		ev.Final = *sr.FinalMessage
	default:
		return Event{}, false, fmt.Errorf("unexpected query stream element %s", obj)
	}
	return ev, true, nil
}
