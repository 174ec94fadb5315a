package cli

import (
	"reflect"
	"testing"
)

func TestComplete(t *testing.T) {
	for in, want := range map[string]bool{
		"":                             true,
		"   \n":                        true,
		"-- only a comment\n":          true,
		"SHOW STREAMS;\n":              true,
		"SHOW STREAMS\n":               false,
		"SELECT 'a;b' FROM x\n":        false,
		"SELECT 'a;\n":                 false,
		"SELECT 1; -- done\n":          true,
		"SELECT 1 -- not done;\n":      false,
		"SELECT 1 /* ; */\n":           false,
		"SELECT 1 /* open ;\n":         false,
		"SHOW STREAMS; SHOW TABLES;\n": true,
		"SHOW STREAMS; SHOW TABLES\n":  false,
		"SELECT `a;` FROM x;\n":        true,
		"CREATE STREAM s (a INT)\n  WITH (KAFKA_TOPIC='t');\n": true,
	} {
		if got := complete(in); got != want {
			t.Errorf("complete(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSchemaColumns(t *testing.T) {
	got := schemaColumns("`ID` STRING KEY, `S` STRUCT<`A` INTEGER, `B,C` MAP<STRING, DECIMAL(4, 2)>>, `x``y` BIGINT, Z INT")
	want := []string{"ID", "S", "x`y", "Z"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLeadingWords(t *testing.T) {
	for in, want := range map[string][]string{
		"select * from x":               {"SELECT"},
		"-- c\n /* d */ Show variables": {"SHOW", "VARIABLES"},
		"RUN SCRIPT '/tmp/x.sql'":       {"RUN", "SCRIPT"},
		"  DEFINE a = 'b'":              {"DEFINE", "A"},
	} {
		if got := leadingWords(in, 2); !reflect.DeepEqual(got, want) {
			t.Errorf("leadingWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubstitute(t *testing.T) {
	s := New(Config{})
	s.vars["TOPIC"] = variable{name: "topic", value: "pageviews"}
	got, err := s.substitute("PRINT '${topic}' LIMIT ${Topic}")
	if err != nil || got != "PRINT 'pageviews' LIMIT pageviews" {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := s.substitute("SELECT ${nope}"); err == nil || err.Error() != "Can't find any variable with the name 'nope'." {
		t.Errorf("undefined variable: %v", err)
	}
}
