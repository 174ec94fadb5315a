package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/eddysql/eddy/executor/ops"
)

// MemoryRuntime keeps topics and records in memory and runs nothing by
// itself: the conformance runner drives the started queries' topologies
// the way Kafka Streams' test driver does. Push queries scan the records.
type MemoryRuntime struct {
	mu      sync.Mutex
	changed *sync.Cond
	topics  map[string]TopicInfo
	records []*ops.Raw                 // in production order, all topics
	next    map[string]map[int32]int64 // next offset per topic partition
	queries []*RunningQuery
}

// NewMemoryRuntime returns an empty in-memory runtime.
func NewMemoryRuntime() *MemoryRuntime {
	m := &MemoryRuntime{topics: map[string]TopicInfo{}}
	m.changed = sync.NewCond(&m.mu)
	return m
}

func (m *MemoryRuntime) Topics(context.Context) (map[string]TopicInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]TopicInfo, len(m.topics))
	for k, v := range m.topics {
		out[k] = v
	}
	return out, nil
}

func (m *MemoryRuntime) CreateTopic(_ context.Context, name string, partitions, replicas int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.topics[name]; !ok {
		m.topics[name] = TopicInfo{Name: name, Partitions: partitions, Replicas: replicas}
	}
	return nil
}

func (m *MemoryRuntime) DeleteTopic(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.topics, name)
	return nil
}

// Produce appends a record to its partition (the record's own), which
// numbers its offsets as Kafka does.
func (m *MemoryRuntime) Produce(_ context.Context, r *ops.Raw) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.topics[r.Topic]; !ok {
		return fmt.Errorf("unknown topic %s", r.Topic)
	}
	cp := *r
	if m.next == nil {
		m.next = map[string]map[int32]int64{}
	}
	if m.next[r.Topic] == nil {
		m.next[r.Topic] = map[int32]int64{}
	}
	cp.Offset = m.next[r.Topic][r.Partition]
	m.next[r.Topic][r.Partition]++
	m.records = append(m.records, &cp)
	m.changed.Broadcast()
	return nil
}

// Records returns the records of a topic in order.
func (m *MemoryRuntime) Records(topic string) []*ops.Raw {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*ops.Raw
	for _, r := range m.records {
		if r.Topic == topic {
			out = append(out, r)
		}
	}
	return out
}

// TopicNames returns the topic names, sorted.
func (m *MemoryRuntime) TopicNames() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.topics))
	for n := range m.topics {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (m *MemoryRuntime) StartQuery(_ context.Context, q *RunningQuery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries = append(m.queries, q)
	return nil
}

func (m *MemoryRuntime) StopQuery(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, q := range m.queries {
		if q.ID == id {
			m.queries = append(m.queries[:i], m.queries[i+1:]...)
			return
		}
	}
}

// CleanupQuery implements Runtime: the in-memory log keeps no per-query
// state worth removing.
func (m *MemoryRuntime) CleanupQuery(context.Context, *RunningQuery) {}

// Started returns the running queries in start order.
func (m *MemoryRuntime) Started() []*RunningQuery {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*RunningQuery(nil), m.queries...)
}

// Scan delivers the topics' records (existing ones only when
// fromBeginning) and then new ones until ctx ends.
func (m *MemoryRuntime) Scan(ctx context.Context, topics []string, fromBeginning bool, handle func(context.Context, *ops.Raw) error) error {
	want := map[string]bool{}
	for _, t := range topics {
		want[t] = true
	}
	return m.read(ctx, fromBeginning, func(r *ops.Raw) bool { return want[r.Topic] }, handle)
}

// Follow implements Runtime.
func (m *MemoryRuntime) Follow(ctx context.Context, topic string, from map[int32]int64, handle func(context.Context, *ops.Raw) error) error {
	return m.read(ctx, true, func(r *ops.Raw) bool { return r.Topic == topic && r.Offset >= from[r.Partition] }, handle)
}

// read delivers the log's records that want accepts (existing ones only
// when fromBeginning), then new ones, until ctx ends.
func (m *MemoryRuntime) read(ctx context.Context, fromBeginning bool, want func(*ops.Raw) bool, handle func(context.Context, *ops.Raw) error) error {
	stop := context.AfterFunc(ctx, func() {
		m.mu.Lock()
		m.changed.Broadcast()
		m.mu.Unlock()
	})
	defer stop()
	m.mu.Lock()
	next := len(m.records)
	if fromBeginning {
		next = 0
	}
	for {
		for next >= len(m.records) && ctx.Err() == nil {
			m.changed.Wait()
		}
		if ctx.Err() != nil {
			m.mu.Unlock()
			return nil
		}
		r := m.records[next]
		next++
		if !want(r) {
			continue
		}
		m.mu.Unlock()
		err := handle(ctx, r)
		if errors.Is(err, ops.ErrLimitReached) {
			return nil
		}
		if err != nil {
			return err
		}
		m.mu.Lock()
	}
}

// EndOffsets implements Runtime.
func (m *MemoryRuntime) EndOffsets(_ context.Context, topic string) (map[int32]int64, error) {
	out := map[int32]int64{}
	for _, r := range m.Records(topic) {
		out[r.Partition] = r.Offset + 1
	}
	return out, nil
}

// Close does nothing: there is nothing to stop.
func (m *MemoryRuntime) Close() error { return nil }
