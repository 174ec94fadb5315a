package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/server/engine"
	"github.com/eddysql/eddy/server/rest"
	"github.com/eddysql/eddy/server/schemaregistry"
)

// queryTimeout bounds a query request: a push query that never reaches its
// LIMIT ends here, and the missing rows fail the case.
const queryTimeout = 3 * time.Second

// runRESTCase runs an RQTT case the way ksqlDB's REST test runner does:
// the statements before the first SELECT go to POST /ksql together, the
// inputs are then produced and the persistent queries run over them, and
// each query goes to POST /query (a case waiting for an active push query
// produces its inputs once the first query has started).
func runRESTCase(ctx context.Context, c *Case) (*RESTOutcome, error) {
	rt := engine.NewMemoryRuntime()
	// The server settings of ksqlDB's RQTT harness that Eddy reads.
	// ksql.query.pull.stream.enabled is ksqlDB's default; Eddy's is the
	// KSQL 5.x behaviour.
	props := map[string]string{"ksql.query.push.v2.enabled": "true", "ksql.query.pull.stream.enabled": "true"}
	for k, v := range c.Properties {
		props[k] = fmt.Sprint(v)
	}
	reg := schemaregistry.NewMemory(schemaregistry.WithCompatibility(schemaregistry.CompatNone))
	eng := engine.New(engine.Config{ServiceID: "test_", Properties: props, Planner: planner.Config{
		DefaultKeyFormat:   getOr(props, "ksql.persistence.default.format.key", "KAFKA"),
		DefaultValueFormat: props["ksql.persistence.default.format.value"],
	}}, rt, engine.WithLogger(quietLog), engine.WithSchemaRegistry(reg))
	defer eng.Close()
	if err := registerTestFunctions(eng.Functions()); err != nil {
		return nil, err
	}
	srv := httptest.NewServer(rest.NewHandler(eng))
	defer srv.Close()
	createCaseTopics(ctx, rt, c)
	inline, err := registerInlineSchemas(ctx, reg, c.Topics)
	if err != nil {
		return nil, err
	}
	var admin, queries []string
	var adminIdx, queryIdx []int
	for i, stmt := range c.Statements {
		precreateTopics(ctx, rt, stmt)
		if isQuery(stmt) {
			queries, queryIdx = append(queries, stmt), append(queryIdx, i)
		} else {
			admin, adminIdx = append(admin, stmt), append(adminIdx, i)
		}
	}
	out := &RESTOutcome{}
	if len(admin) > 0 {
		body, _ := json.Marshal(map[string]any{"ksql": strings.Join(admin, "\n"), "streamsProperties": c.Properties})
		status, resp, err := httpPost(ctx, srv.URL+"/ksql", body)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			out.Error = restError(status, resp, adminIdx)
			return out, nil
		}
		ents, ok := resp.([]any)
		if !ok {
			return nil, fmt.Errorf("/ksql answered %v", resp)
		}
		for _, e := range ents {
			out.Responses = append(out.Responses, map[string]any{"admin": e})
		}
	}
	// As ksqlDB's harness does, a case that waits for an active push query
	// produces its inputs once the first query has answered its header.
	var written []*ops.Raw
	var feedErr error
	feed := func() { written, feedErr = feedInputs(ctx, rt, eng, c, inline) }
	waitForPush := false
	if ic, ok := c.Raw["inputConditions"].(map[string]any); ok {
		waitForPush, _ = ic["waitForActivePushQuery"].(bool)
	}
	if !waitForPush || len(queries) == 0 {
		feed()
	}
	// A case marked testPullWithProtoFormat runs its queries again asking
	// for Protobuf rows (Accept: application/vnd.ksql.v1+protobuf), as
	// ksqlDB's harness does; those answers are "queryProto" responses.
	runs := []string{""}
	if proto, _ := c.Raw["testPullWithProtoFormat"].(bool); proto {
		runs = append(runs, "application/vnd.ksql.v1+protobuf")
	}
	for _, accept := range runs {
		for i, q := range queries {
			props := map[string]any{"auto.offset.reset": "earliest"}
			for k, v := range c.Properties {
				props[k] = v
			}
			body, _ := json.Marshal(map[string]any{"ksql": q, "streamsProperties": props})
			var afterHeader func()
			if waitForPush && i == 0 && accept == "" {
				afterHeader = feed
			}
			qctx, cancel := context.WithTimeout(ctx, queryTimeout)
			status, resp, err := httpPostStream(qctx, srv.URL+"/query", body, accept, afterHeader)
			cancel()
			if err != nil {
				return nil, err
			}
			if feedErr != nil {
				return nil, feedErr
			}
			if status != http.StatusOK {
				out.Error = restError(status, resp, []int{queryIdx[i]})
				return out, nil
			}
			key := "query"
			if accept != "" {
				if resp, err = protoRowsAsText(resp); err != nil {
					return nil, err
				}
				key = "queryProto"
			}
			out.Responses = append(out.Responses, map[string]any{key: resp})
		}
	}
	if feedErr != nil {
		return nil, feedErr
	}
	cat := eng.Catalog()
	for _, raw := range written {
		rec, err := decodeRecord(eng.Formats(), cat, raw)
		if err != nil {
			return nil, fmt.Errorf("decoding output of %s: %w", raw.Topic, err)
		}
		out.Outputs = append(out.Outputs, rec)
	}
	return out, nil
}

// isQuery tells the statements ksqlDB's harness sends to /query: those
// that start with "SELECT ".
func isQuery(stmt string) bool { return strings.HasPrefix(stmt, "SELECT ") }

// feedInputs produces the case's inputs after what the statements wrote
// (INSERT VALUES) and runs the persistent queries over them, writing their
// output back to the runtime where queries read it. It returns every
// record written but the inputs: the statements' and the queries'.
func feedInputs(ctx context.Context, rt *engine.MemoryRuntime, eng *engine.Engine, c *Case, inline map[string]int) ([]*ops.Raw, error) {
	cat := eng.Catalog()
	// Records go to partitions as Kafka's producers put them, as in the
	// cluster ksqlDB's REST harness runs on.
	topics, err := rt.Topics(ctx)
	if err != nil {
		return nil, err
	}
	log := &topicLog{partitions: func(topic string) int { return topics[topic].Partitions }}
	for _, name := range rt.TopicNames() {
		for _, r := range rt.Records(name) {
			cp := *r
			log.add(&cp)
		}
	}
	existing := len(log.records)
	for _, in := range c.Inputs {
		raw, err := encodeRecord(eng.Formats(), cat, in, inline)
		if err != nil {
			return nil, fmt.Errorf("encoding input for %s: %w", in.Topic, err)
		}
		log.add(raw)
	}
	for _, q := range rt.Started() {
		if err := runQuery(ctx, q, log); err != nil {
			return nil, err
		}
	}
	for _, r := range log.records[existing:] {
		if err := rt.Produce(ctx, &ops.Raw{Topic: r.Topic, Partition: r.Partition, Key: r.Key, Value: r.Value, Headers: r.Headers,
			Timestamp: r.Timestamp, Window: r.Window}); err != nil {
			return nil, err
		}
	}
	written := append([]*ops.Raw(nil), log.records[:existing]...)
	return append(written, log.records[existing+len(c.Inputs):]...), nil
}

func httpPost(ctx context.Context, url string, body []byte) (int, any, error) {
	return httpPostStream(ctx, url, body, "", nil)
}

// httpPostStream is httpPost that calls afterHeader (if set) once the
// first line of a successful answer has arrived.
func httpPostStream(ctx context.Context, url string, body []byte, accept string, afterHeader func()) (int, any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	var head []byte
	if afterHeader != nil && resp.StatusCode == http.StatusOK {
		head, _ = br.ReadBytes('\n')
		afterHeader()
	}
	data, err := io.ReadAll(br)
	data = append(head, data...)
	if err != nil && len(data) == 0 {
		return 0, nil, err
	}
	v, derr := DecodeResponses(data)
	if derr != nil {
		// A stream cut by the timeout: decode what is complete.
		v, derr = DecodeResponses(append(bytes.TrimRight(bytes.TrimSpace(data), ","), ']'))
		if derr != nil {
			return resp.StatusCode, string(data), nil
		}
	}
	return resp.StatusCode, v, nil
}

func restError(status int, body any, idx []int) *RESTError {
	e := &RESTError{Status: status, Message: fmt.Sprint(body)}
	if m, ok := body.(map[string]any); ok {
		e.Message = fmt.Sprint(m["message"])
		e.Type = fmt.Sprint(m["@type"])
	}
	if len(idx) > 0 {
		e.Statement = idx[0]
	}
	return e
}
