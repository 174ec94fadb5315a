// Package engine executes statements: it owns the catalog, plans with the
// planner, starts and stops queries on a Runtime and answers with the
// REST API's entities.
package engine

import (
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/parser"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/udf"
	"github.com/eddysql/eddy/udf/udaf"
)

// Config holds the engine's settings.
type Config struct {
	ServiceID string
	// Properties are the server's configured properties (ksql.*).
	Properties map[string]string
	Planner    planner.Config
	// DefaultPartitions is used for sink topics whose source topic is
	// unknown; DefaultReplicas for topics the engine creates.
	DefaultReplicas int
	Version         string
}

// Engine executes statements. It is safe for concurrent use: statements
// run one at a time, queries run on the runtime.
type Engine struct {
	cfg     Config
	log     *slog.Logger
	rt      Runtime
	fns     *udf.Registry
	formats *serde.Registry
	tsParse ops.TimestampParser

	// requests serializes /ksql requests (a one-slot semaphore, so that a
	// waiting request gives up when its client does); mu guards the
	// engine's state.
	requests chan struct{}
	mu       sync.Mutex
	cat      *catalog.Catalog
	queries  map[string]*Query
	order    []string // persistent query ids in start order
	seq      int64    // command sequence number
	statuses map[string]commandResult
	push     map[string]*pushQuery
	pushSeq  int64
	// parses keeps the trees of the queries sent to /query, which
	// applications repeat with other literals (parser.Cache).
	parses   *parser.Cache
	commands CommandLog
	progress *commandProgress
	// replaying defers starting queries until the command log is read
	// (Replay).
	replaying bool

	viewDir string     // "" keeps pull-query views in memory
	viewMu  sync.Mutex // guards views; taken after mu if both are

	views map[string]*tableView // by table name
	// advertised is this server's address for other servers (guarded by
	// viewMu); peers forwards pull queries to them (forward.go).
	advertised string
	peers      *http.Client
	// taps are the sink readers scalable push queries share (tap.go).
	tapMu sync.Mutex
	taps  map[string]*sinkTap
}

// Query is a persistent query.
type Query struct {
	ID        string
	Statement string
	Plan      *planner.PersistentPlan
	Sink      string
	SinkTopic string
	Sources   []string
	State     string
	Err       error
	running   *RunningQuery
	// unmade are internal topics that replay left for the start to make.
	unmade []TopicInfo
}

type commandResult struct {
	status  string
	message string
	queryID string
}

// Option configures an Engine.
type Option func(*Engine)

// WithCommandLog makes the engine write the statements that change state
// to a command log before it runs them.
func WithCommandLog(l CommandLog) Option { return func(e *Engine) { e.commands = l } }

// WithViewDir keeps the tables' pull-query views in Pebble under dir
// (rebuilt from the tables' topics at start) instead of in memory.
func WithViewDir(dir string) Option { return func(e *Engine) { e.viewDir = dir } }

// WithLogger sets the logger (and the processing log).
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// New creates an engine over a runtime.
// queryShapes bounds how many query shapes e.parses keeps.
const queryShapes = 1024

func New(cfg Config, rt Runtime, opts ...Option) *Engine {
	if cfg.ServiceID == "" {
		cfg.ServiceID = "default_"
	}
	if cfg.DefaultReplicas == 0 {
		cfg.DefaultReplicas = 1
	}
	e := &Engine{
		cfg: cfg, rt: rt, log: slog.Default(), fns: udf.NewRegistry(), formats: serde.NewRegistry(),
		cat: catalog.New(), queries: map[string]*Query{}, statuses: map[string]commandResult{},
		push: map[string]*pushQuery{}, views: map[string]*tableView{}, peers: &http.Client{}, taps: map[string]*sinkTap{}, progress: newCommandProgress(), requests: make(chan struct{}, 1),
		parses: parser.NewCache(queryShapes),
	}
	e.tsParse = e.fns.TimestampParser
	for _, o := range opts {
		o(e)
	}
	return e
}

// Functions returns the function registry.
func (e *Engine) Functions() *udf.Registry { return e.fns }

// Formats returns the serde registry.
func (e *Engine) Formats() *serde.Registry { return e.formats }

// Catalog returns a snapshot of the catalog.
func (e *Engine) Catalog() *catalog.Catalog {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cat.Clone()
}

// Queries returns the persistent queries in start order.
func (e *Engine) Queries() []*Query {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*Query, 0, len(e.order))
	for _, id := range e.order {
		if q, ok := e.queries[id]; ok {
			out = append(out, q)
		}
	}
	return out
}

// Close stops all queries.
func (e *Engine) Close() error {
	e.mu.Lock()
	pushes := make([]*pushQuery, 0, len(e.push))
	for _, p := range e.push {
		pushes = append(pushes, p)
	}
	e.mu.Unlock()
	for _, p := range pushes {
		p.Close()
	}
	e.viewMu.Lock()
	for name, v := range e.views {
		v.close()
		delete(e.views, name)
	}
	e.viewMu.Unlock()
	return e.rt.Close()
}

func (e *Engine) planner(cat *catalog.Catalog) *planner.Planner {
	return planner.New(cat, planner.FunctionsOf(e.fns), e.cfg.Planner)
}

// builder returns a topology builder for a persistent plan.
func (e *Engine) builder(id string, root physical.Step, props map[string]string) func(ops.Emitter, func(string) (ops.Store, error)) (*ops.Topology, error) {
	aggCfg := e.aggregateConfig(props)
	policy := e.errorPolicy(id, props)
	return func(em ops.Emitter, stores func(string) (ops.Store, error)) (*ops.Topology, error) {
		return ops.Build(root, ops.Env{
			Formats: e.formats, Emitter: em, TimestampParser: e.tsParse,
			Policy: policy, Stores: stores, Aggregates: e.fns.Aggregates(),
			AggregateConfig: aggCfg,
			InternalTopic:   func(suffix string) string { return e.appID(id) + "-" + suffix },
		})
	}
}

// appID is a query's Kafka Streams application id, the prefix of its
// consumer group and internal topics, as ksqlDB names them.
func (e *Engine) appID(queryID string) string {
	return "_confluent-ksql-" + e.cfg.ServiceID + "query_" + queryID
}

func (e *Engine) groupID(queryID string) string { return e.appID(queryID) }

// queriesOf returns the ids of running queries that read or write src.
func (e *Engine) queriesOf(src string) (readers, writers []string) {
	for _, id := range e.order {
		q, ok := e.queries[id]
		if !ok {
			continue
		}
		if q.Sink == src {
			writers = append(writers, id)
		}
		for _, s := range q.Sources {
			if s == src {
				readers = append(readers, id)
			}
		}
	}
	sort.Strings(readers)
	sort.Strings(writers)
	return readers, writers
}

// property reads a setting from a statement's properties, then the
// server's.
func (e *Engine) property(props map[string]string, key string) (string, bool) {
	if v, ok := props[key]; ok {
		return v, true
	}
	v, ok := e.cfg.Properties[key]
	return v, ok
}

// offsetReset is where a query without committed offsets starts reading:
// the statement's auto.offset.reset (or ksql.streams.auto.offset.reset),
// else the server's, else latest, as in ksqlDB.
func (e *Engine) offsetReset(props map[string]string) string {
	for _, v := range []string{props["auto.offset.reset"], props["ksql.streams.auto.offset.reset"],
		e.cfg.Properties["auto.offset.reset"], e.cfg.Properties["ksql.streams.auto.offset.reset"]} {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			return v
		}
	}
	return "latest"
}

// boolProperty reads a true/false setting; def when it is unset or not a
// boolean.
func (e *Engine) boolProperty(props map[string]string, key string, def bool) bool {
	v, ok := e.property(props, key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return def
	}
	return b
}

// msProperty reads a duration in milliseconds; def when it is unset, not a
// number or below least.
func (e *Engine) msProperty(props map[string]string, key string, least int64, def time.Duration) time.Duration {
	v, ok := e.property(props, key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < least {
		return def
	}
	return time.Duration(n) * time.Millisecond
}

// aggregateConfig reads the aggregate functions' settings.
func (e *Engine) aggregateConfig(props map[string]string) udaf.Config {
	get := func(key string) int {
		v, _ := e.property(props, key)
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0
		}
		return n
	}
	return udaf.Config{CollectListLimit: get("ksql.functions.collect_list.limit"), CollectSetLimit: get("ksql.functions.collect_set.limit")}
}

// errorPolicy reads what a query does with a bad record: by default it is
// logged and skipped; ksql.fail.on.deserialization.error and
// ksql.timestamp.throw.on.invalid make undecodable records and invalid
// timestamps stop the query instead.
func (e *Engine) errorPolicy(id string, props map[string]string) ops.ErrorPolicy {
	return ops.ErrorPolicy{Log: e.log.With("query", id),
		FailOnDeserialization:  e.boolProperty(props, "ksql.fail.on.deserialization.error", false),
		FailOnInvalidTimestamp: e.boolProperty(props, "ksql.timestamp.throw.on.invalid", false)}
}
