package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/eddysql/eddy/server/wire"
)

// queryStream serves POST /query-stream: body {"sql","properties",
// "sessionVariables"}. The default (delimited) answer is the metadata line
// {"queryId","columnNames","columnTypes"} then one JSON array per row, each
// on its own line and flushed (one HTTP/2 DATA frame each); the response
// ends at the end of the query (LIMIT reached, pull query done).
// Accept: application/json gets one JSON array [{meta},[...],[...]]. A PRINT
// streams its text lines. A mid-stream error is written as an error object
// (a line, or an element of the array) and ends the response.
func (h *handler) queryStream(w http.ResponseWriter, r *http.Request) {
	var args wire.QueryStreamArgs
	if werr := decodeBody(w, r, &args); werr != nil {
		writeError(w, werr)
		return
	}
	if strings.TrimSpace(args.SQL) == "" {
		writeError(w, wire.BadRequest("No sql in arguments"))
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	qs, err := h.b.Query(ctx, StatementRequest{
		KSQL:              args.SQL,
		StreamsProperties: args.Properties,
		SessionVariables:  args.SessionVariables,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	defer qs.Close()
	h.streamQueryStream(ctx, w, qs, wantsJSONArray(r))
}

// streamQueryStream writes the /query-stream format, delimited or as one
// JSON array; /query uses it too for Accept: delimited.
func (h *handler) streamQueryStream(ctx context.Context, w http.ResponseWriter, qs QueryStream, jsonArray bool) {
	if jsonArray {
		w.Header().Set("Content-Type", mediaJSON)
	} else {
		w.Header().Set("Content-Type", mediaDelimited)
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	f := newFlusher(w)

	text := qs.IsPrint()
	colTypes := columnTypes(qs.Columns())
	buf := make([]byte, 0, 1024)
	if !text {
		if jsonArray {
			buf = append(buf, '[')
		}
		buf = metadata(qs).AppendJSON(buf)
		if !jsonArray {
			buf = append(buf, '\n')
		}
		if f.write(w, buf) != nil {
			return
		}
	} else if f.rc.Flush() != nil {
		return
	}

	rows := pump(ctx, qs)
	for {
		var p pumped
		select {
		case <-ctx.Done():
			return
		case r, ok := <-rows:
			if !ok {
				return
			}
			p = r
		}
		buf = buf[:0]
		switch {
		case p.err == nil && text:
			buf = append(buf, p.row.Text...)
			buf = append(buf, '\n')
		case p.err == nil:
			if jsonArray {
				buf = append(buf, ',')
			}
			buf = wire.AppendRowValues(buf, p.row.Values, colTypes)
			if !jsonArray {
				buf = append(buf, '\n')
			}
		case errors.Is(p.err, io.EOF):
			if jsonArray && !text {
				buf = append(buf, ']')
			}
		case ctx.Err() != nil: // client gone
			return
		default:
			if jsonArray && !text {
				buf = append(buf, ',')
			}
			buf = wire.AppendErrorBody(buf, wire.AsError(p.err))
			if jsonArray && !text {
				buf = append(buf, ']')
			} else {
				buf = append(buf, '\n')
			}
		}
		if len(buf) > 0 && f.write(w, buf) != nil {
			return
		}
		if p.err != nil {
			return
		}
	}
}
