package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// table is a ksqlDB CLI listing: a header row, a rule of dashes, the rows
// and a closing rule, columns separated by " | ":
//
//	 Stream Name | Kafka Topic | Value Format
//	------------------------------------------
//	 PAGEVIEWS   | pageviews   | JSON
//	------------------------------------------
type table struct {
	headers []string
	rows    [][]string
	footer  string // printed after the closing rule when set
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write prints the table; lines carry no trailing blanks.
func (t *table) write(w io.Writer) {
	widths := make([]int, len(t.headers))
	measure := func(cells []string) {
		for i, c := range cells {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	measure(t.headers)
	for _, r := range t.rows {
		measure(r)
	}
	total := 0
	for _, wd := range widths {
		total += wd + 3
	}
	rule := strings.Repeat("-", max(total-1, 1))
	line := func(cells []string) {
		var b strings.Builder
		for i := range widths {
			if i > 0 {
				b.WriteString("|")
			}
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			b.WriteString(" ")
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+1))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(t.headers)
	fmt.Fprintln(w, rule)
	for _, r := range t.rows {
		line(r)
	}
	fmt.Fprintln(w, rule)
	if t.footer != "" {
		fmt.Fprintln(w, t.footer)
	}
}

// messageTable prints a one-column "Message" table, as ksqlDB does for
// command results.
func messageTable(w io.Writer, msg string) {
	t := &table{headers: []string{"Message"}}
	for _, l := range strings.Split(msg, "\n") {
		t.add(l)
	}
	t.write(w)
}

// keyValues prints "Name                 : value" lines with the names
// padded to a common width.
func keyValues(w io.Writer, width int, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(w, "%-*s : %s\n", width, kv[i], kv[i+1])
	}
}
