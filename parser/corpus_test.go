package parser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir holds ksqlDB's query-validation tests (see its README): qtt/
// and the REST variant rqtt/, which adds pull queries and INSERT VALUES.
const corpusDir = "../../shared/ksql-tests"

type qttFile struct {
	Tests []struct {
		Name              string          `json:"name"`
		Statements        []string        `json:"statements"`
		ExpectedException json.RawMessage `json:"expectedException"`
		ExpectedError     json.RawMessage `json:"expectedError"`
	} `json:"tests"`
}

// TestCorpus parses every statement of the ksqlDB QTT corpus. Statements
// of tests expecting an exception may fail to parse (ksqlDB rejects some
// of them in its parser too); all others must parse.
func TestCorpus(t *testing.T) {
	var total, ok, skipped, expectedFail int
	for _, c := range corpusStatements(t) {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(c.sql)), "ASSERT ") {
			skipped++ // ASSERT statements are a test-runner feature
			continue
		}
		total++
		if _, err := Parse(c.sql); err != nil {
			if c.expectsError {
				expectedFail++
				t.Logf("%s (expects an error): %v\n  %s", c.test, err, c.sql)
				continue
			}
			t.Errorf("%s: %v\n  %s", c.test, err, c.sql)
			continue
		}
		ok++
	}
	t.Logf("corpus: %d/%d statements parse (%.2f%%); %d failures in tests expecting an error; %d ASSERT skipped",
		ok, total, 100*float64(ok)/float64(total), expectedFail, skipped)
}

// corpusStatement is a statement of the corpus ({FORMAT} as JSON).
type corpusStatement struct {
	test         string // file / test name
	sql          string
	expectsError bool
}

// corpusStatements is every statement of the corpus.
func corpusStatements(t *testing.T) []corpusStatement {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "qtt", "*.json"))
	rqtt, _ := filepath.Glob(filepath.Join(corpusDir, "rqtt", "*.json"))
	files = append(files, rqtt...)
	if len(files) == 0 {
		t.Skipf("ksqlDB corpus not found at %s", corpusDir)
	}
	var out []corpusStatement
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var qf qttFile
		if err := json.Unmarshal(stripJSONComments(raw), &qf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tc := range qf.Tests {
			for _, stmt := range tc.Statements {
				out = append(out, corpusStatement{test: relPath(f) + " / " + tc.Name,
					sql:          strings.ReplaceAll(stmt, "{FORMAT}", "JSON"),
					expectsError: len(tc.ExpectedException) > 0 || len(tc.ExpectedError) > 0})
			}
		}
	}
	return out
}

// stripJSONComments removes // and /* */ comments outside JSON strings.
func stripJSONComments(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			if c == '\\' && i+1 < len(b) {
				i++
				out = append(out, b[i])
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
			out = append(out, c)
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			i--
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			end := strings.Index(string(b[i+2:]), "*/")
			if end < 0 {
				return out
			}
			i += end + 3
		default:
			out = append(out, c)
		}
	}
	return out
}

func relPath(f string) string { return filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f) }
