package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
)

// query serves POST /query (body as /ksql). The classic format (no Accept,
// application/json, application/vnd.ksql.v1+json) is a JSON array streamed
// element by element, flushed as it goes:
//
//	push: [{"header":{...}},\n{"row":{...}},\n ... {"finalMessage":"Limit Reached"}]\n
//	pull: [{"header":{...}},\n{"row":{...}},\n{"row":{...}}]
//
// with a bare "\n" written every keep-alive interval while no row comes.
// Accept application/vnd.ksqlapi.delimited.v1 or */* gets the /query-stream
// delimited format instead. The query is closed when the response ends or
// the client goes away.
func (h *handler) query(w http.ResponseWriter, r *http.Request) {
	req, werr := decodeKsqlRequest(w, r)
	if werr != nil {
		writeError(w, werr)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	qs, err := h.b.Query(ctx, req)
	if err != nil {
		writeError(w, err)
		return
	}
	defer qs.Close()
	if wantsDelimited(r) {
		h.streamQueryStream(ctx, w, qs, false)
		return
	}
	h.streamClassic(ctx, w, r, qs)
}

// pullWriteSize is how much of a pull query's answer is gathered before
// it is written.
const pullWriteSize = 64 << 10

// streamClassic writes the classic /query format.
func (h *handler) streamClassic(ctx context.Context, w http.ResponseWriter, r *http.Request, qs QueryStream) {
	w.Header().Set("Content-Type", classicContentType(r))
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	f := newFlusher(w)

	pull, text := qs.IsPull(), qs.IsPrint()
	cols := qs.Columns()
	colTypes := columnTypes(cols)
	buf := make([]byte, 0, 1024)
	if !text {
		buf = append(buf, '[')
		buf = wire.AppendQueryHeader(buf, qs.ID(), schemaString(cols, true))
		if !pull {
			buf = append(buf, ",\n"...)
		}
	} else if f.rc.Flush() != nil { // send the headers now
		return
	}
	if pull {
		h.writePull(ctx, w, qs, colTypes, buf)
		return
	}
	if !text && f.write(w, buf) != nil {
		return
	}

	rows := pump(ctx, qs)
	tick := time.NewTicker(h.cfg.keepAlive)
	defer tick.Stop()
	active := false // wrote something since the last tick
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if !active && f.write(w, []byte{'\n'}) != nil {
				return
			}
			active = false
		case p, ok := <-rows:
			if !ok {
				return
			}
			buf = buf[:0]
			done := p.err != nil
			switch {
			case p.err == nil && text:
				buf = append(buf, p.row.Text...)
				buf = append(buf, '\n')
			case p.err == nil:
				buf = wire.AppendStreamedRow(buf, p.row.Values, colTypes, p.row.Tombstone)
				buf = append(buf, ",\n"...)
			case errors.Is(p.err, io.EOF):
				if !text {
					buf = wire.AppendFinalMessage(buf, finalMessage(qs))
					buf = append(buf, "]\n"...)
				}
			case ctx.Err() != nil: // client gone
				return
			default:
				buf = wire.AppendErrorMessage(buf, wire.AsError(p.err))
				if text {
					buf = append(buf, '\n')
				} else {
					buf = append(buf, "]\n"...)
				}
			}
			if len(buf) > 0 && f.write(w, buf) != nil {
				return
			}
			if done {
				return
			}
			active = true
		}
	}
}

// writePull writes a pull query's answer after its header (in buf). Its
// rows are complete when the query starts, so they are read here, without
// a goroutine, and go out in one write (a few for large answers) that
// net/http sends when the handler returns, with no flush of its own.
func (h *handler) writePull(ctx context.Context, w http.ResponseWriter, qs QueryStream, colTypes []*types.Type, buf []byte) {
	for {
		row, err := safeNext(ctx, qs)
		switch {
		case err == nil:
			buf = append(buf, ",\n"...)
			buf = wire.AppendStreamedRow(buf, row.Values, colTypes, row.Tombstone)
		case errors.Is(err, io.EOF):
			buf = append(buf, ']')
		case ctx.Err() != nil: // client gone
			return
		default:
			buf = append(buf, ",\n"...)
			buf = wire.AppendErrorMessage(buf, wire.AsError(err))
			buf = append(buf, ']')
		}
		if err != nil || len(buf) >= pullWriteSize {
			if _, werr := w.Write(buf); werr != nil || err != nil {
				return
			}
			buf = buf[:0]
		}
	}
}
