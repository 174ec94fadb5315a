package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func sampleEntities() []Entity {
	desc := SourceDescription{
		Name: "PAGEVIEWS", Type: "STREAM", KeyFormat: "KAFKA", ValueFormat: "JSON", Topic: "pageviews",
		Partitions: 1, Replication: 1, Statement: "CREATE STREAM PAGEVIEWS (PAGEID STRING KEY, VIEWTIME BIGINT) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON');",
		Fields: []FieldInfo{
			{Name: "PAGEID", Schema: SchemaInfoOf(types.StringType), Type: FieldKey},
			{Name: "VIEWTIME", Schema: SchemaInfoOf(types.BigintType)},
			{Name: "TAGS", Schema: SchemaInfoOf(types.ArrayOf(types.StructOf(types.Field{Name: "K", Type: types.DecimalOf(4, 2)})))},
		},
	}
	rq := RunningQuery{QueryString: "CREATE STREAM X AS SELECT * FROM PAGEVIEWS;", Sinks: []string{"X"}, SinkKafkaTopics: []string{"X"},
		ID: "CSAS_X_3", StatusCount: map[string]int{"RUNNING": 1}, QueryType: QueryTypePersistent, State: "RUNNING"}
	cs := &CommandStatusEntity{CommandID: "stream/`PAGEVIEWS`/create",
		CommandStatus: CommandStatus{Status: StatusSuccess, Message: "Stream created"}, CommandSequenceNumber: 2}
	cs.SetStatementText("CREATE STREAM PAGEVIEWS (PAGEID STRING KEY, VIEWTIME BIGINT) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON');")
	csas := &CommandStatusEntity{CommandID: "stream/`X`/create",
		CommandStatus: CommandStatus{Status: StatusSuccess, Message: "Created query with ID CSAS_X_3", QueryID: "CSAS_X_3"}, CommandSequenceNumber: 3}
	csas.AddWarnings(Warning{Message: "a > b & c"})
	return []Entity{
		cs, csas,
		&StreamsList{Streams: []SourceInfo{{Type: "STREAM", Name: "PAGEVIEWS", Topic: "pageviews", KeyFormat: "KAFKA", ValueFormat: "JSON"}}},
		&TablesList{},
		&Queries{Queries: []RunningQuery{rq}},
		&PropertiesList{Properties: []Property{{Name: "ksql.service.id", Scope: "KSQL", Value: "default_", Level: "SERVER"}}},
		&SourceDescriptionEntity{SourceDescription: desc},
		&SourceDescriptionList{SourceDescriptions: []SourceDescription{desc}},
		&QueryDescriptionEntity{QueryDescription: QueryDescription{ID: "CSAS_X_3", StatementText: rq.QueryString,
			Sources: []string{"PAGEVIEWS"}, Sinks: []string{"X"}, QueryType: QueryTypePersistent, State: "RUNNING",
			KsqlHostQueryStatus: map[string]string{"localhost:8088": "RUNNING"}}},
		&QueryDescriptionList{},
		&KafkaTopicsList{Topics: []KafkaTopicInfo{{Name: "pageviews", ReplicaInfo: []int{1}}}},
		&KafkaTopicsListExtended{Topics: []KafkaTopicInfoExtended{{Name: "pageviews", ReplicaInfo: []int{1}, ConsumerCount: 1, ConsumerGroupCount: 1}}},
		&FunctionNameList{Functions: []SimpleFunctionInfo{{Name: "ABS", Type: FunctionScalar, Category: "MATHEMATICAL"}}},
		&FunctionDescriptionList{Name: "ABS", Description: "absolute value", Author: "eddy", Version: "1", Path: "internal", Type: FunctionScalar,
			Functions: []FunctionInfo{{Arguments: []ArgumentInfo{{Name: "x", Type: "DOUBLE"}}, ReturnType: "DOUBLE", Description: "abs"}}},
		&TypeList{Types: map[string]SchemaInfo{"ADDRESS": SchemaInfoOf(types.StructOf(types.Field{Name: "CITY", Type: types.StringType}))}},
		&VariablesList{Variables: []Variable{{Name: "env", Value: "prod"}}},
		&TerminateQueryEntity{QueryID: "transient_X_1", WasTerminated: true},
		&WarningEntity{Message: "Cannot add stream `PAGEVIEWS`: A stream with the same name already exists."},
	}
}

func TestEntitiesGolden(t *testing.T) {
	var out []byte
	for _, e := range sampleEntities() {
		b, err := e.MarshalJSON()
		if err != nil {
			t.Fatalf("%T: %v", e, err)
		}
		if !json.Valid(b) {
			t.Fatalf("%T: invalid JSON %s", e, b)
		}
		prefix := `{"@type":"` + e.EntityType() + `","statementText":`
		if !strings.HasPrefix(string(b), prefix) || !strings.Contains(string(b), `,"warnings":[`) {
			t.Fatalf("%T: bad envelope %s", e, b)
		}
		out = append(append(out, b...), '\n')
	}
	golden(t, "entities.golden", out)

	// A list marshals as a JSON array, also through encoding/json.
	list, err := json.Marshal(EntityList(sampleEntities()[:2]))
	if err != nil || !bytes.HasPrefix(list, []byte(`[{"@type":"currentStatus"`)) {
		t.Fatalf("EntityList: %s %v", list, err)
	}
}

func TestErrorBodies(t *testing.T) {
	var out []byte
	add := func(e *Error) {
		b, err := e.MarshalJSON()
		if err != nil || !json.Valid(b) {
			t.Fatalf("%v: %s %v", e, b, err)
		}
		out = append(append(out, b...), '\n')
	}
	add(BadRequest("Invalid JSON"))
	add(BadStatement("line 1:8: Syntax error", "SELEC 1;", &WarningEntity{Message: "w"}))
	add(QueryEndpoint("SELECT * FROM X EMIT CHANGES;"))
	add(NotFound("nope"))
	out = AppendErrorMessage(out, ServerError("boom"))
	out = append(out, '\n')
	out = AppendInsertError(out, 3, BadStatement("bad row", "x"))
	out = append(out, '\n')
	golden(t, "errors.golden", out)

	wrapped := errors.Join(errors.New("ctx"), NotFound("missing"))
	if e := AsError(wrapped); e.Code != CodeNotFound || e.HTTPStatus() != 404 {
		t.Fatalf("AsError(wrapped) = %+v", e)
	}
	if e := AsError(errors.New("plain")); e.Code != CodeServerError || e.HTTPStatus() != 500 {
		t.Fatalf("AsError(plain) = %+v", e)
	}
}

func TestStreamShapes(t *testing.T) {
	cols := []*types.Type{types.StringType, types.BigintType}
	var out []byte
	out = AppendQueryHeader(out, "transient_PAGEVIEWS_1", "`PAGEID` STRING, `VIEWTIME` BIGINT")
	out = append(out, '\n')
	out = AppendStreamedRow(out, []any{"Page_1", int64(5)}, cols, false)
	out = append(out, '\n')
	out = AppendStreamedRow(out, []any{"Page_1", nil}, cols, true)
	out = append(out, '\n')
	out = AppendFinalMessage(out, FinalLimitReached)
	out = append(out, '\n')
	out = QueryStreamMetadata{QueryID: "q1", ColumnNames: []string{"A"}, ColumnTypes: []string{"STRING"}}.AppendJSON(out)
	out = append(out, '\n')
	out = QueryStreamMetadata{ColumnNames: []string{}, ColumnTypes: []string{}}.AppendJSON(out)
	out = append(out, '\n')
	out = AppendInsertAck(out, 7)
	out = append(out, '\n')
	golden(t, "stream.golden", out)

	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte{'\n'}) {
		var sr StreamedRow
		if err := json.Unmarshal(line, &sr); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
}
