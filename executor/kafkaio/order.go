package kafkaio

import (
	"github.com/twmb/franz-go/pkg/kgo"
)

// taskBatch is what one poll fetched for one task (input partition).
type taskBatch struct {
	partition int32
	records   []*kgo.Record
}

// byTask groups a poll's records by task and merges each task's topics by
// timestamp, as Kafka Streams picks the earliest head record among a
// task's partitions: a stream-table join then sees the table row that
// preceded a stream record even when the two topics were fetched in
// separate batches of the same poll. Each topic keeps its offset order.
func byTask(fetches kgo.Fetches) []taskBatch {
	index := map[int32]int{}
	var queues [][][]*kgo.Record // per task, per topic
	var parts []int32
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		i, ok := index[p.Partition]
		if !ok {
			i = len(queues)
			index[p.Partition] = i
			queues = append(queues, nil)
			parts = append(parts, p.Partition)
		}
		queues[i] = append(queues[i], p.Records)
	})
	out := make([]taskBatch, len(queues))
	for i, qs := range queues {
		out[i] = taskBatch{partition: parts[i], records: merge(qs)}
	}
	return out
}

// merge interleaves offset-ordered queues, always taking the head with the
// earliest timestamp (the first queue on ties).
func merge(qs [][]*kgo.Record) []*kgo.Record {
	if len(qs) == 1 {
		return qs[0]
	}
	n := 0
	for _, q := range qs {
		n += len(q)
	}
	out := make([]*kgo.Record, 0, n)
	for len(out) < n {
		best := -1
		for i, q := range qs {
			if len(q) > 0 && (best < 0 || q[0].Timestamp.Before(qs[best][0].Timestamp)) {
				best = i
			}
		}
		out = append(out, qs[best][0])
		qs[best] = qs[best][1:]
	}
	return out
}
