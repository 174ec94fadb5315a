package udaf

import (
	"math"
	"testing"
)

func TestAvg(t *testing.T) {
	// average-udaf.json
	script(t, mustNew(t, "AVG", ts(tInt)), []step{
		add(1.0, int32(1)), add(1.5, int32(2)), add(1.6666666666666667, int32(2)), add(1.6666666666666667, nil),
	})
	script(t, mustNew(t, "AVG", ts(tBig)), []step{
		add(-1.0, int64(-1)), add(4.611686018427388e+18, int64(math.MaxInt64)), add(3.0744573456182584e+18, int64(1)),
	})
	script(t, mustNew(t, "AVG", ts(tDbl)), []step{
		add(-1.8, -1.8), add(4611686018426.487, 9223372036854.775), add(3074457345651.058, 100.2),
	})
	// average udaf with table: undo
	script(t, mustNew(t, "AVG", ts(tInt)), []step{
		add(1.0, int32(1)), add(1.5, int32(2)), undo(2.0, int32(1)), add(2.0, nil), undo(2.0, nil), add(3.0, int32(4)),
		undo(4.0, int32(2)), undo(0.0, int32(4)),
	})
	a := mustNew(t, "AVG", ts(tBig))
	if got := merged(t, a, fold(t, a, int64(1), int64(2)), fold(t, a, int64(6))); got != 3.0 {
		t.Fatalf("merge = %v", got)
	}
	if _, err := ReturnType("AVG", ts(tStr), nil); err == nil {
		t.Fatal("AVG(STRING) accepted")
	}
}

func TestStddev(t *testing.T) {
	// standarddeviation.json: STDDEV_SAMP returns the sample variance in ksqlDB 0.29.
	script(t, mustNew(t, "STDDEV_SAMP", ts(tInt)), []step{
		add(0.0, int32(0)), add(50.0, int32(10)), add(26.333333333333332, int32(7)), add(17.583333333333332, int32(6)),
	})
	script(t, mustNew(t, "STDDEV_SAMPLE", ts(tInt)), []step{
		add(0.0, int32(0)), add(7.0710678118654755, int32(10)), add(5.131601439446884, int32(7)),
		add(4.193248541803041, int32(6)), add(4.193248541803041, nil),
	})
	script(t, mustNew(t, "STDDEV_SAMPLE", ts(tBig)), []step{
		add(0.0, int64(2147483648)), add(1518500179.2773468, int64(100)), add(1239850233.9629574, int64(-2)),
	})
	script(t, mustNew(t, "STDDEV_SAMP", ts(tBig)), []step{
		add(0.0, int64(500)), add(80000.0, int64(100)), add(70000.0, int64(0)), add(57275.666666666664, int64(-6)),
	})
	script(t, mustNew(t, "STDDEV_SAMPLE", ts(tDbl)), []step{
		add(0.0, -1.8), add(2.899137802864845, 2.3), add(57.74256084841869, 100.2),
	})
	script(t, mustNew(t, "STDDEV_SAMP", ts(tDbl)), []step{
		add(0.0, 10.0), add(2.0, 12.0), add(2.333333333333333, 13.0), add(2.9166666666666665, 14.0), add(5.0, 16.0),
	})
	// undo retracts (up to rounding)
	v := mustNew(t, "STDDEV_SAMP", ts(tDbl))
	acc := fold(t, v, 10.0, 12.0, 13.0, 14.0, 16.0)
	for _, u := range []struct{ x, want float64 }{{16, 2.9166666666666665}, {14, 2.333333333333333}, {13, 2}, {12, 0}} {
		acc, _ = v.Undo(acc, []any{u.x})
		acc = roundTrip(t, v, acc)
		if r, _ := v.Result(acc); math.Abs(r.(float64)-u.want) > 1e-12 {
			t.Fatalf("undo %v: got %v, want %v", u.x, r, u.want)
		}
	}
	script(t, mustNew(t, "STDDEV_POP", ts(tDbl)), []step{add(0.0, 2.0), add(1.0, 4.0), add(math.Sqrt(8.0/3), 6.0)})

	a := mustNew(t, "STDDEV_SAMP", ts(tInt))
	x := fold(t, a, int32(0), int32(10))
	y := fold(t, a, int32(7), int32(6))
	got := merged(t, a, x, y).(float64)
	if math.Abs(got-17.583333333333332) > 1e-9 {
		t.Fatalf("merge = %v", got)
	}
	if merged(t, a, a.Init(), x) != 50.0 {
		t.Fatal("merge with empty")
	}
}

func TestCorrelation(t *testing.T) {
	nan := math.NaN()
	// correlation-udaf.json
	script(t, mustNew(t, "CORRELATION", ts(tDbl, tDbl)), []step{
		add(nan, 1.5, 8.0), add(1.0, -1.0, -2.0), add(0.7580764521133173, -4.5, -1.0), add(0.7580764521133173, nil, -6.0),
	})
	script(t, mustNew(t, "CORRELATION", ts(tInt, tInt)), []step{
		add(nan, int32(1), int32(8)), add(1.0, int32(-1), int32(-2)), add(0.7455284088780169, int32(-4), int32(-1)),
	})
	// correlation udaf with table
	script(t, mustNew(t, "CORRELATION", ts(tDbl, tDbl)), []step{
		add(nan, 1.5, 8.0), add(1.0, -3.5, -2.0), undo(nan, 1.5, 8.0), add(nan, -1.0, -2.0),
		add(-0.7205766921228921, -4.5, -1.0),
	})
	a := mustNew(t, "CORRELATION", ts(tBig, tBig))
	x, _ := a.Add(a.Init(), []any{int64(1), int64(8)})
	y, _ := a.Add(a.Init(), []any{int64(-1), int64(-2)})
	if merged(t, a, x, y) != 1.0 {
		t.Fatal("merge")
	}
	if _, err := ReturnType("CORRELATION", ts(tDbl), nil); err == nil {
		t.Fatal("one-argument CORRELATION accepted")
	}
}
