package udaf

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestAPI(t *testing.T) {
	names := Names()
	want := []string{"ATTR", "AVG", "COLLECT_LIST", "COLLECT_SET", "CORRELATION", "COUNT", "COUNT_DISTINCT", "EARLIEST_BY_OFFSET",
		"HISTOGRAM", "LATEST_BY_OFFSET", "MAX", "MIN", "STDDEV_POP", "STDDEV_SAMP", "STDDEV_SAMPLE", "SUM", "SUM_LIST",
		"TOPK", "TOPKDISTINCT"}
	if sig(toAny(names)) != sig(toAny(want)) {
		t.Fatalf("Names() = %v", names)
	}
	undo := map[string]bool{"ATTR": true, "AVG": true, "COLLECT_LIST": true, "CORRELATION": true, "COUNT": true, "HISTOGRAM": true,
		"STDDEV_POP": true, "STDDEV_SAMP": true, "STDDEV_SAMPLE": true, "SUM": true, "SUM_LIST": true}
	for _, n := range names {
		if CanUndo(n) != undo[n] {
			t.Errorf("CanUndo(%s) = %v", n, CanUndo(n))
		}
	}
	// Only the scalar-state functions fit a DELIMITED aggregation.
	flat := map[string]bool{"COUNT": true, "MAX": true, "MIN": true, "SUM": true, "SUM_LIST": true}
	for _, n := range names {
		if testRegistry.StructuredState(n) == flat[n] {
			t.Errorf("StructuredState(%s) = %v", n, testRegistry.StructuredState(n))
		}
	}
	for _, c := range []struct {
		name        string
		nargs, cols int
	}{{"TOPK", 2, 1}, {"TOPK", 3, 2}, {"EARLIEST_BY_OFFSET", 3, 1}, {"latest_by_offset", 1, 1}, {"SUM", 1, 1}, {"COUNT", 0, 0}} {
		if got, err := ColumnArgs(c.name, c.nargs); err != nil || got != c.cols {
			t.Errorf("ColumnArgs(%s, %d) = %d, %v", c.name, c.nargs, got, err)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		args []*types.Type
		lits []any
		msg  string
	}{
		{"SUM", ts(tStr), nil, "Function 'SUM' does not accept parameters (STRING)."},
		{"sum", ts(tInt, tInt), nil, "Function 'SUM' does not accept parameters (INTEGER, INTEGER)."},
		{"AVG", ts(types.DecimalOf(4, 1)), nil, "Function 'AVG' does not accept parameters (DECIMAL(4, 1))."},
		{"TOPK", ts(tBool), []any{int32(3)}, "Function 'TOPK' does not accept parameters (BOOLEAN, INTEGER)."},
		{"NOPE", nil, nil, "Can't find any functions with the name 'NOPE'"},
	}
	for _, c := range cases {
		_, err := ReturnType(c.name, c.args, c.lits)
		if err == nil || err.Error() != c.msg {
			t.Errorf("ReturnType(%s): %v, want %q", c.name, err, c.msg)
		}
		if _, err := New(c.name, c.args, c.lits, nil); err == nil || err.Error() != c.msg {
			t.Errorf("New(%s): %v", c.name, err)
		}
	}
	if _, err := New("SUM", ts(tInt), nil, tBig); err == nil {
		t.Error("mismatched planner return type accepted")
	}
	if _, err := New("SUM", ts(tInt), nil, tInt); err != nil {
		t.Error(err)
	}
	for _, n := range Names() {
		if _, err := ColumnArgs(n, 1); err != nil {
			t.Error(err)
		}
	}
	a := mustNew(t, "COUNT", nil)
	for _, bad := range [][]byte{nil, {0x80}} {
		if _, err := a.Decode(bad); err == nil {
			t.Errorf("Decode(%x) accepted", bad)
		}
	}
	c := mustNew(t, "COLLECT_LIST", ts(tStr))
	if _, err := c.Decode([]byte{5, 1}); err == nil {
		t.Error("truncated list accepted")
	}
	if _, err := c.Add(int64(1), []any{"x"}); err == nil {
		t.Error("bad accumulator accepted")
	}
}

func TestReturnTypes(t *testing.T) {
	d := types.DecimalOf(6, 2)
	cases := []struct {
		name string
		args []*types.Type
		lits []any
		want *types.Type
	}{
		{"COUNT", nil, nil, tBig}, {"COUNT", ts(tStr), nil, tBig}, {"SUM", ts(d), nil, d},
		{"AVG", ts(tInt), nil, tDbl}, {"STDDEV_SAMP", ts(tBig), nil, tDbl}, {"CORRELATION", ts(tInt, tDbl), nil, tDbl},
		{"MIN", ts(types.TimeType), nil, types.TimeType}, {"COUNT_DISTINCT", ts(tDbl), nil, tBig},
		{"TOPK", ts(tStr), []any{int32(2)}, types.ArrayOf(tStr)}, {"COLLECT_SET", ts(d), nil, types.ArrayOf(d)},
		{"HISTOGRAM", ts(tStr), nil, types.MapOf(tStr, tBig)}, {"LATEST_BY_OFFSET", ts(tBool), []any{false}, tBool},
	}
	for _, c := range cases {
		got, err := ReturnType(c.name, c.args, c.lits)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ReturnType(%s %v) = %v, %v; want %s", c.name, c.args, got, err, c.want)
		}
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
