package udaf

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestTopK(t *testing.T) {
	// topk-group-by.json
	a := mustNew(t, "TOPK", ts(tInt), int32(3))
	acc := script(t, a, []step{
		add(arr(int32(0)), int32(0)), add(arr(int32(100), int32(0)), int32(100)),
		add(arr(int32(100), int32(99), int32(0)), int32(99)), add(arr(int32(100), int32(99), int32(7)), int32(7)),
		add(arr(int32(100), int32(100), int32(99)), int32(100)), add(arr(int32(100), int32(100), int32(99)), nil),
	})
	if _, err := a.Undo(acc, []any{int32(100)}); err != ErrNoUndo {
		t.Fatalf("undo: %v", err)
	}
	s := mustNew(t, "TOPK", ts(tStr), int64(3))
	script(t, s, []step{add(arr("a"), "a"), add(arr("b", "a"), "b"), add(arr("c", "b", "a"), "c"),
		add(arr("c", "b", "b"), "b"), add(arr("d", "c", "b"), "d")})

	// struct form: equal sort values keep arrival order.
	st := mustNew(t, "TOPK", ts(tInt, tStr), int32(3))
	rt, _ := ReturnType("TOPK", ts(tInt, tStr), []any{int32(3)})
	want := types.ArrayOf(types.StructOf(types.Field{Name: "sort_col", Type: tInt}, types.Field{Name: "col0", Type: tStr}))
	if !rt.Equal(want) {
		t.Fatalf("return type %s", rt)
	}
	sv := func(k int32, v any) types.StructValue { return types.StructValue{k, v} }
	script(t, st, []step{
		add(arr(sv(0, "zero")), int32(0), "zero"),
		add(arr(sv(100, "one"), sv(0, "zero")), int32(100), "one"),
		add(arr(sv(100, "one"), sv(99, "two"), sv(0, "zero")), int32(99), "two"),
		add(arr(sv(100, "one"), sv(99, "two"), sv(0, "zero")), nil, "three"),
		add(arr(sv(100, "one"), sv(100, nil), sv(99, "two")), int32(100), nil),
	})

	m := mustNew(t, "TOPK", ts(tDbl), int32(3))
	got := merged(t, m, fold(t, m, 5.0, 1.0), fold(t, m, 4.0, 3.0, 2.0))
	if sig(got) != sig(arr(5.0, 4.0, 3.0)) {
		t.Fatalf("merge = %s", sig(got))
	}
	for _, lits := range [][]any{nil, {"3"}, {int32(0)}} {
		if _, err := ReturnType("TOPK", ts(tInt), lits); err == nil {
			t.Errorf("TOPK literals %v accepted", lits)
		}
	}
}

func TestTopKDistinct(t *testing.T) {
	// topk-distinct.json
	a := mustNew(t, "TOPKDISTINCT", ts(tInt), int32(3))
	script(t, a, []step{
		add(arr(int32(0)), int32(0)), add(arr(int32(100), int32(0)), int32(100)),
		add(arr(int32(100), int32(99), int32(0)), int32(99)), add(arr(int32(100), int32(99), int32(7)), int32(7)),
		add(arr(int32(100), int32(99), int32(7)), int32(100)),
	})
	d := mustNew(t, "TOPKDISTINCT", ts(types.DecimalOf(2, 1)), int32(3))
	script(t, d, []step{
		add(arr(dec("9.8")), dec("9.8")), add(arr(dec("9.8"), dec("8.9")), dec("8.9")), add(arr(dec("9.8"), dec("8.9")), nil),
		add(arr(dec("9.8"), dec("8.9"), dec("7.8")), dec("7.8")), add(arr(dec("9.8"), dec("8.9"), dec("7.8")), dec("6.5")),
		add(arr(dec("9.9"), dec("9.8"), dec("8.9")), dec("9.9")),
	})
	b := mustNew(t, "TOPKDISTINCT", ts(types.BytesType), int32(3))
	script(t, b, []step{add(arr([]byte("B")), []byte("B")), add(arr([]byte("F"), []byte("B")), []byte("F")),
		add(arr([]byte("F"), []byte("B")), []byte("B"))})
	ts := mustNew(t, "TOPKDISTINCT", ts(types.TimestampType), int32(2))
	script(t, ts, []step{add(arr(types.Timestamp(0)), types.Timestamp(0)),
		add(arr(types.Timestamp(100), types.Timestamp(0)), types.Timestamp(100)),
		add(arr(types.Timestamp(100), types.Timestamp(0)), types.Timestamp(-7))})

	got := merged(t, a, fold(t, a, int32(5), int32(3)), fold(t, a, int32(5), int32(4), int32(1)))
	if sig(got) != sig(arr(int32(5), int32(4), int32(3))) {
		t.Fatalf("merge = %s", sig(got))
	}
	if _, err := ReturnType("TOPKDISTINCT", ts2(tInt, tStr), []any{int32(3)}); err == nil {
		t.Fatal("TOPKDISTINCT with extra columns accepted")
	}
}

func ts2(t ...*types.Type) []*types.Type { return t }
