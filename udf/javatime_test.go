package udf

import (
	"testing"
	"time"
)

func TestJavaFormatRoundTrip(t *testing.T) {
	r := NewRegistry()
	cases := []struct {
		text, pattern, tz string
		ms                int64
	}{
		{"2018-05-11T21:58:33Z", "yyyy-MM-dd'T'HH:mm:ssX", "", 1526075913000},
		{"2018-05-11T21:58:33.123+0200", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "", 1526068713123},
		{"2018-05-11T21:58:33.123+02:00", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "", 1526068713123},
		{"20180511215833", "yyyyMMddHHmmss", "", 1526075913000},
		{"11 May 2018 09:58 PM", "dd MMM yyyy hh:mm a", "", 1526075880000},
		{"2018-05-11 14:58:33", "yyyy-MM-dd HH:mm:ss", "America/Los_Angeles", 1526075913000},
		{"Friday, May 11, 2018", "EEEE, MMMM d, yyyy", "", 1525996800000},
		{"2018-05-11 America/New_York", "yyyy-MM-dd VV", "", 1526011200000},
		{"2018-05-11[ 10]", "yyyy-MM-dd['[ 'HH']']", "", 1526032800000},
	}
	for _, c := range cases {
		var tz any
		if c.tz != "" {
			tz = c.tz
		}
		ms, err := r.parseMillis(c.text, c.pattern, tz)
		if err != nil || ms != c.ms {
			t.Errorf("parse %q with %q = %d, %v; want %d", c.text, c.pattern, ms, err, c.ms)
			continue
		}
		if c.pattern == "yyyy-MM-dd['[ 'HH']']" {
			continue
		}
		out, err := r.formatMillis(ms, c.pattern, tz)
		if err != nil {
			t.Errorf("format %q: %v", c.pattern, err)
			continue
		}
		if c.pattern == "yyyy-MM-dd VV" || c.pattern == "yyyy-MM-dd'T'HH:mm:ssX" && out != c.text {
			continue // zone of the parsed text is not kept
		}
		if c.pattern != "yyyy-MM-dd'T'HH:mm:ss.SSSZ" && c.pattern != "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" && out != c.text {
			t.Errorf("format %d with %q = %q, want %q", ms, c.pattern, out, c.text)
		}
	}
	if _, err := r.parseMillis("2018-13-01", "yyyy-MM-dd", nil); err == nil {
		t.Errorf("month 13 should fail")
	}
	if _, err := r.parseMillis("2018-05-11x", "yyyy-MM-dd", nil); err == nil {
		t.Errorf("trailing text should fail")
	}
	if _, err := compileJavaFormat("yyyy-MM-dd'T"); err == nil {
		t.Errorf("unterminated quote should fail")
	}
	f, _ := compileJavaFormat("XXX xx Z ZZZZZ O")
	loc := time.FixedZone("", 5*3600+30*60)
	if got := f.format(time.Unix(0, 0).In(loc)); got != "+05:30 +0530 +0530 +05:30 GMT+5:30" {
		t.Errorf("zones = %q", got)
	}
}

func TestJavaParseCaseInsensitive(t *testing.T) {
	r := NewRegistry()
	for _, text := range []string{"2020-05-11T21:58:33z", "2020-05-11t21:58:33Z"} {
		ms, err := r.parseMillis(text, "yyyy-MM-dd'T'HH:mm:ssX", nil)
		if err != nil || ms != 1589234313000 {
			t.Errorf("parse %q = %d, %v; want 1589234313000", text, ms, err)
		}
	}
}
