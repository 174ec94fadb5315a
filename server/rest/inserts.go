package rest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/eddysql/eddy/server/wire"
)

// insertsStream serves POST /inserts-stream: the body is a first JSON object
// {"target":"S","properties":{}} then one JSON object per row (newline
// separated, or simply one after the other). Each row is handed to
// Backend.Insert as it arrives and acknowledged on its own line, flushed:
// {"status":"ok","seq":N}, or the error body with "status":"error" and the
// row's seq (a row that fails does not end the stream; malformed JSON
// does). Rows are numbered from 0. The response ends when the request body
// does. Over HTTP/1.1 the exchange is full duplex.
func (h *handler) insertsStream(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	var args wire.InsertsStreamArgs
	if err := dec.Decode(&args); err != nil {
		if errors.Is(err, io.EOF) {
			writeError(w, wire.BadRequest("Invalid JSON in inserts stream: the request body is empty"))
			return
		}
		writeError(w, wire.BadRequest("Invalid JSON in inserts stream: "+err.Error()))
		return
	}
	if strings.TrimSpace(args.Target) == "" {
		writeError(w, wire.BadRequest("No target in arguments"))
		return
	}

	rc := http.NewResponseController(w)
	if r.ProtoMajor == 1 {
		_ = rc.EnableFullDuplex()
	}
	// Accept: application/json (the ksqldb-client npm package) gets the
	// acks as the elements of one JSON array, still one write per row.
	asArray := wantsJSONArray(r)
	if asArray {
		w.Header().Set("Content-Type", mediaJSON)
	} else {
		w.Header().Set("Content-Type", mediaDelimited)
	}
	w.WriteHeader(http.StatusOK)
	f := newFlusher(w)
	if asArray {
		if f.write(w, []byte("[")) != nil {
			return
		}
		defer func() { _ = f.write(w, []byte("]")) }()
	}
	if rc.Flush() != nil {
		return
	}
	sep := func(seq int64) []byte {
		switch {
		case !asArray:
			return []byte{'\n'}
		case seq == 0:
			return nil
		}
		return []byte{','}
	}

	ctx := r.Context()
	buf := make([]byte, 0, 128)
	for seq := int64(0); ; seq++ {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) || ctx.Err() != nil {
			return
		}
		buf = buf[:0]
		if err != nil {
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
				buf = wire.AppendInsertError(buf, seq, wire.BadRequest("Invalid JSON in inserts stream: "+err.Error()))
				_ = f.write(w, withSep(buf, sep(seq), asArray))
			}
			return // malformed JSON or a broken body: the stream cannot go on
		}
		row, ok := v.(map[string]any)
		if !ok {
			buf = wire.AppendInsertError(buf, seq, wire.BadRequest("Invalid JSON in inserts stream: a row must be a JSON object"))
		} else if err := h.b.Insert(ctx, args.Target, row); err != nil {
			if ctx.Err() != nil {
				return
			}
			buf = wire.AppendInsertError(buf, seq, wire.AsError(err))
		} else {
			buf = wire.AppendInsertAck(buf, seq)
		}
		if f.write(w, withSep(buf, sep(seq), asArray)) != nil {
			return
		}
	}
}

// withSep places a separator: after the element in the delimited form,
// before it in the array form.
func withSep(elem, sep []byte, before bool) []byte {
	if before {
		return append(append([]byte(nil), sep...), elem...)
	}
	return append(elem, sep...)
}
