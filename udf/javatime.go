package udf

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// javaFormat is a compiled java.time.format.DateTimeFormatter (or
// SimpleDateFormat) pattern: letters such as yyyy MM dd HH mm ss SSS,
// 'quoted' literals, [optional] sections, zones z Z X x VV O.
type javaFormat struct {
	toks []jtok
}

type jtok struct {
	letter byte   // 0 for a literal
	n      int    // repeat count
	lit    string // literal text
	opt    []jtok // optional section ([...]) when letter == '['
}

func compileJavaFormat(p string) (*javaFormat, error) {
	toks, rest, err := parseJavaTokens(p, false)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("unbalanced ']' in pattern %q", p)
	}
	return &javaFormat{toks: toks}, nil
}

func parseJavaTokens(p string, inOpt bool) ([]jtok, string, error) {
	var toks []jtok
	for len(p) > 0 {
		c := p[0]
		switch {
		case c == '\'':
			end := 1
			var lit strings.Builder
			for {
				if end >= len(p) {
					return nil, "", fmt.Errorf("unterminated quote in pattern")
				}
				if p[end] == '\'' {
					if end+1 < len(p) && p[end+1] == '\'' {
						lit.WriteByte('\'')
						end += 2
						continue
					}
					break
				}
				lit.WriteByte(p[end])
				end++
			}
			if end == 1 {
				lit.WriteByte('\'') // '' is a quote
			}
			toks = append(toks, jtok{lit: lit.String()})
			p = p[end+1:]
		case c == '[':
			sub, rest, err := parseJavaTokens(p[1:], true)
			if err != nil {
				return nil, "", err
			}
			toks = append(toks, jtok{letter: '[', opt: sub})
			p = rest
		case c == ']':
			if !inOpt {
				return nil, "", fmt.Errorf("unbalanced ']' in pattern")
			}
			return toks, p[1:], nil
		case c < 128 && unicode.IsLetter(rune(c)):
			n := 1
			for n < len(p) && p[n] == c {
				n++
			}
			if !strings.ContainsRune("GuyYDMLdQqwWEeFaBhKkHmsSAnNVzOXxZ", rune(c)) {
				return nil, "", fmt.Errorf("Unknown pattern letter: %c", c)
			}
			toks = append(toks, jtok{letter: c, n: n})
			p = p[n:]
		default:
			_, size := utf8DecodeRune(p)
			toks = append(toks, jtok{lit: p[:size]})
			p = p[size:]
		}
	}
	if inOpt {
		return nil, "", fmt.Errorf("unbalanced '[' in pattern")
	}
	return toks, "", nil
}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
var dayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

func pad(v, n int) string {
	s := strconv.Itoa(abs(v))
	for len(s) < n {
		s = "0" + s
	}
	if v < 0 {
		return "-" + s
	}
	return s
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func (f *javaFormat) format(t time.Time) string {
	var b strings.Builder
	formatToks(&b, f.toks, t)
	return b.String()
}

func formatToks(b *strings.Builder, toks []jtok, t time.Time) {
	for _, k := range toks {
		switch k.letter {
		case 0:
			b.WriteString(k.lit)
		case '[':
			formatToks(b, k.opt, t)
		case 'G':
			if t.Year() > 0 {
				b.WriteString("AD")
			} else {
				b.WriteString("BC")
			}
		case 'y', 'u', 'Y':
			y := t.Year()
			if k.letter == 'Y' {
				y, _ = t.ISOWeek()
			}
			if k.n == 2 {
				b.WriteString(pad(((y%100)+100)%100, 2))
			} else {
				b.WriteString(pad(y, k.n))
			}
		case 'M', 'L':
			m := int(t.Month())
			switch {
			case k.n >= 4:
				b.WriteString(monthNames[m-1])
			case k.n == 3:
				b.WriteString(monthNames[m-1][:3])
			default:
				b.WriteString(pad(m, k.n))
			}
		case 'd':
			b.WriteString(pad(t.Day(), k.n))
		case 'D':
			b.WriteString(pad(t.YearDay(), k.n))
		case 'Q', 'q':
			b.WriteString(pad((int(t.Month())-1)/3+1, k.n))
		case 'w':
			_, w := t.ISOWeek()
			b.WriteString(pad(w, k.n))
		case 'E':
			d := dayNames[t.Weekday()]
			if k.n >= 4 {
				b.WriteString(d)
			} else {
				b.WriteString(d[:3])
			}
		case 'e', 'F':
			b.WriteString(pad((int(t.Weekday())+6)%7+1, k.n))
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'H':
			b.WriteString(pad(t.Hour(), k.n))
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			b.WriteString(pad(h, k.n))
		case 'K':
			b.WriteString(pad(t.Hour()%12, k.n))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(pad(h, k.n))
		case 'm':
			b.WriteString(pad(t.Minute(), k.n))
		case 's':
			b.WriteString(pad(t.Second(), k.n))
		case 'S':
			frac := pad(t.Nanosecond(), 9)
			if k.n <= 9 {
				b.WriteString(frac[:k.n])
			} else {
				b.WriteString(frac + strings.Repeat("0", k.n-9))
			}
		case 'A':
			b.WriteString(pad(int(t.Sub(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())).Milliseconds()), k.n))
		case 'n':
			b.WriteString(pad(t.Nanosecond(), k.n))
		case 'N':
			b.WriteString(pad(int(t.Sub(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()))), k.n))
		case 'V':
			b.WriteString(t.Location().String())
		case 'z':
			name, _ := t.Zone()
			b.WriteString(name)
		case 'O':
			_, off := t.Zone()
			if off == 0 {
				b.WriteString("GMT")
			} else {
				b.WriteString("GMT" + localizedOffset(off, k.n == 4))
			}
		case 'X', 'x', 'Z':
			_, off := t.Zone()
			switch {
			case k.letter == 'X' && off == 0:
				b.WriteString("Z")
			case k.letter == 'Z' && k.n == 4:
				if off == 0 {
					b.WriteString("GMT")
				} else {
					b.WriteString("GMT" + localizedOffset(off, true))
				}
			case k.letter == 'Z' && k.n == 5 && off == 0:
				b.WriteString("Z")
			case k.letter == 'Z':
				b.WriteString(offsetString(off, k.n == 5, false, false))
			default: // X, x
				b.WriteString(offsetString(off, k.n == 3 || k.n == 5, k.n == 1, true))
			}
		}
	}
}

// offsetString prints +HH[:]MM; hourOnly prints +HH unless minutes are set.
func offsetString(off int, colon, hourOnly, _ bool) string {
	sign := "+"
	if off < 0 {
		sign = "-"
		off = -off
	}
	h, m := off/3600, off/60%60
	if hourOnly && m == 0 {
		return sign + pad(h, 2)
	}
	if colon {
		return sign + pad(h, 2) + ":" + pad(m, 2)
	}
	return sign + pad(h, 2) + pad(m, 2)
}

// localizedOffset prints Java's 'O' (+H[:MM]) or 'OOOO' (+HH:MM) offsets.
func localizedOffset(off int, full bool) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off/60%60
	if full {
		return sign + pad(h, 2) + ":" + pad(m, 2)
	}
	if m == 0 {
		return sign + strconv.Itoa(h)
	}
	return sign + strconv.Itoa(h) + ":" + pad(m, 2)
}
