package planner

import "testing"

func TestParseTimestampText(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "2018", want: 1514764800000},
		{in: "2018-01", want: 1514764800000},
		{in: "2018-01-01T00:00:00.001", want: 1514764800001},
		{in: "2018-01-01T00:00:01", want: 1514764801000},
		{in: "2020-02-10T08:31:44.001+0000", want: 1581323504001},
		{in: "2019-01-01T00:00:00+0445", want: 1546283700000},
		{in: "2019-01-01T00:00:00-04:45", want: 1546317900000},
		{in: "2019-01-01T00:00:00Z", want: 1546300800000},
		{in: "1969-12-31T23:59:59.999", want: -1},
		{in: "2018-", bad: true},
		{in: "hello", bad: true},
		{in: "2018-13-01", bad: true},
		{in: "2019-01-01T00:00:00+4", bad: true},
	}
	for _, c := range cases {
		got, err := parseTimestampText(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("%q: want error, got %d", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}
