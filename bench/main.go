// Command bench measures Eddy end to end (issue 8): it starts an
// in-process kfake broker and a real Eddy server on it, pre-loads
// Nexmark-style JSON topics, creates each benchmark query over the REST
// API and measures how fast it drains the backlog, next to hand-written
// franz-go ceilings run in the same process on the same broker.
//
//	go run ./bench [-quick] [-out docs/benchmarks.md] [-json bench/results.json] [-cpuprofile f] [-only B3,B5]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"time"
)

type bench struct {
	env      *env
	sizes    sizes
	stateDir string
	timeout  time.Duration
	poll     time.Duration
	counts   map[string]int64
	bytes    map[string]int64
}

// report is the JSON output.
type report struct {
	Machine  machine  `json:"machine"`
	Quick    bool     `json:"quick"`
	Sizes    sizes    `json:"sizes"`
	Topics   []topic  `json:"topics"`
	Results  []result `json:"results"`
	Ceilings []result `json:"ceilings"`
	TotalSec float64  `json:"total_sec"`
	Profile  string   `json:"cpu_profile,omitempty"`
}

type topic struct {
	Name    string  `json:"name"`
	Records int64   `json:"records"`
	MB      float64 `json:"mb"`
	AvgB    int64   `json:"avg_bytes"`
}

func main() {
	quick := flag.Bool("quick", false, "small inputs (a few seconds in all), for smoke tests")
	out := flag.String("out", "", "write the Markdown report to this file (e.g. docs/benchmarks.md)")
	jsonOut := flag.String("json", "", "write the results as JSON to this file (e.g. bench/results.json)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured phases to this file")
	only := flag.String("only", "", "comma-separated benchmark ids to run (B0..B8, C1, C2, L); default all")
	findingsFile := flag.String("findings", "bench/findings.md", "Markdown appended to the report (profiling findings), if present")
	from := flag.String("from", "", "render the report from this results JSON instead of running")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var rep *report
	var err error
	if *from != "" {
		var b []byte
		if b, err = os.ReadFile(*from); err == nil {
			rep = &report{}
			err = json.Unmarshal(b, rep)
		}
	} else {
		rep, err = run(ctx, options{quick: *quick, cpuprofile: *cpuprofile, only: *only})
	}
	if err != nil {
		log.Fatal(err)
	}
	findings, _ := os.ReadFile(*findingsFile)
	md := markdown(rep, string(findings))
	fmt.Print(md)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

type options struct {
	quick      bool
	cpuprofile string
	only       string
}

func run(ctx context.Context, o options) (*report, error) {
	t0 := time.Now()
	dir, err := os.MkdirTemp("", "eddy-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	sz := sizes{Bids: 600_000, Persons: 60_000, Auctions: 90_000, SpanMs: 1_200_000}
	timeout := 120 * time.Second
	latRate, latDur, pullDur := 5000, 10*time.Second, 5*time.Second
	if o.quick {
		sz = sizes{Bids: 20_000, Persons: 2_000, Auctions: 3_000, SpanMs: 60_000}
		timeout = 30 * time.Second
		latRate, latDur, pullDur = 2000, time.Second, time.Second
	}
	want := func(id string) bool {
		if o.only == "" {
			return true
		}
		return slices.Contains(strings.Split(o.only, ","), id)
	}
	e, err := startEnv(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer e.close()
	b := &bench{env: e, sizes: sz, stateDir: dir, timeout: timeout, poll: 20 * time.Millisecond,
		counts: map[string]int64{}, bytes: map[string]int64{}}
	rep := &report{Machine: describeMachine(), Quick: o.quick, Sizes: sz}

	// Pre-load.
	g := newGen(sz)
	loads := []struct {
		name string
		n    int
		next func(int) record
	}{
		{"person", sz.Persons, g.person},
		{"auction", sz.Auctions, g.auction},
		{"bid", sz.Bids, func(i int) record { return g.bid(i, g.ts(i, sz.Bids)) }},
	}
	for _, l := range loads {
		if err := e.createTopic(ctx, l.name, 1); err != nil {
			return nil, fmt.Errorf("creating %s: %w", l.name, err)
		}
		nb, err := e.load(ctx, l.name, l.n, l.next)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", l.name, err)
		}
		b.counts[l.name], b.bytes[l.name] = int64(l.n), nb
		rep.Topics = append(rep.Topics, topic{Name: l.name, Records: int64(l.n), MB: float64(nb) / 1e6, AvgB: nb / int64(max(l.n, 1))})
		log.Printf("loaded %s: %d records, %.1f MB", l.name, l.n, float64(nb)/1e6)
	}

	if err := e.createTopic(ctx, "bid_live", 1); err != nil {
		return nil, err
	}

	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
		rep.Profile = o.cpuprofile
	}

	// Ceilings first, so that their numbers are at hand for the rows.
	ceil := map[string]result{}
	for _, c := range []struct {
		id              string
		stateful, tuned bool
	}{{"C1", false, false}, {"C2", true, false}, {"C2b", true, true}} {
		if !want(c.id) {
			continue
		}
		settle(30 * time.Second)
		r := b.runCeiling(ctx, c.id, c.stateful, c.tuned)
		log.Printf("%s: %s %.0f events/s, %.0f events/CPU-s %s", r.ID, r.Status, r.EventsPerSec, r.EventsPerCPUSec, r.Error)
		ceil[c.id] = r
		rep.Ceilings = append(rep.Ceilings, r)
	}

	for _, q := range specs() {
		if !want(q.ID) && !(q.ID == "B3" && want("B8")) {
			continue
		}
		if d := settle(90 * time.Second); d > time.Second {
			log.Printf("waited %.1fs for the process to go idle before %s", d.Seconds(), q.ID)
		}
		r, qid := b.runQuery(ctx, q)
		judge(&r, q, ceil)
		log.Printf("%s: %s %.0f events/s, %.0f events/CPU-s, startup %.2fs, out %d %s", r.ID, r.Status,
			r.EventsPerSec, r.EventsPerCPUSec, r.StartupSec, r.OutputRecords, r.Error)
		if want(q.ID) {
			rep.Results = append(rep.Results, r)
		}
		if q.ID == "B3" && want("B8") {
			// The first pull query on a table builds the server's view of
			// it from the table's topic; it is timed apart.
			t0 := time.Now()
			if _, err := b.pull(ctx, "SELECT * FROM b3 WHERE auction_key = '1000';", nil); err != nil {
				log.Printf("B8 warm-up: %v", err)
			}
			warmup := time.Since(t0)
			log.Printf("B8 warm-up (builds the view): %.2f s", warmup.Seconds())
			for mode := range pullModes {
				for _, n := range []int{1, 16} {
					pr := b.runPull(ctx, mode, n, pullDur)
					pr.PullWarmupMs = float64(warmup.Microseconds()) / 1000
					judgePull(&pr)
					log.Printf("%s: %s %.0f qps p50 %.2f ms p99 %.2f ms %s", pr.ID, pr.Status, pr.PullQPS, pr.PullP50Ms, pr.PullP99Ms, pr.Error)
					rep.Results = append(rep.Results, pr)
				}
			}
		}
		b.terminate(ctx, q, qid)
	}
	if want("L") || want("B0") {
		settle(30 * time.Second)
		r := b.runLatency(ctx, latRate, latDur)
		log.Printf("%s: %s p50 %.2f ms p99 %.2f ms (%d samples) %s", r.ID, r.Status, r.LatencyP50Ms, r.LatencyP99Ms, r.LatencySamples, r.Error)
		rep.Results = append(rep.Results, r)
	}
	rep.TotalSec = time.Since(t0).Seconds()
	return rep, nil
}

func judge(r *result, q querySpec, ceil map[string]result) {
	c, ok := ceil[q.Ceiling]
	if ok && c.Status == "ok" {
		r.CeilingPerCPU = c.EventsPerCPUSec
		if r.Status == "ok" && c.EventsPerCPUSec > 0 {
			r.PctOfCeiling = 100 * r.EventsPerCPUSec / c.EventsPerCPUSec
		}
	}
	r.Target = fmt.Sprintf(">= %s events/CPU-s", human(q.Target))
	if q.CeilingPct > 0 {
		r.Target += fmt.Sprintf(" and >= %.0f%% of ceiling", q.CeilingPct)
	}
	met := r.Status == "ok" && r.EventsPerCPUSec >= q.Target
	if q.CeilingPct > 0 {
		met = met && ok && r.PctOfCeiling >= q.CeilingPct
	}
	r.Met = &met
}

func judgePull(r *result) {
	r.Target = ">= 10,000 qps, p99 < 5 ms"
	met := r.Status == "ok" && r.PullErrors == 0 && r.PullQPS >= 10_000 && r.PullP99Ms < 5
	r.Met = &met
}
