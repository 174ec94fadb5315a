package rest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/eddysql/eddy/server/wire"
)

// Media types.
const (
	mediaJSON   = "application/json"
	mediaKsqlV1 = "application/vnd.ksql.v1+json"
	// mediaKsqlV1Protobuf asks /query for rows as Protobuf messages.
	mediaKsqlV1Protobuf = "application/vnd.ksql.v1+protobuf"
	mediaDelimited      = "application/vnd.ksqlapi.delimited.v1"
)

// maxBodyBytes bounds the JSON bodies of the statement endpoints.
const maxBodyBytes = 32 << 20

// writeRaw writes a complete response body with the given status.
func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeJSON marshals v (without HTML escaping) and writes it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := wire.Marshal(v)
	if err != nil {
		writeError(w, wire.ServerError("failed to encode response: "+err.Error()))
		return
	}
	writeRaw(w, status, mediaJSON, b)
}

// writeError writes err as a ksqlDB error body with status code/100; errors
// that are not *wire.Error become 50000.
func writeError(w http.ResponseWriter, err error) {
	we := wire.AsError(err)
	writeRaw(w, we.HTTPStatus(), mediaJSON, wire.AppendErrorBody(nil, we))
}

// decodeBody decodes a JSON object request body into v, numbers as
// json.Number. An empty or malformed body is a 40000 error.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) *wire.Error {
	body := http.MaxBytesReader(w, r.Body, maxBodyBytes)
	dec := json.NewDecoder(body)
	dec.UseNumber()
	err := dec.Decode(v)
	// Read the body to its end: the HTTP/1.1 server watches for the client
	// going away (cancelling r.Context()) only once the body is consumed.
	_, _ = io.Copy(io.Discard, body)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return wire.BadRequest("Invalid JSON in request: the request body is empty")
		}
		return wire.BadRequest("Invalid JSON in request: " + err.Error())
	}
	return nil
}

// acceptedTypes lists the media types of an Accept header in order, without
// parameters.
func acceptedTypes(r *http.Request) []string {
	var out []string
	for _, h := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(h, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				mt = strings.ToLower(strings.TrimSpace(part))
			}
			if mt != "" {
				out = append(out, mt)
			}
		}
	}
	return out
}

// wantsDelimited tells whether /query should answer in the /query-stream
// delimited format: the first Accept type Eddy knows decides; no Accept,
// application/json and application/vnd.ksql.v1+json mean the classic format,
// application/vnd.ksqlapi.delimited.v1 and */* the delimited one.
func wantsDelimited(r *http.Request) bool {
	for _, mt := range acceptedTypes(r) {
		switch mt {
		case mediaJSON, mediaKsqlV1, mediaKsqlV1Protobuf:
			return false
		case mediaDelimited, "*/*":
			return true
		}
	}
	return false
}

// wantsJSONArray tells whether /query-stream should answer as one JSON
// array (Accept: application/json before any delimited type) rather than
// the default delimited lines.
func wantsJSONArray(r *http.Request) bool {
	for _, mt := range acceptedTypes(r) {
		switch mt {
		case mediaJSON:
			return true
		case mediaDelimited, "*/*":
			return false
		}
	}
	return false
}

// classicContentType is the Content-Type of a classic JSON answer: the
// ksqlDB v1 type when the client asked for it, else application/json.
func classicContentType(r *http.Request) string {
	for _, mt := range acceptedTypes(r) {
		switch mt {
		case mediaKsqlV1, mediaJSON:
			return mt
		}
	}
	return mediaJSON
}

// wantsProtobuf tells whether a /query client asked for rows as Protobuf
// messages (application/vnd.ksql.v1+protobuf) before any JSON type.
func wantsProtobuf(r *http.Request) bool {
	for _, mt := range acceptedTypes(r) {
		switch mt {
		case mediaKsqlV1Protobuf:
			return true
		case mediaKsqlV1, mediaJSON:
			return false
		}
	}
	return false
}

// flusher flushes a response after each written unit.
type flusher struct{ rc *http.ResponseController }

func newFlusher(w http.ResponseWriter) flusher {
	return flusher{rc: http.NewResponseController(w)}
}

// write writes b and flushes it; it reports a failed write (client gone).
func (f flusher) write(w http.ResponseWriter, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return err
	}
	return f.rc.Flush()
}
