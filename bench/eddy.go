package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/server"
	"github.com/eddysql/eddy/server/config"
)

// env is the system under test: a kfake broker and an Eddy server on it,
// started exactly as `eddy server --bootstrap-servers` starts one.
type env struct {
	cluster *kfake.Cluster
	srv     *server.Server
	brokers []string
	cl      *kgo.Client
	adm     *kadm.Client
	http    *http.Client
	base    string
}

func startEnv(ctx context.Context, stateDir string) (*env, error) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(1))
	if err != nil {
		return nil, fmt.Errorf("starting kfake: %w", err)
	}
	e := &env{cluster: c, brokers: c.ListenAddrs()}
	cfg := config.Defaults()
	cfg[config.BootstrapServers] = strings.Join(e.brokers, ",")
	cfg[config.Listeners] = "http://127.0.0.1:0"
	cfg[config.StateDir] = stateDir
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if e.srv, err = server.Start(ctx, cfg, log); err != nil {
		c.Close()
		return nil, fmt.Errorf("starting eddy: %w", err)
	}
	if e.cl, err = kgo.NewClient(kgo.SeedBrokers(e.brokers...), kgo.ProducerLinger(2*time.Millisecond),
		kgo.ProducerBatchMaxBytes(1<<20), kgo.MaxBufferedRecords(100_000),
		// kadm answers from metadata cached for MetadataMinAge (5 s by
		// default): too stale to see a query's new internal topics.
		kgo.MetadataMinAge(10*time.Millisecond)); err != nil {
		e.close()
		return nil, err
	}
	e.adm = kadm.NewClient(e.cl)
	e.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	e.base = "http://" + e.srv.Addr()
	return e, nil
}

func (e *env) close() {
	if e.cl != nil {
		e.cl.Close()
	}
	if e.srv != nil {
		e.srv.Close()
	}
	e.cluster.Close()
}

func (e *env) createTopic(ctx context.Context, name string, partitions int32) error {
	resp, err := e.adm.CreateTopics(ctx, partitions, 1, nil, name)
	if err != nil {
		return err
	}
	return resp.Error()
}

// load produces records to a topic and waits for all acknowledgements.
func (e *env) load(ctx context.Context, topic string, n int, next func(i int) record) (bytes int64, err error) {
	var firstErr error
	errc := make(chan error, 1)
	for i := range n {
		r := next(i)
		bytes += int64(len(r.Key) + len(r.Value))
		e.cl.Produce(ctx, &kgo.Record{Topic: topic, Key: r.Key, Value: r.Value, Timestamp: tsTime(r.Ts)},
			func(_ *kgo.Record, err error) {
				if err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			})
	}
	if err := e.cl.Flush(ctx); err != nil {
		return bytes, err
	}
	select {
	case firstErr = <-errc:
	default:
	}
	return bytes, firstErr
}

// ksqlEntity is the part of a /ksql answer the benchmark reads.
type ksqlEntity struct {
	Type          string `json:"@type"`
	CommandStatus struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		QueryID string `json:"queryId"`
	} `json:"commandStatus"`
	Message string `json:"message"`
}

// ksql posts statements to /ksql and returns the entities, or an error
// with the server's message.
func (e *env) ksql(ctx context.Context, sql string) ([]ksqlEntity, error) {
	body, _ := json.Marshal(map[string]any{"ksql": sql})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.base+"/ksql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var em struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(b, &em) == nil && em.Message != "" {
			return nil, fmt.Errorf("%s", oneLine(em.Message))
		}
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, oneLine(string(b)))
	}
	var out []ksqlEntity
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", b, err)
	}
	return out, nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// queryID returns the id of the persistent query a CREATE ... AS SELECT
// started.
func queryID(ents []ksqlEntity) string {
	for _, en := range ents {
		if en.CommandStatus.QueryID != "" {
			return en.CommandStatus.QueryID
		}
		if m := en.CommandStatus.Message; strings.HasPrefix(m, "Created query with ID ") {
			return strings.TrimPrefix(m, "Created query with ID ")
		}
	}
	return ""
}

// appID mirrors the engine's consumer group and internal topic prefix.
func appID(queryID string) string { return "_confluent-ksql-default_query_" + queryID }

// drained reports whether the group has committed, for every partition of
// the inputs and of its repartition topics, the end offset.
func (e *env) drained(ctx context.Context, group string, inputs []string) (bool, error) {
	topics := append([]string(nil), inputs...)
	td, err := e.adm.ListTopics(ctx)
	if err != nil {
		return false, err
	}
	for _, t := range td.Names() {
		if strings.HasPrefix(t, group+"-") && strings.HasSuffix(t, "-repartition") {
			topics = append(topics, t)
		}
	}
	ends, err := e.adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		return false, err
	}
	committed, err := e.adm.FetchOffsets(ctx, group)
	if err != nil {
		return false, nil // the group may not exist yet
	}
	done := true
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset == 0 {
			return
		}
		c, ok := committed.Lookup(o.Topic, o.Partition)
		if !ok || c.At < o.Offset {
			done = false
		}
	})
	return done, nil
}

// topicSize returns the number of records in a topic.
func (e *env) topicSize(ctx context.Context, topic string) int64 {
	ends, err := e.adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return -1
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

// stable reports whether the group has finished joining.
func (e *env) stable(ctx context.Context, group string) bool {
	gs, err := e.adm.DescribeGroups(ctx, group)
	if err != nil {
		return false
	}
	g, ok := gs[group]
	return ok && g.Err == nil && g.State == "Stable"
}
