package kafkaio

import (
	"cmp"
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// taskBalancers are the group balancers of persistent queries: the task
// balancer, and cooperative-sticky (franz-go's default, which servers of
// earlier versions use) so that a rolling upgrade never leaves a server out
// of its group. Both are cooperative: a rebalance only stops the tasks that
// move.
var taskBalancers = kgo.Balancers(taskBalancer{}, kgo.CooperativeStickyBalancer())

// taskBalancer hands out a query's partitions by task, as Kafka Streams
// does: task p is partition p of every input topic, and a member gets all of
// a task or none of it, so that the two sides of a co-partitioned join (or
// an aggregate's repartition topic and its source) meet on one server.
// cooperative-sticky balances topic-partitions one by one and may give a
// stream's partition 2 to one server and its table's partition 2 to
// another.
//
// It is sticky (a member keeps the tasks it holds, up to its share) and
// cooperative: a moving task is taken from its holder in one rebalance and
// given to its new member in the next, while every other task keeps
// running.
type taskBalancer struct{}

func (taskBalancer) ProtocolName() string { return "eddy-tasks" }
func (taskBalancer) IsCooperative() bool  { return true }

func (taskBalancer) JoinGroupMetadata(interests []string, current map[string][]int32, generation int32) []byte {
	meta := kmsg.NewConsumerMemberMetadata()
	meta.Version = 3
	meta.Topics = interests
	meta.Generation = generation
	for topic, partitions := range current {
		owned := kmsg.NewConsumerMemberMetadataOwnedPartition()
		owned.Topic = topic
		owned.Partitions = partitions
		meta.OwnedPartitions = append(meta.OwnedPartitions, owned)
	}
	slices.SortFunc(meta.OwnedPartitions, func(a, b kmsg.ConsumerMemberMetadataOwnedPartition) int {
		return cmp.Compare(a.Topic, b.Topic)
	})
	return meta.AppendTo(nil)
}

func (taskBalancer) ParseSyncAssignment(assignment []byte) (map[string][]int32, error) {
	return kgo.ParseConsumerSyncAssignment(assignment)
}

func (t taskBalancer) MemberBalancer(members []kmsg.JoinGroupResponseMember) (kgo.GroupMemberBalancer, map[string]struct{}, error) {
	b, err := kgo.NewConsumerBalancer(t, members)
	if err != nil {
		return nil, nil, err
	}
	return b, b.MemberTopics(), nil
}

// Balance gives every member floor or ceil of tasks/members tasks: first
// the tasks it holds (claimed by the highest generation when members
// disagree), then the tasks nobody keeps, to the members with the fewest.
func (taskBalancer) Balance(b *kgo.ConsumerBalancer, topics map[string]int32) kgo.IntoSyncAssignment {
	tasks := 0
	for _, n := range topics {
		tasks = max(tasks, int(n))
	}
	members := len(b.Members())
	// Who holds each task: the member claiming most of its partitions at
	// the highest generation.
	type claim struct {
		member, partitions int
		generation         int32
	}
	claims := make([]claim, tasks)
	for i := range claims {
		claims[i].member = -1
	}
	// claimants[p] are the members holding any partition of task p.
	claimants := make([]map[int]bool, tasks)
	for m := range members {
		_, meta := b.MemberAt(m)
		count := map[int32]int{}
		for _, owned := range meta.OwnedPartitions {
			if _, ok := topics[owned.Topic]; !ok {
				continue
			}
			for _, p := range owned.Partitions {
				if int(p) < tasks {
					count[p]++
				}
			}
		}
		for p, n := range count {
			if claimants[p] == nil {
				claimants[p] = map[int]bool{}
			}
			claimants[p][m] = true
			c := &claims[p]
			if c.member < 0 || meta.Generation > c.generation || (meta.Generation == c.generation && n > c.partitions) {
				*c = claim{member: m, partitions: n, generation: meta.Generation}
			}
		}
	}
	held := make([][]int, members)
	for p, c := range claims {
		if c.member >= 0 {
			held[c.member] = append(held[c.member], p)
		}
	}
	// Shares: the members holding most get the larger ones, so that the
	// fewest tasks move.
	order := make([]int, members)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(held[b]), len(held[a])) })
	share := make([]int, members)
	for rank, m := range order {
		share[m] = tasks / members
		if rank < tasks%members {
			share[m]++
		}
	}
	owner := make([]int, tasks)
	for p := range owner {
		owner[p] = -1
	}
	load := make([]int, members)
	for m, ps := range held {
		for _, p := range ps[:min(len(ps), share[m])] {
			owner[p] = m
			load[m]++
		}
	}
	for p := range owner {
		if owner[p] >= 0 {
			continue
		}
		best := -1
		for m := range members {
			if load[m] < share[m] && (best < 0 || load[m] < load[best]) {
				best = m
			}
		}
		owner[p] = best
		load[best]++
	}
	// Cooperative rebalancing, by task: a task some other member still
	// holds part of goes to nobody this time. Its holders give it up (it
	// is in none of their plans) and rejoin, and the next rebalance gives
	// it to its new member whole. (kgo's BalancePlan.AdjustCooperative
	// does this partition by partition, which would split the task for
	// a round.)
	for p, m := range owner {
		for other := range claimants[p] {
			if other != m {
				owner[p] = -1
			}
		}
	}
	// Members read the same topics, unless they run different versions
	// of the query for a moment: a topic the task's member does not read
	// goes to one that does (and the task is split until they agree).
	readers := map[string][]int{}
	for m := range members {
		_, meta := b.MemberAt(m)
		for _, topic := range meta.Topics {
			readers[topic] = append(readers[topic], m)
		}
	}
	plan := b.NewPlan()
	for topic, n := range topics {
		for p := range int(n) {
			m := owner[p]
			if m < 0 || len(readers[topic]) == 0 {
				continue
			}
			if !slices.Contains(readers[topic], m) {
				if claimed(claimants[p], readers[topic]) {
					continue // held back until its holders let go
				}
				m = readers[topic][0]
			}
			member, _ := b.MemberAt(m)
			plan.AddPartition(member, topic, int32(p))
		}
	}
	return plan
}

// claimed tells whether any of members holds part of a task (its
// claimants).
func claimed(claimants map[int]bool, members []int) bool {
	for _, m := range members {
		if claimants[m] {
			return true
		}
	}
	return false
}
