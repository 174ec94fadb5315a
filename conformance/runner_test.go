package conformance

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunQTT(t *testing.T) {
	mk := func(name string) *Case {
		return &Case{Kind: KindQTT, File: "f.json", Name: name, Enabled: true, Outputs: []Record{{Topic: "O", Value: "x"}}}
	}
	cases := []*Case{mk("pass"), mk("fail"), mk("skip"), mk("panic"), mk("hang"), mk("infra"), mk("disabled"),
		{Kind: KindQTT, File: "avro.json", Name: "sr", Enabled: true, Statements: []string{"CREATE STREAM S WITH (value_format = 'protobuf');"}}}
	cases[6].Enabled = false
	d := DriverFunc(func(ctx context.Context, c *Case) (*Outcome, error) {
		switch c.Name {
		case "pass":
			return &Outcome{Outputs: []Record{{Topic: "O", Value: "x"}}}, nil
		case "fail":
			return &Outcome{Outputs: []Record{{Topic: "O", Value: "y"}}}, nil
		case "skip":
			return &Outcome{Skip: "not yet"}, nil
		case "panic":
			panic("driver bug")
		case "hang":
			time.Sleep(time.Second) // ignores ctx on purpose
		case "infra":
			return nil, errors.New("broker down")
		}
		return &Outcome{}, nil
	})
	res := RunQTT(context.Background(), cases, d, RunOptions{Workers: 3, Timeout: 100 * time.Millisecond})
	want := []struct {
		status Status
		msg    string
	}{
		{Passed, ""},
		{Failed, `topic O record 1: value: expected "x", got "y"`},
		{Skipped, "not yet"},
		{Failed, "panic: driver bug"},
		{Failed, "timed out after 100ms"},
		{Failed, "driver: broker down"},
		{Skipped, SkipDisabled},
		{Passed, ""},
	}
	for i, w := range want {
		r := res[i]
		if r.Case != cases[i] || r.Status != w.status || !strings.HasPrefix(r.Message, w.msg) {
			t.Errorf("case %s: got %s %q, want %s %q", cases[i].Name, r.Status, r.Message, w.status, w.msg)
		}
	}
	if !strings.Contains(res[3].Message, "runner_test.go") {
		t.Errorf("panic message lacks the panicking frame: %s", res[3].Message)
	}

	s := Summarize(KindQTT, res)
	if s.Totals != (Counts{Passed: 2, Failed: 4, Skipped: 2}) {
		t.Errorf("totals: %+v", s.Totals)
	}
	if s.Skips[SkipDisabled] != 1 || s.Tiers[TierSchemaRegistry].Passed != 1 || s.Files["f.json"].Failed != 4 {
		t.Errorf("summary: %+v", s)
	}
	if len(s.Passed) != 2 || s.Passed[0] != "avro.json/sr" || s.Passed[1] != "f.json/pass" {
		t.Errorf("passed list: %v", s.Passed)
	}
	var buf bytes.Buffer
	WriteText(&buf, "title", s, res, true)
	text := buf.String()
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "2 passed, 4 failed, 2 skipped" {
		t.Errorf("totals line = %q", last)
	}
	for _, sub := range []string{"f.json / fail:", SkipDisabled, "not yet", "other", "f.json "} {
		if !strings.Contains(text, sub) {
			t.Errorf("report lacks %q:\n%s", sub, text)
		}
	}
	buf.Reset()
	WriteText(&buf, "title", s, res, false)
	if strings.Contains(buf.String(), "f.json / fail:") {
		t.Errorf("non-verbose report lists failures")
	}
}

func TestBaseline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baseline.json")
	s := &Summary{Totals: Counts{Passed: 2}, Passed: []string{"a/1", "a/2"}}
	if _, err := UpdateBaseline(path, s); err != nil {
		t.Fatal(err)
	}
	bl, err := LoadBaseline(path)
	if err != nil || bl.Passed != 2 || len(bl.Cases) != 2 {
		t.Fatalf("baseline %+v %v", bl, err)
	}
	worse := &Summary{Totals: Counts{Passed: 1}, Passed: []string{"a/1"}}
	err = CheckBaseline(bl, worse)
	if err == nil || !strings.Contains(err.Error(), "1 passed, baseline is 2") || !strings.Contains(err.Error(), "a/2") {
		t.Errorf("regression error: %v", err)
	}
	if _, err := UpdateBaseline(path, worse); err == nil {
		t.Errorf("baseline lowered")
	}
	if bl, _ := LoadBaseline(path); bl.Passed != 2 {
		t.Errorf("baseline changed to %d", bl.Passed)
	}
	if err := CheckBaseline(bl, &Summary{Totals: Counts{Passed: 3}}); err != nil {
		t.Errorf("improvement flagged: %v", err)
	}
	if bl, err := LoadBaseline(filepath.Join(t.TempDir(), "missing.json")); err != nil || bl.Passed != 0 {
		t.Errorf("missing baseline: %+v %v", bl, err)
	}
}
