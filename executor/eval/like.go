package eval

import (
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/eddysql/eddy/planner/expr"
)

// likeRegexp translates a SQL LIKE pattern (% any run, _ one character,
// escape making the next character literal) to an anchored regexp.
func likeRegexp(p string, escape rune) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case escape != 0 && c == escape && i+1 < len(rs):
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	return regexp.Compile(b.String())
}

// likeFast handles patterns that need no regexp: exact, prefix%, %suffix,
// %infix%.
func likeFast(p string, escape rune) (func(string) bool, bool) {
	if escape != 0 && strings.ContainsRune(p, escape) || strings.ContainsRune(p, '_') {
		return nil, false
	}
	core := strings.Trim(p, "%")
	if strings.ContainsRune(core, '%') {
		return nil, false
	}
	pre, suf := strings.HasPrefix(p, "%"), strings.HasSuffix(p, "%") && len(p) > 1
	switch {
	case pre && suf:
		return func(s string) bool { return strings.Contains(s, core) }, true
	case pre:
		return func(s string) bool { return strings.HasSuffix(s, core) }, true
	case suf:
		return func(s string) bool { return strings.HasPrefix(s, core) }, true
	}
	return func(s string) bool { return s == core }, true
}

func compileLike(e *expr.Like) (ev, error) {
	x, err := compile(e.X)
	if err != nil {
		return nil, err
	}
	not := e.Not
	if lit, ok := e.Pattern.(*expr.Literal); ok {
		if lit.Value == nil {
			return func([]any, *frame) (any, error) { return nil, nil }, nil
		}
		p := lit.Value.(string)
		match, ok := likeFast(p, e.Escape)
		if !ok {
			re, err := likeRegexp(p, e.Escape)
			if err != nil {
				return nil, err
			}
			match = re.MatchString
		}
		return func(row []any, fr *frame) (any, error) {
			v, err := x(row, fr)
			if v == nil || err != nil {
				return nil, err
			}
			return match(v.(string)) != not, nil
		}, nil
	}
	pat, err := compile(e.Pattern)
	if err != nil {
		return nil, err
	}
	escape := e.Escape
	var cache sync.Map // pattern -> *regexp.Regexp, bounded by cached
	var cached atomic.Int32
	return func(row []any, fr *frame) (any, error) {
		v, p, ok, err := both(x, pat, row, fr)
		if !ok {
			return nil, err
		}
		ps := p.(string)
		var re *regexp.Regexp
		if c, ok := cache.Load(ps); ok {
			re = c.(*regexp.Regexp)
		} else {
			if re, err = likeRegexp(ps, escape); err != nil {
				return nil, err
			}
			if cached.Add(1) <= 1024 {
				cache.Store(ps, re)
			}
		}
		return re.MatchString(v.(string)) != not, nil
	}, nil
}
