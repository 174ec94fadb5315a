package ops

import (
	"context"
	"fmt"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/udf/udaf"
)

// Env is what building a topology needs from its surroundings.
type Env struct {
	Formats *serde.Registry
	// Emitter receives sink output (persistent queries).
	Emitter Emitter
	// Collector receives transient output (push queries).
	Collector Collector
	// TimestampParser parses TIMESTAMP_FORMAT values.
	TimestampParser TimestampParser
	Policy          ErrorPolicy
	// Stores opens the task's state store of a name (stateful steps).
	Stores func(name string) (Store, error)
	// InternalTopic names an internal topic of the query from its suffix.
	InternalTopic func(suffix string) string
	// Aggregates implements the aggregate functions.
	Aggregates *udaf.Registry
	// AggregateConfig tunes them (ksql.functions.collect_list.limit, ...).
	AggregateConfig udaf.Config
}

// rawProcessor is a topology entry point for one topic.
type rawProcessor interface {
	ProcessRaw(ctx context.Context, raw *Raw) error
}

// Topology is a built query: raw records in, sink output out. It is not
// safe for concurrent use; the runtime gives each task its own.
type Topology struct {
	sources map[string][]rawProcessor
	topics  []string
	// internal are the internal topics the topology writes and reads.
	internal []string
	// stores are the state stores it uses.
	stores []string
	// partitions sizes internal topics that need a fixed size.
	partitions map[string]int
}

// InternalPartitions returns the partition count an internal topic needs,
// 0 when it should be sized like the query's sources.
func (t *Topology) InternalPartitions(topic string) int { return t.partitions[topic] }

// InternalTopics returns the internal topics (repartitions) the topology
// writes and reads back.
func (t *Topology) InternalTopics() []string { return t.internal }

// Stores returns the names of the state stores the topology uses.
func (t *Topology) Stores() []string { return t.stores }

func (t *Topology) addSource(topic string, p rawProcessor) {
	if _, seen := t.sources[topic]; !seen {
		t.topics = append(t.topics, topic)
	}
	t.sources[topic] = append(t.sources[topic], p)
}

// Topics returns the topics the topology reads.
func (t *Topology) Topics() []string { return t.topics }

// Process feeds one raw record read from raw.Topic. It returns
// ErrLimitReached once a push query has all its rows.
func (t *Topology) Process(ctx context.Context, raw *Raw) error {
	srcs, ok := t.sources[raw.Topic]
	if !ok {
		return fmt.Errorf("topology does not read topic %s", raw.Topic)
	}
	for _, s := range srcs {
		if err := s.ProcessRaw(ctx, raw); err != nil {
			return err
		}
	}
	return nil
}

// Build wires a physical plan into operators.
func Build(root physical.Step, env Env) (*Topology, error) {
	t := &Topology{sources: map[string][]rawProcessor{}}
	if _, err := t.build(root, env, nil); err != nil {
		return nil, fmt.Errorf("building %s: %w", root.Kind(), err)
	}
	return t, nil
}

// build creates the operator for step, feeding next, and returns it.
func (t *Topology) build(step physical.Step, env Env, next Operator) (Operator, error) {
	var op Operator
	switch s := step.(type) {
	case *physical.Source:
		src, err := newSource(s, env.Formats, env.TimestampParser, next, env.Policy)
		if err != nil {
			return nil, err
		}
		if s.Store != "" {
			if src.store, err = t.openStore(env, s.Store); err != nil {
				return nil, err
			}
		}
		t.addSource(s.Topic, src)
		return nil, nil
	case *physical.Repartition:
		if env.InternalTopic == nil || env.Emitter == nil {
			return nil, fmt.Errorf("repartition needs an internal topic and an emitter")
		}
		topic := env.InternalTopic(s.Topic)
		sink, src, err := newRepartition(s, topic, env.Emitter, env.Formats)
		if err != nil {
			return nil, err
		}
		src.next = next
		t.addSource(topic, src)
		t.internal = append(t.internal, topic)
		if s.Partitions > 0 {
			if t.partitions == nil {
				t.partitions = map[string]int{}
			}
			t.partitions[topic] = s.Partitions
		}
		op = sink
	case *physical.Aggregate:
		store, err := t.openStore(env, s.Store)
		if err != nil {
			return nil, err
		}
		if env.Aggregates == nil {
			return nil, fmt.Errorf("aggregation without aggregate functions")
		}
		a, err := newAggregate(s, store, env.Aggregates, env.AggregateConfig, next, env.Policy)
		if err != nil {
			return nil, err
		}
		op = a
	case *physical.Filter:
		pred, err := eval.Compile(s.Predicate)
		if err != nil {
			return nil, err
		}
		op = &filter{pred: pred, clause: s.Clause, table: s.Table, next: next, policy: env.Policy}
	case *physical.Project:
		p, err := newProject(s, next, env.Policy)
		if err != nil {
			return nil, err
		}
		op = p
	case *physical.SelectKey:
		sk, err := newSelectKey(s, next, env.Policy)
		if err != nil {
			return nil, err
		}
		op = sk
	case *physical.FlatMap:
		f, err := newFlatMap(s, next, env.Policy)
		if err != nil {
			return nil, err
		}
		op = f
	case *physical.Join:
		if env.Stores == nil {
			return nil, fmt.Errorf("join needs a state directory")
		}
		j, err := newJoin(s, func(name string) (Store, error) { return t.openStore(env, name) }, next, env.Policy)
		if err != nil {
			return nil, err
		}
		if _, err := t.build(s.Left, env, joinPort{j: j, side: 0}); err != nil {
			return nil, err
		}
		if _, err := t.build(s.Right, env, joinPort{j: j, side: 1}); err != nil {
			return nil, err
		}
		return joinPort{j: j}, nil
	case *physical.Sink:
		if env.Emitter == nil {
			return nil, fmt.Errorf("sink %s without an emitter", s.SinkName)
		}
		sk, err := newSink(s, env.Formats, env.TimestampParser, env.Emitter, env.Policy)
		if err != nil {
			return nil, err
		}
		op = sk
	case *physical.Transient:
		if env.Collector == nil {
			return nil, fmt.Errorf("push query without a collector")
		}
		op = &transient{collector: env.Collector}
	default:
		return nil, fmt.Errorf("unsupported step %s", step.Kind())
	}
	for _, in := range step.Inputs() {
		if _, err := t.build(in, env, op); err != nil {
			return nil, err
		}
	}
	return op, nil
}

func (t *Topology) openStore(env Env, name string) (Store, error) {
	if env.Stores == nil {
		return nil, fmt.Errorf("state store %s needs a state directory", name)
	}
	t.stores = append(t.stores, name)
	return env.Stores(name)
}
