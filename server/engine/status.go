package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/eddysql/eddy/server/wire"
)

// Pinger is implemented by runtimes that can check the broker.
type Pinger interface {
	Ping(ctx context.Context) error
}

// ClusterIDer is implemented by runtimes that know the Kafka cluster id.
type ClusterIDer interface {
	ClusterID(ctx context.Context) string
}

// Info answers GET /info.
func (e *Engine) Info() wire.ServerInfo {
	id := ""
	if c, ok := e.rt.(ClusterIDer); ok {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		id = c.ClusterID(ctx)
		cancel()
	}
	return wire.ServerInfo{Version: e.cfg.Version, KafkaClusterID: id, KsqlServiceID: e.cfg.ServiceID, ServerStatus: "RUNNING"}
}

// Health answers GET /healthcheck.
func (e *Engine) Health() wire.HealthStatus {
	kafka := true
	if p, ok := e.rt.(Pinger); ok {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		kafka = p.Ping(ctx) == nil
		cancel()
	}
	return wire.HealthStatus{
		IsHealthy: kafka,
		Details: map[string]wire.HealthDetail{
			"metastore": {IsHealthy: true}, "kafka": {IsHealthy: kafka}, "commandRunner": {IsHealthy: true},
		},
		ServerState: wire.ServerStateReady,
	}
}

// Status answers GET /status.
func (e *Engine) Status() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]string, len(e.statuses))
	for id, st := range e.statuses {
		out[id] = st.status
	}
	return out
}

// CommandStatus answers GET /status/{type}/{entity}/{action}.
func (e *Engine) CommandStatus(commandID string) (wire.CommandStatus, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st, ok := e.statuses[commandID]
	if !ok {
		return wire.CommandStatus{}, false
	}
	return wire.CommandStatus{Status: st.status, Message: st.message, QueryID: wire.NullString(st.queryID)}, true
}

// knownPrefixes are the property namespaces a client may set.
var knownPrefixes = []string{"ksql.", "auto.offset.reset", "processing.guarantee", "cache.max.bytes.buffering",
	"commit.interval.ms", "num.stream.threads", "producer.", "consumer.", "buffered.records.per.partition"}

// IsValidProperty answers GET /is_valid_property/{name}.
func (e *Engine) IsValidProperty(name string) error {
	for _, p := range knownPrefixes {
		if strings.HasPrefix(name, p) {
			return nil
		}
	}
	return wire.BadRequest(fmt.Sprintf("Not recognizable as ksql, streams, consumer, or producer property: '%s'", name))
}
