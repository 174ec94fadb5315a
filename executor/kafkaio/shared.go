package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/eddysql/eddy/executor/ops"
)

// SharedConfig configures a reader that splits one topic's partitions
// among the members of a consumer group, as the servers of one service id
// split a table's pull-query view. The reader commits no offsets: each
// member keeps its own position (Resume) and publishes MemberData with its
// subscription, where GroupOwners finds it.
type SharedConfig struct {
	Brokers    []string
	GroupID    string
	Topic      string
	MemberData []byte
	// Assigned receives the member's partitions after each rebalance and
	// Revoked those it gives up before one. Neither runs while Handle
	// does.
	Assigned func(partitions []int32)
	Revoked  func(partitions []int32)
	// Resume returns where to go on reading an assigned partition; false
	// reads it from the start.
	Resume func(partition int32) (int64, bool)
	Handle func(ctx context.Context, raw *ops.Raw) error
	// Marker, if set, receives the offsets of transaction markers, which
	// Handle never sees: a reader that compares its position with end
	// offsets must count them.
	Marker        func(partition int32, offset int64)
	Log           *slog.Logger
	ClientOpts    []kgo.Opt
	ReadCommitted bool
}

// RunShared reads cfg.Topic in cfg.GroupID until ctx is cancelled or
// Handle fails.
func RunShared(ctx context.Context, cfg SharedConfig) error {
	parts := func(m map[string][]int32) []int32 { return slices.Sorted(slices.Values(m[cfg.Topic])) }
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ConsumerGroup(cfg.GroupID),
		kgo.ConsumeTopics(cfg.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
		// Handle and the callbacks must not interleave: a partition
		// dropped on revocation must not get a late record afterwards.
		kgo.BlockRebalanceOnPoll(),
		kgo.Balancers(advertisingBalancer{kgo.RangeBalancer(), cfg.MemberData}),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) { cfg.Assigned(parts(m)) }),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, m map[string][]int32) { cfg.Revoked(parts(m)) }),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, m map[string][]int32) { cfg.Revoked(parts(m)) }),
		kgo.AdjustFetchOffsetsFn(func(_ context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
			for p := range offsets[cfg.Topic] {
				if at, ok := cfg.Resume(p); ok {
					offsets[cfg.Topic][p] = kgo.NewOffset().At(at).WithEpoch(-1)
				}
			}
			return offsets, nil
		}),
	}
	if cfg.Marker != nil {
		opts = append(opts, kgo.KeepControlRecords())
	}
	cl, err := newConsumer(opts, cfg.ReadCommitted, cfg.ClientOpts)
	if err != nil {
		return err
	}
	defer cl.Close()
	return pollRecords(ctx, cl, cfg.Log, cfg.Handle, cfg.Marker, cl.AllowRebalance)
}

// advertisingBalancer is a balancer that publishes data (a server's
// address) in the user data of its members' subscriptions. The eager
// balancers leave that field unused; the sticky ones keep their own state
// there.
type advertisingBalancer struct {
	kgo.GroupBalancer
	data []byte
}

func (b advertisingBalancer) JoinGroupMetadata(interests []string, current map[string][]int32, generation int32) []byte {
	inner := b.GroupBalancer.JoinGroupMetadata(interests, current, generation)
	meta := kmsg.NewConsumerMemberMetadata()
	if err := meta.ReadFrom(inner); err != nil {
		return inner
	}
	meta.UserData = b.data
	return meta.AppendTo(nil)
}

// ErrRebalancing reports a group whose partitions are being reassigned.
var ErrRebalancing = errors.New("the group is rebalancing")

// GroupOwners returns, for each partition of topic, the MemberData of the
// group member that reads it. It fails with ErrRebalancing unless the
// group is stable and every partition it knows of has an owner (a group
// that does not exist yet is one whose first member is joining).
func GroupOwners(ctx context.Context, admin *kadm.Client, group, topic string) (map[int32][]byte, error) {
	groups, err := admin.DescribeGroups(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("describing group %s: %w", group, err)
	}
	g, ok := groups[group]
	if !ok {
		return nil, fmt.Errorf("describing group %s: no answer", group)
	}
	if errors.Is(g.Err, kerr.GroupIDNotFound) {
		return nil, ErrRebalancing // no member has joined yet
	}
	if g.Err != nil {
		return nil, fmt.Errorf("describing group %s: %w", group, g.Err)
	}
	if g.State != "Stable" {
		return nil, ErrRebalancing
	}
	owners := map[int32][]byte{}
	for _, m := range g.Members {
		join, ok1 := m.Join.AsConsumer()
		assigned, ok2 := m.Assigned.AsConsumer()
		if !ok1 || !ok2 {
			continue
		}
		for _, t := range assigned.Topics {
			if t.Topic != topic {
				continue
			}
			for _, p := range t.Partitions {
				owners[p] = join.UserData
			}
		}
	}
	for p := range int32(len(owners)) {
		if _, ok := owners[p]; !ok {
			return nil, ErrRebalancing
		}
	}
	if len(owners) == 0 {
		return nil, ErrRebalancing
	}
	return owners, nil
}
