package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/eddysql/eddy/executor/kafkaio"
	"github.com/eddysql/eddy/executor/ops"
)

// KafkaRuntime runs queries against a Kafka cluster.
type KafkaRuntime struct {
	brokers  []string
	stateDir string
	log      *slog.Logger
	client   *kgo.Client
	admin    *kadm.Client

	mu      sync.Mutex
	queries map[string]*kafkaQuery
	// created remembers the topics this runtime made: brokers publish new
	// topics to metadata asynchronously, and a statement right after the
	// one that created a topic must see it.
	created map[string]TopicInfo
	// deleted remembers the topics this runtime deleted, for the same
	// reason: until the brokers' metadata drops them they are gone here.
	deleted map[string]bool
	// partitions caches topics' partition counts for EndOffsets, so that a
	// pull query costs one ListOffsets round trip instead of a metadata
	// request first; entries are refreshed after partitionsTTL.
	partitions map[string]topicPartitions
	// ends shares end-offset requests among concurrent pull queries.
	ends endsCoalescer
	// exactlyOnce is the default processing guarantee of persistent
	// queries (WithProcessingGuarantee).
	exactlyOnce bool
	// queryOpts are extra client options of persistent queries
	// (WithGroupTimeouts).
	queryOpts []kgo.Opt
}

// KafkaRuntimeOption configures NewKafkaRuntime.
type KafkaRuntimeOption func(*KafkaRuntime) error

// WithProcessingGuarantee sets the processing guarantee of persistent
// queries: at_least_once (the default) or exactly_once_v2.
func WithProcessingGuarantee(v string) KafkaRuntimeOption {
	return func(k *KafkaRuntime) error {
		eos, err := kafkaio.ParseProcessingGuarantee(v)
		k.exactlyOnce = eos
		return err
	}
}

// WithGroupTimeouts sets the consumer group session timeout and heartbeat
// interval of persistent queries (ksql.streams.session.timeout.ms and
// ksql.streams.heartbeat.interval.ms): how soon a dead server's partitions
// move to the others. Zero keeps franz-go's default.
func WithGroupTimeouts(session, heartbeat time.Duration) KafkaRuntimeOption {
	return func(k *KafkaRuntime) error {
		if session > 0 {
			k.queryOpts = append(k.queryOpts, kgo.SessionTimeout(session))
		}
		if heartbeat > 0 {
			k.queryOpts = append(k.queryOpts, kgo.HeartbeatInterval(heartbeat))
		}
		return nil
	}
}

// ProcessingGuarantee returns the processing.guarantee set in props under
// ksql.streams.processing.guarantee or processing.guarantee ("" if
// neither is set).
func ProcessingGuarantee(props map[string]string) string {
	for _, key := range []string{"ksql.streams.processing.guarantee", "processing.guarantee"} {
		if v := props[key]; v != "" {
			return v
		}
	}
	return ""
}

type kafkaQuery struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// NewKafkaRuntime connects to the brokers; query state lives under stateDir.
func NewKafkaRuntime(brokers []string, stateDir string, log *slog.Logger, opts ...KafkaRuntimeOption) (*KafkaRuntime, error) {
	// Admin answers must see topics other clients just created (SHOW
	// TOPICS, CREATE STREAM over a topic a producer just made), so sharded
	// metadata is cached only briefly.
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ProducerLinger(0), kgo.MetadataMinAge(10*time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("connecting to Kafka %v: %w", brokers, err)
	}
	k := &KafkaRuntime{brokers: brokers, stateDir: stateDir, log: log, created: map[string]TopicInfo{}, deleted: map[string]bool{}, client: cl, admin: kadm.NewClient(cl), queries: map[string]*kafkaQuery{}}
	for _, o := range opts {
		if err := o(k); err != nil {
			cl.Close()
			return nil, err
		}
	}
	return k, nil
}

// ClusterID returns the Kafka cluster id.
func (k *KafkaRuntime) ClusterID(ctx context.Context) string {
	m, err := k.admin.BrokerMetadata(ctx)
	if err != nil {
		return ""
	}
	return m.Cluster
}

// Ping checks that a broker answers.
func (k *KafkaRuntime) Ping(ctx context.Context) error { return k.client.Ping(ctx) }

func (k *KafkaRuntime) Topics(ctx context.Context) (map[string]TopicInfo, error) {
	// A metadata request of its own, not kadm.ListTopics: that answers
	// from the client's cache (up to MetadataMinAge old), which misses a
	// topic another client created a moment before the statement.
	resp, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, k.client)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	out := map[string]TopicInfo{}
	for _, t := range resp.Topics {
		if t.Topic == nil || t.IsInternal {
			continue
		}
		// A topic just created may have no leader yet: it exists.
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil && !(errors.Is(err, kerr.LeaderNotAvailable) && len(t.Partitions) > 0) {
			continue
		}
		info := TopicInfo{Name: *t.Topic, Partitions: len(t.Partitions)}
		if len(t.Partitions) > 0 {
			info.Replicas = len(t.Partitions[0].Replicas)
		}
		out[*t.Topic] = info
	}
	k.mu.Lock()
	for name, info := range k.created {
		if _, ok := out[name]; ok {
			delete(k.created, name) // the brokers know it now
			continue
		}
		out[name] = info
	}
	for name := range k.deleted {
		if _, ok := out[name]; !ok {
			delete(k.deleted, name) // the brokers forgot it now
			continue
		}
		delete(out, name)
	}
	k.mu.Unlock()
	return out, nil
}

func (k *KafkaRuntime) CreateTopic(ctx context.Context, name string, partitions, replicas int) error {
	resp, err := k.admin.CreateTopics(ctx, int32(partitions), int16(replicas), nil, name)
	if err != nil {
		return fmt.Errorf("creating topic %s: %w", name, err)
	}
	for _, r := range resp {
		if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("creating topic %s: %w", name, r.Err)
		}
	}
	k.mu.Lock()
	k.created[name] = TopicInfo{Name: name, Partitions: partitions, Replicas: replicas}
	delete(k.deleted, name)
	k.mu.Unlock()
	return nil
}

func (k *KafkaRuntime) DeleteTopic(ctx context.Context, name string) error {
	return k.deleteTopics(ctx, name)
}

// deleteTopics deletes topics in one request; a topic already gone is not
// an error. The first failure is returned, after every topic was tried.
func (k *KafkaRuntime) deleteTopics(ctx context.Context, names ...string) error {
	k.mu.Lock()
	for _, name := range names {
		delete(k.created, name)
		delete(k.partitions, name)
		k.deleted[name] = true
	}
	k.mu.Unlock()
	k.ends.forget(names...)
	resp, err := k.admin.DeleteTopics(ctx, names...)
	if err != nil {
		return fmt.Errorf("deleting topics %s: %w", strings.Join(names, ", "), err)
	}
	for _, r := range resp.Sorted() {
		if r.Err != nil && !errors.Is(r.Err, kerr.UnknownTopicOrPartition) {
			return fmt.Errorf("deleting topic %s: %w", r.Topic, r.Err)
		}
	}
	return nil
}

func (k *KafkaRuntime) Produce(ctx context.Context, r *ops.Raw) error {
	rec := &kgo.Record{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
	for _, h := range r.Headers {
		rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	return k.client.ProduceSync(ctx, rec).FirstErr()
}

func (k *KafkaRuntime) StartQuery(_ context.Context, q *RunningQuery) error {
	eos := k.exactlyOnce
	if q.ProcessingGuarantee != "" {
		var err error
		if eos, err = kafkaio.ParseProcessingGuarantee(q.ProcessingGuarantee); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	kq := &kafkaQuery{cancel: cancel, done: make(chan struct{})}
	k.mu.Lock()
	if _, dup := k.queries[q.ID]; dup {
		k.mu.Unlock()
		cancel()
		return fmt.Errorf("query %s is already running", q.ID)
	}
	k.queries[q.ID] = kq
	k.mu.Unlock()
	go func() {
		defer close(kq.done)
		err := kafkaio.RunPersistent(ctx, kafkaio.PersistentConfig{
			Brokers: k.brokers, GroupID: q.GroupID, Build: q.Build, Topics: q.Topics,
			ResetEarliest: q.ResetEarliest, Log: k.log.With("query", q.ID),
			StateDir: filepath.Join(k.stateDir, q.ID), ChangelogTopic: q.ChangelogTopic, ExactlyOnce: eos,
			ClientOpts: k.queryOpts,
		})
		if err != nil && q.OnError != nil {
			q.OnError(err)
		}
	}()
	return nil
}

func (k *KafkaRuntime) StopQuery(id string) {
	k.mu.Lock()
	q, ok := k.queries[id]
	delete(k.queries, id)
	k.mu.Unlock()
	if ok {
		q.cancel()
		<-q.done
	}
}

// CleanupQuery implements Runtime. Other servers sharing the service id
// run the same TERMINATE and clean up after themselves; deletions they
// did first are not errors.
func (k *KafkaRuntime) CleanupQuery(ctx context.Context, q *RunningQuery) {
	// Half a cleanup would leave topics behind: the request's end does not
	// stop it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	topics := append([]string(nil), q.InternalTopics...)
	for _, st := range q.Stores {
		topics = append(topics, q.ChangelogTopic(st))
	}
	if len(topics) > 0 {
		if err := k.deleteTopics(ctx, topics...); err != nil {
			k.log.Warn("deleting a terminated query's topics", "query", q.ID, "error", err)
		}
	}
	// Another server with the same service id still runs the query until
	// it applies the TERMINATE; it removes the group then.
	k.DeleteGroup(ctx, q.GroupID)
	if err := os.RemoveAll(filepath.Join(k.stateDir, q.ID)); err != nil {
		k.log.Warn("removing a terminated query's state", "query", q.ID, "error", err)
	}
}

// DeleteGroup implements SharedRuntime.
func (k *KafkaRuntime) DeleteGroup(ctx context.Context, group string) {
	resp, err := k.admin.DeleteGroups(ctx, group)
	if err != nil {
		k.log.Warn("deleting a consumer group", "group", group, "error", err)
	}
	for _, r := range resp {
		switch {
		case r.Err == nil, errors.Is(r.Err, kerr.GroupIDNotFound):
		case errors.Is(r.Err, kerr.NonEmptyGroup):
			k.log.Info("consumer group still in use, left to the last server", "group", r.Group)
		default:
			k.log.Warn("deleting a consumer group", "group", r.Group, "error", r.Err)
		}
	}
}

func (k *KafkaRuntime) Scan(ctx context.Context, topics []string, fromBeginning bool, handle func(context.Context, *ops.Raw) error) error {
	return kafkaio.RunTransient(ctx, kafkaio.TransientConfig{
		Brokers: k.brokers, Topics: topics, ResetEarliest: fromBeginning, Handle: handle, Log: k.log,
		ReadCommitted: k.exactlyOnce,
	})
}

// Follow implements Runtime.
func (k *KafkaRuntime) Follow(ctx context.Context, topic string, from map[int32]int64, handle func(context.Context, *ops.Raw) error) error {
	return kafkaio.RunTransient(ctx, kafkaio.TransientConfig{
		Brokers: k.brokers, Topics: []string{topic}, Start: from, ResetEarliest: true, Handle: handle, Log: k.log,
		ReadCommitted: k.exactlyOnce,
	})
}

type topicPartitions struct {
	count int32
	at    time.Time
}

// partitionsTTL bounds how long a partition count is trusted: partitions
// can be added to a topic.
const partitionsTTL = 10 * time.Second

// EndOffsets implements Runtime. Under exactly-once the offsets are the
// last stable ones, as a read-committed consumer sees the topic.
func (k *KafkaRuntime) EndOffsets(ctx context.Context, topic string) (map[int32]int64, error) {
	return k.ends.get(ctx, topic, k.fetchEnds)
}

var _ EndOffsetHints = (*KafkaRuntime)(nil)

// PrefetchEndOffsets implements EndOffsetHints (endsCoalescer.prefetch).
func (k *KafkaRuntime) PrefetchEndOffsets(topic string) { k.ends.prefetch(topic, k.fetchEnds) }

// RecentEndOffsets implements EndOffsetHints: listings of the last second
// (endsCoalescer.recent).
func (k *KafkaRuntime) RecentEndOffsets(topic string) (map[int32]int64, bool) {
	return k.ends.recent(topic, k.fetchEnds)
}

func (k *KafkaRuntime) fetchEnds(ctx context.Context, topic string) (map[int32]int64, error) {
	k.mu.Lock()
	tp, ok := k.partitions[topic]
	k.mu.Unlock()
	if ok && time.Since(tp.at) < partitionsTTL {
		if out, err := k.listEnds(ctx, topic, tp.count); err == nil {
			return out, nil
		}
		// The topic may have changed (deleted, recreated): ask the
		// metadata again.
	}
	out, err := k.adminEndOffsets(ctx, topic)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	if k.partitions == nil {
		k.partitions = map[string]topicPartitions{}
	}
	k.partitions[topic] = topicPartitions{count: int32(len(out)), at: time.Now()}
	k.mu.Unlock()
	return out, nil
}

// listEnds sends one ListOffsets request for partitions 0..n-1 of topic;
// the client splits it among the partitions' leaders.
func (k *KafkaRuntime) listEnds(ctx context.Context, topic string, n int32) (map[int32]int64, error) {
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	if k.exactlyOnce {
		req.IsolationLevel = 1
	}
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for p := range n {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition = p
		rp.Timestamp = -1 // the end
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, k.client)
	if err != nil {
		return nil, err
	}
	out := make(map[int32]int64, n)
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return nil, err
			}
			out[p.Partition] = p.Offset
		}
	}
	if len(out) != int(n) {
		return nil, fmt.Errorf("listing end offsets of %s: %d of %d partitions answered", topic, len(out), n)
	}
	return out, nil
}

func (k *KafkaRuntime) adminEndOffsets(ctx context.Context, topic string) (map[int32]int64, error) {
	list := k.admin.ListEndOffsets
	if k.exactlyOnce {
		list = k.admin.ListCommittedOffsets
	}
	ends, err := list(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("listing end offsets of %s: %w", topic, err)
	}
	out := map[int32]int64{}
	var first error
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil && first == nil {
			first = o.Err
		}
		out[o.Partition] = o.Offset
	})
	if first != nil {
		return nil, fmt.Errorf("listing end offsets of %s: %w", topic, first)
	}
	return out, nil
}

func (k *KafkaRuntime) Close() error {
	k.mu.Lock()
	ids := make([]string, 0, len(k.queries))
	for id := range k.queries {
		ids = append(ids, id)
	}
	k.mu.Unlock()
	for _, id := range ids {
		k.StopQuery(id)
	}
	k.client.Close()
	return nil
}

// ReadShared implements SharedRuntime. The group's members fail over on
// the persistent queries' session timeout.
func (k *KafkaRuntime) ReadShared(ctx context.Context, cfg kafkaio.SharedConfig) error {
	cfg.Brokers, cfg.Log, cfg.ClientOpts, cfg.ReadCommitted = k.brokers, k.log, k.queryOpts, k.exactlyOnce
	return kafkaio.RunShared(ctx, cfg)
}

// Owners implements SharedRuntime.
func (k *KafkaRuntime) Owners(ctx context.Context, group, topic string) (map[int32]string, error) {
	owners, err := kafkaio.GroupOwners(ctx, k.admin, group, topic)
	if err != nil {
		return nil, err
	}
	out := make(map[int32]string, len(owners))
	for p, data := range owners {
		out[p] = string(data)
	}
	return out, nil
}
