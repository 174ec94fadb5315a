package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

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

// streamClassic writes the classic /query format.
// pullWriteSize is how much of a pull query's answer is gathered before
// it is written.
const pullWriteSize = 64 << 10

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
	// A pull query's answer is short and complete: it goes out in one
	// write (or a few for large ones) rather than one flushed line per
	// row, as a push query's rows must.
	var pending []byte
	if !text {
		if pull {
			pending = append(pending, buf...)
		} else if f.write(w, buf) != nil {
			return
		}
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
			if len(pending) > 0 {
				if f.write(w, pending) != nil {
					return
				}
				pending, active = pending[:0], true
			}
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
			case p.err == nil && pull:
				buf = append(buf, ",\n"...)
				buf = wire.AppendStreamedRow(buf, p.row.Values, colTypes, p.row.Tombstone)
			case p.err == nil:
				buf = wire.AppendStreamedRow(buf, p.row.Values, colTypes, p.row.Tombstone)
				buf = append(buf, ",\n"...)
			case errors.Is(p.err, io.EOF):
				switch {
				case text:
				case pull:
					buf = append(buf, ']')
				default:
					buf = wire.AppendFinalMessage(buf, finalMessage(qs))
					buf = append(buf, "]\n"...)
				}
			case ctx.Err() != nil: // client gone
				return
			default:
				if pull {
					buf = append(buf, ",\n"...)
				}
				buf = wire.AppendErrorMessage(buf, wire.AsError(p.err))
				switch {
				case text:
					buf = append(buf, '\n')
				case pull:
					buf = append(buf, ']')
				default:
					buf = append(buf, "]\n"...)
				}
			}
			if pull {
				pending = append(pending, buf...)
				if !done && len(pending) < pullWriteSize {
					continue
				}
				if f.write(w, pending) != nil {
					return
				}
				pending = pending[:0]
			} else if len(buf) > 0 && f.write(w, buf) != nil {
				return
			}
			if done {
				return
			}
			active = true
		}
	}
}
