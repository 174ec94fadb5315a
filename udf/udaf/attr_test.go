package udaf

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestAttr(t *testing.T) {
	a := mustNew(t, "ATTR", ts(tStr))
	// attr.json: one distinct value (NULL included) is the result.
	script(t, a, []step{add("1", "1"), add("1", "1"), add(nil, nil), undo("1", nil), undo("1", "1"), undo(nil, "1")})
	script(t, a, []step{add(nil, nil), add(nil, nil), add(nil, "2"), add(nil, "2"), undo(nil, "2"), undo(nil, "2"), undo(nil, nil), undo(nil, nil), add("2", "2")})
	// "table attr with tombstones".
	script(t, a, []step{add("1", "1"), add("1", "1"), undo("1", "1"), undo(nil, "1"), add("2", "2"), add(nil, "3"), undo("2", "3")})
	if got := merged(t, a, fold(t, a, "x"), fold(t, a, "x")); got != "x" {
		t.Fatalf("merge = %v", got)
	}
	if got := merged(t, a, fold(t, a, "x"), fold(t, a, "y")); got != nil {
		t.Fatalf("merge = %v", got)
	}
	st := types.StructOf(types.Field{Name: "A", Type: tStr}, types.Field{Name: "B", Type: tInt})
	s := mustNew(t, "ATTR", ts(st))
	v := types.StructValue{"a", int32(1)}
	script(t, s, []step{add(v, v), add(v, types.StructValue{"a", int32(1)})})
	if !CanUndo("ATTR") {
		t.Fatal("ATTR must run over tables")
	}
}
