package parser

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics and only fails with *Error.
func FuzzParse(f *testing.F) {
	for _, tc := range statementCases {
		f.Add(tc.sql)
	}
	for _, e := range exprCases {
		f.Add("SELECT " + e + " FROM t")
	}
	for _, tc := range errorCases {
		f.Add(tc.src)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		_, err := Parse(sql)
		var pe *Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		SplitStatements(sql)
	})
}
