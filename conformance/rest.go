package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// CheckREST compares what a RESTDriver observed with what an RQTT case
// expects, following the corpus README:
//   - expectedError: the outcome must carry an error whose message contains
//     the expected message and, when given, the same HTTP status;
//   - otherwise an error fails the case; the records written to the topics
//     of the expected outputs must match them as in QTT; a case without
//     responses is checked by its outputs only; else the number of
//     responses must match;
//   - in each response only keys present in the expected response are
//     checked; header schemas are compared normalised; row columns are
//     compared structurally (CompareValue);
//   - within a "query" (or "queryProto") stream, rows are compared ignoring
//     order (same count), other entries (header, finalMessage) in order.
func CheckREST(c *Case, o *RESTOutcome) Verdict {
	if c.ExpectedError != nil {
		e := c.ExpectedError
		if o.Error == nil {
			return Verdict{Diff: fmt.Sprintf("expected error containing %q, but the request succeeded", e.Message)}
		}
		if !strings.Contains(o.Error.Message, e.Message) {
			return Verdict{Diff: fmt.Sprintf("statement %d: expected error containing %q, got %q", o.Error.Statement, e.Message, o.Error.Message)}
		}
		if e.Status != 0 && o.Error.Status != e.Status {
			return Verdict{Diff: fmt.Sprintf("statement %d: expected status %d, got %d (%s)", o.Error.Statement, e.Status, o.Error.Status, o.Error.Message)}
		}
		return Verdict{}
	}
	if o.Error != nil {
		return Verdict{Diff: fmt.Sprintf("statement %d failed with status %d: %s", o.Error.Statement, o.Error.Status, o.Error.Message)}
	}
	if d := CompareOutputs(c.Outputs, o.Outputs); d != "" {
		return Verdict{Diff: d}
	}
	if c.Responses == nil && len(c.Outputs) > 0 {
		// A case without responses checks its outputs only, as ksqlDB's
		// REST test runner does.
		return Verdict{}
	}
	for i, raw := range c.Responses {
		if i >= len(o.Responses) {
			return Verdict{Diff: fmt.Sprintf("expected %d responses, got %d; first missing: %s", len(c.Responses), len(o.Responses), truncate(string(raw), 300))}
		}
		exp, err := DecodeJSON(raw)
		if err != nil {
			return Verdict{Diff: fmt.Sprintf("response %d: bad expectation: %v", i+1, err)}
		}
		if d := CompareSubset(fmt.Sprintf("response %d", i+1), exp, o.Responses[i]); d != "" {
			return Verdict{Diff: d}
		}
	}
	if len(o.Responses) > len(c.Responses) {
		return Verdict{Diff: fmt.Sprintf("expected %d responses, got %d; first unexpected: %s", len(c.Responses), len(o.Responses), render(o.Responses[len(c.Responses)]))}
	}
	return Verdict{}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// CompareSubset compares an expected REST entity with an actual one: in
// objects only the expected keys are checked. See CheckREST.
func CompareSubset(path string, exp, act any) string {
	switch e := exp.(type) {
	case map[string]any:
		a, ok := act.(map[string]any)
		if !ok {
			return mismatch(path, exp, act)
		}
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			// "key|starts_with": the value must begin with the expected
			// text (the one match operator of ksqlDB's harness).
			_, literal := a[k] // the expected file compared with itself
			if name, op, found := strings.Cut(k, "|"); found && op == "starts_with" && !literal {
				want, _ := e[k].(string)
				got, ok := a[name].(string)
				if !ok || !strings.HasPrefix(got, want) {
					return fmt.Sprintf("%s.%s: expected a string starting with %q, got %s", path, name, want, render(a[name]))
				}
				continue
			}
			av, ok := a[k]
			if !ok {
				return fmt.Sprintf("%s: missing key %q (expected %s)", path, k, render(e[k]))
			}
			p := path + "." + k
			switch ev := e[k].(type) {
			case []any:
				if k == "query" || k == "queryProto" {
					if d := compareQueryStream(p, ev, av); d != "" {
						return d
					}
					continue
				}
				if k == "columns" {
					if d := CompareValue(p, ev, av); d != "" {
						return d
					}
					continue
				}
			case string:
				if as, ok := av.(string); ok && k == "schema" {
					if d := CompareSchemas(ev, as); d != "" {
						return p + ": " + d
					}
					continue
				}
			}
			if d := CompareSubset(p, e[k], av); d != "" {
				return d
			}
		}
		return ""
	case []any:
		a, ok := act.([]any)
		if !ok {
			return mismatch(path, exp, act)
		}
		for i := 0; i < len(e) && i < len(a); i++ {
			if d := CompareSubset(fmt.Sprintf("%s[%d]", path, i), e[i], a[i]); d != "" {
				return d
			}
		}
		if len(e) != len(a) {
			return fmt.Sprintf("%s: expected %d elements, got %d", path, len(e), len(a))
		}
		return ""
	default:
		return CompareValue(path, exp, act)
	}
}

func isRow(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m["row"]
	return ok
}

func entryKind(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func compareQueryStream(path string, exp []any, actAny any) string {
	act, ok := actAny.([]any)
	if !ok {
		return mismatch(path, exp, actAny)
	}
	var expRows, actRows, expOther, actOther []any
	for _, v := range exp {
		if isRow(v) {
			expRows = append(expRows, v)
		} else {
			expOther = append(expOther, v)
		}
	}
	for _, v := range act {
		if isRow(v) {
			actRows = append(actRows, v)
		} else {
			actOther = append(actOther, v)
		}
	}
	// Non-row entries (header, finalMessage, ...) in order, matched by kind.
	cur := 0
	for _, e := range expOther {
		k := entryKind(e)
		found := false
		for cur < len(actOther) {
			a := actOther[cur]
			cur++
			if entryKind(a) == k || isSubsetKind(e, a) {
				if d := CompareSubset(path+" "+k, e, a); d != "" {
					return d
				}
				found = true
				break
			}
		}
		if !found {
			return fmt.Sprintf("%s: missing %s", path, render(e))
		}
	}
	// Rows ignoring order.
	used := make([]bool, len(actRows))
	for i, e := range expRows {
		match := -1
		for j, a := range actRows {
			if !used[j] && CompareSubset("", e, a) == "" {
				match = j
				break
			}
		}
		if match < 0 {
			return fmt.Sprintf("%s: expected row %d %s not found among %d actual rows%s", path, i+1, render(rowColumns(e)), len(actRows), sampleRows(actRows, used))
		}
		used[match] = true
	}
	if len(actRows) != len(expRows) {
		return fmt.Sprintf("%s: expected %d rows, got %d%s", path, len(expRows), len(actRows), sampleRows(actRows, used))
	}
	return ""
}

// isSubsetKind reports whether every key of the expected entry is in actual.
func isSubsetKind(e, a any) bool {
	em, ok1 := e.(map[string]any)
	am, ok2 := a.(map[string]any)
	if !ok1 || !ok2 || len(em) == 0 {
		return false
	}
	for k := range em {
		if _, ok := am[k]; !ok {
			return false
		}
	}
	return true
}

func rowColumns(v any) any {
	if m, ok := v.(map[string]any); ok {
		if r, ok := m["row"].(map[string]any); ok {
			if c, ok := r["columns"]; ok {
				return c
			}
		}
	}
	return v
}

func sampleRows(rows []any, used []bool) string {
	var b bytes.Buffer
	n := 0
	for i, r := range rows {
		if used[i] {
			continue
		}
		if n == 3 {
			b.WriteString(", ...")
			break
		}
		if n == 0 {
			b.WriteString("; unmatched actual rows: ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(render(rowColumns(r)))
		n++
	}
	return b.String()
}

// DecodeResponses is a helper for REST drivers: it decodes a response body
// (one JSON value, or a JSON array of entities) keeping numbers as json.Number.
func DecodeResponses(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
