package conformance

import (
	"fmt"
	"strings"
)

// SchemaColumn is one column of a parsed schema string.
type SchemaColumn struct {
	Name   string // case preserved for quoted names, upper-cased otherwise
	Type   string // normalised type, e.g. "INTEGER", "ARRAY<STRING>", "STRUCT<`A` INTEGER>"
	Marker string // "", "KEY", "HEADERS" or "HEADER('x')"
}

// String renders the column in normalised form.
func (c SchemaColumn) String() string {
	s := quoteIdent(c.Name) + " " + c.Type
	if c.Marker != "" {
		s += " " + c.Marker
	}
	return s
}

// ParseSchema parses a ksqlDB schema string such as
// "`ID` STRING KEY, V INT, H BYTES HEADER('k')". Unquoted names are
// upper-cased, INT is INTEGER, VARCHAR is STRING, PRIMARY KEY is KEY.
func ParseSchema(s string) ([]SchemaColumn, error) {
	toks, err := tokenizeSchema(s)
	if err != nil {
		return nil, err
	}
	p := &schemaParser{toks: toks}
	var cols []SchemaColumn
	if p.peek().kind == tEOF {
		return cols, nil
	}
	for {
		col, err := p.column()
		if err != nil {
			return nil, err
		}
		cols = append(cols, col)
		if p.peek().kind == tEOF {
			return cols, nil
		}
		if err := p.expectPunct(","); err != nil {
			return nil, err
		}
	}
}

// NormalizeSchema parses a schema string and renders it in canonical form:
// "`ID` STRING KEY, `V` INTEGER".
func NormalizeSchema(s string) (string, error) {
	cols, err := ParseSchema(s)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.String()
	}
	return strings.Join(parts, ", "), nil
}

func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuoted
	tPunct
	tString
	tNumber
)

type schemaTok struct {
	kind tokKind
	text string
}

func tokenizeSchema(s string) ([]schemaTok, error) {
	var toks []schemaTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '`' || c == '"' || c == '\'':
			q := c
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated %c-quoted text at offset %d", q, i)
				}
				if s[j] == q {
					if j+1 < len(s) && s[j+1] == q { // doubled quote = escaped quote
						b.WriteByte(q)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			kind := tQuoted
			if q == '\'' {
				kind = tString
			}
			toks = append(toks, schemaTok{kind, b.String()})
			i = j + 1
		case strings.IndexByte("<>(),", c) >= 0:
			toks = append(toks, schemaTok{tPunct, string(c)})
			i++
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			word := s[i:j]
			kind := tIdent
			if strings.Trim(word, "0123456789") == "" {
				kind = tNumber
			}
			toks = append(toks, schemaTok{kind, word})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
		}
	}
	return toks, nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c == '@' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
}

type schemaParser struct {
	toks []schemaTok
	pos  int
}

func (p *schemaParser) peek() schemaTok {
	if p.pos >= len(p.toks) {
		return schemaTok{kind: tEOF}
	}
	return p.toks[p.pos]
}

func (p *schemaParser) next() schemaTok {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *schemaParser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tPunct && t.text == s
}

func (p *schemaParser) isWord(s string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, s)
}

func (p *schemaParser) expectPunct(s string) error {
	t := p.next()
	if t.kind != tPunct || t.text != s {
		return fmt.Errorf("expected %q, got %s", s, describeTok(t))
	}
	return nil
}

func describeTok(t schemaTok) string {
	if t.kind == tEOF {
		return "end of schema"
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *schemaParser) name() (string, error) {
	t := p.next()
	switch t.kind {
	case tQuoted:
		return t.text, nil
	case tIdent, tNumber:
		return strings.ToUpper(t.text), nil
	}
	return "", fmt.Errorf("expected a name, got %s", describeTok(t))
}

func (p *schemaParser) column() (SchemaColumn, error) {
	var col SchemaColumn
	var err error
	if col.Name, err = p.name(); err != nil {
		return col, err
	}
	if col.Type, err = p.typ(); err != nil {
		return col, fmt.Errorf("column %s: %w", col.Name, err)
	}
	switch {
	case p.isWord("PRIMARY"):
		p.next()
		if !p.isWord("KEY") {
			return col, fmt.Errorf("column %s: expected KEY after PRIMARY", col.Name)
		}
		p.next()
		col.Marker = "KEY"
	case p.isWord("KEY"):
		p.next()
		col.Marker = "KEY"
	case p.isWord("HEADERS"):
		p.next()
		col.Marker = "HEADERS"
	case p.isWord("HEADER"):
		p.next()
		if err := p.expectPunct("("); err != nil {
			return col, err
		}
		t := p.next()
		if t.kind != tString && t.kind != tQuoted {
			return col, fmt.Errorf("column %s: expected header key, got %s", col.Name, describeTok(t))
		}
		if err := p.expectPunct(")"); err != nil {
			return col, err
		}
		col.Marker = "HEADER('" + strings.ReplaceAll(t.text, "'", "''") + "')"
	}
	return col, nil
}

func (p *schemaParser) typ() (string, error) {
	t := p.next()
	if t.kind != tIdent {
		return "", fmt.Errorf("expected a type, got %s", describeTok(t))
	}
	name := strings.ToUpper(t.text)
	switch name {
	case "INT", "INTEGER":
		return "INTEGER", nil
	case "VARCHAR", "STRING":
		if p.isPunct("(") { // VARCHAR(n): length is not part of ksqlDB's type
			if _, err := p.args(); err != nil {
				return "", err
			}
		}
		return "STRING", nil
	case "DECIMAL":
		args, err := p.args()
		if err != nil {
			return "", err
		}
		return "DECIMAL(" + strings.Join(args, ", ") + ")", nil
	case "ARRAY":
		if err := p.expectPunct("<"); err != nil {
			return "", err
		}
		el, err := p.typ()
		if err != nil {
			return "", err
		}
		if err := p.expectPunct(">"); err != nil {
			return "", err
		}
		return "ARRAY<" + el + ">", nil
	case "MAP":
		if err := p.expectPunct("<"); err != nil {
			return "", err
		}
		k, err := p.typ()
		if err != nil {
			return "", err
		}
		if err := p.expectPunct(","); err != nil {
			return "", err
		}
		v, err := p.typ()
		if err != nil {
			return "", err
		}
		if err := p.expectPunct(">"); err != nil {
			return "", err
		}
		return "MAP<" + k + ", " + v + ">", nil
	case "STRUCT":
		if err := p.expectPunct("<"); err != nil {
			return "", err
		}
		var fields []string
		for !p.isPunct(">") {
			if len(fields) > 0 {
				if err := p.expectPunct(","); err != nil {
					return "", err
				}
			}
			fn, err := p.name()
			if err != nil {
				return "", err
			}
			ft, err := p.typ()
			if err != nil {
				return "", err
			}
			fields = append(fields, quoteIdent(fn)+" "+ft)
		}
		p.next()
		return "STRUCT<" + strings.Join(fields, ", ") + ">", nil
	}
	if p.isPunct("(") { // unknown parameterised type: keep its arguments
		args, err := p.args()
		if err != nil {
			return "", err
		}
		return name + "(" + strings.Join(args, ", ") + ")", nil
	}
	return name, nil
}

// args parses "(a, b, ...)" of numbers/identifiers.
func (p *schemaParser) args() ([]string, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	var out []string
	for !p.isPunct(")") {
		if len(out) > 0 {
			if err := p.expectPunct(","); err != nil {
				return nil, err
			}
		}
		t := p.next()
		if t.kind != tNumber && t.kind != tIdent {
			return nil, fmt.Errorf("expected a type argument, got %s", describeTok(t))
		}
		out = append(out, t.text)
	}
	p.next()
	return out, nil
}

// CompareSchemas compares two schema strings after normalisation. It returns
// "" when they match. If either does not parse, the strings are compared with
// whitespace collapsed.
func CompareSchemas(expected, actual string) string {
	en, err1 := NormalizeSchema(expected)
	an, err2 := NormalizeSchema(actual)
	if err1 != nil || err2 != nil {
		if strings.Join(strings.Fields(expected), " ") == strings.Join(strings.Fields(actual), " ") {
			return ""
		}
		var why string
		if err1 != nil {
			why = fmt.Sprintf(" (expected schema does not parse: %v)", err1)
		} else {
			why = fmt.Sprintf(" (actual schema does not parse: %v)", err2)
		}
		return fmt.Sprintf("expected %s, got %s%s", expected, actual, why)
	}
	if en == an {
		return ""
	}
	return fmt.Sprintf("expected %s, got %s", en, an)
}
