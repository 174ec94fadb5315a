package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/server/wire"
)

// Output formats of the `output` command.
const (
	OutputTabular = "TABULAR"
	OutputJSON    = "JSON"
)

// entityHead is what every /ksql entity has.
type entityHead struct {
	Type          string         `json:"@type"`
	StatementText string         `json:"statementText"`
	Warnings      []wire.Warning `json:"warnings"`
}

// RenderEntities prints the entities of a /ksql answer: as ksqlDB CLI
// tables (TABULAR) or as indented JSON (JSON).
func RenderEntities(w io.Writer, format string, ents []json.RawMessage) error {
	if format == OutputJSON {
		return writeJSON(w, ents)
	}
	for _, raw := range ents {
		if err := renderEntity(w, raw); err != nil {
			return err
		}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b := bytes.TrimSpace(compact.Bytes())
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}

func renderEntity(w io.Writer, raw json.RawMessage) error {
	var head entityHead
	if err := json.Unmarshal(raw, &head); err != nil {
		return fmt.Errorf("decoding entity: %w", err)
	}
	var err error
	switch head.Type {
	case "currentStatus":
		err = decodeAnd(raw, func(e *wire.CommandStatusEntity) { messageTable(w, e.CommandStatus.Message) })
	case "streams":
		err = decodeAnd(raw, func(e *wire.StreamsList) { sourcesTable(w, "Stream Name", e.Streams) })
	case "tables":
		err = decodeAnd(raw, func(e *wire.TablesList) { sourcesTable(w, "Table Name", e.Tables) })
	case "queries":
		err = decodeAnd(raw, func(e *wire.Queries) { queriesTable(w, e.Queries) })
	case "properties":
		err = decodeAnd(raw, func(e *wire.PropertiesList) { propertiesTable(w, e) })
	case "kafka_topics":
		err = decodeAnd(raw, func(e *wire.KafkaTopicsList) { topicsTable(w, e.Topics) })
	case "kafka_topics_extended":
		err = decodeAnd(raw, func(e *wire.KafkaTopicsListExtended) { topicsExtendedTable(w, e.Topics) })
	case "function_names":
		err = decodeAnd(raw, func(e *wire.FunctionNameList) { functionsTable(w, e.Functions) })
	case "type_list":
		err = decodeAnd(raw, func(e *wire.TypeList) { typesTable(w, e.Types) })
	case "variables":
		err = decodeAnd(raw, func(e *wire.VariablesList) { variablesTable(w, e.Variables) })
	case "sourceDescription":
		err = decodeAnd(raw, func(e *wire.SourceDescriptionEntity) { describeSource(w, &e.SourceDescription) })
	case "source_descriptions":
		err = decodeAnd(raw, func(e *wire.SourceDescriptionList) {
			for i := range e.SourceDescriptions {
				describeSource(w, &e.SourceDescriptions[i])
			}
		})
	case "queryDescription":
		err = decodeAnd(raw, func(e *wire.QueryDescriptionEntity) { explainQuery(w, &e.QueryDescription) })
	case "query_descriptions":
		err = decodeAnd(raw, func(e *wire.QueryDescriptionList) {
			for i := range e.QueryDescriptions {
				explainQuery(w, &e.QueryDescriptions[i])
			}
		})
	case "describe_function":
		err = decodeAnd(raw, func(e *wire.FunctionDescriptionList) { describeFunction(w, e) })
	case "terminate_query":
		err = decodeAnd(raw, func(e *wire.TerminateQueryEntity) {
			if e.WasTerminated {
				messageTable(w, "Query terminated.")
			} else {
				messageTable(w, "Query "+e.QueryID+" was not running.")
			}
		})
	case "warning_entity":
		err = decodeAnd(raw, func(e *wire.WarningEntity) { fmt.Fprintln(w, e.Message) })
	case "assert_topic":
		err = decodeAnd(raw, func(e *wire.AssertTopicEntity) {
			messageTable(w, "Topic "+e.TopicName+map[bool]string{true: " exists", false: " does not exist"}[e.Exists])
		})
	case "assert_schema":
		err = decodeAnd(raw, func(e *wire.AssertSchemaEntity) {
			messageTable(w, wire.DescribeSchema(e.Subject, e.ID)+map[bool]string{true: " exists", false: " does not exist"}[e.Exists])
		})
	default:
		err = writeJSON(w, raw)
	}
	for _, wr := range head.Warnings {
		fmt.Fprintln(w, "WARNING:", wr.Message)
	}
	return err
}

// decodeAnd decodes raw into a new T and passes it to f.
func decodeAnd[T any](raw json.RawMessage, f func(*T)) error {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decoding entity: %w", err)
	}
	f(v)
	return nil
}

func sourcesTable(w io.Writer, nameHeader string, items []wire.SourceInfo) {
	t := &table{headers: []string{nameHeader, "Kafka Topic", "Key Format", "Value Format", "Windowed"}}
	for _, s := range items {
		t.add(s.Name, s.Topic, s.KeyFormat, s.ValueFormat, strconv.FormatBool(s.IsWindowed))
	}
	t.write(w)
}

func queriesTable(w io.Writer, qs []wire.RunningQuery) {
	t := &table{headers: []string{"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"},
		footer: "For detailed information on a Query run: EXPLAIN <Query ID>;"}
	for _, q := range qs {
		t.add(q.ID, q.QueryType, statusCount(q.StatusCount), strings.Join(q.Sinks, ", "),
			strings.Join(q.SinkKafkaTopics, ", "), oneLine(q.QueryString))
	}
	t.write(w)
}

// statusCount prints {"RUNNING":1} as "RUNNING:1".
func statusCount(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

func propertiesTable(w io.Writer, e *wire.PropertiesList) {
	overridden := map[string]bool{}
	for _, p := range e.OverwrittenProperties {
		overridden[p] = true
	}
	props := append([]wire.Property(nil), e.Properties...)
	sort.SliceStable(props, func(i, j int) bool { return props[i].Name < props[j].Name })
	t := &table{headers: []string{"Property", "Scope", "Level", "Default override", "Effective Value"}}
	for _, p := range props {
		over := ""
		if overridden[p.Name] {
			over = "SESSION"
		} else if p.Level == "SERVER" {
			over = "SERVER"
		}
		t.add(p.Name, p.Scope, p.Level, over, p.Value)
	}
	t.write(w)
}

func topicsTable(w io.Writer, topics []wire.KafkaTopicInfo) {
	t := &table{headers: []string{"Kafka Topic", "Partitions", "Partition Replicas"}}
	for _, tp := range topics {
		t.add(tp.Name, strconv.Itoa(len(tp.ReplicaInfo)), replicas(tp.ReplicaInfo))
	}
	t.write(w)
}

func topicsExtendedTable(w io.Writer, topics []wire.KafkaTopicInfoExtended) {
	t := &table{headers: []string{"Kafka Topic", "Partitions", "Partition Replicas", "Consumers", "ConsumerGroups"}}
	for _, tp := range topics {
		t.add(tp.Name, strconv.Itoa(len(tp.ReplicaInfo)), replicas(tp.ReplicaInfo),
			strconv.Itoa(tp.ConsumerCount), strconv.Itoa(tp.ConsumerGroupCount))
	}
	t.write(w)
}

func replicas(info []int) string {
	if len(info) == 0 {
		return "0"
	}
	return strconv.Itoa(info[0])
}

func functionsTable(w io.Writer, fns []wire.SimpleFunctionInfo) {
	fns = append([]wire.SimpleFunctionInfo(nil), fns...)
	sort.SliceStable(fns, func(i, j int) bool { return fns[i].Name < fns[j].Name })
	t := &table{headers: []string{"Function Name", "Category"},
		footer: "For detailed information about a function, run: DESCRIBE FUNCTION <Function Name>;"}
	for _, f := range fns {
		t.add(f.Name, f.Category)
	}
	t.write(w)
}

func typesTable(w io.Writer, types map[string]wire.SchemaInfo) {
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	t := &table{headers: []string{"Type Name", "Schema"}}
	for _, n := range names {
		t.add(n, schemaString(types[n]))
	}
	t.write(w)
}

func variablesTable(w io.Writer, vars []wire.Variable) {
	t := &table{headers: []string{"Variable Name", "Value"}}
	for _, v := range vars {
		t.add(v.Name, v.Value)
	}
	t.write(w)
}

// oneLine folds a statement onto one line for a table cell.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
