package cli

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// golden compares got with testdata/<name>, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

var (
	ansiRE    = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)
	queryIDRE = regexp.MustCompile(`\b(transient_[A-Za-z0-9_]+?_|query_|CSAS_[A-Z0-9_]+?_|CTAS_[A-Z0-9_]+?_)\d+\b`)
	rowtimeRE = regexp.MustCompile(`rowtime: [0-9/]+ [0-9:.]+ Z`)
	addrRE    = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	tempDirRE = regexp.MustCompile(`/[^ '\n]*/eddy-shell-[^ '\n]*`)
)

// screen turns what readline wrote into what a terminal shows: of each
// line only the text after the last carriage return (readline redraws the
// line on every key), with backspaces applied.
func screen(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		segs := strings.Split(l, "\r")
		last := ""
		for _, seg := range segs {
			if seg != "" {
				last = seg
			}
		}
		var r []rune
		for _, c := range last {
			if c == '\b' {
				if len(r) > 0 {
					r = r[:len(r)-1]
				}
				continue
			}
			r = append(r, c)
		}
		lines[i] = strings.TrimRight(string(r), " ")
	}
	return strings.Join(lines, "\n")
}

// mask replaces what changes between runs: query ids, timestamps, ports,
// temporary paths; it also drops terminal escape sequences.
func mask(s string) string {
	s = ansiRE.ReplaceAllString(s, "")
	s = queryIDRE.ReplaceAllString(s, "${1}N")
	s = rowtimeRE.ReplaceAllString(s, "rowtime: <TIME>")
	s = addrRE.ReplaceAllString(s, "127.0.0.1:PORT")
	return tempDirRE.ReplaceAllString(s, "<TMP>")
}
