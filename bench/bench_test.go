package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestQuickSmoke runs the -quick path end to end. Performance is measured
// by `go run ./bench`, never by tests; this only checks that the program
// still works, and is skipped unless EDDY_BENCH_SMOKE=1 so CI isn't slowed.
func TestQuickSmoke(t *testing.T) {
	if os.Getenv("EDDY_BENCH_SMOKE") != "1" {
		t.Skip("set EDDY_BENCH_SMOKE=1 to run the benchmark program's -quick smoke test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := run(ctx, options{quick: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Ceilings) != 3 {
		t.Errorf("%d ceilings, want 3", len(rep.Ceilings))
	}
	ids := map[string]bool{}
	for _, r := range rep.Results {
		ids[r.ID] = true
		if r.Status == "ok" && r.PullClients == 0 && r.LatencyRate == 0 && r.Events == 0 {
			t.Errorf("%s: ok without events", r.ID)
		}
	}
	for _, id := range []string{"B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8 (1 client)", "B8 (16 clients)", "B8-ryw (1 client)", "B8-ryw (16 clients)", "B0-latency"} {
		if !ids[id] {
			t.Errorf("no result for %s", id)
		}
	}
	md := markdown(rep, "")
	for _, want := range []string{"| B0 |", "| C1 |", "Cores"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
