package conformance

import (
	"strings"
	"testing"
)

func TestNormalizeSchema(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ID STRING KEY, V INT", "`ID` STRING KEY, `V` INTEGER"},
		{"`ID` STRING KEY, `V` INTEGER", "`ID` STRING KEY, `V` INTEGER"},
		{"id varchar primary key, v bigint", "`ID` STRING KEY, `V` BIGINT"},
		{"S STRUCT<FOO VARCHAR, `foo` VARCHAR>", "`S` STRUCT<`FOO` STRING, `foo` STRING>"},
		{"ID STRING KEY, S STRUCT< >", "`ID` STRING KEY, `S` STRUCT<>"},
		{"A STRUCT<B STRUCT<F1 INT, F2 STRING>>", "`A` STRUCT<`B` STRUCT<`F1` INTEGER, `F2` STRING>>"},
		{"C1 MAP<STRING, ARRAY<DECIMAL(19, 0)>>", "`C1` MAP<STRING, ARRAY<DECIMAL(19, 0)>>"},
		{"KEY DECIMAL(2,1) KEY, TOTAL BIGINT", "`KEY` DECIMAL(2, 1) KEY, `TOTAL` BIGINT"},
		{"R10 DECIMAL(33,16), 1R DECIMAL(33,16)", "`R10` DECIMAL(33, 16), `1R` DECIMAL(33, 16)"},
		{"L_ROWTIME BIGINT,L_ROWPARTITION INT", "`L_ROWTIME` BIGINT, `L_ROWPARTITION` INTEGER"},
		{"H ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS", "`H` ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS"},
		{"H BYTES HEADER('abc'), T TIMESTAMP, D DATE, TM TIME", "`H` BYTES HEADER('abc'), `T` TIMESTAMP, `D` DATE, `TM` TIME"},
		{"`we``ird` INT", "`we``ird` INTEGER"},
		{"", ""},
	}
	for _, tc := range tests {
		got, err := NormalizeSchema(tc.in)
		if err != nil {
			t.Errorf("NormalizeSchema(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("NormalizeSchema(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"ID", "ID ARRAY<INT", "ID INT,", "ID MAP<INT>", "`ID INT", "ID INT HEADER(x)"} {
		if _, err := NormalizeSchema(bad); err == nil {
			t.Errorf("NormalizeSchema(%q): no error", bad)
		}
	}
}

func TestCompareSchemas(t *testing.T) {
	if d := CompareSchemas("ID STRING KEY, V INT", "`ID` STRING KEY, `V` INTEGER"); d != "" {
		t.Errorf("equal schemas: %s", d)
	}
	if d := CompareSchemas("NAME STRING KEY, AGE INT, ID INT", "NAME STRING KEY, ID INT, AGE INT"); d == "" {
		t.Errorf("column order must matter")
	}
	if d := CompareSchemas("ID INT", "ID INT KEY"); d == "" {
		t.Errorf("KEY marker must matter")
	}
	if d := CompareSchemas("ID ARRAY<", "x"); !strings.Contains(d, "does not parse") {
		t.Errorf("unparsable: %s", d)
	}
}

// TestCorpusSchemasParse parses every post.sources schema of the corpus.
func TestCorpusSchemasParse(t *testing.T) {
	cs, err := LoadDir(*flagQTTDir, KindQTT)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	n := 0
	for _, c := range cs {
		if c.Post == nil {
			continue
		}
		for _, s := range c.Post.Sources {
			if s.Schema == "" {
				continue
			}
			n++
			if _, err := NormalizeSchema(s.Schema); err != nil {
				t.Errorf("%s: %q: %v", c.ID(), s.Schema, err)
			}
		}
	}
	t.Logf("%d schemas parsed", n)
}
