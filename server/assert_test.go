package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestAssertStatements runs ASSERT TOPIC and ASSERT SCHEMA against the
// embedded broker and schema registry: a holding assertion answers its
// entity, a failing one 417 with the reason after its timeout.
func TestAssertStatements(t *testing.T) {
	s := startServer(t)
	ksql(t, s, `CREATE STREAM orders (id VARCHAR KEY, amount INT) WITH (KAFKA_TOPIC='orders_avro', VALUE_FORMAT='AVRO', PARTITIONS=2);`)
	// Writing a row registers the value schema.
	ksql(t, s, `INSERT INTO orders (id, amount) VALUES ('a', 1);`)
	for _, tc := range []struct {
		sql  string
		code int
		want string
	}{
		{"ASSERT TOPIC `orders_avro`;", 200, `"@type":"assert_topic","statementText":"ASSERT TOPIC ` + "`orders_avro`" + `;","topicName":"orders_avro","exists":true`},
		{"ASSERT TOPIC 'orders_avro' WITH (PARTITIONS=2, REPLICAS=1) TIMEOUT 200 MILLISECONDS;", 200, `"exists":true`},
		{"ASSERT NOT EXISTS TOPIC 'nope' TIMEOUT 100 MILLISECONDS;", 200, `"topicName":"nope","exists":false`},
		{"ASSERT TOPIC 'nope' TIMEOUT 300 MILLISECONDS;", 417, `"error_code":41700,"message":"Topic nope does not exist"`},
		{"ASSERT TOPIC 'orders_avro' WITH (PARTITIONS=3) TIMEOUT 100 MILLISECONDS;", 417, "Mismatched configuration for topic orders_avro: For config partitions, expected 3 got 2"},
		{"ASSERT TOPIC 'orders_avro' WITH (CLEANUP_POLICY='compact');", 400, "Cannot assert unknown topic property: CLEANUP_POLICY"},
		{"ASSERT SCHEMA SUBJECT 'orders_avro-value';", 200, `"@type":"assert_schema"`},
		{"ASSERT NOT EXISTS SCHEMA SUBJECT 'orders_avro-value' TIMEOUT 100 MILLISECONDS;", 417, "Schema with subject name orders_avro-value exists"},
		{"ASSERT SCHEMA ID 9999 TIMEOUT 100 MILLISECONDS;", 417, "Schema id 9999 does not exist"},
	} {
		body, _ := json.Marshal(map[string]any{"ksql": tc.sql})
		code, got := post(t, s, "/ksql", string(body))
		if code != tc.code || !strings.Contains(string(got), tc.want) {
			t.Errorf("%s: status %d %s, want %d containing %s", tc.sql, code, got, tc.code, tc.want)
		}
	}
}

// TestAssertBeforeDependentStatement sends an ASSERT TOPIC and a statement
// that needs the topic in one request while the topic is created: the
// statement after the assertion is validated once the assertion holds.
func TestAssertBeforeDependentStatement(t *testing.T) {
	s := startServer(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	go func() {
		time.Sleep(300 * time.Millisecond)
		_, _ = kadm.NewClient(cl).CreateTopics(context.Background(), 1, 1, nil, "late")
	}()
	ents := ksql(t, s, "ASSERT TOPIC 'late' TIMEOUT 10 SECONDS; CREATE STREAM late_s (id VARCHAR KEY, v INT) WITH (KAFKA_TOPIC='late', VALUE_FORMAT='JSON');")
	if len(ents) != 2 || ents[0]["@type"] != "assert_topic" || ents[1]["@type"] != "currentStatus" {
		t.Fatalf("entities: %v", ents)
	}
}
