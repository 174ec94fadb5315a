package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Counts are passed/failed/skipped totals.
type Counts struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// Total is the number of cases counted.
func (c Counts) Total() int { return c.Passed + c.Failed + c.Skipped }

func (c *Counts) add(s Status) {
	switch s {
	case Passed:
		c.Passed++
	case Failed:
		c.Failed++
	default:
		c.Skipped++
	}
}

// TotalsLine renders the totals exactly as "N passed, N failed, N skipped".
func (c Counts) TotalsLine() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.Passed, c.Failed, c.Skipped)
}

// Failure is a failing case in the summary.
type Failure struct {
	ID      string `json:"id"`
	File    string `json:"file"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// Summary is the machine-readable result of a run.
type Summary struct {
	Kind     Kind              `json:"kind"`
	Totals   Counts            `json:"totals"`
	Warnings int               `json:"post_topics_warnings"`
	Files    map[string]Counts `json:"files"`
	Tiers    map[string]Counts `json:"tiers"`
	Skips    map[string]int    `json:"skips"`
	Passed   []string          `json:"passed"` // sorted case IDs ("file/name")
	Failures []Failure         `json:"failures"`
}

// Summarize aggregates results.
func Summarize(kind Kind, results []Result) *Summary {
	s := &Summary{
		Kind:     kind,
		Files:    map[string]Counts{},
		Tiers:    map[string]Counts{},
		Skips:    map[string]int{},
		Passed:   []string{},
		Failures: []Failure{},
	}
	for _, r := range results {
		s.Totals.add(r.Status)
		fc := s.Files[r.Case.File]
		fc.add(r.Status)
		s.Files[r.Case.File] = fc
		tier := TierOf(r.Case)
		tc := s.Tiers[tier]
		tc.add(r.Status)
		s.Tiers[tier] = tc
		s.Warnings += len(r.Warnings)
		switch r.Status {
		case Passed:
			s.Passed = append(s.Passed, r.Case.ID())
		case Failed:
			s.Failures = append(s.Failures, Failure{ID: r.Case.ID(), File: r.Case.File, Name: r.Case.Name, Message: r.Message})
		case Skipped:
			s.Skips[r.Message]++
		}
	}
	sort.Strings(s.Passed)
	return s
}

// WriteJSON writes the summary to path, creating its directory.
func (s *Summary) WriteJSON(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteText writes the human-readable report. With verbose, the first
// difference of every failing case and every post.topics warning is listed.
// The last line is exactly s.Totals.TotalsLine().
func WriteText(w io.Writer, title string, s *Summary, results []Result, verbose bool) {
	fmt.Fprintf(w, "=== %s\n", title)

	files := make([]string, 0, len(s.Files))
	width := 4
	for f := range s.Files {
		files = append(files, f)
		width = max(width, len(f))
	}
	sort.Strings(files)
	fmt.Fprintf(w, "\nPer file:\n")
	fmt.Fprintf(w, "  %-*s %7s %7s %7s\n", width, "file", "passed", "failed", "skipped")
	for _, f := range files {
		c := s.Files[f]
		fmt.Fprintf(w, "  %-*s %7d %7d %7d\n", width, f, c.Passed, c.Failed, c.Skipped)
	}

	fmt.Fprintf(w, "\nPer tier:\n")
	fmt.Fprintf(w, "  %-24s %7s %7s %7s\n", "tier", "passed", "failed", "skipped")
	for _, t := range Tiers {
		c, ok := s.Tiers[t]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "  %-24s %7d %7d %7d\n", t, c.Passed, c.Failed, c.Skipped)
	}

	if len(s.Skips) > 0 {
		reasons := make([]string, 0, len(s.Skips))
		for r := range s.Skips {
			reasons = append(reasons, r)
		}
		sort.Slice(reasons, func(i, j int) bool {
			if s.Skips[reasons[i]] != s.Skips[reasons[j]] {
				return s.Skips[reasons[i]] > s.Skips[reasons[j]]
			}
			return reasons[i] < reasons[j]
		})
		fmt.Fprintf(w, "\nSkipped by reason:\n")
		for _, r := range reasons {
			fmt.Fprintf(w, "  %6d  %s\n", s.Skips[r], r)
		}
	}

	if s.Warnings > 0 {
		fmt.Fprintf(w, "\npost.topics warnings (not failures): %d\n", s.Warnings)
		if verbose {
			for _, r := range results {
				for _, wn := range r.Warnings {
					fmt.Fprintf(w, "  %s / %s: %s\n", r.Case.File, r.Case.Name, wn)
				}
			}
		}
	}

	if verbose && len(s.Failures) > 0 {
		fmt.Fprintf(w, "\nFailures (first difference):\n")
		for _, f := range s.Failures {
			msg := strings.ReplaceAll(f.Message, "\n", "\n      ")
			fmt.Fprintf(w, "  %s / %s:\n      %s\n", f.File, f.Name, msg)
		}
	}
	fmt.Fprintf(w, "\n%s\n", s.Totals.TotalsLine())
}
