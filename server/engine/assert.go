package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/server/wire"
)

// ASSERT TOPIC and ASSERT SCHEMA (ksqlDB 0.27+, used by ksql-migrations
// and the Java client's assertTopic/assertSchema) check the outside world
// and retry until their timeout: they run without the engine lock, and
// only for real (a dry run just accepts them).

// assertPoll is how often an assertion is checked again.
const assertPoll = 100 * time.Millisecond

// maxSchemaVersions bounds the versions of a subject ASSERT SCHEMA looks
// through for an id.
const maxSchemaVersions = 1000

func isAssertion(s ast.Statement) bool {
	switch s.(type) {
	case *ast.AssertTopic, *ast.AssertSchema:
		return true
	}
	return false
}

// assertTimeout is the statement's TIMEOUT, else the server's
// ksql.assert.<what>.default.timeout.ms, else one second as in ksqlDB.
func (e *Engine) assertTimeout(ms int64, props map[string]string, what string) time.Duration {
	if ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return e.msProperty(props, "ksql.assert."+what+".default.timeout.ms", 0, time.Second)
}

// runAssertion checks an assertion until it holds or its timeout passes.
func (e *Engine) runAssertion(ctx context.Context, st ast.Statement, props map[string]string) (wire.Entity, error) {
	var (
		timeout time.Duration
		check   func() (wire.Entity, error)
	)
	switch st := st.(type) {
	case *ast.AssertTopic:
		timeout = e.assertTimeout(st.TimeoutMs, props, "topic")
		check = func() (wire.Entity, error) { return e.checkTopic(ctx, st) }
	case *ast.AssertSchema:
		timeout = e.assertTimeout(st.TimeoutMs, props, "schema")
		check = func() (wire.Entity, error) { return e.checkSchema(ctx, st) }
	default:
		return nil, fmt.Errorf("not an assertion: %T", st)
	}
	deadline := time.Now().Add(timeout)
	for {
		ent, err := check()
		if err == nil {
			return ent, nil
		}
		if _, failed := err.(assertionFailure); !failed {
			return nil, err
		}
		if !time.Now().Add(assertPoll).Before(deadline) {
			return nil, wire.NewError(wire.CodeAssertionFailed, err.Error())
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(assertPoll):
		}
	}
}

// assertionFailure is an assertion that does not hold (yet), as opposed
// to an error that retrying cannot mend.
type assertionFailure string

func (f assertionFailure) Error() string { return string(f) }

func (e *Engine) checkTopic(ctx context.Context, st *ast.AssertTopic) (wire.Entity, error) {
	want := map[string]int{}
	if !st.NotExists {
		for _, p := range st.Props {
			name := strings.ToUpper(p.Name)
			if name != "PARTITIONS" && name != "REPLICAS" {
				return nil, fmt.Errorf("Cannot assert unknown topic property: %s", p.Name)
			}
			n, err := strconv.Atoi(p.Value.Text)
			if err != nil {
				return nil, fmt.Errorf("%s must be an integer, got %s", name, p.Value.Text)
			}
			want[name] = n
		}
	}
	topics, err := e.rt.Topics(ctx)
	if err != nil {
		return nil, wire.ServerError(err.Error())
	}
	info, exists := topics[st.Name]
	switch {
	case st.NotExists && exists:
		return nil, assertionFailure("Topic " + st.Name + " exists")
	case !st.NotExists && !exists:
		return nil, assertionFailure("Topic " + st.Name + " does not exist")
	}
	var mismatches []string
	if n, ok := want["PARTITIONS"]; ok && n != info.Partitions {
		mismatches = append(mismatches, fmt.Sprintf("For config partitions, expected %d got %d", n, info.Partitions))
	}
	if n, ok := want["REPLICAS"]; ok && n != info.Replicas {
		mismatches = append(mismatches, fmt.Sprintf("For config replicas, expected %d got %d", n, info.Replicas))
	}
	if len(mismatches) > 0 {
		return nil, assertionFailure("Mismatched configuration for topic " + st.Name + ": " + strings.Join(mismatches, "\n"))
	}
	return &wire.AssertTopicEntity{TopicName: st.Name, Exists: !st.NotExists}, nil
}

// subjectHasID tells whether id is one of subject's versions: they are
// numbered from 1 to the latest, with gaps where versions were deleted.
func subjectHasID(ctx context.Context, sr serde.SchemaRegistry, subject string, id int) (bool, error) {
	latest, _, err := sr.SchemaByVersion(ctx, subject, -1)
	if err != nil || latest == id {
		return err == nil, err
	}
	for v := 1; v <= maxSchemaVersions; v++ {
		vid, _, err := sr.SchemaByVersion(ctx, subject, v)
		switch {
		case serde.IsNotFound(err):
			continue // a deleted version
		case err != nil:
			return false, err
		case vid == id:
			return true, nil
		case vid == latest:
			return false, nil // reached the latest version
		}
	}
	return false, nil
}

func (e *Engine) checkSchema(ctx context.Context, st *ast.AssertSchema) (wire.Entity, error) {
	sr := e.formats.SchemaRegistryClient()
	if sr == nil {
		return nil, wire.NewError(wire.CodeSchemaRegistryNotSet, "Cannot check schema existence: no schema registry is configured (ksql.schema.registry.url)")
	}
	var subject *string
	if st.Subject != "" {
		subject = &st.Subject
	}
	what := wire.DescribeSchema(subject, st.ID)
	// Only the registry's not-found answers mean absence; other errors
	// (the registry is down) fail the statement.
	var exists bool
	var err error
	switch {
	case st.Subject == "":
		_, err = sr.SchemaByID(ctx, *st.ID)
		exists = err == nil
	case st.ID == nil:
		_, _, err = sr.SchemaByVersion(ctx, st.Subject, -1)
		exists = err == nil
	default:
		exists, err = subjectHasID(ctx, sr, st.Subject, *st.ID)
	}
	if err != nil && !serde.IsNotFound(err) {
		return nil, fmt.Errorf("checking the schema registry: %w", err)
	}
	switch {
	case st.NotExists && exists:
		return nil, assertionFailure(what + " exists")
	case !st.NotExists && !exists:
		return nil, assertionFailure(what + " does not exist")
	}
	return &wire.AssertSchemaEntity{Subject: subject, ID: st.ID, Exists: !st.NotExists}, nil
}
