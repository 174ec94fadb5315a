package conformance

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func n(s string) json.Number { return json.Number(s) }

func TestCompareValue(t *testing.T) {
	tests := []struct {
		name     string
		exp, act any
		diff     string // "" = match; otherwise a substring of the difference
	}{
		{"null", nil, nil, ""},
		{"null vs value", nil, n("1"), "value: expected null, got 1"},
		{"int exact", n("42"), n("42"), ""},
		{"int differs", n("42"), n("43"), "expected 42, got 43"},
		{"big int exact", n("9223372036854775807"), n("9223372036854775807"), ""},
		{"big int differs beyond float precision", n("9223372036854775807"), n("9223372036854775806"), "expected"},
		{"int vs double", n("1"), n("1.0"), ""},
		{"double vs int", n("2.0"), n("2"), ""},
		{"double tolerance", n("0.3"), n("0.30000000000000004"), ""},
		{"double relative tolerance", n("1.0E10"), n("10000000001"), ""},
		{"double beyond tolerance", n("1.5"), n("2"), "value: expected 1.5, got 2"},
		{"double exponent", n("1.0E-4"), n("0.0001"), ""},
		{"go float64", n("1.5"), 1.5, ""},
		{"go int", n("7"), int64(7), ""},
		{"decimal same scale", n("1.50"), n("1.50"), ""},
		{"decimal scale differs", n("1.50"), n("1.5"), "expected 1.50, got 1.5"},
		{"decimal scale differs other side", n("1.5"), n("1.50"), "expected 1.5, got 1.50"},
		{"decimal value differs", n("10.00"), n("10.01"), "expected 10.00"},
		{"decimal vs int", n("1"), n("1.00"), "expected 1, got 1.00"},
		{"number vs string", n("1"), "1", "expected 1, got \"1\""},
		{"string exact", "a", "a", ""},
		{"string case", "a", "A", "expected \"a\", got \"A\""},
		{"string decimal", "1.50", n("1.50"), ""},
		{"string decimal with leading zeros", "005.4", n("5.4"), ""},
		{"string decimal needs the same scale", "5.40", n("5.4"), "expected \"5.40\""},
		{"bool", true, true, ""},
		{"bool differs", true, false, "expected true, got false"},
		{"array", []any{n("1"), "x"}, []any{n("1"), "x"}, ""},
		{"array element", []any{n("1"), "x"}, []any{n("1"), "y"}, "value[1]: expected \"x\""},
		{"array length", []any{n("1")}, []any{n("1"), n("2")}, "expected 1 elements, got 2"},
		{"object", map[string]any{"A": n("1")}, map[string]any{"A": n("1")}, ""},
		{"object lower-case expectation matches upper-case actual", map[string]any{"a": n("1")}, map[string]any{"A": n("1")}, ""},
		{"object upper-case expectation does not match lower-case actual", map[string]any{"A": n("1")}, map[string]any{"a": n("1")}, "value field A: missing"},
		{"expected null matches a missing field", map[string]any{"HEX": nil}, map[string]any{"ASCII": nil}, ""},
		{"expected null with a missing field still counts fields", map[string]any{"HEX": nil}, map[string]any{"A": nil, "B": nil}, "expected 1 fields, got 2"},
		{"object field value", map[string]any{"V0": n("1.5")}, map[string]any{"V0": n("2")}, "value field V0: expected 1.5, got 2"},
		{"object extra field", map[string]any{"A": n("1")}, map[string]any{"A": n("1"), "B": nil}, "expected 1 fields, got 2 (unexpected B)"},
		{"nested path", map[string]any{"S": map[string]any{"F": []any{n("1")}}}, map[string]any{"S": map[string]any{"F": []any{n("2")}}}, "value field S.F[0]: expected 1, got 2"},
		{"object vs string", map[string]any{}, "{}", "expected {}, got \"{}\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CompareValue("value", tc.exp, tc.act)
			if tc.diff == "" && got != "" {
				t.Fatalf("unexpected difference: %s", got)
			}
			if tc.diff != "" && !strings.Contains(got, tc.diff) {
				t.Fatalf("difference %q does not contain %q", got, tc.diff)
			}
		})
	}
}

func ts(v int64) *int64 { return &v }

func TestCheck(t *testing.T) {
	out := func(topic string, key, value any) Record { return Record{Topic: topic, Key: key, Value: value} }
	base := &Case{Outputs: []Record{
		out("OUTPUT", n("1"), map[string]any{"V0": n("1.5")}),
		out("OUTPUT", n("2"), map[string]any{"V0": n("2.5")}),
		out("OTHER", "k", "x"),
	}}
	tests := []struct {
		name string
		c    *Case
		o    *Outcome
		diff string
	}{
		{"all match, unrelated topics ignored", base, &Outcome{Outputs: []Record{
			out("OTHER", "k", "x"),
			out("OUTPUT", n("1"), map[string]any{"V0": n("1.5")}),
			out("internal-repartition", nil, "z"),
			out("OUTPUT", n("2"), map[string]any{"V0": n("2.5")}),
		}}, ""},
		{"value difference", base, &Outcome{Outputs: []Record{
			out("OUTPUT", n("1"), map[string]any{"V0": n("1.5")}),
			out("OUTPUT", n("2"), map[string]any{"V0": n("2")}),
			out("OTHER", "k", "x"),
		}}, "topic OUTPUT record 2: value field V0: expected 2.5, got 2"},
		{"order matters", base, &Outcome{Outputs: []Record{
			out("OUTPUT", n("2"), map[string]any{"V0": n("2.5")}),
			out("OUTPUT", n("1"), map[string]any{"V0": n("1.5")}),
			out("OTHER", "k", "x"),
		}}, "topic OUTPUT record 1: key: expected 1, got 2"},
		{"missing record", base, &Outcome{Outputs: []Record{
			out("OUTPUT", n("1"), map[string]any{"V0": n("1.5")}),
			out("OTHER", "k", "x"),
		}}, "topic OUTPUT: expected 2 records, got 1; first missing record 2"},
		{"extra record", base, &Outcome{Outputs: []Record{
			out("OUTPUT", n("1"), map[string]any{"V0": n("1.5")}),
			out("OUTPUT", n("2"), map[string]any{"V0": n("2.5")}),
			out("OTHER", "k", "x"),
			out("OTHER", "k", nil),
		}}, "topic OTHER: expected 1 records, got 2; first unexpected record 2: key=\"k\" value=null"},
		{"unexpected error", base, &Outcome{Err: errors.New("boom"), FailedStmt: 1}, "statement 1 failed: boom"},
		{"expected exception matches", &Case{Expected: &ExpectedException{Type: "a.B", Message: "Unknown format"}},
			&Outcome{Err: errors.New("line 1: Unknown format: FOO")}, ""},
		{"expected exception wrong message", &Case{Expected: &ExpectedException{Message: "Unknown format"}},
			&Outcome{Err: errors.New("other")}, "expected error containing \"Unknown format\", got \"other\""},
		{"expected exception missing", &Case{Expected: &ExpectedException{Type: "io.KsqlException", Message: "x"}},
			&Outcome{}, "expected exception KsqlException containing \"x\", but no statement failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Check(tc.c, tc.o)
			if tc.diff == "" && !v.Pass() {
				t.Fatalf("unexpected difference: %s", v.Diff)
			}
			if tc.diff != "" && !strings.Contains(v.Diff, tc.diff) {
				t.Fatalf("difference %q does not contain %q", v.Diff, tc.diff)
			}
		})
	}
}

func TestCompareRecordMeta(t *testing.T) {
	e := Record{Key: n("1"), Value: "v"}
	a := Record{Key: n("1"), Value: "v", Timestamp: ts(5), Window: &Window{Start: 0, End: 10}}
	if d := CompareRecord(e, a); d != "" {
		t.Errorf("timestamp/window not given must not be compared: %s", d)
	}
	e.Timestamp = ts(6)
	if d := CompareRecord(e, a); d != "timestamp: expected 6, got 5" {
		t.Errorf("timestamp: %s", d)
	}
	e.Timestamp = ts(5)
	e.Window = &Window{Start: 0, End: 20, Type: "time"}
	if d := CompareRecord(e, a); d != "window: expected [0, 20], got [0, 10]" {
		t.Errorf("window: %s", d)
	}
	e.Window = &Window{Start: 0, End: 10}
	e.Headers = []Header{{Key: "h", Value: []byte("!")}}
	if d := CompareRecord(e, a); d != "headers: expected 1, got 0" {
		t.Errorf("headers: %s", d)
	}
	a.Headers = []Header{{Key: "h", Value: []byte("!")}}
	if d := CompareRecord(e, a); d != "" {
		t.Errorf("headers equal: %s", d)
	}
}

func TestComparePostSources(t *testing.T) {
	size := int64(1000)
	exp := []PostSource{{Name: "output", Type: "stream", Schema: "ID INT KEY, NAME STRING", KeyFormat: "KAFKA", WindowType: "TUMBLING", WindowSize: &size}}
	act := []PostSource{{Name: "OUTPUT", Type: "STREAM", Schema: "`ID` INTEGER KEY, `NAME` VARCHAR", KeyFormat: "kafka", ValueFormat: "JSON", WindowType: "TUMBLING", WindowSize: &size}}
	if d := ComparePostSources(exp, act); d != "" {
		t.Fatalf("unexpected difference: %s", d)
	}
	act[0].Schema = "`ID` INTEGER KEY, `NAME` INTEGER"
	if d := ComparePostSources(exp, act); !strings.Contains(d, "post: source output schema: expected `ID` INTEGER KEY, `NAME` STRING, got `ID` INTEGER KEY, `NAME` INTEGER") {
		t.Errorf("schema diff: %s", d)
	}
	act[0].Schema = "ID INT KEY, NAME STRING"
	act[0].Type = "table"
	if d := ComparePostSources(exp, act); d != "post: source output type: expected stream, got table" {
		t.Errorf("type diff: %s", d)
	}
	act[0].Type = "stream"
	act[0].WindowType = ""
	if d := ComparePostSources(exp, act); d != "post: source output window type: expected TUMBLING, got none" {
		t.Errorf("window diff: %s", d)
	}
	if d := ComparePostSources([]PostSource{{Name: "X", Type: "table"}}, act); !strings.Contains(d, "post: source X not found") {
		t.Errorf("missing source: %s", d)
	}
}

func TestCheckPostTopicsWarnings(t *testing.T) {
	pt := &PostTopics{Blacklist: ".*-repartition", Topics: []Topic{{Name: "OUTPUT"}, {Name: "MISSING"}}}
	w := CheckPostTopics(pt, []string{"OUTPUT", "app-Aggregate-repartition", "repartition-not-suffix-x"})
	if len(w) != 2 || !strings.Contains(w[0], "app-Aggregate-repartition") || !strings.Contains(w[1], "MISSING") {
		t.Errorf("warnings: %q", w)
	}
	c := &Case{Post: &Post{Topics: pt}}
	v := Check(c, &Outcome{Topics: []string{"x-repartition"}})
	if !v.Pass() || len(v.Warnings) != 3 {
		t.Errorf("post.topics must warn, not fail: %+v", v)
	}
}
