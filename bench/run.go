package main

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"
)

// result is one row of the report.
type result struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	SQL    string `json:"sql,omitempty"`
	Status string `json:"status"` // ok, failed, timeout
	Error  string `json:"error,omitempty"`

	Events          int64   `json:"events,omitempty"`
	InputBytes      int64   `json:"input_bytes,omitempty"`
	OutputRecords   int64   `json:"output_records,omitempty"`
	StartupSec      float64 `json:"startup_sec,omitempty"`
	WallSec         float64 `json:"wall_sec,omitempty"`
	CPUSec          float64 `json:"cpu_sec,omitempty"`
	EventsPerSec    float64 `json:"events_per_sec,omitempty"`
	EventsPerCPUSec float64 `json:"events_per_cpu_sec,omitempty"`
	MBPerSec        float64 `json:"mb_per_sec,omitempty"`
	PeakRSSMB       float64 `json:"peak_rss_mb,omitempty"`
	MaxRSSMB        float64 `json:"ru_maxrss_mb,omitempty"`

	Ceiling         string  `json:"ceiling,omitempty"`
	CeilingPerCPU   float64 `json:"ceiling_events_per_cpu_sec,omitempty"`
	PctOfCeiling    float64 `json:"pct_of_ceiling,omitempty"`
	Target          string  `json:"target,omitempty"`
	Met             *bool   `json:"met,omitempty"`
	LatencyRate     int     `json:"latency_rate_per_sec,omitempty"`
	LatencySamples  int     `json:"latency_samples,omitempty"`
	LatencyP50Ms    float64 `json:"latency_p50_ms,omitempty"`
	LatencyP99Ms    float64 `json:"latency_p99_ms,omitempty"`
	PullClients     int     `json:"pull_clients,omitempty"`
	PullQPS         float64 `json:"pull_qps,omitempty"`
	PullP50Ms       float64 `json:"pull_p50_ms,omitempty"`
	PullP99Ms       float64 `json:"pull_p99_ms,omitempty"`
	PullErrors      int     `json:"pull_errors,omitempty"`
	PullRowsPerResp float64 `json:"pull_rows_per_response,omitempty"`
	// PullWarmupMs is the first pull query on the table, which builds the
	// server's view of it; the measured queries come after it.
	PullWarmupMs float64 `json:"pull_warmup_ms,omitempty"`
}

// meter measures one drain, from the request that creates the query (or
// the start of a ceiling loop) to the last input offset committed: start-up
// (planning, topic creation, group join) is included, and reported apart
// as the time until the group is first seen stable.
type meter struct {
	start sample
}

func (m *meter) finish(r *result, total, totalBytes int64) {
	end := now()
	r.Events = total
	r.InputBytes = totalBytes
	wall := end.wall.Sub(m.start.wall).Seconds()
	cpu := (end.cpu - m.start.cpu).Seconds()
	r.WallSec, r.CPUSec = wall, cpu
	if wall > 0 {
		r.EventsPerSec = float64(r.Events) / wall
		r.MBPerSec = float64(r.InputBytes) / wall / 1e6
	}
	if cpu > 0 {
		r.EventsPerCPUSec = float64(r.Events) / cpu
	}
	r.PeakRSSMB = float64(peakRSS()) / 1e6
	r.MaxRSSMB = float64(end.maxRSS) / 1e6
}

// runQuery creates the sources and the query of a spec and waits for the
// query to drain its inputs.
func (b *bench) runQuery(ctx context.Context, q querySpec) (res result, queryID string) {
	res = result{ID: q.ID, Name: q.Name, SQL: strings.TrimSpace(q.Query), Ceiling: q.Ceiling}
	var total, totalBytes int64
	for _, in := range q.Inputs {
		total += b.counts[in]
		totalBytes += b.bytes[in]
	}
	resetPeakRSS()
	m := &meter{start: now()}
	ents, err := b.env.ksql(ctx, q.statements("bid"))
	if err != nil {
		res.Status, res.Error = "failed", err.Error()
		return res, ""
	}
	queryID = queryID_(ents)
	if queryID == "" {
		res.Status, res.Error = "failed", fmt.Sprintf("no query id in %+v", ents)
		return res, ""
	}
	group := appID(queryID)
	deadline := time.Now().Add(b.timeout)
	for {
		done, err := b.env.drained(ctx, group, q.Inputs)
		if err != nil {
			res.Status, res.Error = "failed", err.Error()
			return res, queryID
		}
		if done {
			break
		}
		if res.StartupSec == 0 && b.env.stable(ctx, group) {
			res.StartupSec = time.Since(m.start.wall).Seconds()
		}
		if time.Now().After(deadline) {
			c := b.committed(ctx, group, q.Inputs)
			res.Status = "timeout"
			res.Error = fmt.Sprintf("not drained after %s: %d of %d input records committed", b.timeout, c, total)
			m.finish(&res, c, totalBytes*c/max(total, 1))
			res.OutputRecords = b.env.topicSize(ctx, q.Sink)
			return res, queryID
		}
		time.Sleep(b.poll)
	}
	m.finish(&res, total, totalBytes)
	res.Status = "ok"
	res.OutputRecords = b.env.topicSize(ctx, q.Sink)
	return res, queryID
}

func queryID_(ents []ksqlEntity) string { return queryID(ents) }

// committed sums the group's committed offsets on the inputs.
func (b *bench) committed(ctx context.Context, group string, inputs []string) int64 {
	off, err := b.env.adm.FetchOffsets(ctx, group)
	if err != nil {
		return 0
	}
	var n int64
	for _, in := range inputs {
		for _, o := range off[in] {
			if o.At > 0 {
				n += o.At
			}
		}
	}
	return n
}

// terminate ends a benchmark's query and drops its sink with its topic
// (TERMINATE removes the internal topics), so that the records it wrote
// do not weigh on the next benchmark: the broker runs in this process.
func (b *bench) terminate(ctx context.Context, q querySpec, queryID string) {
	if queryID == "" {
		return
	}
	if _, err := b.env.ksql(ctx, "TERMINATE "+queryID+";"); err != nil {
		log.Printf("terminate %s: %v", queryID, err)
		return
	}
	kind := "STREAM"
	if strings.HasPrefix(strings.TrimSpace(q.Query), "CREATE TABLE") {
		kind = "TABLE"
	}
	if _, err := b.env.ksql(ctx, "DROP "+kind+" "+strings.ToLower(q.ID)+" DELETE TOPIC;"); err != nil {
		log.Printf("dropping %s: %v", q.ID, err)
	}
}
