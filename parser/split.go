package parser

import "strings"

// SplitStatements splits sql on ';' outside string literals, quoted
// identifiers and comments. Each piece is trimmed of surrounding white
// space and has no trailing ';'; pieces holding only white space and
// comments are dropped. An unterminated quote or comment runs to the end.
func SplitStatements(sql string) []string {
	var out []string
	start := 0
	substantive := false // the current piece has more than blanks/comments
	flush := func(end int) {
		if substantive {
			out = append(out, strings.TrimSpace(sql[start:end]))
		}
		start, substantive = end+1, false
	}
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '`' || c == '"':
			substantive = true
			i = skipQuoted(sql, i, c)
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(sql)
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(sql)
			}
		case c == ';':
			flush(i)
		case c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			substantive = true
		}
	}
	if start < len(sql) {
		flush(len(sql))
	}
	return out
}

// skipQuoted returns the index of the quote closing the one at i; a doubled
// quote is an escaped quote character.
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			j++
			continue
		}
		return j
	}
	return len(s)
}
