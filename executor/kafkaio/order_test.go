package kafkaio

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func rec(topic string, offset, ts int64) *kgo.Record {
	return &kgo.Record{Topic: topic, Offset: offset, Timestamp: time.UnixMilli(ts)}
}

func TestMergeKeepsOffsetOrderAndInterleavesByTime(t *testing.T) {
	table := []*kgo.Record{rec("table", 0, 5), rec("table", 1, 20)}
	// The stream is out of time order: offsets must still come in order.
	stream := []*kgo.Record{rec("stream", 0, 10), rec("stream", 1, 3), rec("stream", 2, 30)}
	got := merge([][]*kgo.Record{stream, table})
	want := []string{"table/0", "stream/0", "stream/1", "table/1", "stream/2"}
	if len(got) != len(want) {
		t.Fatalf("got %d records", len(got))
	}
	for i, r := range got {
		if s := r.Topic + "/" + string(rune('0'+r.Offset)); s != want[i] {
			t.Fatalf("position %d: %s, want %s (all: %v)", i, s, want[i], want)
		}
	}
}
