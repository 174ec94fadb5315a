package engine

import "testing"

func TestPullSourceName(t *testing.T) {
	for _, c := range []struct {
		sql, want string
		ok        bool
	}{
		{"SELECT * FROM b3 WHERE k = '1';", "B3", true},
		{"select a from\n  users;", "USERS", true},
		{"SELECT * FROM `MixedCase` WHERE k = 1;", "MixedCase", true},
		{"SELECT * FROM t;", "T", true},
		{"INSERT INTO t SELECT * FROM s;", "", false},
		{"SELECT 1;", "", false},
		{"SELECT * FROM ``;", "", false},
	} {
		got, ok := pullSourceName(c.sql)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: got %q, %v; want %q, %v", c.sql, got, ok, c.want, c.ok)
		}
	}
}
