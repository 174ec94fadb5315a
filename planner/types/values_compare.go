package types

import (
	"bytes"
	"cmp"
	"fmt"

	"github.com/shopspring/decimal"
)

// CompareValues orders two non-NULL values of the same SQL type (numbers of
// different runtime types are compared numerically). It returns an error
// for values that have no order (arrays, maps, structs) or mismatched kinds.
func CompareValues(a, b any) (int, error) {
	switch x := a.(type) {
	case int32:
		switch y := b.(type) {
		case int32:
			return cmp.Compare(x, y), nil
		case int64:
			return cmp.Compare(int64(x), y), nil
		}
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, y), nil
		case int32:
			return cmp.Compare(x, int64(y)), nil
		}
	case float64:
		if y, ok := b.(float64); ok {
			return compareDouble(x, y), nil
		}
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y), nil
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, nil
			case !x:
				return -1, nil
			}
			return 1, nil
		}
	case decimal.Decimal:
		if y, ok := b.(decimal.Decimal); ok {
			return x.Cmp(y), nil
		}
	case Timestamp:
		if y, ok := b.(Timestamp); ok {
			return cmp.Compare(x, y), nil
		}
	case Date:
		if y, ok := b.(Date); ok {
			return cmp.Compare(x, y), nil
		}
	case Time:
		if y, ok := b.(Time); ok {
			return cmp.Compare(x, y), nil
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y), nil
		}
	}
	if fa, ok := ToFloat64(a); ok {
		if fb, ok := ToFloat64(b); ok {
			return compareDouble(fa, fb), nil
		}
	}
	return 0, fmt.Errorf("cannot compare %T with %T", a, b)
}

// compareDouble orders like Java's Double.compare (NaN greatest).
func compareDouble(x, y float64) int {
	return cmp.Compare(x, y)
}

// ToFloat64 converts any numeric runtime value to float64.
func ToFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case decimal.Decimal:
		return x.InexactFloat64(), true
	}
	return 0, false
}

// ToInt64 converts INT or BIGINT runtime values to int64.
func ToInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

// EqualValues reports SQL equality of two values, deeply for arrays, maps
// and structs; decimals compare by value (1.0 = 1.00); NULL equals NULL
// here (callers decide three-valued logic).
func EqualValues(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !EqualValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !EqualValues(v, w) {
				return false
			}
		}
		return true
	case StructValue:
		y, ok := b.(StructValue)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !EqualValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case float64:
		if y, ok := b.(float64); ok {
			return x == y
		}
	}
	c, err := CompareValues(a, b)
	return err == nil && c == 0
}
