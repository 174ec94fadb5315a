package udaf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// step is one operation of a scripted aggregation; want is the Result
// expected afterwards.
type step struct {
	undo bool
	args []any
	want any
}

func add(want any, args ...any) step  { return step{args: args, want: want} }
func undo(want any, args ...any) step { return step{undo: true, args: args, want: want} }

func mustNew(t *testing.T, name string, args []*types.Type, lits ...any) Aggregator {
	t.Helper()
	a, err := New(name, args, lits, nil)
	if err != nil {
		t.Fatalf("New(%s): %v", name, err)
	}
	return a
}

// sig prints a value with its runtime types, so that int32(1) and int64(1)
// or decimals of different scales differ.
func sig(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = sig(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case types.StructValue:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = sig(e)
		}
		return "{" + strings.Join(parts, " ") + "}"
	case map[string]any:
		return fmt.Sprintf("map%s", types.FormatValue(x))
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T(%s)", v, types.FormatValue(v))
}

// roundTrip encodes acc, decodes it, re-encodes, and checks both encodings
// and results agree; it returns the decoded accumulator.
func roundTrip(t *testing.T, a Aggregator, acc any) any {
	t.Helper()
	b1, err := a.Encode(acc)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	want, _ := a.Result(acc)
	dec, err := a.Decode(b1)
	if err != nil {
		t.Fatalf("Decode(%x): %v", b1, err)
	}
	b2, err := a.Encode(dec)
	if err != nil {
		t.Fatalf("re-Encode: %v", err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("encoding not stable: %x vs %x", b1, b2)
	}
	got, _ := a.Result(dec)
	if sig(got) != sig(want) {
		t.Fatalf("round trip result %s, want %s", sig(got), sig(want))
	}
	if _, err := a.Decode(append(b1, 0)); err == nil {
		t.Fatalf("Decode accepted trailing garbage")
	}
	return dec
}

// script runs steps from Init, checking every result and round-tripping
// every state; it returns the final accumulator.
func script(t *testing.T, a Aggregator, steps []step) any {
	t.Helper()
	acc := roundTrip(t, a, a.Init())
	for i, s := range steps {
		var err error
		if s.undo {
			acc, err = a.Undo(acc, s.args)
		} else {
			acc, err = a.Add(acc, s.args)
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got, err := a.Result(acc)
		if err != nil {
			t.Fatalf("step %d Result: %v", i, err)
		}
		if sig(got) != sig(s.want) {
			t.Fatalf("step %d (%v): got %s, want %s", i, s.args, sig(got), sig(s.want))
		}
		acc = roundTrip(t, a, acc)
	}
	return acc
}

// fold adds each single-argument value to a fresh accumulator.
func fold(t *testing.T, a Aggregator, vals ...any) any {
	t.Helper()
	acc := a.Init()
	for _, v := range vals {
		var err error
		if acc, err = a.Add(acc, []any{v}); err != nil {
			t.Fatal(err)
		}
	}
	return acc
}

// merged merges two accumulators and returns the result value after a
// round trip.
func merged(t *testing.T, a Aggregator, x, y any) any {
	t.Helper()
	m, err := a.Merge(x, y)
	if err != nil {
		t.Fatal(err)
	}
	m = roundTrip(t, a, m)
	r, _ := a.Result(m)
	return r
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func arr(v ...any) []any { return v }

func ts(t ...*types.Type) []*types.Type { return t }

var (
	tInt  = types.IntType
	tBig  = types.BigintType
	tDbl  = types.DoubleType
	tStr  = types.StringType
	tBool = types.BooleanType
)
