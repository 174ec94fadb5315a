package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ErrChangelogBehind is returned by RestoreFromChangelog when the local
// checkpoint is past the end of the changelog: the topic was recreated or
// truncated, or local state was committed for a transaction that then
// aborted. The local state cannot be trusted; wipe the store and restore
// from offset 0.
var ErrChangelogBehind = errors.New("kafkaio: changelog ends before the local checkpoint")

// RestoreClientOpts are the options a restore consumer needs on top of its
// connection options:
//
//   - read_committed, so that records of aborted transactions (a crashed
//     exactly-once task's half-written changelog) are never applied;
//   - control records kept, because a committed changelog usually ends
//     with a transaction marker: a consumer that drops markers never sees
//     the last offset and could not tell that it has reached the end.
func RestoreClientOpts() []kgo.Opt {
	return []kgo.Opt{
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
	}
}

// RestoreFromChangelog applies the records of one changelog partition from
// offset from up to the partition's last stable offset, as listed when the
// call starts, and returns the next offset to read (a tombstone reaches
// apply as a nil value). The last stable offset is used instead of the high
// watermark because a restore must not wait for, or apply, a transaction
// that is still open; for non-transactional changelogs they are equal.
//
// client must be a direct consumer (no consumer group) built with
// RestoreClientOpts and used by one restore at a time: the partition is
// added to it for the duration of the call.
func RestoreFromChangelog(ctx context.Context, client *kgo.Client, topic string, partition int32, from int64,
	apply func(key, value []byte, offset int64) error,
) (int64, error) {
	if g, _ := client.OptValue(kgo.ConsumerGroup).(string); g != "" {
		return from, fmt.Errorf("kafkaio: restore client is in consumer group %q", g)
	}
	if keep, _ := client.OptValue(kgo.KeepControlRecords).(bool); !keep {
		return from, errors.New("kafkaio: restore client needs kgo.KeepControlRecords (see RestoreClientOpts)")
	}
	if from < 0 {
		from = 0
	}
	offsets, err := kadm.NewClient(client).ListCommittedOffsets(ctx, topic)
	if err != nil {
		return from, fmt.Errorf("kafkaio: listing end of %s/%d: %w", topic, partition, err)
	}
	lo, ok := offsets.Lookup(topic, partition)
	if !ok {
		return from, fmt.Errorf("kafkaio: changelog %s/%d: %w", topic, partition, kerr.UnknownTopicOrPartition)
	}
	if lo.Err != nil {
		return from, fmt.Errorf("kafkaio: listing end of %s/%d: %w", topic, partition, lo.Err)
	}
	end := lo.Offset
	switch {
	case from > end:
		return from, fmt.Errorf("%w: %s/%d ends at %d, checkpoint is %d", ErrChangelogBehind, topic, partition, end, from)
	case from == end:
		return end, nil
	}

	client.AddConsumePartitions(map[string]map[int32]kgo.Offset{topic: {partition: kgo.NewOffset().At(from)}})
	defer client.RemoveConsumePartitions(map[string][]int32{topic: {partition}})

	next := from
	for next < end {
		fetches := client.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return next, err
		}
		if fetches.IsClientClosed() {
			return next, kgo.ErrClientClosed
		}
		var ferr error
		fetches.EachError(func(t string, p int32, err error) {
			if ferr == nil {
				ferr = fmt.Errorf("kafkaio: fetching %s/%d: %w", t, p, err)
			}
		})
		if ferr != nil {
			return next, ferr
		}
		fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
			if fp.Topic != topic || fp.Partition != partition {
				return
			}
			for _, r := range fp.Records {
				// Records past end are of a later run; offsets below
				// next can only be a refetch and were applied already.
				if ferr != nil || r.Offset >= end {
					return
				}
				if r.Offset < next {
					continue
				}
				if !r.Attrs.IsControl() {
					if err := apply(r.Key, r.Value, r.Offset); err != nil {
						ferr = fmt.Errorf("kafkaio: applying %s/%d@%d: %w", topic, partition, r.Offset, err)
						return
					}
				}
				next = r.Offset + 1
			}
		})
		if ferr != nil {
			return next, ferr
		}
	}
	return next, nil
}

// EnsureChangelogTopic creates a compacted changelog topic if it does not
// exist (replicas -1 = broker default). An existing topic must have the
// expected partition count, because changelog partition p holds the state
// of input partition p, and a compacting cleanup policy, because under
// delete-only retention old keys would silently vanish from the restored
// state.
func EnsureChangelogTopic(ctx context.Context, adm *kadm.Client, topic string, partitions int32, replicas int16) error {
	compact := "compact"
	_, err := adm.CreateTopic(ctx, partitions, replicas, map[string]*string{"cleanup.policy": &compact}, topic)
	if err == nil {
		return nil
	}
	if !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("kafkaio: creating changelog %s: %w", topic, err)
	}

	details, err := adm.ListTopics(ctx, topic)
	if err != nil {
		return fmt.Errorf("kafkaio: describing changelog %s: %w", topic, err)
	}
	d, ok := details[topic]
	if !ok {
		return fmt.Errorf("kafkaio: describing changelog %s: %w", topic, kerr.UnknownTopicOrPartition)
	}
	if d.Err != nil {
		return fmt.Errorf("kafkaio: describing changelog %s: %w", topic, d.Err)
	}
	if got := int32(len(d.Partitions)); got != partitions {
		return fmt.Errorf("kafkaio: changelog %s has %d partitions, want %d", topic, got, partitions)
	}
	configs, err := adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		return fmt.Errorf("kafkaio: describing changelog %s configs: %w", topic, err)
	}
	rc, err := configs.On(topic, nil)
	if err != nil || rc.Err != nil {
		return fmt.Errorf("kafkaio: describing changelog %s configs: %w", topic, errors.Join(err, rc.Err))
	}
	for _, c := range rc.Configs {
		if c.Key == "cleanup.policy" && c.Value != nil {
			if !slices.ContainsFunc(strings.Split(*c.Value, ","), func(p string) bool { return strings.TrimSpace(p) == "compact" }) {
				return fmt.Errorf("kafkaio: changelog %s has cleanup.policy=%s, want compact", topic, *c.Value)
			}
		}
	}
	return nil
}
