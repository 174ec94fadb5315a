package conformance

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Verdict is the result of checking an Outcome against a Case.
type Verdict struct {
	Diff string // "" = pass; otherwise the first difference, human readable
	// Warnings are post.topics differences (blacklisted topic present,
	// expected topic missing). They are reported separately and do not fail
	// the case.
	Warnings []string
}

// Pass reports whether the case passed.
func (v Verdict) Pass() bool { return v.Diff == "" }

// Check compares what the driver observed with what the case expects,
// following the corpus README:
//   - expectedException: the outcome must carry an error whose message
//     contains the expected message (the type is informational); nothing else
//     is checked.
//   - otherwise an error fails the case;
//   - outputs are compared per expected output topic: same count, same order;
//     key and value with CompareValue; timestamp only where the expectation
//     gives one; window start/end where given; headers where given;
//   - post.sources by name (case-insensitive): type, schema (normalised),
//     key/value format, window type/size and features where given;
//   - post.topics produce warnings only.
func Check(c *Case, o *Outcome) Verdict {
	if c.Expected != nil {
		if o.Err == nil {
			return Verdict{Diff: fmt.Sprintf("expected exception %s containing %q, but no statement failed", shortType(c.Expected.Type), c.Expected.Message)}
		}
		if !strings.Contains(o.Err.Error(), c.Expected.Message) {
			return Verdict{Diff: fmt.Sprintf("statement %d: expected error containing %q, got %q", o.FailedStmt, c.Expected.Message, o.Err.Error())}
		}
		return Verdict{}
	}
	if o.Err != nil {
		return Verdict{Diff: fmt.Sprintf("statement %d failed: %v", o.FailedStmt, o.Err)}
	}
	if d := CompareOutputs(c.Outputs, o.Outputs); d != "" {
		return Verdict{Diff: d}
	}
	var v Verdict
	if c.Post != nil {
		if d := ComparePostSources(c.Post.Sources, o.Sources); d != "" {
			return Verdict{Diff: d}
		}
		v.Warnings = CheckPostTopics(c.Post.Topics, o.Topics)
	}
	return v
}

func shortType(t string) string {
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}

// CompareOutputs compares expected output records with actual ones, per
// expected topic. Actual records on topics the case does not name are ignored.
func CompareOutputs(expected, actual []Record) string {
	var topics []string
	exp := map[string][]Record{}
	for _, r := range expected {
		if _, ok := exp[r.Topic]; !ok {
			topics = append(topics, r.Topic)
		}
		exp[r.Topic] = append(exp[r.Topic], r)
	}
	act := map[string][]Record{}
	for _, r := range actual {
		if _, ok := exp[r.Topic]; ok {
			act[r.Topic] = append(act[r.Topic], r)
		}
	}
	for _, t := range topics {
		e, a := exp[t], act[t]
		for i := 0; i < len(e) && i < len(a); i++ {
			if d := CompareRecord(e[i], a[i]); d != "" {
				return fmt.Sprintf("topic %s record %d: %s", t, i+1, d)
			}
		}
		switch {
		case len(a) < len(e):
			return fmt.Sprintf("topic %s: expected %d records, got %d; first missing record %d: %s", t, len(e), len(a), len(a)+1, RenderRecord(e[len(a)]))
		case len(a) > len(e):
			return fmt.Sprintf("topic %s: expected %d records, got %d; first unexpected record %d: %s", t, len(e), len(a), len(e)+1, RenderRecord(a[len(e)]))
		}
	}
	return ""
}

// CompareRecord compares one expected record with an actual one.
func CompareRecord(e, a Record) string {
	if d := CompareValue("key", e.Key, a.Key); d != "" {
		return d
	}
	if d := CompareValue("value", e.Value, a.Value); d != "" {
		return d
	}
	if e.Timestamp != nil {
		if a.Timestamp == nil {
			return fmt.Sprintf("timestamp: expected %d, got none", *e.Timestamp)
		}
		if *a.Timestamp != *e.Timestamp {
			return fmt.Sprintf("timestamp: expected %d, got %d", *e.Timestamp, *a.Timestamp)
		}
	}
	if e.Window != nil {
		if a.Window == nil {
			return fmt.Sprintf("window: expected [%d, %d], got none", e.Window.Start, e.Window.End)
		}
		if a.Window.Start != e.Window.Start || a.Window.End != e.Window.End {
			return fmt.Sprintf("window: expected [%d, %d], got [%d, %d]", e.Window.Start, e.Window.End, a.Window.Start, a.Window.End)
		}
	}
	if e.Headers != nil {
		if d := compareHeaders(e.Headers, a.Headers); d != "" {
			return d
		}
	}
	return ""
}

func compareHeaders(e, a []Header) string {
	if len(e) != len(a) {
		return fmt.Sprintf("headers: expected %d, got %d", len(e), len(a))
	}
	for i := range e {
		if e[i].Key != a[i].Key || !bytes.Equal(e[i].Value, a[i].Value) || (e[i].Value == nil) != (a[i].Value == nil) {
			return fmt.Sprintf("header %d: expected %s=%q, got %s=%q", i, e[i].Key, e[i].Value, a[i].Key, a[i].Value)
		}
	}
	return ""
}

// RenderRecord prints a record compactly for diffs.
func RenderRecord(r Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "key=%s value=%s", render(r.Key), render(r.Value))
	if r.Timestamp != nil {
		fmt.Fprintf(&b, " timestamp=%d", *r.Timestamp)
	}
	if r.Window != nil {
		fmt.Fprintf(&b, " window=[%d, %d]", r.Window.Start, r.Window.End)
	}
	return b.String()
}

// ComparePostSources checks each expected source against the actual catalog.
func ComparePostSources(expected, actual []PostSource) string {
	for _, e := range expected {
		var a *PostSource
		for i := range actual {
			if strings.EqualFold(actual[i].Name, e.Name) {
				a = &actual[i]
				break
			}
		}
		if a == nil {
			names := make([]string, len(actual))
			for i, s := range actual {
				names[i] = s.Name
			}
			return fmt.Sprintf("post: source %s not found (catalog: %s)", e.Name, strings.Join(names, ", "))
		}
		p := "post: source " + e.Name
		if e.Type != "" && !strings.EqualFold(e.Type, a.Type) {
			return fmt.Sprintf("%s type: expected %s, got %s", p, e.Type, a.Type)
		}
		if e.Schema != "" {
			if d := CompareSchemas(e.Schema, a.Schema); d != "" {
				return fmt.Sprintf("%s schema: %s", p, d)
			}
		}
		if e.KeyFormat != "" && !strings.EqualFold(e.KeyFormat, a.KeyFormat) {
			return fmt.Sprintf("%s key format: expected %s, got %s", p, e.KeyFormat, a.KeyFormat)
		}
		if e.ValueFormat != "" && !strings.EqualFold(e.ValueFormat, a.ValueFormat) {
			return fmt.Sprintf("%s value format: expected %s, got %s", p, e.ValueFormat, a.ValueFormat)
		}
		if e.WindowType != "" && !strings.EqualFold(e.WindowType, a.WindowType) {
			return fmt.Sprintf("%s window type: expected %s, got %s", p, e.WindowType, orNone(a.WindowType))
		}
		if e.WindowSize != nil && a.WindowSize != nil && *e.WindowSize != *a.WindowSize {
			return fmt.Sprintf("%s window size: expected %d, got %d", p, *e.WindowSize, *a.WindowSize)
		}
		if e.KeyFeatures != nil && a.KeyFeatures != nil && !sameSet(e.KeyFeatures, a.KeyFeatures) {
			return fmt.Sprintf("%s key features: expected %v, got %v", p, e.KeyFeatures, a.KeyFeatures)
		}
		if e.ValueFeatures != nil && a.ValueFeatures != nil && !sameSet(e.ValueFeatures, a.ValueFeatures) {
			return fmt.Sprintf("%s value features: expected %v, got %v", p, e.ValueFeatures, a.ValueFeatures)
		}
		if e.IsSource != nil && a.IsSource != nil && *e.IsSource != *a.IsSource {
			return fmt.Sprintf("%s isSource: expected %v, got %v", p, *e.IsSource, *a.IsSource)
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	for i := range x {
		x[i] = strings.ToUpper(x[i])
	}
	for i := range y {
		y[i] = strings.ToUpper(y[i])
	}
	sort.Strings(x)
	sort.Strings(y)
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// CheckPostTopics returns warnings for post.topics: existing topics that match
// the blacklist (whole-name match, as Java's String.matches) and expected
// topics that do not exist.
func CheckPostTopics(pt *PostTopics, topics []string) []string {
	if pt == nil {
		return nil
	}
	var out []string
	if pt.Blacklist != "" {
		re, err := regexp.Compile("^(?:" + pt.Blacklist + ")$")
		if err != nil {
			out = append(out, fmt.Sprintf("post.topics: bad blacklist %q: %v", pt.Blacklist, err))
		} else {
			for _, t := range topics {
				if re.MatchString(t) {
					out = append(out, fmt.Sprintf("post.topics: topic %s exists but matches blacklist %q", t, pt.Blacklist))
				}
			}
		}
	}
	have := make(map[string]bool, len(topics))
	for _, t := range topics {
		have[t] = true
	}
	for _, t := range pt.Topics {
		if !have[t.Name] {
			out = append(out, fmt.Sprintf("post.topics: expected topic %s does not exist", t.Name))
		}
	}
	return out
}
