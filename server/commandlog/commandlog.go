// Package commandlog keeps the statements that changed a server's state in
// the command topic, _confluent-ksql-<service.id>_command_topic, as ksqlDB
// does: every server with the same service id replays it at start, so
// queries come back after a restart with the same ids (derived from the
// command offsets), reusing their consumer offsets and state.
package commandlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Entry is one command: a statement and the properties it ran with.
type Entry struct {
	Offset int64 `json:"-"`
	// Own marks a command this server wrote.
	Own        bool              `json:"-"`
	Statement  string            `json:"statement"`
	Properties map[string]string `json:"streamsProperties,omitempty"`
}

// Log is the command topic of one service id.
type Log struct {
	brokers []string
	topic   string
	client  *kgo.Client
	// instance marks the commands this server wrote, whose outcomes its
	// requests wait for.
	instance string
}

// instanceHeader carries the id of the server that wrote a command.
const instanceHeader = "eddy.instance"

// TopicName is ksqlDB's command topic name for a service id.
func TopicName(serviceID string) string {
	return "_confluent-ksql-" + serviceID + "_command_topic"
}

// Open connects and creates the command topic if it does not exist (one
// partition: the order of commands is the order of the log).
func Open(ctx context.Context, brokers []string, serviceID string) (*Log, error) {
	topic := TopicName(serviceID)
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(0))
	if err != nil {
		return nil, err
	}
	resp, err := kadm.NewClient(cl).CreateTopics(ctx, 1, -1, map[string]*string{"retention.ms": strPtr("-1")}, topic)
	if err == nil {
		for _, r := range resp {
			if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
				err = r.Err
			}
		}
	}
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("creating command topic %s: %w", topic, err)
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		cl.Close()
		return nil, err
	}
	return &Log{brokers: brokers, topic: topic, client: cl, instance: hex.EncodeToString(id)}, nil
}

func strPtr(s string) *string { return &s }

// Append writes a command and returns its offset once it is durable.
func (l *Log) Append(ctx context.Context, stmt string, props map[string]string) (int64, error) {
	b, err := json.Marshal(Entry{Statement: stmt, Properties: props})
	if err != nil {
		return 0, err
	}
	res := l.client.ProduceSync(ctx, &kgo.Record{Topic: l.topic, Value: b,
		Headers: []kgo.RecordHeader{{Key: instanceHeader, Value: []byte(l.instance)}}})
	if err := res.FirstErr(); err != nil {
		return 0, fmt.Errorf("writing to the command topic: %w", err)
	}
	return res[0].Record.Offset, nil
}

// Tail runs fn for every command appended from offset from on, in order,
// until ctx ends: every server sharing a service id runs every command,
// its own included, so that all run the same statements in the same order.
func (l *Log) Tail(ctx context.Context, from int64, fn func(Entry)) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(l.brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{l.topic: {0: kgo.NewOffset().At(from)}}))
	if err != nil {
		return err
	}
	defer cl.Close()
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		fetches.EachRecord(func(r *kgo.Record) {
			var e Entry
			if json.Unmarshal(r.Value, &e) != nil || e.Statement == "" {
				return
			}
			e.Offset = r.Offset
			for _, h := range r.Headers {
				if h.Key == instanceHeader && string(h.Value) == l.instance {
					e.Own = true
				}
			}
			fn(e)
		})
	}
}

// ReadAll returns the commands written so far, in order.
func (l *Log) ReadAll(ctx context.Context) ([]Entry, error) {
	ends, err := kadm.NewClient(l.client).ListEndOffsets(ctx, l.topic)
	if err != nil {
		return nil, fmt.Errorf("reading the command topic: %w", err)
	}
	end, ok := ends.Lookup(l.topic, 0)
	if !ok || end.Err != nil || end.Offset == 0 {
		return nil, nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(l.brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{l.topic: {0: kgo.NewOffset().AtStart()}}))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var out []Entry
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errs := fetches.Errors(); len(errs) > 0 {
			return nil, fmt.Errorf("reading the command topic: %w", errs[0].Err)
		}
		var last int64 = -1
		fetches.EachRecord(func(r *kgo.Record) {
			last = r.Offset
			var e Entry
			if json.Unmarshal(r.Value, &e) == nil && e.Statement != "" {
				e.Offset = r.Offset
				out = append(out, e)
			}
		})
		if last+1 >= end.Offset {
			return out, nil
		}
	}
}

// Close releases the connection.
func (l *Log) Close() { l.client.Close() }
