package udaf

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestCollectList(t *testing.T) {
	d := types.DecimalOf(4, 1)
	a := mustNew(t, "COLLECT_LIST", ts(d))
	// collect-list.json: NULLs are kept.
	script(t, a, []step{
		add(arr(dec("500.9")), dec("500.9")), add(arr(dec("500.9"), dec("300.8")), dec("300.8")),
		add(arr(dec("500.9"), dec("300.8"), nil), nil), add(arr(dec("500.9"), dec("300.8"), nil, dec("300.8")), dec("300.8")),
		undo(arr(dec("500.9"), dec("300.8"), nil), dec("300.8")), undo(arr(dec("500.9"), dec("300.8")), nil),
		undo(arr(dec("500.9"), dec("300.8")), dec("1.0")),
	})
	st := types.StructOf(types.Field{Name: "A", Type: tStr}, types.Field{Name: "M", Type: types.MapOf(tStr, tDbl)})
	c := mustNew(t, "COLLECT_LIST", ts(types.ArrayOf(st)))
	v1 := arr(types.StructValue{"Early0", map[string]any{"Early0": 1.234, "x": nil}}, nil)
	v2 := arr(types.StructValue{"Later0", nil})
	script(t, c, []step{add(arr(v1), v1), add(arr(v1, v2), v2), add(arr(v1, v2, nil), nil)})
	b := mustNew(t, "COLLECT_LIST", ts(types.BytesType))
	script(t, b, []step{add(arr([]byte("a")), []byte("a")), undo(arr(), []byte("a"))})

	lim, err := NewWithConfig("COLLECT_LIST", ts(tInt), nil, nil, Config{CollectListLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	script(t, lim, []step{add(arr(int32(0)), int32(0)), add(arr(int32(0)), int32(100))})
	if got := merged(t, lim, fold(t, lim, int32(1)), fold(t, lim, int32(2))); sig(got) != sig(arr(int32(1))) {
		t.Fatalf("limited merge = %s", sig(got))
	}
	got := merged(t, a, fold(t, a, dec("1.0")), fold(t, a, dec("2.0"), nil))
	if sig(got) != sig(arr(dec("1.0"), dec("2.0"), nil)) {
		t.Fatalf("merge = %s", sig(got))
	}
	if _, err := a.Add(a.Init(), []any{"x"}); err == nil {
		t.Fatal("bad value accepted")
	}
}

func TestCollectSet(t *testing.T) {
	a := mustNew(t, "COLLECT_SET", ts(tStr))
	acc := script(t, a, []step{
		add(arr("foo"), "foo"), add(arr("foo", "bar"), "bar"), add(arr("foo", "bar"), "foo"), add(arr("foo", "bar", nil), nil),
		add(arr("foo", "bar", nil), nil),
	})
	if _, err := a.Undo(acc, []any{"foo"}); err != ErrNoUndo {
		t.Fatalf("undo: %v", err)
	}
	got := merged(t, a, fold(t, a, "a", "b"), fold(t, a, "b", "c"))
	if sig(got) != sig(arr("a", "b", "c")) {
		t.Fatalf("merge = %s", sig(got))
	}
	lim, _ := NewWithConfig("COLLECT_SET", ts(tInt), nil, nil, Config{CollectSetLimit: 2})
	script(t, lim, []step{add(arr(int32(1)), int32(1)), add(arr(int32(1), int32(2)), int32(2)), add(arr(int32(1), int32(2)), int32(3))})
}

func TestHistogram(t *testing.T) {
	a := mustNew(t, "HISTOGRAM", ts(tStr))
	m := func(kv ...any) map[string]any {
		out := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = int64(kv[i+1].(int))
		}
		return out
	}
	// histogram.json, "histogram on a table"
	script(t, a, []step{
		add(m("carol", 1), "carol"), add(m("carol", 1, "dave", 1), "dave"), add(m("carol", 1, "dave", 1, "bob", 1), "bob"),
		undo(m("carol", 1, "dave", 1), "bob"), add(m("carol", 2, "dave", 1), "carol"), add(m("carol", 2, "dave", 1), nil),
		undo(m("carol", 1, "dave", 1), "carol"), undo(m("carol", 1, "dave", 1), "zed"),
	})
	got := merged(t, a, fold(t, a, "x", "y"), fold(t, a, "y"))
	if sig(got) != sig(m("x", 1, "y", 2)) {
		t.Fatalf("merge = %s", sig(got))
	}
	r, _ := a.Result(fold(t, a, "x"))
	if _, ok := r.(map[string]any)["x"].(int64); !ok {
		t.Fatalf("result values must be BIGINT: %#v", r)
	}
	if _, err := ReturnType("HISTOGRAM", ts(tInt), nil); err == nil {
		t.Fatal("HISTOGRAM(INT) accepted")
	}
}
