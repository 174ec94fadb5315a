package parser

import (
	"fmt"
	"strings"
)

// SubstituteVariables replaces each ${name} in sql with the value lookup
// gives for the upper-cased, trimmed name, as ksqlDB substitutes DEFINE'd
// variables before parsing. An unknown name is an error; an unclosed ${
// is left as it is.
func SubstituteVariables(sql string, lookup func(name string) (string, bool)) (string, error) {
	if !strings.Contains(sql, "${") {
		return sql, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(sql, "${")
		if i < 0 {
			b.WriteString(sql)
			return b.String(), nil
		}
		j := strings.IndexByte(sql[i:], '}')
		if j < 0 {
			b.WriteString(sql)
			return b.String(), nil
		}
		name := sql[i+2 : i+j]
		v, ok := lookup(strings.ToUpper(strings.TrimSpace(name)))
		if !ok {
			return "", fmt.Errorf("Can't find any variable with the name '%s'.", name)
		}
		b.WriteString(sql[:i])
		b.WriteString(v)
		sql = sql[i+j+1:]
	}
}
