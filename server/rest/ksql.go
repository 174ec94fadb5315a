package rest

import (
	"net/http"
	"strings"

	"github.com/eddysql/eddy/server/wire"
)

// ksql serves POST /ksql: body {"ksql","streamsProperties",
// "sessionVariables","commandSequenceNumber"}; 200 with a JSON array of
// entities, or an error body. SELECT and PRINT are refused by the backend
// (wire.QueryEndpoint, 40002).
func (h *handler) ksql(w http.ResponseWriter, r *http.Request) {
	req, werr := decodeKsqlRequest(w, r)
	if werr != nil {
		writeError(w, werr)
		return
	}
	entities, err := h.b.Execute(r.Context(), req)
	if err != nil {
		writeError(w, err)
		return
	}
	body, err := wire.AppendEntities(make([]byte, 0, 512), entities)
	if err != nil {
		writeError(w, wire.ServerError("failed to encode response: "+err.Error()))
		return
	}
	writeRaw(w, http.StatusOK, classicContentType(r), body)
}

// decodeKsqlRequest reads the body shared by /ksql and /query.
func decodeKsqlRequest(w http.ResponseWriter, r *http.Request) (StatementRequest, *wire.Error) {
	var body wire.KsqlRequest
	if werr := decodeBody(w, r, &body); werr != nil {
		return StatementRequest{}, werr
	}
	if strings.TrimSpace(body.KSQL) == "" {
		return StatementRequest{}, wire.BadRequest(`"ksql" field must be populated`)
	}
	return StatementRequest{
		KSQL:                  body.KSQL,
		StreamsProperties:     body.StreamsProperties,
		SessionVariables:      body.SessionVariables,
		CommandSequenceNumber: body.CommandSequenceNumber,
	}, nil
}
