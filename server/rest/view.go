package rest

import (
	"context"
	"net/http"

	"github.com/eddysql/eddy/server/wire"
)

// ViewBackend is a Backend that answers the pull-query reads other servers
// of its service id forward to it.
type ViewBackend interface {
	ViewRows(ctx context.Context, req wire.ViewRowsRequest) ([]byte, error)
}

// viewRows serves POST /internal/view-rows: rows in the engine's binary
// form, or an error body.
func viewRows(b ViewBackend) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req wire.ViewRowsRequest
		if werr := decodeBody(w, r, &req); werr != nil {
			writeError(w, werr)
			return
		}
		rows, err := b.ViewRows(r.Context(), req)
		if err != nil {
			writeError(w, err)
			return
		}
		writeRaw(w, http.StatusOK, "application/octet-stream", rows)
	}
}
