package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pullTimeout bounds one pull query, and so the B8 phase.
const pullTimeout = 30 * time.Second

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// pullModes are the consistencies B8 measures: the default, ksqlDB's (the
// restored view answers at once, no bound on the offset lag), and
// read-your-writes (lag 0: the view first reads up to end offsets listed
// after each query arrived).
var pullModes = []struct {
	id, name string
	props    map[string]any
}{
	{"B8", "pull query on B3's table, key + WINDOWSTART range (default consistency, as ksqlDB's)", map[string]any{}},
	{"B8-ryw", "the same, read-your-writes (ksql.query.pull.max.allowed.offset.lag 0)",
		map[string]any{"ksql.query.pull.max.allowed.offset.lag": 0}},
}

// runPull measures pull queries on B3's windowed table over HTTP (/query):
// a key lookup with WINDOWSTART bounds, from clients concurrent clients
// for dur, with the properties of pullModes[mode].
func (b *bench) runPull(ctx context.Context, mode, clients int, dur time.Duration) (res result) {
	m := pullModes[mode]
	res = result{ID: fmt.Sprintf("%s (%d client%s)", m.id, clients, map[bool]string{true: "s"}[clients > 1]),
		Name: m.name, PullClients: clients, Status: "ok"}
	res.SQL = "SELECT * FROM b3 WHERE auction_key = '<k>' AND WINDOWSTART >= <t> AND WINDOWSTART < <t + 60 s>;"
	span := b.sizes.SpanMs
	query := func(r *rand.Rand) string {
		key := 1000 + r.IntN(max(b.sizes.Auctions, 1))
		t := baseTime + r.Int64N(max(span-60_000, 1))
		return fmt.Sprintf("SELECT * FROM b3 WHERE auction_key = '%d' AND WINDOWSTART >= %d AND WINDOWSTART < %d;", key, t, t+60_000)
	}
	var (
		mu      sync.Mutex
		lats    []time.Duration
		errs    int
		rows    int
		lastErr string
	)
	resetPeakRSS()
	defer func() { res.PeakRSSMB = float64(peakRSS()) / 1e6 }()
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for time.Now().Before(deadline) {
				t0 := time.Now()
				n, err := b.pull(ctx, query(r), m.props)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs++
					lastErr = err.Error()
				} else {
					lats = append(lats, d)
					rows += n
				}
				mu.Unlock()
				if err != nil && errs > 20 {
					return
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start).Seconds()
	res.PullErrors = errs
	if len(lats) == 0 {
		res.Status, res.Error = "failed", fmt.Sprintf("%d of %d requests failed, last: %s", errs, errs, lastErr)
		if strings.Contains(lastErr, "deadline exceeded") {
			res.Status, res.Error = "timeout", fmt.Sprintf("all %d requests exceeded the %s per-request timeout", errs, pullTimeout)
		}
		return res
	}
	if errs > 0 {
		res.Error = fmt.Sprintf("%d errors, last: %s", errs, lastErr)
	}
	res.PullQPS = float64(len(lats)) / wall
	res.PullRowsPerResp = float64(rows) / float64(len(lats))
	res.PullP50Ms = percentile(lats, 0.50)
	res.PullP99Ms = percentile(lats, 0.99)
	res.Events = int64(len(lats))
	return res
}

// pull runs one pull query and returns the number of rows.
func (b *bench) pull(ctx context.Context, sql string, props map[string]any) (int, error) {
	body, _ := json.Marshal(map[string]any{"ksql": sql, "streamsProperties": props})
	rctx, cancel := context.WithTimeout(ctx, pullTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(rctx, http.MethodPost, b.env.base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	resp, err := b.env.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d: %s", resp.StatusCode, oneLine(string(out)))
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(out, &items); err != nil {
		return 0, fmt.Errorf("decoding %s: %w", oneLine(string(out)), err)
	}
	n := 0
	for _, it := range items {
		if _, ok := it["row"]; ok {
			n++
		}
		if m, ok := it["errorMessage"]; ok {
			return n, fmt.Errorf("%s", oneLine(string(m)))
		}
	}
	return n, nil
}
