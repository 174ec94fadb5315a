package eval

import "testing"

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int32
		ok   bool
	}{
		{"1970-01-10", 9, true},
		{"1969-12-31", -1, true},
		{"1970-01", 0, true},
		{"1971", 365, true},
		{"foo", 0, false},
		{"1970-1-1", 0, false},
	} {
		got, err := ParseDate(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseDate(%q) = %d, %v; want %d (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
