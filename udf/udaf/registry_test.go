package udaf

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/planner/types"
)

// testRegistry serves the tests of this package, which call the registry's
// lookups as plain functions.
var testRegistry = NewRegistry()

func Names() []string                                 { return testRegistry.Names() }
func CanUndo(name string) bool                        { return testRegistry.CanUndo(name) }
func ColumnArgs(name string, nargs int) (int, error)  { return testRegistry.ColumnArgs(name, nargs) }
func RegisterUser(name string, u UserAggregate) error { return testRegistry.RegisterUser(name, u) }
func ReturnType(name string, args []*types.Type, lits []any) (*types.Type, error) {
	return testRegistry.ReturnType(name, args, lits)
}
func New(name string, args []*types.Type, lits []any, ret *types.Type) (Aggregator, error) {
	return testRegistry.New(name, args, lits, ret)
}
func NewWithConfig(name string, args []*types.Type, lits []any, ret *types.Type, cfg Config) (Aggregator, error) {
	return testRegistry.NewWithConfig(name, args, lits, ret, cfg)
}

func TestEncodeValueRoundTrip(t *testing.T) {
	typ := types.ArrayOf(types.StructOf(types.Field{Name: "A", Type: types.DecimalOf(5, 2)}, types.Field{Name: "M", Type: types.MapOf(types.StringType, types.BigintType)}))
	v := []any{types.StructValue{decimal.RequireFromString("1.25"), map[string]any{"k": int64(3)}}, nil}
	b, err := EncodeValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeValue(typ, b)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(v) {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if _, err := DecodeValue(typ, b[:len(b)-1]); err == nil {
		t.Error("truncated value decoded")
	}
}

func TestAppendValuesRoundTrip(t *testing.T) {
	ts := []*types.Type{types.StringType, types.BigintType, types.DoubleType, types.TimestampType, types.BytesType}
	row := []any{"k", int64(-7), 2.5, types.Timestamp(1_700_000_000_000), nil}
	b, err := AppendValues([]byte("prefix"), ts, row)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeValues(ts, b[len("prefix"):])
	if err != nil || fmt.Sprint(got) != fmt.Sprint(row) {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if _, err := AppendValues(nil, ts, row[:4]); err == nil {
		t.Error("a short row encoded")
	}
	if _, err := AppendValues(nil, ts[:1], []any{int64(1)}); err == nil {
		t.Error("a BIGINT encoded as STRING")
	}
	if _, err := DecodeValues(ts, b[len("prefix"):len(b)-1]); err == nil {
		t.Error("truncated row decoded")
	}
}
