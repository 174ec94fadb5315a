package engine

import (
	"context"

	"github.com/eddysql/eddy/executor/kafkaio"
	"github.com/eddysql/eddy/executor/ops"
)

// TopicInfo describes a Kafka topic.
type TopicInfo struct {
	Name       string
	Partitions int
	Replicas   int
}

// Runtime is the engine's view of Kafka: topics, the persistent queries it
// runs and the records it reads for push queries. The Kafka runtime talks
// to a broker; the conformance runner supplies an in-memory one.
type Runtime interface {
	Topics(ctx context.Context) (map[string]TopicInfo, error)
	CreateTopic(ctx context.Context, name string, partitions, replicas int) error
	DeleteTopic(ctx context.Context, name string) error
	// Produce writes one record (INSERT VALUES, /inserts-stream).
	Produce(ctx context.Context, r *ops.Raw) error
	// StartQuery runs a persistent query until StopQuery.
	StartQuery(ctx context.Context, q *RunningQuery) error
	// StopQuery stops a persistent query and waits for it to end.
	StopQuery(id string)
	// CleanupQuery removes what a stopped query kept (TERMINATE): its
	// internal and changelog topics, its consumer group and its local
	// state. Best effort: what cannot be removed is logged.
	CleanupQuery(ctx context.Context, q *RunningQuery)
	// Scan reads topics for a push query or PRINT, calling handle for each
	// record, until ctx ends or handle returns ops.ErrLimitReached.
	Scan(ctx context.Context, topics []string, fromBeginning bool, handle func(context.Context, *ops.Raw) error) error
	// Follow reads topic from the given offsets until ctx ends or handle
	// returns ops.ErrLimitReached: reading from EndOffsets' answer misses
	// nothing written after it. The Kafka runtime reads the partitions
	// listed (EndOffsets lists them all); the memory runtime reads a
	// partition it does not list from its start.
	Follow(ctx context.Context, topic string, from map[int32]int64, handle func(context.Context, *ops.Raw) error) error
	// EndOffsets returns the offset after the last record of each
	// partition of a topic (after the last stable one under
	// exactly-once).
	EndOffsets(ctx context.Context, topic string) (map[int32]int64, error)
	// Close stops everything.
	Close() error
}

// RunningQuery is a persistent query as the runtime sees it.
type RunningQuery struct {
	ID            string
	GroupID       string
	Topics        []string
	ResetEarliest bool
	// Build makes a fresh topology that writes to emitter and keeps its
	// state in the task's stores; the runtime calls it once per task.
	Build func(emitter ops.Emitter, stores func(name string) (ops.Store, error)) (*ops.Topology, error)
	// Stores are the state stores the query's tasks keep; each has a
	// changelog topic named by ChangelogTopic.
	Stores []string
	// ChangelogTopic names a store's changelog topic.
	ChangelogTopic func(store string) string
	// InternalTopics are the query's repartition and other internal
	// topics (changelogs not included).
	InternalTopics []string
	// OnError is called when the query fails.
	OnError func(error)
	// ProcessingGuarantee overrides the runtime's processing.guarantee
	// for this query (at_least_once, exactly_once_v2); empty = the
	// runtime's default.
	ProcessingGuarantee string
}

// SharedRuntime is a Runtime whose servers can split a topic's partitions
// among themselves: pull-query views are shared this way, each server
// holding part of a table and answering the others for it.
type SharedRuntime interface {
	// ReadShared reads cfg.Topic as a member of cfg.GroupID until ctx
	// ends; the runtime fills in the connection settings.
	ReadShared(ctx context.Context, cfg kafkaio.SharedConfig) error
	// Owners returns the member data (address) of the member holding each
	// partition of topic in group, or kafkaio.ErrRebalancing.
	Owners(ctx context.Context, group, topic string) (map[int32]string, error)
	// DeleteGroup removes a consumer group that is no longer used. A
	// group other servers are still in stays: the last to leave removes
	// it.
	DeleteGroup(ctx context.Context, group string)
}

// EndOffsetHints is a Runtime that can list end offsets ahead of need and
// remembers the last listing: pull queries use it to overlap a listing
// with planning and to measure an offset lag without a listing of their
// own.
type EndOffsetHints interface {
	// PrefetchEndOffsets starts listing topic's end offsets for an
	// EndOffsets call about to come.
	PrefetchEndOffsets(topic string)
	// RecentEndOffsets returns the newest end offsets of topic listed
	// recently, if any.
	RecentEndOffsets(topic string) (map[int32]int64, bool)
}
