package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// DoubleTolerance is the absolute and relative tolerance for doubles.
const DoubleTolerance = 1e-6

// CompareValue compares an expected test-JSON value with an actual one and
// returns "" when they match, otherwise the first difference prefixed by path
// (e.g. `value field V0: expected 1.5, got 2`).
//
// Rules (after ksqlDB's ExpectedRecordComparator, adapted to JSON text):
//   - null matches only null; strings and booleans exactly.
//   - integers exactly (arbitrary precision).
//   - a number whose fraction has a trailing zero beyond a lone ".0" (e.g.
//     "1.50") can only be a DECIMAL: both sides must have the same value and
//     the same scale.
//   - otherwise numbers are doubles: equal within DoubleTolerance, absolute
//     or relative ("1" matches "1.0").
//   - objects: every expected field must exist (looked up by its exact name,
//     then upper-cased, as ksqlDB does), except that an expected null also
//     matches a missing field, and the field counts must match.
//   - arrays: same length, element-wise.
func CompareValue(path string, exp, act any) string {
	switch e := exp.(type) {
	case nil:
		if act != nil {
			return mismatch(path, exp, act)
		}
		return ""
	case string:
		switch a := act.(type) {
		case string:
			if a == e {
				return ""
			}
		case json.Number:
			// A DECIMAL written as a string in the expectation: equal value
			// and scale, as BigDecimal.equals ("005.4" matches 5.4).
			if sameDecimal(e, a.String()) {
				return ""
			}
		}
		return mismatch(path, exp, act)
	case bool:
		if a, ok := act.(bool); ok && a == e {
			return ""
		}
		return mismatch(path, exp, act)
	case json.Number, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		en, _ := numberOf(exp)
		an, ok := numberOf(act)
		if !ok || !numbersEqual(en, an) {
			return mismatch(path, exp, act)
		}
		return ""
	case []any:
		a, ok := act.([]any)
		if !ok {
			return mismatch(path, exp, act)
		}
		for i := 0; i < len(e) && i < len(a); i++ {
			if d := CompareValue(fmt.Sprintf("%s[%d]", path, i), e[i], a[i]); d != "" {
				return d
			}
		}
		if len(e) != len(a) {
			return fmt.Sprintf("%s: expected %d elements, got %d: expected %s, got %s", path, len(e), len(a), render(exp), render(act))
		}
		return ""
	case map[string]any:
		a, ok := act.(map[string]any)
		if !ok {
			return mismatch(path, exp, act)
		}
		names := make([]string, 0, len(e))
		for k := range e {
			names = append(names, k)
		}
		sort.Strings(names)
		used := make(map[string]bool, len(e))
		for _, k := range names {
			ak, found := lookupField(a, k)
			if !found && e[k] == nil {
				// ksqlDB's ExpectedRecordComparator reads a missing field as
				// null and only checks the field count, so the corpus has
				// cases that rely on it (encode.json expects a "HEX" field).
				continue
			}
			if !found {
				return fmt.Sprintf("%s: missing (expected %s); got %s", fieldPath(path, k), render(e[k]), render(act))
			}
			used[ak] = true
			if d := CompareValue(fieldPath(path, k), e[k], a[ak]); d != "" {
				return d
			}
		}
		if len(a) != len(e) {
			var extra []string
			for k := range a {
				if !used[k] {
					extra = append(extra, k)
				}
			}
			sort.Strings(extra)
			return fmt.Sprintf("%s: expected %d fields, got %d (unexpected %s)", path, len(e), len(a), strings.Join(extra, ", "))
		}
		return ""
	default:
		if fmt.Sprint(exp) == fmt.Sprint(act) {
			return ""
		}
		return mismatch(path, exp, act)
	}
}

func lookupField(m map[string]any, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	up := strings.ToUpper(name)
	if _, ok := m[up]; ok {
		return up, true
	}
	return "", false
}

func fieldPath(path, name string) string {
	if path == "key" || path == "value" || strings.HasSuffix(path, " key") || strings.HasSuffix(path, " value") {
		return path + " field " + name
	}
	return path + "." + name
}

func mismatch(path string, exp, act any) string {
	return fmt.Sprintf("%s: expected %s, got %s", path, render(exp), render(act))
}

// render prints a value compactly in JSON form for diffs.
func render(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		s = "null"
	case json.Number:
		s = x.String()
	case string:
		s = strconv.Quote(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			s = fmt.Sprintf("%#v", x)
		} else {
			s = string(b)
		}
	}
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// number is a numeric value in text form; float marks values that came as a
// Go floating point (known doubles).
type number struct {
	text  string
	float bool
}

func numberOf(v any) (number, bool) {
	switch x := v.(type) {
	case json.Number:
		return number{text: x.String()}, true
	case float64:
		return number{text: strconv.FormatFloat(x, 'g', -1, 64), float: true}, true
	case float32:
		return number{text: strconv.FormatFloat(float64(x), 'g', -1, 32), float: true}, true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return number{text: fmt.Sprint(x)}, true
	}
	return number{}, false
}

type numClass int

const (
	numInt   numClass = iota // -?digits
	numPlain                 // -?digits.digits
	numOther                 // exponent form or unparsable
)

func classify(s string) (numClass, int) {
	t := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if t == "" {
		return numOther, 0
	}
	dot := -1
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && dot < 0:
			dot = i
		default:
			return numOther, 0
		}
	}
	if dot < 0 {
		return numInt, 0
	}
	if dot == len(t)-1 {
		return numOther, 0
	}
	return numPlain, len(t) - dot - 1
}

// decimalLike reports whether a plain decimal's fraction has a trailing zero
// other than a lone ".0": only a DECIMAL prints like that.
func decimalLike(s string) bool {
	cl, scale := classify(s)
	return cl == numPlain && scale > 1 && strings.HasSuffix(s, "0")
}

// sameDecimal tells whether two plain decimal texts have the same value and
// the same number of fraction digits.
func sameDecimal(e, a string) bool {
	ec, escale := classify(e)
	ac, ascale := classify(a)
	if ec == numOther || ac == numOther || escale != ascale {
		return false
	}
	x, ok1 := new(big.Rat).SetString(e)
	y, ok2 := new(big.Rat).SetString(a)
	return ok1 && ok2 && x.Cmp(y) == 0
}

func numbersEqual(e, a number) bool {
	ec, escale := classify(e.text)
	ac, ascale := classify(a.text)
	if !e.float && !a.float {
		if ec == numInt && ac == numInt {
			x, ok1 := new(big.Int).SetString(strings.TrimPrefix(e.text, "+"), 10)
			y, ok2 := new(big.Int).SetString(strings.TrimPrefix(a.text, "+"), 10)
			return ok1 && ok2 && x.Cmp(y) == 0
		}
		if decimalLike(e.text) || decimalLike(a.text) {
			if ec != numPlain || ac != numPlain || escale != ascale {
				return false
			}
			x, ok1 := new(big.Rat).SetString(e.text)
			y, ok2 := new(big.Rat).SetString(a.text)
			return ok1 && ok2 && x.Cmp(y) == 0
		}
		if ec == numPlain && ac == numPlain && escale == ascale {
			x, ok1 := new(big.Rat).SetString(e.text)
			y, ok2 := new(big.Rat).SetString(a.text)
			if ok1 && ok2 && x.Cmp(y) == 0 {
				return true
			}
		}
	}
	x, err1 := strconv.ParseFloat(e.text, 64)
	y, err2 := strconv.ParseFloat(a.text, 64)
	if err1 != nil || err2 != nil {
		return e.text == a.text
	}
	return floatsClose(x, y)
}

func floatsClose(x, y float64) bool {
	if x == y {
		return true
	}
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return false
	}
	d := math.Abs(x - y)
	return d <= DoubleTolerance || d <= DoubleTolerance*math.Max(math.Abs(x), math.Abs(y))
}
