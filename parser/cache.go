package parser

import (
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/eddysql/eddy/parser/ast"
)

// Cache parses queries that differ from one parsed before only in their
// literals without running the parser: applications send the same pull
// query with other keys again and again, and parsing costs more than the
// rest of answering a key lookup.
//
// A statement's text is scanned for its literals (strings and numbers);
// the rest of the text is the cache key. The first parse of a key keeps
// the query's tree and, for each literal, the literal node the parser made
// of it. A later text with the same key gets a copy of that tree with the
// new literals, and every position and the query's text adjusted to the
// new text, so the result is what Parse would return. A literal that the
// tree does not hold as a literal node (LIMIT 5, SIZE 10 SECONDS, ESCAPE
// '!') must be the same as in the first text, else it is parsed again.
// Only single SELECT statements are kept; anything else goes to Parse.
type Cache struct {
	mu      sync.Mutex
	entries map[string]*template
	max     int
	hits    int // answers given without the parser
}

// NewCache returns a cache of at most max query shapes.
func NewCache(max int) *Cache {
	return &Cache{entries: map[string]*template{}, max: max}
}

// template is a parsed query and where its literals are.
type template struct {
	query *ast.Query // never handed out: callers get copies
	lits  []scanned
	nodes []*ast.Literal // per literal: its node, nil if it must match
	text  [2]int         // byte offsets of query.Text in the source
}

// scanned is a literal found by scan.
type scanned struct {
	class     byte // 'S' string, 'I' integer, 'D' decimal, 'F' floating point
	text      string
	line, col int // as ast.Pos
	off       int // byte offset
	n         int // length in runes (columns)
}

// maxCachedText bounds the texts the cache keeps (its keys are as long).
const maxCachedText = 4 << 10

// Parse is Parse with the cache.
func (c *Cache) Parse(sql string) ([]ast.Statement, error) {
	if len(sql) > maxCachedText {
		return Parse(sql)
	}
	key, lits, ok := scan(sql)
	if ok {
		c.mu.Lock()
		t := c.entries[key]
		hit := t != nil && t.fits(lits)
		if hit {
			c.hits++
		}
		c.mu.Unlock()
		if hit {
			return []ast.Statement{t.instantiate(lits)}, nil
		}
	}
	stmts, err := Parse(sql)
	if err != nil || !ok || len(stmts) != 1 {
		return stmts, err
	}
	q, isQuery := stmts[0].(*ast.Query)
	if !isQuery {
		return stmts, nil
	}
	t := newTemplate(q, sql, lits)
	c.mu.Lock()
	if len(c.entries) >= c.max {
		clear(c.entries) // shapes come and go rarely; a full cache starts over
	}
	c.entries[key] = t
	c.mu.Unlock()
	return stmts, nil
}

func newTemplate(q *ast.Query, sql string, lits []scanned) *template {
	t := &template{lits: lits, nodes: make([]*ast.Literal, len(lits)), text: [2]int{-1, -1}}
	t.query = copyTree(q, nil, nil).(*ast.Query)
	at := map[ast.Pos]*ast.Literal{}
	eachLiteral(reflect.ValueOf(t.query), func(l *ast.Literal) { at[l.P] = l })
	for i, s := range lits {
		l := at[ast.Pos{Line: s.line, Col: s.col}]
		if l != nil && l.Text == s.value() && l.Kind == s.kind() {
			t.nodes[i] = l
		}
	}
	if i := strings.Index(sql, q.Text); i >= 0 && q.Text != "" {
		t.text = [2]int{i, i + len(q.Text)}
	}
	return t
}

// fits tells whether lits (of a text with t's key) can fill t.
func (t *template) fits(lits []scanned) bool {
	if len(lits) != len(t.lits) || t.text[0] < 0 {
		return false
	}
	for i, l := range lits {
		if t.nodes[i] == nil && l.text != t.lits[i].text {
			return false
		}
	}
	return true
}

// instantiate copies t's query with the literals lits.
func (t *template) instantiate(lits []scanned) *ast.Query {
	values := make(map[*ast.Literal]string, len(lits))
	var text strings.Builder // the query's new text
	old, from := t.query.Text, t.text[0]
	for i, l := range lits {
		if n := t.nodes[i]; n != nil {
			values[n] = l.value()
		}
		if o := t.lits[i]; o.off >= t.text[0] && o.off < t.text[1] {
			text.WriteString(old[from-t.text[0] : o.off-t.text[0]])
			text.WriteString(l.text)
			from = o.off + len(o.text)
		}
	}
	text.WriteString(old[from-t.text[0]:])
	shift := func(p ast.Pos) ast.Pos {
		col := p.Col
		for i, o := range t.lits {
			if o.line == p.Line && o.col < p.Col {
				col += lits[i].n - o.n
			}
		}
		return ast.Pos{Line: p.Line, Col: col}
	}
	q := copyTree(t.query, values, shift).(*ast.Query)
	q.Text = text.String()
	return q
}

func (s scanned) kind() ast.LiteralKind {
	switch s.class {
	case 'S':
		return ast.LitString
	case 'D':
		return ast.LitDecimal
	case 'F':
		return ast.LitDouble
	}
	return ast.LitInteger
}

// value is the literal's Text as the parser sets it.
func (s scanned) value() string {
	if s.class == 'S' {
		return unquote(s.text, '\'')
	}
	return s.text
}

// scan splits sql into its literals and the rest (the key, with a mark
// for each literal's class). ok is false for texts it does not know how
// to split as the lexer does; those are not cached.
func scan(sql string) (key string, lits []scanned, ok bool) {
	keyb := make([]byte, 0, len(sql))
	line, col := 1, 1 // of sql[i]
	advance := func(s string) {
		for _, r := range s {
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
	}
	for i := 0; i < len(sql); {
		c := sql[i]
		j := i + 1
		switch {
		case c == '\'':
			j = skipQuoted(sql, i, c) + 1
			if j > len(sql) || strings.IndexByte(sql[i:j], '\n') >= 0 {
				return "", nil, false // unterminated, or lines a new one would not have
			}
			lits = append(lits, scanned{class: 'S', text: sql[i:j], line: line, col: col, off: i, n: utf8.RuneCountInString(sql[i:j])})
			keyb = append(keyb, 0, 'S')
		case c == '`' || c == '"':
			j = skipQuoted(sql, i, c) + 1
			if j > len(sql) {
				return "", nil, false
			}
			keyb = append(keyb, sql[i:j]...)
		case c == '-' && j < len(sql) && sql[j] == '-', c == '/' && j < len(sql) && sql[j] == '*':
			return "", nil, false // comments: left to the parser
		case c == 0:
			return "", nil, false // the key's literal mark
		case c >= '0' && c <= '9', c == '.' && j < len(sql) && isDigit(sql[j]):
			class := byte('I')
			for j < len(sql) && isDigit(sql[j]) {
				j++
			}
			if c == '.' || (j < len(sql) && sql[j] == '.') {
				if c != '.' {
					j++
				}
				class = 'D'
				for j < len(sql) && isDigit(sql[j]) {
					j++
				}
			}
			if j < len(sql) && (sql[j] == 'e' || sql[j] == 'E') {
				k := j + 1
				if k < len(sql) && (sql[k] == '+' || sql[k] == '-') {
					k++
				}
				if k < len(sql) && isDigit(sql[k]) {
					for k < len(sql) && isDigit(sql[k]) {
						k++
					}
					class, j = 'F', k
				}
			}
			if j-i > 18 || (j < len(sql) && (isWordByte(sql[j]) || sql[j] == '.')) || (i > 0 && sql[i-1] == '.') {
				return "", nil, false // too long for BIGINT, or lexed with its neighbours
			}
			lits = append(lits, scanned{class: class, text: sql[i:j], line: line, col: col, off: i, n: j - i})
			keyb = append(keyb, 0, class)
		default:
			r, size := utf8.DecodeRuneInString(sql[i:])
			if r == '_' || unicode.IsLetter(r) {
				// An identifier or keyword: digits in it are not numbers.
				j = i + size
				for j < len(sql) {
					r, size := utf8.DecodeRuneInString(sql[j:])
					if r != '_' && r != '@' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
						break
					}
					j += size
				}
			} else {
				j = i + size
			}
			keyb = append(keyb, sql[i:j]...)
		}
		advance(sql[i:j])
		i = j
	}
	return string(keyb), lits, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte tells bytes that continue a number into an identifier
// (DIGIT_IDENTIFIER); bytes of non-ASCII letters count too.
func isWordByte(c byte) bool {
	return c == '_' || c == '@' || c >= 0x80 || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

var (
	literalType = reflect.TypeFor[ast.Literal]()
	posType     = reflect.TypeFor[ast.Pos]()
)

// eachLiteral calls fn for every literal node under v.
func eachLiteral(v reflect.Value, fn func(*ast.Literal)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Elem() == literalType {
			fn(v.Interface().(*ast.Literal))
		}
		eachLiteral(v.Elem(), fn)
	case reflect.Interface:
		if !v.IsNil() {
			eachLiteral(v.Elem(), fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			eachLiteral(v.Field(i), fn)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			eachLiteral(v.Index(i), fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			eachLiteral(it.Value(), fn)
		}
	}
}

// copyTree deep-copies an AST, giving the literal nodes in values their
// new text and moving every position by shift (if not nil).
func copyTree(n any, values map[*ast.Literal]string, shift func(ast.Pos) ast.Pos) any {
	return copyValue(reflect.ValueOf(n), values, shift).Interface()
}

func copyValue(v reflect.Value, values map[*ast.Literal]string, shift func(ast.Pos) ast.Pos) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(copyValue(v.Elem(), values, shift))
		if l, ok := v.Interface().(*ast.Literal); ok {
			if text, ok := values[l]; ok {
				out.Interface().(*ast.Literal).Text = text
			}
		}
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(copyValue(v.Elem(), values, shift))
		return out
	case reflect.Struct:
		if v.Type() == posType {
			if shift == nil {
				return v
			}
			return reflect.ValueOf(shift(v.Interface().(ast.Pos)))
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields, if any, are shared
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(copyValue(v.Field(i), values, shift))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(copyValue(v.Index(i), values, shift))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(copyValue(v.Index(i), values, shift))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), copyValue(it.Value(), values, shift))
		}
		return out
	}
	return v
}
