package rest

import (
	"net/http"

	"github.com/eddysql/eddy/server/wire"
)

// info serves GET /info: {"KsqlServerInfo":{"version","kafkaClusterId",
// "ksqlServiceId","serverStatus"}}.
func (h *handler) info(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, wire.ServerInfoResponse{KsqlServerInfo: h.b.Info()})
}

// healthcheck serves GET /healthcheck: 200 when healthy, else 503, with
// {"isHealthy","details":{...},"serverState"}.
func (h *handler) healthcheck(w http.ResponseWriter, r *http.Request) {
	hs := h.b.Health()
	if hs.Details == nil {
		hs.Details = map[string]wire.HealthDetail{}
	}
	status := http.StatusOK
	if !hs.IsHealthy {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, hs)
}

// clusterStatus serves GET /clusterStatus. Eddy reports the host that was
// asked as the one live host; heartbeats between nodes are not tracked.
func (h *handler) clusterStatus(w http.ResponseWriter, r *http.Request) {
	now := h.cfg.now().UnixMilli()
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	writeJSON(w, http.StatusOK, wire.ClusterStatus{ClusterStatus: map[string]wire.HostStatus{
		host: {
			HostAlive:             true,
			LastStatusUpdateMs:    now,
			ActiveStandbyPerQuery: map[string]any{},
			HostStoreLags:         wire.HostStoreLags{StateStoreLags: map[string]any{}, UpdateTimeMs: now},
		},
	}})
}

// isValidProperty serves GET /is_valid_property/{name}: `true`, or the
// backend's error (400 / 40000 when it is not a *wire.Error).
func (h *handler) isValidProperty(w http.ResponseWriter, r *http.Request) {
	name := pathParam(r, "name")
	if err := h.b.IsValidProperty(name); err != nil {
		we := wire.AsError(err)
		if we.Code == wire.CodeServerError && we.Err != nil { // a plain error: a refusal
			we = wire.BadRequest(err.Error())
		}
		writeError(w, we)
		return
	}
	writeRaw(w, http.StatusOK, mediaJSON, []byte("true"))
}
