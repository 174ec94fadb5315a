package conformance

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	flagQTTDir      = flag.String("ksql-tests", "../../shared/ksql-tests/qtt", "directory of ksqlDB QTT *.json files")
	flagRQTTDir     = flag.String("ksql-rqtt", "../../shared/ksql-tests/rqtt", "directory of ksqlDB RQTT *.json files")
	flagWorkers     = flag.Int("workers", 0, "cases run in parallel (0 = GOMAXPROCS)")
	flagCaseTimeout = flag.Duration("case-timeout", 30*time.Second, "per-case timeout (reported as a failure)")
	flagCase        = flag.String("case", "", "only run cases whose ID (file/name) matches this regexp; disables baseline checks")
	flagDiffs       = flag.Bool("diffs", false, "list the first difference of each failing case (also on with -v)")
	flagBaseline    = flag.String("baseline", "baseline.json", "QTT baseline file (RQTT uses the same name with _rqtt)")
	flagUpdate      = flag.Bool("update-baseline", false, "rewrite the baseline if no fewer cases passed")
	flagWriteSum    = flag.Bool("write-summary", false, "write the JSON summary to -summary")
	flagSummary     = flag.String("summary", "report/summary.json", "JSON summary path (RQTT uses the same name with _rqtt)")
)

// withSuffix turns "dir/name.json" into "dir/name_rqtt.json".
func withSuffix(path, suffix string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + suffix + ext
}

func filterCases(t *testing.T, cases []*Case) []*Case {
	if *flagCase == "" {
		return cases
	}
	re, err := regexp.Compile(*flagCase)
	if err != nil {
		t.Fatalf("-case: %v", err)
	}
	var out []*Case
	for _, c := range cases {
		if re.MatchString(c.ID()) {
			out = append(out, c)
		}
	}
	return out
}

func closeIfCloser(t *testing.T, v any) {
	if c, ok := v.(io.Closer); ok {
		if err := c.Close(); err != nil {
			t.Errorf("closing driver: %v", err)
		}
	}
}

// finish prints the report, writes the summary and checks/updates the baseline.
func finish(t *testing.T, kind Kind, title string, results []Result, suffix string) {
	s := Summarize(kind, results)
	WriteText(os.Stdout, title, s, results, *flagDiffs || testing.Verbose())
	if *flagWriteSum {
		p := withSuffix(*flagSummary, suffix)
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if err := s.WriteJSON(p); err != nil {
			t.Errorf("writing summary: %v", err)
		} else {
			fmt.Fprintf(os.Stdout, "summary written to %s\n", p)
		}
	}
	if *flagCase != "" {
		fmt.Fprintf(os.Stdout, "(-case filter given: baseline not checked)\n")
		return
	}
	path := withSuffix(*flagBaseline, suffix)
	bl, err := LoadBaseline(path)
	if err != nil {
		t.Fatalf("baseline: %v", err)
	}
	if reg := bl.Regressions(s.Passed); len(reg) > 0 && s.Totals.Passed >= bl.Passed {
		fmt.Fprintf(os.Stdout, "note: %d baseline cases no longer pass (total did not drop):\n  %s\n", len(reg), strings.Join(reg, "\n  "))
	}
	if err := CheckBaseline(bl, s); err != nil {
		t.Error(err)
		return
	}
	if *flagUpdate {
		nb, err := UpdateBaseline(path, s)
		if err != nil {
			t.Error(err)
			return
		}
		fmt.Fprintf(os.Stdout, "baseline %s updated: %d passed\n", path, nb.Passed)
	}
}

func TestQTT(t *testing.T) {
	cases, err := LoadDir(*flagQTTDir, KindQTT)
	if err != nil {
		t.Fatalf("loading QTT corpus: %v", err)
	}
	total := len(cases)
	cases = filterCases(t, cases)
	d := newDriver()
	defer closeIfCloser(t, d)
	results := RunQTT(context.Background(), cases, d, RunOptions{
		Workers: *flagWorkers,
		Timeout: *flagCaseTimeout,
	})
	title := fmt.Sprintf("QTT conformance: %d of %d expanded cases from %s", len(cases), total, *flagQTTDir)
	finish(t, KindQTT, title, results, "")
}

func TestRQTT(t *testing.T) {
	cases, err := LoadDir(*flagRQTTDir, KindRQTT)
	if err != nil {
		t.Fatalf("loading RQTT corpus: %v", err)
	}
	total := len(cases)
	cases = filterCases(t, cases)
	d := newRESTDriver()
	defer closeIfCloser(t, d)
	results := RunRQTT(context.Background(), cases, d, RunOptions{
		Workers: *flagWorkers,
		Timeout: *flagCaseTimeout,
	})
	title := fmt.Sprintf("RQTT conformance: %d of %d expanded cases from %s", len(cases), total, *flagRQTTDir)
	finish(t, KindRQTT, title, results, "_rqtt")
}
