package udf

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

func utf8DecodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

type parsedTime struct {
	year, month, day, doy  int
	hour, hour12, min, sec int
	nano                   int
	ampm                   int // -1 none, 0 AM, 1 PM
	has12                  bool
	loc                    *time.Location
	hasYear, hasDay        bool
}

// zoneAbbrevs maps zone abbreviations to the region Java resolves them to.
var zoneAbbrevs = map[string]string{
	"UTC": "UTC", "GMT": "UTC", "UT": "UTC", "Z": "UTC",
	"PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
	"MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
	"CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
	"EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
	"AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
	"BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
	"CET": "Europe/Paris", "CEST": "Europe/Paris", "EET": "Europe/Athens", "EEST": "Europe/Athens",
	"MSK": "Europe/Moscow", "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
	"HKT": "Asia/Hong_Kong", "SGT": "Asia/Singapore", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
	"ACST": "Australia/Adelaide", "AWST": "Australia/Perth", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}

// parseZone resolves a zone id, abbreviation or offset ("+05:00", "GMT+8").
func parseZone(s string) (*time.Location, error) {
	if s == "" {
		return nil, fmt.Errorf("empty time zone")
	}
	if name, ok := zoneAbbrevs[strings.ToUpper(s)]; ok {
		return time.LoadLocation(name)
	}
	for _, pre := range []string{"UTC", "GMT", "UT"} {
		if len(s) > len(pre) && strings.EqualFold(s[:len(pre)], pre) && (s[len(pre)] == '+' || s[len(pre)] == '-') {
			off, rest, err := parseOffset(s[len(pre):])
			if err == nil && rest == "" {
				return time.FixedZone(s, off), nil
			}
		}
	}
	if s[0] == '+' || s[0] == '-' {
		off, rest, err := parseOffset(s)
		if err == nil && rest == "" {
			return time.FixedZone(s, off), nil
		}
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "Local" {
		return nil, fmt.Errorf("Unknown time-zone ID: %s", s)
	}
	return loc, nil
}

// parseOffset reads +H, +HH, +HHMM, +HH:MM[:SS].
func parseOffset(s string) (int, string, error) {
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return 0, s, fmt.Errorf("expected offset")
	}
	neg := s[0] == '-'
	s = s[1:]
	digits := func(max int) (int, int) {
		n := 0
		for n < len(s) && n < max && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		v, _ := strconv.Atoi(s[:n])
		return v, n
	}
	h, n := digits(2)
	if n == 0 {
		return 0, s, fmt.Errorf("expected offset hours")
	}
	s = s[n:]
	m := 0
	if len(s) > 0 && s[0] == ':' {
		s = s[1:]
		var k int
		if m, k = digits(2); k != 2 {
			return 0, s, fmt.Errorf("expected offset minutes")
		}
		s = s[2:]
	} else if n == 2 {
		var k int
		if v, k2 := digits(2); k2 == 2 {
			m, k = v, k2
			s = s[k:]
		}
	}
	off := h*3600 + m*60
	if neg {
		off = -off
	}
	return off, s, nil
}

func isNumericLetter(k jtok) bool {
	if k.letter == 0 || k.letter == '[' {
		return false
	}
	switch k.letter {
	case 'M', 'L':
		return k.n <= 2
	case 'y', 'u', 'Y', 'd', 'D', 'H', 'h', 'k', 'K', 'm', 's', 'S', 'n', 'A', 'N', 'Q', 'q', 'w', 'e', 'F':
		return true
	}
	return false
}

func (f *javaFormat) parse(s string, loc *time.Location) (time.Time, parsedTime, error) {
	return f.parseText(s, loc, false)
}

// parseText parses s; with prefix, text after the pattern is ignored, as
// java.text.SimpleDateFormat.parse(String) does.
func (f *javaFormat) parseText(s string, loc *time.Location, prefix bool) (time.Time, parsedTime, error) {
	st := parsedTime{year: 1970, month: 1, day: 1, ampm: -1, loc: loc}
	rest, err := parseToks(s, f.toks, &st)
	if err != nil {
		return time.Time{}, st, fmt.Errorf("Text '%s' could not be parsed: %v", s, err)
	}
	if rest != "" && !prefix {
		return time.Time{}, st, fmt.Errorf("Text '%s' could not be parsed, unparsed text found at index %d", s, len(s)-len(rest))
	}
	h := st.hour
	if st.has12 {
		h = st.hour12 % 12
		if st.ampm == 1 {
			h += 12
		}
	} else if st.ampm == 1 && h < 12 {
		h += 12
	}
	var t time.Time
	if st.doy > 0 && !st.hasDay {
		t = time.Date(st.year, 1, st.doy, h, st.min, st.sec, st.nano, st.loc)
	} else {
		t = time.Date(st.year, time.Month(st.month), st.day, h, st.min, st.sec, st.nano, st.loc)
		if t.Day() != st.day || int(t.Month()) != st.month {
			return time.Time{}, st, fmt.Errorf("Text '%s' could not be parsed: invalid date", s)
		}
	}
	return t, st, nil
}

func parseToks(s string, toks []jtok, st *parsedTime) (string, error) {
	for i, k := range toks {
		switch {
		case k.letter == 0:
			// ksqlDB's formatters parse case-insensitively.
			if len(s) < len(k.lit) || !strings.EqualFold(s[:len(k.lit)], k.lit) {
				return s, fmt.Errorf("expected %q", k.lit)
			}
			s = s[len(k.lit):]
			continue
		case k.letter == '[':
			cp := *st
			if rest, err := parseToks(s, k.opt, &cp); err == nil {
				*st = cp
				s = rest
			}
			continue
		}
		if isNumericLetter(k) {
			adjacent := i+1 < len(toks) && isNumericLetter(toks[i+1])
			minw, maxw := k.n, k.n
			switch {
			case k.letter == 'S':
			case (k.letter == 'y' || k.letter == 'u' || k.letter == 'Y') && k.n != 2:
				maxw = 10
			case k.n == 1:
				maxw = map[byte]int{'D': 3, 'A': 8, 'n': 9, 'N': 14}[k.letter]
				if maxw == 0 {
					maxw = 2
				}
			}
			if adjacent {
				maxw = max(minw, 1)
			}
			n := 0
			neg := false
			if (k.letter == 'y' || k.letter == 'u') && len(s) > 0 && (s[0] == '-' || s[0] == '+') && k.n > 2 {
				neg = s[0] == '-'
				s = s[1:]
			}
			for n < len(s) && n < maxw && s[n] >= '0' && s[n] <= '9' {
				n++
			}
			if n == 0 || n < minw {
				return s, fmt.Errorf("expected %d digits for '%c'", max(k.n, 1), k.letter)
			}
			v, _ := strconv.Atoi(s[:n])
			digits := s[:n]
			s = s[n:]
			if neg {
				v = -v
			}
			switch k.letter {
			case 'y', 'u', 'Y':
				if k.n == 2 && n == 2 {
					v += 2000
				}
				st.year, st.hasYear = v, true
			case 'M', 'L':
				st.month = v
			case 'd':
				st.day, st.hasDay = v, true
			case 'D':
				st.doy = v
			case 'H', 'k':
				st.hour = v % 24
			case 'h', 'K':
				st.hour12, st.has12 = v, true
			case 'm':
				st.min = v
			case 's':
				st.sec = v
			case 'S':
				for len(digits) < 9 {
					digits += "0"
				}
				st.nano, _ = strconv.Atoi(digits[:9])
			case 'n':
				st.nano = v
			case 'A':
				st.hour, st.min, st.sec, st.nano = v/3600000, v/60000%60, v/1000%60, v%1000*1e6
			}
			continue
		}
		switch k.letter {
		case 'M', 'L':
			m, rest, ok := matchName(s, monthNames, k.n)
			if !ok {
				return s, fmt.Errorf("unknown month")
			}
			st.month, s = m+1, rest
		case 'E':
			_, rest, ok := matchName(s, dayNames, k.n)
			if !ok {
				return s, fmt.Errorf("unknown day of week")
			}
			s = rest
		case 'a':
			switch {
			case len(s) >= 2 && strings.EqualFold(s[:2], "AM"):
				st.ampm = 0
			case len(s) >= 2 && strings.EqualFold(s[:2], "PM"):
				st.ampm = 1
			default:
				return s, fmt.Errorf("expected AM/PM")
			}
			s = s[2:]
		case 'G':
			if len(s) >= 2 && (strings.EqualFold(s[:2], "AD") || strings.EqualFold(s[:2], "BC")) {
				s = s[2:]
			}
		case 'X', 'x', 'Z':
			if k.letter != 'x' && len(s) > 0 && (s[0] == 'Z' || s[0] == 'z') {
				st.loc, s = time.UTC, s[1:]
				continue
			}
			if strings.HasPrefix(s, "GMT") {
				s = s[3:]
				if s == "" || (s[0] != '+' && s[0] != '-') {
					st.loc = time.UTC
					continue
				}
			}
			off, rest, err := parseOffset(s)
			if err != nil {
				return s, err
			}
			st.loc, s = time.FixedZone("", off), rest
		case 'z', 'V', 'O':
			n := 0
			for n < len(s) && (isZoneChar(s[n])) {
				n++
			}
			loc, err := parseZone(s[:n])
			if err != nil {
				return s, err
			}
			st.loc, s = loc, s[n:]
		}
	}
	return s, nil
}

func isZoneChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '+' || c == '-' || c == ':'
}

// matchName matches a full (n >= 4) or three-letter name, case-insensitively.
func matchName(s string, names []string, n int) (int, string, bool) {
	for i, name := range names {
		if n >= 4 && len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
			return i, s[len(name):], true
		}
	}
	for i, name := range names {
		if len(s) >= 3 && strings.EqualFold(s[:3], name[:3]) {
			return i, s[3:], true
		}
	}
	return 0, s, false
}
