package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
)

// Baseline is the committed pass count and the cases that passed. The count
// never goes down: a run with fewer passes fails, and UpdateBaseline refuses
// to lower it.
type Baseline struct {
	Passed int      `json:"passed"`
	Cases  []string `json:"cases,omitempty"` // IDs ("file/name") of passing cases
}

// LoadBaseline reads a baseline file; a missing file is an empty baseline.
func LoadBaseline(path string) (*Baseline, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Baseline{}, nil
	}
	if err != nil {
		return nil, err
	}
	var bl Baseline
	if err := json.Unmarshal(b, &bl); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &bl, nil
}

// Save writes the baseline.
func (b *Baseline) Save(path string) error {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}

// Regressions returns the baseline cases that are not in passed (sorted).
func (b *Baseline) Regressions(passed []string) []string {
	now := make(map[string]bool, len(passed))
	for _, id := range passed {
		now[id] = true
	}
	var out []string
	for _, id := range b.Cases {
		if !now[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// CheckBaseline returns an error when fewer cases passed than the baseline,
// naming the previously passing cases that no longer pass.
func CheckBaseline(b *Baseline, s *Summary) error {
	if s.Totals.Passed >= b.Passed {
		return nil
	}
	msg := fmt.Sprintf("conformance regression: %d passed, baseline is %d", s.Totals.Passed, b.Passed)
	if reg := b.Regressions(s.Passed); len(reg) > 0 {
		msg += fmt.Sprintf("; %d previously passing cases no longer pass:", len(reg))
		for _, id := range reg {
			msg += "\n  " + id
		}
	}
	return errors.New(msg)
}

// UpdateBaseline rewrites the baseline at path from s if s did not pass
// fewer cases than the current baseline.
func UpdateBaseline(path string, s *Summary) (*Baseline, error) {
	old, err := LoadBaseline(path)
	if err != nil {
		return nil, err
	}
	if s.Totals.Passed < old.Passed {
		return old, fmt.Errorf("not updating %s: %d passed is below the baseline %d", path, s.Totals.Passed, old.Passed)
	}
	nb := &Baseline{Passed: s.Totals.Passed, Cases: append([]string(nil), s.Passed...)}
	return nb, nb.Save(path)
}
