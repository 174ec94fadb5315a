package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/eddysql/eddy/server/rest"
	"github.com/eddysql/eddy/server/wire"
)

func newTestEngine(t *testing.T) *Engine {
	t.Helper()
	e := New(Config{ServiceID: "test_"}, NewMemoryRuntime())
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func run(t *testing.T, e *Engine, sql string) ([]wire.Entity, error) {
	t.Helper()
	return e.Execute(context.Background(), rest.StatementRequest{KSQL: sql})
}

func TestExecuteStatements(t *testing.T) {
	const create = "CREATE STREAM s (id INT KEY, v INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=2);"
	tests := []struct {
		name  string
		setup string
		sql   string
		// wantErr is a substring of the error; empty means success.
		wantErr string
		// check runs after the statement.
		check func(t *testing.T, e *Engine, ents []wire.Entity)
	}{
		{name: "create", sql: create, check: func(t *testing.T, e *Engine, ents []wire.Entity) {
			st := ents[0].(*wire.CommandStatusEntity)
			if st.CommandID != "stream/`S`/create" || st.CommandStatus.Message != "Stream created" {
				t.Errorf("entity %+v", st)
			}
		}},
		{name: "a failing statement leaves nothing behind", sql: create + "CREATE STREAM t AS SELECT nope FROM s;",
			wantErr: "SELECT column 'NOPE' cannot be resolved.", check: func(t *testing.T, e *Engine, _ []wire.Entity) {
				if srcs := e.Catalog().Sources(); len(srcs) != 0 {
					t.Errorf("sources after a failed request: %v", srcs)
				}
			}},
		{name: "select on /ksql", sql: "SELECT * FROM s EMIT CHANGES;", setup: create, wantErr: "should be issued to the websocket endpoint"},
		{name: "drop with a reader", setup: create + "CREATE STREAM t AS SELECT * FROM s;", sql: "DROP STREAM s;",
			wantErr: "The following queries read from this source: [CSAS_T_2]"},
		{name: "terminate then drop", setup: create + "CREATE STREAM t AS SELECT * FROM s;", sql: "TERMINATE CSAS_T_2; DROP STREAM s;",
			check: func(t *testing.T, e *Engine, ents []wire.Entity) {
				if len(e.Queries()) != 0 {
					t.Errorf("queries left: %v", e.Queries())
				}
				if msg := ents[1].(*wire.CommandStatusEntity).CommandStatus.Message; msg != "Source `S` (topic: s) was dropped." {
					t.Errorf("drop message %q", msg)
				}
			}},
		{name: "dropping a sink stops its query", setup: create + "CREATE STREAM t AS SELECT * FROM s;", sql: "DROP STREAM t DELETE TOPIC;",
			check: func(t *testing.T, e *Engine, _ []wire.Entity) {
				if len(e.Queries()) != 0 {
					t.Errorf("queries left: %v", e.Queries())
				}
			}},
		{name: "unknown variable", sql: "CREATE STREAM ${name} (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);",
			wantErr: "Can't find any variable with the name 'name'."},
		{name: "define then use", sql: "DEFINE name = 'x'; CREATE STREAM ${name} (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);",
			check: func(t *testing.T, e *Engine, _ []wire.Entity) {
				if _, ok := e.Catalog().Source("X"); !ok {
					t.Error("stream X was not created")
				}
			}},
		{name: "pause and resume", setup: create + "CREATE STREAM t AS SELECT * FROM s;", sql: "PAUSE CSAS_T_2;",
			check: func(t *testing.T, e *Engine, ents []wire.Entity) {
				if st := e.Queries()[0].State; st != "PAUSED" {
					t.Fatalf("state after PAUSE: %s", st)
				}
				if _, err := run(t, e, "RESUME ALL;"); err != nil {
					t.Fatal(err)
				}
				if st := e.Queries()[0].State; st != "RUNNING" {
					t.Fatalf("state after RESUME: %s", st)
				}
			}},
		{name: "explain a statement", setup: create, sql: "EXPLAIN SELECT * FROM s EMIT CHANGES;",
			check: func(t *testing.T, e *Engine, ents []wire.Entity) {
				d := ents[0].(*wire.QueryDescriptionEntity).QueryDescription
				if d.StatementText != "EXPLAIN SELECT * FROM s EMIT CHANGES;" || !strings.Contains(d.ExecutionPlan, "TRANSIENT") {
					t.Errorf("description %+v", d)
				}
			}},
		{name: "pause an unknown query", sql: "PAUSE NOPE;", wantErr: "Unknown queryId: NOPE"},
		{name: "missing topic", sql: "CREATE STREAM y (v INT) WITH (KAFKA_TOPIC='y', VALUE_FORMAT='JSON');",
			wantErr: "Topic 'y' does not exist."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t)
			if tc.setup != "" {
				if _, err := run(t, e, tc.setup); err != nil {
					t.Fatalf("setup: %v", err)
				}
			}
			ents, err := run(t, e, tc.sql)
			if tc.wantErr != "" {
				var we *wire.Error
				if err == nil || !errors.As(err, &we) || !strings.Contains(we.Message, tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.check != nil {
				tc.check(t, e, ents)
			}
		})
	}
}

// creations records the topics a runtime was asked to create.
type creations struct {
	*MemoryRuntime
	created []string
}

func (c *creations) CreateTopic(ctx context.Context, name string, partitions, replicas int) error {
	c.created = append(c.created, name)
	return c.MemoryRuntime.CreateTopic(ctx, name, partitions, replicas)
}

// TestReplayMakesTopicsOfRunningQueriesOnly replays a command log in which
// one aggregation is later terminated: its repartition and changelog
// topics are not made, and those of the one still running are.
func TestReplayMakesTopicsOfRunningQueriesOnly(t *testing.T) {
	rt := &creations{MemoryRuntime: NewMemoryRuntime()}
	if err := rt.MemoryRuntime.CreateTopic(context.Background(), "s", 2, 1); err != nil {
		t.Fatal(err)
	}
	e := New(Config{ServiceID: "test_"}, rt)
	t.Cleanup(func() { _ = e.Close() })
	log := []string{
		"CREATE STREAM s (id INT KEY, v INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');",
		"CREATE TABLE gone AS SELECT v, COUNT(*) AS n FROM s GROUP BY v;",
		"CREATE TABLE kept AS SELECT v, SUM(id) AS total FROM s GROUP BY v;",
		"TERMINATE CTAS_GONE_2;",
	}
	entries := make([]CommandEntry, len(log))
	for i, stmt := range log {
		entries[i] = CommandEntry{Offset: int64(i), Statement: stmt}
	}
	e.Replay(context.Background(), entries)

	var internal []string
	for _, name := range rt.created {
		if strings.HasPrefix(name, "_confluent-ksql-") {
			internal = append(internal, name)
		}
	}
	if len(internal) == 0 {
		t.Fatalf("no internal topics made for the running query; created %v", rt.created)
	}
	for _, name := range internal {
		if strings.Contains(name, "CTAS_GONE_2") {
			t.Errorf("replay made %s of the terminated query", name)
		}
		if !strings.Contains(name, "CTAS_KEPT_3") {
			t.Errorf("unexpected internal topic %s", name)
		}
	}
	qs := e.Queries()
	if len(qs) != 1 || qs[0].ID != "CTAS_KEPT_3" || qs[0].State != "RUNNING" {
		t.Fatalf("queries after replay: %+v", qs)
	}
}
