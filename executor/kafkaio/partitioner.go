package kafkaio

import (
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// changelogPartitioner lets one producer write both sink and changelog
// records, as the single transactional producer of an exactly-once query
// must. Changelog record partitions are chosen by the runtime (changelog
// partition p holds the state of input partition p, whatever its keys hash
// to), so topics registered as changelogs are partitioned manually; every
// other topic (sinks, repartition topics) goes through the default kgo
// partitioner, whose key hashing is Kafka's murmur2, as the Java client's
// and the at-least-once producer's.
//
// kgo asks ForTopic once per topic, when the first record for it is
// produced, so a changelog topic must be registered before its first
// record; the changelog hook does that.
type changelogPartitioner struct {
	mu         sync.Mutex
	changelogs map[string]bool
	manual     kgo.Partitioner
	keyed      kgo.Partitioner
}

func newChangelogPartitioner() *changelogPartitioner {
	return &changelogPartitioner{
		changelogs: map[string]bool{},
		manual:     kgo.ManualPartitioner(),
		// kgo's default partitioner (see kgo.RecordPartitioner).
		keyed: kgo.UniformBytesPartitioner(64<<10, true, true, nil),
	}
}

// register marks topic as a changelog: its records carry their partition.
func (p *changelogPartitioner) register(topic string) {
	p.mu.Lock()
	p.changelogs[topic] = true
	p.mu.Unlock()
}

// ForTopic implements kgo.Partitioner. The returned partitioner is the
// underlying one itself, so that its optional interfaces (OnNewBatch,
// backup partitioning) keep working.
func (p *changelogPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	p.mu.Lock()
	manual := p.changelogs[topic]
	p.mu.Unlock()
	if manual {
		return p.manual.ForTopic(topic)
	}
	return p.keyed.ForTopic(topic)
}
