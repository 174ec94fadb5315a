package kafkaio

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// member is a group member as the leader sees it: what it reads and what it
// held at generation gen.
type member struct {
	id    string
	owned map[string][]int32
	gen   int32
	reads []string // nil: every topic
}

// balance runs the task balancer over members for topics and returns each
// member's plan.
func balance(t *testing.T, topics map[string]int32, members ...member) map[string]map[string][]int32 {
	t.Helper()
	var join []kmsg.JoinGroupResponseMember
	for _, m := range members {
		reads := m.reads
		if reads == nil {
			reads = slices.Sorted(maps.Keys(topics))
		}
		join = append(join, kmsg.JoinGroupResponseMember{MemberID: m.id,
			ProtocolMetadata: taskBalancer{}.JoinGroupMetadata(reads, m.owned, m.gen)})
	}
	mb, _, err := taskBalancer{}.MemberBalancer(join)
	if err != nil {
		t.Fatal(err)
	}
	into, err := mb.(*kgo.ConsumerBalancer).BalanceOrError(topics)
	if err != nil {
		t.Fatal(err)
	}
	return into.(*kgo.BalancePlan).AsMemberIDMap()
}

// tasksOf checks that every member holds whole tasks (partition p of every
// topic that has one, or none of them) and returns each member's tasks.
func tasksOf(t *testing.T, topics map[string]int32, plan map[string]map[string][]int32) map[string][]int32 {
	t.Helper()
	out := map[string][]int32{}
	for id, assigned := range plan {
		tasks := map[int32]int{}
		for _, ps := range assigned {
			for _, p := range ps {
				tasks[p]++
			}
		}
		for p, n := range tasks {
			want := 0
			for _, count := range topics {
				if p < count {
					want++
				}
			}
			if n != want {
				t.Errorf("member %s holds %d of the %d partitions of task %d: %v", id, n, want, p, assigned)
			}
		}
		out[id] = slices.Sorted(maps.Keys(tasks))
	}
	return out
}

func TestTaskBalancerKeepsTasksWhole(t *testing.T) {
	topics := map[string]int32{"clicks": 4, "users": 4, "repartition": 2}
	plan := balance(t, topics, member{id: "a"}, member{id: "b"}, member{id: "c"})
	tasks := tasksOf(t, topics, plan)
	seen := map[int32]string{}
	for id, ts := range tasks {
		if len(ts) < 1 || len(ts) > 2 {
			t.Errorf("member %s got tasks %v, want 1 or 2 of 4", id, ts)
		}
		for _, p := range ts {
			if other, dup := seen[p]; dup {
				t.Errorf("task %d went to %s and %s", p, other, id)
			}
			seen[p] = id
		}
	}
	if len(seen) != 4 {
		t.Errorf("tasks given out: %v, want all 4", seen)
	}
}

// A member joining takes tasks only from those that have more than their
// share, and the task moving is first taken away (cooperative): it is in
// no plan this round.
func TestTaskBalancerIsStickyAndCooperative(t *testing.T) {
	topics := map[string]int32{"clicks": 4, "users": 4}
	both := func(ps ...int32) map[string][]int32 { return map[string][]int32{"clicks": ps, "users": ps} }
	plan := balance(t, topics, member{id: "a", owned: both(0, 1, 2), gen: 5}, member{id: "b", owned: both(3), gen: 5}, member{id: "c"})
	tasks := tasksOf(t, topics, plan)
	if fmt.Sprint(tasks["a"]) != "[0 1]" || fmt.Sprint(tasks["b"]) != "[3]" || len(tasks["c"]) != 0 {
		t.Errorf("plan %v: want a to keep 0 and 1, b to keep 3, and task 2 held back for c", tasks)
	}
	// Next round: a has let task 2 go; c gets it.
	plan = balance(t, topics, member{id: "a", owned: both(0, 1), gen: 6}, member{id: "b", owned: both(3), gen: 6}, member{id: "c", gen: 6})
	if tasks := tasksOf(t, topics, plan); fmt.Sprint(tasks["c"]) != "[2]" {
		t.Errorf("second round %v: want task 2 on c", tasks)
	}
}

// A group coming from cooperative-sticky may hold a task's partitions on
// two members: one keeps the task, the other gives its part up.
func TestTaskBalancerMendsSplitTasks(t *testing.T) {
	topics := map[string]int32{"clicks": 4, "users": 4}
	both := func(ps ...int32) map[string][]int32 { return map[string][]int32{"clicks": ps, "users": ps} }
	plan := balance(t, topics,
		member{id: "a", owned: map[string][]int32{"clicks": {0, 1, 2}, "users": {0, 1}}, gen: 3},
		member{id: "b", owned: map[string][]int32{"clicks": {3}, "users": {2, 3}}, gen: 3})
	tasks := tasksOf(t, topics, plan)
	for id, ts := range tasks {
		if slices.Contains(ts, 2) {
			t.Errorf("task 2 is on %s while its other half is still held elsewhere: %v", id, tasks)
		}
	}
	if fmt.Sprint(tasks["a"]) != "[0 1]" || fmt.Sprint(tasks["b"]) != "[3]" {
		t.Errorf("plan %v: want a to keep 0 and 1 and b to keep 3", tasks)
	}
	// Both gave up their parts of task 2: it goes whole to b.
	plan = balance(t, topics, member{id: "a", owned: both(0, 1), gen: 4}, member{id: "b", owned: both(3), gen: 4})
	if tasks := tasksOf(t, topics, plan); fmt.Sprint(tasks["b"]) != "[2 3]" {
		t.Errorf("second round %v: want tasks 2 and 3 on b", tasks)
	}
}

// A topic only some members read (a moment when two versions of a query
// run) is still read: its partitions go to a member that reads it.
func TestTaskBalancerGivesEveryTopicAReader(t *testing.T) {
	topics := map[string]int32{"clicks": 2, "extra": 2}
	plan := balance(t, topics, member{id: "a", reads: []string{"clicks"}, gen: 1}, member{id: "b", gen: 1})
	got := map[string]int{}
	for id, assigned := range plan {
		for topic, ps := range assigned {
			if topic == "extra" && id != "b" {
				t.Errorf("%s got %s%v, which it does not read", id, topic, ps)
			}
			got[topic] += len(ps)
		}
	}
	if got["clicks"] != 2 || got["extra"] != 2 {
		t.Errorf("plan %v: want both partitions of each topic given out", plan)
	}
}
