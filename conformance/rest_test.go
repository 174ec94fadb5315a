package conformance

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckREST(t *testing.T) {
	c := &Case{Responses: []json.RawMessage{
		json.RawMessage(`{"admin": {"@type": "currentStatus"}}`),
		json.RawMessage(`{"query": [{"header": {"schema": "ID STRING KEY, V INT"}}, {"row": {"columns": ["a", 1]}}, {"row": {"columns": ["b", 2.5]}}, {"finalMessage": "Limit Reached"}]}`),
	}}
	resp := func(rows ...any) []any {
		q := []any{map[string]any{"header": map[string]any{"queryId": "q1", "schema": "`ID` STRING KEY, `V` INTEGER"}}}
		q = append(q, rows...)
		q = append(q, map[string]any{"finalMessage": "Limit Reached"})
		return []any{
			map[string]any{"admin": map[string]any{"@type": "currentStatus", "commandId": "x", "commandStatus": map[string]any{}}},
			map[string]any{"query": q},
		}
	}
	row := func(cols ...any) any { return map[string]any{"row": map[string]any{"columns": cols}} }

	tests := []struct {
		name string
		o    *RESTOutcome
		diff string
	}{
		{"rows in other order, extra keys ignored", &RESTOutcome{Responses: resp(row("b", 2.5), row("a", n("1")))}, ""},
		{"row value differs", &RESTOutcome{Responses: resp(row("a", n("1")), row("b", n("3")))}, "expected row 2 [\"b\",2.5] not found"},
		{"extra row", &RESTOutcome{Responses: resp(row("a", n("1")), row("b", 2.5), row("c", 3))}, "expected 2 rows, got 3"},
		{"missing response", &RESTOutcome{Responses: resp()[:1]}, "expected 2 responses, got 1"},
		{"admin type differs", &RESTOutcome{Responses: []any{map[string]any{"admin": map[string]any{"@type": "other"}}, resp()[1]}}, "response 1.admin.@type"},
		{"unexpected error", &RESTOutcome{Error: &RESTError{Status: 400, Message: "bad", Statement: 1}}, "statement 1 failed with status 400: bad"},
	}
	// Outputs are checked as in QTT; without responses, only they are.
	oc := &Case{Outputs: []Record{{Topic: "t", Value: map[string]any{"ID": n("10")}}}}
	if v := CheckREST(oc, &RESTOutcome{Outputs: []Record{{Topic: "t", Value: map[string]any{"ID": n("10")}}}, Responses: resp()}); !v.Pass() {
		t.Errorf("outputs only: %s", v.Diff)
	}
	if v := CheckREST(oc, &RESTOutcome{}); !strings.Contains(v.Diff, "topic t: expected 1 records, got 0") {
		t.Errorf("missing output: %q", v.Diff)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := CheckREST(c, tc.o)
			if tc.diff == "" && !v.Pass() {
				t.Fatalf("unexpected difference: %s", v.Diff)
			}
			if tc.diff != "" && !strings.Contains(v.Diff, tc.diff) {
				t.Fatalf("difference %q does not contain %q", v.Diff, tc.diff)
			}
		})
	}

	ec := &Case{ExpectedError: &ExpectedError{Message: "Pull queries don't support", Status: 400}}
	if v := CheckREST(ec, &RESTOutcome{Error: &RESTError{Status: 400, Message: "Pull queries don't support GROUP BY"}}); !v.Pass() {
		t.Errorf("expected error: %s", v.Diff)
	}
	if v := CheckREST(ec, &RESTOutcome{Error: &RESTError{Status: 500, Message: "Pull queries don't support GROUP BY"}}); !strings.Contains(v.Diff, "expected status 400, got 500") {
		t.Errorf("status: %s", v.Diff)
	}
	if v := CheckREST(ec, &RESTOutcome{}); v.Pass() {
		t.Errorf("missing error passed")
	}
}
