package rest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/eddysql/eddy/server/wire"
)

// statusAll serves GET /status: {"commandStatuses":{"<commandId>":"SUCCESS"}}.
func (h *handler) statusAll(w http.ResponseWriter, r *http.Request) {
	st := h.b.Status()
	if st == nil {
		st = map[string]string{}
	}
	writeJSON(w, http.StatusOK, wire.CommandStatuses{CommandStatuses: st})
}

// statusOne serves GET /status/{type}/{entity}/{action}, e.g.
// /status/stream/`PAGEVIEWS`/create: {"status","message","queryId"}, or
// 404 / 40400 for an unknown command.
func (h *handler) statusOne(w http.ResponseWriter, r *http.Request) {
	id := strings.Join([]string{pathParam(r, "type"), pathParam(r, "entity"), pathParam(r, "action")}, "/")
	cs, ok := h.b.CommandStatus(id)
	if !ok {
		writeError(w, wire.NotFound("Command not found: "+id))
		return
	}
	writeJSON(w, http.StatusOK, cs)
}

// closeQuery serves POST /close-query {"queryId"}: 200 with an empty body,
// or the backend's error (400 / 40000 for an unknown id).
func (h *handler) closeQuery(w http.ResponseWriter, r *http.Request) {
	var args wire.CloseQueryArgs
	if werr := decodeBody(w, r, &args); werr != nil {
		writeError(w, werr)
		return
	}
	if strings.TrimSpace(args.QueryID) == "" {
		writeError(w, wire.BadRequest("No queryId in arguments"))
		return
	}
	if err := h.b.CloseQuery(args.QueryID); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// pathParam returns a URL parameter, percent-decoded (chi matches on the
// raw path when the request has one, e.g. for backquotes sent as %60).
func pathParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}
