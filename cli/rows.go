package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// rowTable prints query rows into a box as they arrive:
//
//	+----------+----------+
//	|PAGEID    |VIEWTIME  |
//	+----------+----------+
//	|Page_1    |5         |
//	+----------+----------+
//
// Columns share the terminal width (as in ksqlDB's CLI); a longer value
// wraps onto more lines of its cell.
type rowTable struct {
	w      io.Writer
	cols   []string
	widths []int
	rows   int
}

func newRowTable(w io.Writer, cols []string, termWidth int) *rowTable {
	t := &rowTable{w: w, cols: cols, widths: make([]int, len(cols))}
	n := max(len(cols), 1)
	avail := max((termWidth-(n+1))/n, 4)
	for i, c := range cols {
		t.widths[i] = max(avail, utf8.RuneCountInString(c))
	}
	return t
}

func (t *rowTable) rule() {
	var b strings.Builder
	b.WriteByte('+')
	for _, wd := range t.widths {
		b.WriteString(strings.Repeat("-", wd))
		b.WriteByte('+')
	}
	fmt.Fprintln(t.w, b.String())
}

// header prints the top rule, the column names and the rule under them.
func (t *rowTable) header() {
	t.rule()
	t.line(t.cols)
	t.rule()
}

// row prints one row.
func (t *rowTable) row(vals []any) {
	cells := make([]string, len(t.cols))
	for i := range cells {
		if i < len(vals) {
			cells[i] = formatValue(vals[i])
		}
	}
	t.line(cells)
	t.rows++
}

// close prints the bottom rule.
func (t *rowTable) close() { t.rule() }

// line prints cells, wrapping those wider than their column.
func (t *rowTable) line(cells []string) {
	chunks := make([][]string, len(cells))
	height := 1
	for i, c := range cells {
		chunks[i] = wrap(c, t.widths[i])
		height = max(height, len(chunks[i]))
	}
	for l := 0; l < height; l++ {
		var b strings.Builder
		b.WriteByte('|')
		for i := range cells {
			s := ""
			if l < len(chunks[i]) {
				s = chunks[i][l]
			}
			b.WriteString(s)
			b.WriteString(strings.Repeat(" ", t.widths[i]-utf8.RuneCountInString(s)))
			b.WriteByte('|')
		}
		fmt.Fprintln(t.w, b.String())
	}
}

// wrap cuts s into pieces of at most width runes (at least one piece);
// line breaks in s start new pieces.
func wrap(s string, width int) []string {
	var out []string
	for _, part := range strings.Split(s, "\n") {
		r := []rune(part)
		for len(r) > width {
			out = append(out, string(r[:width]))
			r = r[width:]
		}
		out = append(out, string(r))
	}
	return out
}

// formatValue prints a column value of a query row: strings as they are,
// numbers as sent, null as "null", structs, maps and arrays as JSON.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// schemaColumns returns the column names of a /query header schema such
// as "`ID` STRING KEY, `S` STRUCT<`A` INTEGER, `B` STRING>".
func schemaColumns(schema string) []string {
	var cols []string
	i := 0
	for i < len(schema) {
		for i < len(schema) && (schema[i] == ' ' || schema[i] == ',') {
			i++
		}
		if i >= len(schema) {
			break
		}
		var name strings.Builder
		if schema[i] == '`' {
			j := i + 1
			for ; j < len(schema); j++ {
				if schema[j] == '`' {
					if j+1 < len(schema) && schema[j+1] == '`' {
						name.WriteByte('`')
						j++
						continue
					}
					break
				}
				name.WriteByte(schema[j])
			}
			i = j + 1
		} else {
			j := i
			for j < len(schema) && schema[j] != ' ' && schema[j] != ',' {
				j++
			}
			name.WriteString(schema[i:j])
			i = j
		}
		cols = append(cols, name.String())
		i = skipType(schema, i)
	}
	return cols
}

// skipType returns the index of the comma ending the column type that
// starts at i (or len(s)), skipping nested <...>, (...) and `...`.
func skipType(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '<', '(':
			depth++
		case '>', ')':
			depth--
		case '`':
			i = skipQuotedIdent(s, i)
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

func skipQuotedIdent(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == '`' {
			if j+1 < len(s) && s[j+1] == '`' {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}
