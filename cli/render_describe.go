package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/eddysql/eddy/server/wire"
)

// describeSource prints DESCRIBE [EXTENDED] of a stream or table.
func describeSource(w io.Writer, d *wire.SourceDescription) {
	fmt.Fprintln(w)
	if !d.Extended {
		keyValues(w, 20, "Name", d.Name)
		fieldsTable(w, d.Fields)
		fmt.Fprintln(w, "For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;")
		return
	}
	ts := d.Timestamp
	if ts == "" {
		ts = "Not set - using <ROWTIME>"
	}
	kv := []string{"Name", d.Name, "Type", d.Type, "Timestamp field", ts,
		"Key format", d.KeyFormat, "Value format", d.ValueFormat,
		"Kafka topic", fmt.Sprintf("%s (partitions: %d, replication: %d)", d.Topic, d.Partitions, d.Replication)}
	if d.WindowType != "" {
		kv = append(kv, "Window type", string(d.WindowType))
	}
	kv = append(kv, "Statement", d.Statement)
	keyValues(w, 20, kv...)
	fmt.Fprintln(w)
	fieldsTable(w, d.Fields)
	queryList(w, "Queries that read from this "+d.Type, d.ReadQueries)
	queryList(w, "Queries that write from this "+d.Type, d.WriteQueries)
	fmt.Fprintln(w, "Runtime statistics by host")
	fmt.Fprintln(w, "-------------------------")
	fmt.Fprintln(w, orNone(d.Statistics))
	if d.ErrorStats != "" {
		fmt.Fprintln(w, d.ErrorStats)
	}
	fmt.Fprintln(w)
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

// queryList prints the read or write queries of DESCRIBE EXTENDED.
func queryList(w io.Writer, title string, qs []wire.RunningQuery) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, title)
	fmt.Fprintln(w, strings.Repeat("-", len(title)))
	for _, q := range qs {
		fmt.Fprintf(w, "%s (%s) : %s\n", q.ID, q.State, oneLine(q.QueryString))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "For query topology and execution plan please run: EXPLAIN <QueryId>")
	fmt.Fprintln(w)
}

// fieldsTable prints the " Field | Type" table of DESCRIBE and EXPLAIN.
func fieldsTable(w io.Writer, fields []wire.FieldInfo) {
	t := &table{headers: []string{"Field", "Type"}}
	for _, f := range fields {
		typ := describeType(f.Schema)
		switch f.Type {
		case wire.FieldKey:
			typ += "  (key)"
		case wire.FieldHeader:
			typ += "  (header)"
		}
		t.add(f.Name, typ)
	}
	t.write(w)
}

// describeType prints a column type the way ksqlDB's DESCRIBE does
// (VARCHAR(STRING) for strings).
func describeType(s wire.SchemaInfo) string {
	if s.Type == "STRING" {
		return "VARCHAR(STRING)"
	}
	return schemaString(s)
}

// schemaString prints a schema as a SQL type: ARRAY<INTEGER>,
// STRUCT<`A` STRING>, DECIMAL(4, 2).
func schemaString(s wire.SchemaInfo) string {
	switch s.Type {
	case "ARRAY":
		return "ARRAY<" + memberString(s.MemberSchema) + ">"
	case "MAP":
		return "MAP<STRING, " + memberString(s.MemberSchema) + ">"
	case "STRUCT":
		parts := make([]string, len(s.Fields))
		for i, f := range s.Fields {
			parts[i] = "`" + strings.ReplaceAll(f.Name, "`", "``") + "` " + schemaString(f.Schema)
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	case "DECIMAL":
		return fmt.Sprintf("DECIMAL(%v, %v)", s.Parameters["precision"], s.Parameters["scale"])
	}
	return s.Type
}

func memberString(m *wire.SchemaInfo) string {
	if m == nil {
		return "?"
	}
	return schemaString(*m)
}

// explainQuery prints EXPLAIN <query id>.
func explainQuery(w io.Writer, q *wire.QueryDescription) {
	fmt.Fprintln(w)
	hosts := make([]string, 0, len(q.KsqlHostQueryStatus))
	for h, st := range q.KsqlHostQueryStatus {
		hosts = append(hosts, h+"="+st)
	}
	sort.Strings(hosts)
	kv := []string{"ID", q.ID, "Query Type", q.QueryType, "SQL", q.StatementText,
		"Host Query Status", "{" + strings.Join(hosts, ", ") + "}"}
	keyValues(w, 20, kv...)
	fmt.Fprintln(w)
	fieldsTable(w, q.Fields)
	section := func(title string, lines ...string) {
		fmt.Fprintln(w)
		fmt.Fprintln(w, title)
		fmt.Fprintln(w, strings.Repeat("-", max(len(title), 35)))
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	}
	section("Sources that this query reads from:", q.Sources...)
	fmt.Fprintln(w, "\nFor source description please run: DESCRIBE [EXTENDED] <SourceId>")
	section("Sinks that this query writes to:", q.Sinks...)
	fmt.Fprintln(w, "\nFor sink description please run: DESCRIBE [EXTENDED] <SinkId>")
	if q.ExecutionPlan != "" {
		section("Execution plan", strings.TrimRight(q.ExecutionPlan, "\n"))
	}
	if q.Topology != "" {
		section("Processing topology", strings.TrimRight(q.Topology, "\n"))
	}
	if len(q.OverriddenProperties) > 0 {
		names := make([]string, 0, len(q.OverriddenProperties))
		for n := range q.OverriddenProperties {
			names = append(names, n)
		}
		sort.Strings(names)
		t := &table{headers: []string{"Property", "Value"}}
		for _, n := range names {
			t.add(n, fmt.Sprint(q.OverriddenProperties[n]))
		}
		fmt.Fprintln(w, "\nOverridden Properties")
		fmt.Fprintln(w, "---------------------")
		t.write(w)
	}
	for _, e := range q.QueryErrors {
		fmt.Fprintf(w, "\nError (%s): %s\n", e.Type, e.ErrorMessage)
	}
	fmt.Fprintln(w)
}

// describeFunction prints DESCRIBE FUNCTION.
func describeFunction(w io.Writer, f *wire.FunctionDescriptionList) {
	fmt.Fprintln(w)
	keyValues(w, 11, "Name", f.Name, "Author", f.Author, "Version", f.Version,
		"Overview", f.Description, "Type", f.Type, "Jar", f.Path, "Variations", "")
	for _, fn := range f.Functions {
		args := make([]string, len(fn.Arguments))
		for i, a := range fn.Arguments {
			args[i] = strings.TrimSpace(a.Name + " " + a.Type)
			if a.IsVariadic {
				args[i] += "..."
			}
		}
		fmt.Fprintln(w)
		kv := []string{"Variation", f.Name + "(" + strings.Join(args, ", ") + ")",
			"Returns", fn.ReturnType, "Description", fn.Description}
		for _, a := range fn.Arguments {
			if a.Description != "" {
				kv = append(kv, a.Name, a.Description)
			}
		}
		width := 11
		for i := 0; i < len(kv); i += 2 {
			width = max(width, len(kv[i]))
		}
		for i := 0; i+1 < len(kv); i += 2 {
			fmt.Fprintf(w, "\t%-*s : %s\n", width, kv[i], kv[i+1])
		}
	}
	fmt.Fprintln(w)
}
