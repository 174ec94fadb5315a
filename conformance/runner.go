package conformance

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Status of a case after a run.
type Status string

// Statuses.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Skip reasons decided by the runner itself.
const (
	SkipDisabled = "disabled in corpus"
)

// Result is the result of one case.
type Result struct {
	Case     *Case
	Status   Status
	Message  string   // skip reason, or the first difference / error of a failure
	Warnings []string // post.topics warnings (do not fail the case)
	Duration time.Duration
}

// RunOptions control a run.
type RunOptions struct {
	Workers int           // parallel cases; <= 0 means GOMAXPROCS
	Timeout time.Duration // per case; <= 0 means 30s
}

var srFormatRE = regexp.MustCompile(`(?i)\b(?:KEY_|VALUE_)?FORMAT\s*=\s*'(?:AVRO|PROTOBUF|JSON_SR)'`)

func isSRFormat(s string) bool {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "AVRO", "PROTOBUF", "JSON_SR":
		return true
	}
	return false
}

// NeedsSchemaRegistry reports whether a case uses AVRO, PROTOBUF or JSON_SR
// (PROTOBUF_NOSR does not count): in a FORMAT/KEY_FORMAT/VALUE_FORMAT
// property of a statement (after substitution), in a config property value,
// or as a topic's key/value format.
func NeedsSchemaRegistry(c *Case) bool {
	for _, s := range c.Statements {
		if srFormatRE.MatchString(s) {
			return true
		}
	}
	for _, v := range c.Properties {
		if s, ok := v.(string); ok && isSRFormat(s) {
			return true
		}
	}
	for _, t := range c.Topics {
		if isSRFormat(t.KeyFormat) || isSRFormat(t.ValueFormat) {
			return true
		}
	}
	return false
}

// PreSkip returns why the runner skips a case without running it ("" = run):
// only cases the corpus disables. (Cases that need a schema registry run:
// both drivers give each case an in-memory one.)
func PreSkip(c *Case) string {
	if !c.Enabled {
		return SkipDisabled
	}
	return ""
}

// RunQTT runs QTT cases through d and checks them. Results are in case order.
func RunQTT(ctx context.Context, cases []*Case, d Driver, opts RunOptions) []Result {
	return runAll(ctx, cases, opts, func(ctx context.Context, c *Case) Result {
		o, err := d.Run(ctx, c)
		if err != nil {
			return Result{Status: Failed, Message: "driver: " + err.Error()}
		}
		if o == nil {
			return Result{Status: Failed, Message: "driver returned no outcome"}
		}
		if o.Skip != "" {
			return Result{Status: Skipped, Message: o.Skip}
		}
		v := Check(c, o)
		if !v.Pass() {
			return Result{Status: Failed, Message: v.Diff, Warnings: v.Warnings}
		}
		return Result{Status: Passed, Warnings: v.Warnings}
	})
}

// RunRQTT runs RQTT cases through d and checks them. Results are in case order.
func RunRQTT(ctx context.Context, cases []*Case, d RESTDriver, opts RunOptions) []Result {
	return runAll(ctx, cases, opts, func(ctx context.Context, c *Case) Result {
		o, err := d.Run(ctx, c)
		if err != nil {
			return Result{Status: Failed, Message: "driver: " + err.Error()}
		}
		if o == nil {
			return Result{Status: Failed, Message: "driver returned no outcome"}
		}
		if o.Skip != "" {
			return Result{Status: Skipped, Message: o.Skip}
		}
		v := CheckREST(c, o)
		if !v.Pass() {
			return Result{Status: Failed, Message: v.Diff}
		}
		return Result{Status: Passed}
	})
}

func runAll(ctx context.Context, cases []*Case, opts RunOptions, fn func(context.Context, *Case) Result) []Result {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	results := make([]Result, len(cases))
	idx := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				c := cases[i]
				if reason := PreSkip(c); reason != "" {
					results[i] = Result{Case: c, Status: Skipped, Message: reason}
					continue
				}
				start := time.Now()
				r := runOne(ctx, c, timeout, fn)
				r.Case = c
				r.Duration = time.Since(start)
				results[i] = r
			}
		}()
	}
	for i := range cases {
		idx <- i
	}
	close(idx)
	wg.Wait()
	return results
}

// runOne runs fn with a deadline, turning panics into failures. A driver that
// ignores its context is abandoned after the timeout (its goroutine leaks, but
// the run continues).
func runOne(ctx context.Context, c *Case, timeout time.Duration, fn func(context.Context, *Case) Result) Result {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch := make(chan Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- Result{Status: Failed, Message: fmt.Sprintf("panic: %v\n%s", p, panicStack(debug.Stack(), 10))}
			}
		}()
		ch <- fn(cctx, c)
	}()
	select {
	case r := <-ch:
		if r.Status == Failed && cctx.Err() == context.DeadlineExceeded {
			r.Message = fmt.Sprintf("timed out after %v: %s", timeout, r.Message)
		}
		return r
	case <-cctx.Done():
		if ctx.Err() != nil {
			return Result{Status: Failed, Message: "run cancelled: " + ctx.Err().Error()}
		}
		return Result{Status: Failed, Message: fmt.Sprintf("timed out after %v", timeout)}
	}
}

// panicStack returns up to n lines of a debug.Stack() trace starting at the
// frame that panicked (after the runtime's panic frames).
func panicStack(stack []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(stack), "\n"), "\n")
	start := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			start = i + 2 // skip "panic(...)" and its file:line
		}
	}
	if start >= len(lines) {
		start = 0
	}
	lines = lines[start:]
	if len(lines) > n {
		lines = lines[:n]
	}
	for i := range lines {
		lines[i] = "    " + strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "\n")
}
