package engine

import (
	"reflect"
	"testing"

	"github.com/eddysql/eddy/executor/ops"
)

// Forwarded rows keep everything a pull query can select: key, partition,
// timestamp, headers and value.
func TestViewRowsRoundTrip(t *testing.T) {
	rows := []*ops.Raw{
		{Topic: "t", Key: []byte("k1"), Partition: 3, Timestamp: -5, Value: []byte(`{"A":1}`),
			Headers: []ops.Header{{Key: "h", Value: []byte("v")}, {Key: "h2", Value: []byte("w")}}},
		{Topic: "t", Key: []byte("k2"), Partition: 0, Timestamp: 1 << 40, Value: []byte{}},
	}
	got, err := decodeViewRows("t", encodeViewRows(rows))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("got %+v\nwant %+v", got, rows)
	}
	b := encodeViewRows(rows)
	for _, cut := range []int{1, 3, len(b) - 1} {
		if _, err := decodeViewRows("t", b[:cut]); err == nil {
			t.Errorf("a body cut at %d of %d bytes decoded without an error", cut, len(b))
		}
	}
}
