package engine

import "testing"

// A statement's auto.offset.reset wins over the server's, which wins over
// latest.
func TestOffsetReset(t *testing.T) {
	for _, c := range []struct {
		server, stmt map[string]string
		want         string
	}{
		{nil, nil, "latest"},
		{map[string]string{"ksql.streams.auto.offset.reset": "earliest"}, nil, "earliest"},
		{map[string]string{"auto.offset.reset": "Earliest"}, nil, "earliest"},
		{map[string]string{"ksql.streams.auto.offset.reset": "earliest"}, map[string]string{"auto.offset.reset": "latest"}, "latest"},
		{nil, map[string]string{"ksql.streams.auto.offset.reset": "earliest"}, "earliest"},
	} {
		e := New(Config{Properties: c.server}, NewMemoryRuntime())
		if got := e.offsetReset(c.stmt); got != c.want {
			t.Errorf("server %v, statement %v: %s, want %s", c.server, c.stmt, got, c.want)
		}
		e.Close()
	}
}
