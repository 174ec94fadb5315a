package udaf

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestByOffset(t *testing.T) {
	i := func(v int32) any { return v }
	cases := []struct {
		fn    string
		lits  []any
		steps []step
	}{
		// earliest-offset-udaf.json
		{"EARLIEST_BY_OFFSET", nil, []step{add(i(12), i(12)), add(i(12), nil), add(i(12), i(13))}},
		{"EARLIEST_BY_OFFSET", arr(true), []step{add(nil, nil), add(i(13), i(13))}},
		{"EARLIEST_BY_OFFSET", arr(false), []step{add(nil, nil), add(nil, i(13))}},
		{"EARLIEST_BY_OFFSET", arr(int32(2)), []step{add(arr(), nil), add(arr(i(13)), i(13))}},
		{"EARLIEST_BY_OFFSET", arr(int32(2), false), []step{add(arr(nil), nil), add(arr(nil, i(13)), i(13)), add(arr(nil, i(13)), i(14))}},
		{"EARLIEST_BY_OFFSET", arr(int32(2)), []step{add(arr(i(12)), i(12)), add(arr(i(12)), nil), add(arr(i(12), i(13)), i(13)),
			add(arr(i(12), i(13)), i(14))}},
		// latest-offset-udaf.json
		{"LATEST_BY_OFFSET", arr(true), []step{add(i(12), i(12)), add(i(12), nil), add(i(13), i(13))}},
		{"LATEST_BY_OFFSET", arr(false), []step{add(i(12), i(12)), add(nil, nil), add(i(13), i(13))}},
		{"LATEST_BY_OFFSET", arr(int32(2), true), []step{add(arr(i(12)), i(12)), add(arr(i(12)), nil), add(arr(i(12), i(13)), i(13))}},
		{"LATEST_BY_OFFSET", arr(int32(2), false), []step{add(arr(i(12)), i(12)), add(arr(i(12), nil), nil), add(arr(nil, i(13)), i(13))}},
	}
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			a := mustNew(t, c.fn, ts(tInt), c.lits...)
			acc := script(t, a, c.steps)
			if _, err := a.Undo(acc, []any{int32(1)}); err != ErrNoUndo {
				t.Fatalf("undo: %v", err)
			}
		})
	}
}

func TestByOffsetMerge(t *testing.T) {
	// Sessions: values arrive 1 (session A), 3 (session B), then a row
	// bridging both merges them.
	cases := []struct {
		fn   string
		lits []any
		a, b []any // values added to the earlier and the later session
		want any
	}{
		{"EARLIEST_BY_OFFSET", nil, arr(int32(1)), arr(int32(3)), int32(1)},
		{"LATEST_BY_OFFSET", nil, arr(int32(1)), arr(int32(3)), int32(3)},
		{"EARLIEST_BY_OFFSET", arr(true), arr(nil), arr(int32(1), nil), int32(1)},
		{"EARLIEST_BY_OFFSET", arr(false), arr(nil), arr(int32(1), nil), nil},
		{"LATEST_BY_OFFSET", nil, arr(int32(1)), arr(nil), int32(1)},
		{"LATEST_BY_OFFSET", arr(false), arr(int32(1)), arr(nil), nil},
		{"EARLIEST_BY_OFFSET", arr(int32(2), false), arr(nil), arr(int32(1), nil), arr(nil, int32(1))},
		{"EARLIEST_BY_OFFSET", arr(int32(2), true), arr(nil), arr(int32(1), nil), arr(int32(1))},
		{"LATEST_BY_OFFSET", arr(int32(2), false), arr(int32(1), int32(2)), arr(nil), arr(int32(2), nil)},
		{"LATEST_BY_OFFSET", arr(int32(3)), arr(int32(1), int32(2)), arr(int32(3), int32(4)), arr(int32(2), int32(3), int32(4))},
	}
	for _, c := range cases {
		a := mustNew(t, c.fn, ts(tInt), c.lits...)
		x := fold(t, a, c.a...)
		y := fold(t, a, c.b...)
		// merge order must not matter: the sequence decides.
		y2 := roundTrip(t, a, y)
		x2 := roundTrip(t, a, x)
		if got := merged(t, a, x, y); sig(got) != sig(c.want) {
			t.Errorf("%s%v merge = %s, want %s", c.fn, c.lits, sig(got), sig(c.want))
		}
		if got := merged(t, a, y2, x2); sig(got) != sig(c.want) {
			t.Errorf("%s%v reversed merge = %s, want %s", c.fn, c.lits, sig(got), sig(c.want))
		}
	}
}

func TestByOffsetTypes(t *testing.T) {
	st := types.StructOf(types.Field{Name: "A", Type: tStr}, types.Field{Name: "B", Type: tBig})
	a := mustNew(t, "LATEST_BY_OFFSET", ts(st))
	script(t, a, []step{add(types.StructValue{"x", int64(1)}, types.StructValue{"x", int64(1)}),
		add(types.StructValue{nil, int64(2)}, types.StructValue{nil, int64(2)})})
	for _, lits := range [][]any{{int32(2)}, {int32(2), false}} {
		rt, err := ReturnType("EARLIEST_BY_OFFSET", ts(tStr), lits)
		if err != nil || !rt.Equal(types.ArrayOf(tStr)) {
			t.Fatalf("%v: %v %v", lits, rt, err)
		}
	}
	for _, lits := range [][]any{{"x"}, {int32(0)}, {true, int32(2)}, {int32(1), true, true}} {
		if _, err := ReturnType("EARLIEST_BY_OFFSET", ts(tStr), lits); err == nil {
			t.Errorf("literals %v accepted", lits)
		}
	}
	// Decoded sequence numbers push the counter forward.
	b := mustNew(t, "LATEST_BY_OFFSET", ts(tInt))
	future := offAcc{true, offEntry{testRegistry.seq.n.Load() + 1000, int32(1)}}
	enc, _ := b.Encode(future)
	old, _ := b.Decode(enc)
	fresh, _ := b.Add(b.Init(), []any{int32(2)})
	if got := merged(t, b, fresh, old); got != int32(2) {
		t.Fatalf("value added after restore must be latest, got %v", got)
	}
}
