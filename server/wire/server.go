package wire

// ServerInfo is the server description of GET /info.
type ServerInfo struct {
	Version        string `json:"version"`
	KafkaClusterID string `json:"kafkaClusterId"`
	KsqlServiceID  string `json:"ksqlServiceId"`
	ServerStatus   string `json:"serverStatus"` // RUNNING, ERROR, TERMINATED
}

// ServerInfoResponse is the body of GET /info: {"KsqlServerInfo":{...}}.
type ServerInfoResponse struct {
	KsqlServerInfo ServerInfo `json:"KsqlServerInfo"`
}

// Server states of HealthStatus.ServerState.
const (
	ServerStateReady        = "READY"
	ServerStateInitializing = "INITIALIZING"
	ServerStateShuttingDown = "SHUTTING_DOWN"
)

// HealthDetail is one checked subsystem of GET /healthcheck.
type HealthDetail struct {
	IsHealthy bool `json:"isHealthy"`
}

// HealthStatus is the body of GET /healthcheck, e.g.
// {"isHealthy":true,"details":{"metastore":{"isHealthy":true},"kafka":{...},
// "commandRunner":{...}},"serverState":"READY"}.
type HealthStatus struct {
	IsHealthy   bool                    `json:"isHealthy"`
	Details     map[string]HealthDetail `json:"details"`
	ServerState string                  `json:"serverState,omitempty"`
}

// CommandStatuses is the body of GET /status: commandId -> status.
type CommandStatuses struct {
	CommandStatuses map[string]string `json:"commandStatuses"`
}

// HostStoreLags is the store lag report of one host in GET /clusterStatus.
type HostStoreLags struct {
	StateStoreLags map[string]any `json:"stateStoreLags"`
	UpdateTimeMs   int64          `json:"updateTimeMs"`
}

// HostStatus is one host in GET /clusterStatus.
type HostStatus struct {
	HostAlive             bool           `json:"hostAlive"`
	LastStatusUpdateMs    int64          `json:"lastStatusUpdateMs"`
	ActiveStandbyPerQuery map[string]any `json:"activeStandbyPerQuery"`
	HostStoreLags         HostStoreLags  `json:"hostStoreLags"`
}

// ClusterStatus is the body of GET /clusterStatus: "host:port" -> status.
type ClusterStatus struct {
	ClusterStatus map[string]HostStatus `json:"clusterStatus"`
}

// KsqlRequest is the body of POST /ksql and POST /query.
type KsqlRequest struct {
	KSQL                  string         `json:"ksql"`
	StreamsProperties     map[string]any `json:"streamsProperties,omitempty"`
	SessionVariables      map[string]any `json:"sessionVariables,omitempty"`
	CommandSequenceNumber *int64         `json:"commandSequenceNumber,omitempty"`
}

// QueryStreamArgs is the body of POST /query-stream.
type QueryStreamArgs struct {
	SQL              string         `json:"sql"`
	Properties       map[string]any `json:"properties,omitempty"`
	SessionVariables map[string]any `json:"sessionVariables,omitempty"`
}

// CloseQueryArgs is the body of POST /close-query.
type CloseQueryArgs struct {
	QueryID string `json:"queryId"`
}

// InsertsStreamArgs is the first line of a POST /inserts-stream body.
type InsertsStreamArgs struct {
	Target     string         `json:"target"`
	Properties map[string]any `json:"properties,omitempty"`
}
