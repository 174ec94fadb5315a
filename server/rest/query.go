package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/eddysql/eddy/executor/serde"
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
// Accept application/vnd.ksql.v1+protobuf gets the same array with the
// rows as Protobuf messages (classicRows); application/vnd.ksqlapi.delimited.v1
// or */* gets the /query-stream delimited format instead. The query is closed when the response ends or
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
	rows, err := newClassicRows(r, qs)
	if err != nil {
		writeError(w, wire.BadRequest(err.Error()))
		return
	}
	h.streamClassic(ctx, w, qs, rows)
}

// classicRows writes the header and rows of a classic /query response:
// rows as JSON columns or, with Accept application/vnd.ksql.v1+protobuf,
// as Protobuf messages (base64) whose schema the header carries.
type classicRows struct {
	contentType string
	types       []*types.Type
	proto       serde.Serializer // nil for JSON rows
	protoSchema string
}

func newClassicRows(r *http.Request, qs QueryStream) (classicRows, error) {
	cols := qs.Columns()
	c := classicRows{contentType: classicContentType(r), types: columnTypes(cols)}
	if !wantsProtobuf(r) || qs.IsPrint() {
		return c, nil
	}
	c.contentType = mediaKsqlV1Protobuf
	tcols := make([]types.Column, len(cols))
	for i, col := range cols {
		tcols[i] = types.Column{Name: col.Name, Type: col.Type}
	}
	var err error
	if c.protoSchema, c.proto, err = serde.QueryRowsProtobuf(tcols); err != nil {
		return c, fmt.Errorf("The result cannot be written in Protobuf: %w", err)
	}
	return c, nil
}

func (c classicRows) header(buf []byte, queryID, schema string) []byte {
	if c.proto != nil {
		return wire.AppendProtoQueryHeader(buf, queryID, schema, c.protoSchema)
	}
	return wire.AppendQueryHeader(buf, queryID, schema)
}

func (c classicRows) row(buf []byte, row Row) ([]byte, error) {
	if c.proto == nil {
		return wire.AppendStreamedRow(buf, row.Values, c.types, row.Tombstone), nil
	}
	msg, err := c.proto.Serialize("", row.Values)
	if err != nil {
		return buf, err
	}
	return wire.AppendProtoRow(buf, msg), nil
}

// pullWriteSize is how much of a pull query's answer is gathered before
// it is written.
const pullWriteSize = 64 << 10

// streamClassic writes the classic /query format.
func (h *handler) streamClassic(ctx context.Context, w http.ResponseWriter, qs QueryStream, rows classicRows) {
	w.Header().Set("Content-Type", rows.contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	f := newFlusher(w)

	pull, text := qs.IsPull(), qs.IsPrint()
	buf := make([]byte, 0, 1024)
	if !text {
		buf = append(buf, '[')
		buf = rows.header(buf, qs.ID(), schemaString(qs.Columns(), true))
		if !pull {
			buf = append(buf, ",\n"...)
		}
	} else if f.rc.Flush() != nil { // send the headers now
		return
	}
	if pull {
		h.writePull(ctx, w, qs, rows, buf)
		return
	}
	if !text && f.write(w, buf) != nil {
		return
	}

	next := pump(ctx, qs)
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
		case p, ok := <-next:
			if !ok {
				return
			}
			buf = buf[:0]
			if p.err == nil && !text {
				// A row that cannot be written ends the stream as an error.
				if buf, p.err = rows.row(buf, p.row); p.err != nil {
					buf = buf[:0]
				}
			}
			done := p.err != nil
			switch {
			case p.err == nil && text:
				buf = append(buf, p.row.Text...)
				buf = append(buf, '\n')
			case p.err == nil:
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
func (h *handler) writePull(ctx context.Context, w http.ResponseWriter, qs QueryStream, rows classicRows, buf []byte) {
	for {
		row, err := safeNext(ctx, qs)
		if err == nil {
			mark := len(buf)
			buf = append(buf, ",\n"...)
			if buf, err = rows.row(buf, row); err != nil {
				buf = buf[:mark] // the error takes the row's place
			}
		}
		switch {
		case err == nil:
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
