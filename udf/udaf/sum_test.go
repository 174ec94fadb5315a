package udaf

import (
	"errors"
	"math"
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestSum(t *testing.T) {
	d41 := types.DecimalOf(4, 1)
	cases := []struct {
		name  string
		arg   *types.Type
		steps []step
	}{
		{"int", tInt, []step{add(int32(0), int32(0)), add(int32(100), int32(100)), add(int32(100), nil),
			undo(int32(0), int32(100)), add(int32(20), int32(20)), undo(int32(20), nil)}},
		{"int wraps like Java", tInt, []step{add(int32(math.MaxInt32), int32(math.MaxInt32)), add(int32(math.MinInt32), int32(1))}},
		{"bigint", tBig, []step{add(int64(2147483648), int64(2147483648)), add(int64(2147483748), int64(100))}},
		{"double", tDbl, []step{add(5.4, 5.4), add(105.5, 100.1), undo(100.1, 5.4)}},
		{"decimal", d41, []step{add(dec("500.9"), dec("500.9")), add(dec("801.7"), dec("300.8")),
			undo(dec("300.8"), dec("500.9"))}},
		{"decimal keeps scale", types.DecimalOf(6, 2), []step{add(dec("5.40"), dec("5.40")), add(dec("105.50"), dec("100.10"))}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := mustNew(t, "SUM", ts(c.arg))
			if rt, _ := ReturnType("SUM", ts(c.arg), nil); !rt.Equal(c.arg) {
				t.Fatalf("return type %s", rt)
			}
			script(t, a, c.steps)
		})
	}
	t.Run("empty sum is zero", func(t *testing.T) {
		a := mustNew(t, "SUM", ts(d41))
		if r, _ := a.Result(a.Init()); sig(r) != sig(dec("0.0")) {
			t.Fatalf("got %s", sig(r))
		}
	})
	t.Run("decimal overflow", func(t *testing.T) {
		a := mustNew(t, "SUM", ts(d41))
		acc := fold(t, a, dec("500.9"), dec("300.8"))
		if _, err := a.Add(acc, []any{dec("400.8")}); !errors.Is(err, ErrOverflow) {
			t.Fatalf("err = %v", err)
		}
		if r, _ := a.Result(acc); sig(r) != sig(dec("801.7")) {
			t.Fatalf("acc changed: %s", sig(r))
		}
	})
	t.Run("merge", func(t *testing.T) {
		a := mustNew(t, "SUM", ts(tBig))
		if got := merged(t, a, fold(t, a, int64(1), int64(2)), fold(t, a, int64(3))); got != int64(6) {
			t.Fatalf("merge = %v", got)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		a := mustNew(t, "SUM", ts(tInt))
		if _, err := a.Add(a.Init(), []any{int64(1)}); err == nil {
			t.Fatal("accepted BIGINT value for INT sum")
		}
	})
}

func TestSumList(t *testing.T) {
	a := mustNew(t, "SUM_LIST", ts(types.ArrayOf(tDbl)))
	script(t, a, []step{
		add(2.0, arr(1.0, 1.0)), add(6.0, arr(2.0, 2.0)),
		add(922337203692.0, arr(922337203685.0, 1.0)), add(922337203694.0, arr(1.0, 1.0, nil)),
		add(922337203694.0, nil), undo(922337203692.0, arr(1.0, 1.0)),
	})
	i := mustNew(t, "SUM_LIST", ts(types.ArrayOf(tInt)))
	script(t, i, []step{add(int32(2), arr(int32(1), int32(1))), add(int32(206), arr(int32(100), int32(100), nil, int32(4)))})
	if _, err := ReturnType("SUM_LIST", ts(tInt), nil); err == nil {
		t.Fatal("SUM_LIST(INT) accepted")
	}
}
