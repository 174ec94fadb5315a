package udaf

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestCount(t *testing.T) {
	t.Run("star", func(t *testing.T) {
		a := mustNew(t, "COUNT", nil)
		script(t, a, []step{add(int64(1)), add(int64(2)), undo(int64(1)), undo(int64(0))})
	})
	t.Run("column counts non-null", func(t *testing.T) {
		a := mustNew(t, "COUNT", ts(tStr))
		script(t, a, []step{
			add(int64(1), "a"), add(int64(1), nil), add(int64(2), "b"),
			undo(int64(2), nil), undo(int64(1), "a"),
		})
	})
	t.Run("null literal never counts", func(t *testing.T) {
		a := mustNew(t, "COUNT", nil, nil)
		script(t, a, []step{add(int64(0))})
	})
	t.Run("merge", func(t *testing.T) {
		a := mustNew(t, "COUNT", ts(tInt))
		x := fold(t, a, int32(1), nil, int32(2))
		y := fold(t, a, int32(3))
		if got := merged(t, a, x, y); got != int64(3) {
			t.Fatalf("merge = %v", got)
		}
	})
	t.Run("negative and large round trip", func(t *testing.T) {
		a := mustNew(t, "COUNT", nil)
		for _, n := range []int64{-5, 1 << 40} {
			roundTrip(t, a, n)
		}
	})
}

func TestCountDistinct(t *testing.T) {
	a := mustNew(t, "COUNT_DISTINCT", ts(tStr))
	// count-distinct.json
	acc := script(t, a, []step{
		add(int64(1), "one"), add(int64(2), "two"), add(int64(2), "one"), add(int64(2), "two"), add(int64(2), nil),
	})
	if _, err := a.Undo(acc, []any{"one"}); err != ErrNoUndo {
		t.Fatalf("undo: %v", err)
	}
	y := fold(t, a, "three", "one")
	if got := merged(t, a, acc, y); got != int64(3) {
		t.Fatalf("merge = %v", got)
	}
	d := mustNew(t, "COUNT_DISTINCT", ts(types.DecimalOf(4, 2)))
	script(t, d, []step{add(int64(1), dec("1.00")), add(int64(1), dec("1.0")), add(int64(2), dec("-1.5"))})
	s := mustNew(t, "COUNT_DISTINCT", ts(types.ArrayOf(tInt)))
	script(t, s, []step{add(int64(1), arr(int32(1))), add(int64(1), arr(int32(1))), add(int64(2), arr())})
	if _, err := s.Add(s.Init(), []any{"x"}); err == nil {
		t.Fatal("bad input accepted")
	}
}
