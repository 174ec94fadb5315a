package parser

import "testing"

func TestSubstituteVariables(t *testing.T) {
	vars := map[string]string{"TOPIC": "pageviews", "N": "10"}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	tests := []struct {
		in, want, err string
	}{
		{"SELECT 1;", "SELECT 1;", ""},
		{"PRINT '${topic}' LIMIT ${ n };", "PRINT 'pageviews' LIMIT 10;", ""},
		{"SELECT '${open", "SELECT '${open", ""},
		{"SELECT ${missing};", "", "Can't find any variable with the name 'missing'."},
	}
	for _, tc := range tests {
		got, err := SubstituteVariables(tc.in, lookup)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
