package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/twmb/franz-go/pkg/kgo"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/executor/state"
	"github.com/eddysql/eddy/parser"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/engine"
	"github.com/eddysql/eddy/server/rest"
	"github.com/eddysql/eddy/server/schemaregistry"
	"github.com/eddysql/eddy/server/wire"
)

// newDriver constructs the driver TestQTT uses: Eddy's engine over an
// in-memory runtime, fed the way Kafka Streams' test driver feeds a
// topology (no broker, no caching, clock fixed at 0).
func newDriver() Driver { return DriverFunc(runEngineCase) }

// newRESTDriver constructs the driver TestRQTT uses: the REST API over
// real HTTP on loopback, in front of the engine (see driver_rest.go).
func newRESTDriver() RESTDriver { return RESTDriverFunc(runRESTCase) }

// defaultPartitions is the partition count the test driver gives topics
// that the case does not size.
const defaultPartitions = 4

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func runEngineCase(ctx context.Context, c *Case) (*Outcome, error) {
	rt := engine.NewMemoryRuntime()
	props := map[string]string{}
	for k, v := range c.Properties {
		props[k] = fmt.Sprint(v)
	}
	pcfg := planner.Config{
		DefaultKeyFormat:   getOr(props, "ksql.persistence.default.format.key", "KAFKA"),
		DefaultValueFormat: props["ksql.persistence.default.format.value"],
	}
	pcfg.NewQueryPlanner = strings.EqualFold(props["ksql.new.query.planner.enabled"], "true")
	pcfg.OutputTopicPrefix = props["ksql.output.topic.name.prefix"]
	if v, ok := props["ksql.persistence.wrap.single.values"]; ok {
		b, err := strconv.ParseBool(v)
		if err == nil {
			pcfg.WrapSingleValues = &b
		}
	}
	// An in-memory registry per case, holding the case's inline schemas.
	// Compatibility is not checked: the corpus registers schemas that the
	// queries' own schemas need not evolve from.
	reg := schemaregistry.NewMemory(schemaregistry.WithCompatibility(schemaregistry.CompatNone))
	eng := engine.New(engine.Config{ServiceID: "test_", Properties: props, Planner: pcfg}, rt,
		engine.WithLogger(quietLog), engine.WithSchemaRegistry(reg))
	defer eng.Close()
	if err := registerTestFunctions(eng.Functions()); err != nil {
		return nil, err
	}
	createCaseTopics(ctx, rt, c)
	inline, err := registerInlineSchemas(ctx, reg, c.Topics)
	if err != nil {
		return nil, err
	}
	out := &Outcome{}
	// ksqlDB's harness runs the statements as one script, one per line, so
	// its expected error positions count lines from the first statement:
	// each statement is sent after the line breaks that precede it there.
	lead := ""
	for i, stmt := range c.Statements {
		precreateTopics(ctx, rt, stmt)
		_, err := eng.Execute(ctx, rest.StatementRequest{KSQL: lead + stmt, StreamsProperties: c.Properties})
		lead += strings.Repeat("\n", strings.Count(stmt, "\n")+1)
		if err != nil {
			out.Err, out.FailedStmt = errors.New(messageOf(err)), i
			break
		}
	}
	if out.Err != nil && c.Expected != nil {
		return out, nil
	}
	cat := eng.Catalog()
	formats := eng.Formats()
	log := &topicLog{}
	for _, in := range c.Inputs {
		raw, err := encodeRecord(formats, cat, in, inline)
		if err != nil {
			return nil, fmt.Errorf("encoding input for %s: %w", in.Topic, err)
		}
		log.add(raw)
	}
	for _, q := range rt.Started() {
		if err := runQuery(ctx, q, log); err != nil {
			out.Err = err
			return out, nil
		}
	}
	for _, raw := range log.records[len(c.Inputs):] {
		rec, err := decodeRecord(formats, cat, raw)
		if err != nil {
			return nil, fmt.Errorf("decoding output of %s: %w", raw.Topic, err)
		}
		out.Outputs = append(out.Outputs, rec)
	}
	for _, s := range cat.Sources() {
		ps := PostSource{Name: s.Name, Type: strings.ToLower(s.Kind.String()), Schema: s.Schema.String(),
			KeyFormat: s.KeyFormat.Name, ValueFormat: s.ValueFormat.Name}
		if s.Window != nil {
			ps.WindowType = s.Window.Type
		}
		out.Sources = append(out.Sources, ps)
	}
	out.Topics = rt.TopicNames()
	return out, nil
}

func getOr(m map[string]string, k, def string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return def
}

func messageOf(err error) string {
	var we *wire.Error
	if errors.As(err, &we) {
		return we.Message
	}
	return err.Error()
}

// createCaseTopics creates the case's topics before any statement runs:
// with their partitions, else the PARTITIONS a CREATE STREAM/TABLE of the
// case gives the topic, else the default.
func createCaseTopics(ctx context.Context, rt *engine.MemoryRuntime, c *Case) {
	declared := map[string]int{}
	for _, stmt := range c.Statements {
		for topic, n := range sourceTopics(stmt) {
			if _, ok := declared[topic]; !ok {
				declared[topic] = n
			}
		}
	}
	for _, t := range c.Topics {
		n, ok := t.Partitions, t.Partitions > 0
		if !ok {
			n, ok = declared[t.Name]
		}
		if !ok {
			n = defaultPartitions
		}
		_ = rt.CreateTopic(ctx, t.Name, n, 1)
	}
}

// precreateTopics creates the topics CREATE STREAM/TABLE statements name,
// as the QTT driver does before running them.
func precreateTopics(ctx context.Context, rt *engine.MemoryRuntime, stmt string) {
	for topic, n := range sourceTopics(stmt) {
		_ = rt.CreateTopic(ctx, topic, n, 1)
	}
}

// sourceTopics maps the topics that the CREATE STREAM/TABLE statements of
// a text name to their partitions (PARTITIONS, or the default).
func sourceTopics(stmt string) map[string]int {
	parsed, err := parser.Parse(stmt)
	if err != nil {
		return nil
	}
	out := map[string]int{}
	for _, s := range parsed {
		cs, ok := s.(*ast.CreateSource)
		if !ok {
			continue
		}
		topic, ok := cs.Props.Get("KAFKA_TOPIC")
		if !ok {
			continue
		}
		n := defaultPartitions
		if p, ok := cs.Props.Get("PARTITIONS"); ok {
			if v, err := strconv.Atoi(p.Value.Text); err == nil {
				n = v
			}
		}
		out[topic.Value.Text] = n
	}
	return out
}

// topicLog is every record of the case in production order. Offsets
// count per topic partition, as Kafka's do (ROWOFFSET shows them).
type topicLog struct {
	records []*ops.Raw
	next    map[string]map[int32]int64
	// partitions, when set, gives topics' partition counts, and records
	// with a key go to the partition Kafka's default partitioner picks
	// (murmur2 of the key, without its window, as Kafka Streams'
	// windowed partitioner does). Otherwise records keep their partition,
	// as in ksqlDB's topology test driver.
	partitions func(topic string) int
}

// unwindowed is a windowed key without the window bounds ops.AppendWindow
// put after it (the start, and a session's end before it).
func unwindowed(key []byte, w *ops.Window) []byte {
	if w == nil {
		return key
	}
	if w.Session {
		return key[:len(key)-16]
	}
	return key[:len(key)-8]
}

func (l *topicLog) add(r *ops.Raw) {
	if l.partitions != nil && r.Key != nil {
		if n := l.partitions(r.Topic); n > 0 {
			key := &kgo.Record{Key: unwindowed(r.Key, r.Window)}
			r.Partition = int32(kgo.StickyKeyPartitioner(nil).ForTopic(r.Topic).Partition(key, n))
		}
	}
	if l.next == nil {
		l.next = map[string]map[int32]int64{}
	}
	if l.next[r.Topic] == nil {
		l.next[r.Topic] = map[int32]int64{}
	}
	r.Offset = l.next[r.Topic][r.Partition]
	l.next[r.Topic][r.Partition]++
	l.records = append(l.records, r)
}

// runQuery feeds a query everything in the log so far that it reads. Its
// state lives in an in-memory Pebble, as one task.
func runQuery(ctx context.Context, q *engine.RunningQuery, log *topicLog) error {
	task, err := state.OpenTask(q.ID, state.WithFS(vfs.NewMem()))
	if err != nil {
		return err
	}
	defer task.Close()
	em := &logEmitter{log: log}
	topo, err := q.Build(em, func(name string) (ops.Store, error) { return task.Store(name) })
	if err != nil {
		return fmt.Errorf("building %s: %w", q.ID, err)
	}
	em.topo = topo
	em.internal = map[string]bool{}
	for _, t := range topo.InternalTopics() {
		em.internal[t] = true
	}
	topics := map[string]bool{}
	for _, t := range q.Topics {
		topics[t] = true
	}
	// Records appended while this query runs are its own output: it must
	// not read them (the test driver pipes them to later queries only).
	n := len(log.records)
	for _, raw := range log.records[:n] {
		if topics[raw.Topic] && !em.internal[raw.Topic] {
			if err := topo.Process(ctx, raw); err != nil {
				return err
			}
		}
	}
	return nil
}

// logEmitter appends query output to the log; records to the query's own
// internal topics are processed at once, as the test driver does with
// repartition topics.
type logEmitter struct {
	log      *topicLog
	topo     *ops.Topology
	internal map[string]bool
	depth    int
}

// maxInternalDepth bounds how deep internal records may feed each other;
// a plan that loops must fail the case, not overflow the stack.
const maxInternalDepth = 64

func (e *logEmitter) Emit(ctx context.Context, r *ops.Raw) error {
	cp := *r
	e.log.add(&cp)
	if !e.internal[r.Topic] {
		return nil
	}
	if e.depth >= maxInternalDepth {
		return fmt.Errorf("internal topic %s feeds itself", r.Topic)
	}
	e.depth++
	defer func() { e.depth-- }()
	return e.topo.Process(ctx, &cp)
}

// sourceFor finds the source that describes a topic's records: a sink
// writing it if there is one, else any source reading it.
func sourceFor(cat *catalog.Catalog, topic string) *catalog.Source {
	var found *catalog.Source
	for _, s := range cat.Sources() {
		if s.Topic == topic && (found == nil || s.Sink) {
			found = s
		}
	}
	return found
}

// encodeRecord encodes a test record; inline maps registry subjects to
// the ids of the case's inline schemas, which inputs of schema-registry
// formats are written with (as the QTT driver does).
func encodeRecord(formats *serde.Registry, cat *catalog.Catalog, in Record, inline map[string]int) (*ops.Raw, error) {
	raw := &ops.Raw{Topic: in.Topic}
	if in.Timestamp != nil {
		raw.Timestamp = *in.Timestamp
	}
	for _, h := range in.Headers {
		raw.Headers = append(raw.Headers, ops.Header{Key: h.Key, Value: h.Value})
	}
	src := sourceFor(cat, in.Topic)
	var err error
	if in.Key != nil {
		if src == nil {
			raw.Key, err = json.Marshal(in.Key)
		} else {
			raw.Key, err = encodeSide(formats, src.KeyFormat, src.Schema.Key(), in.Topic, in.Key, true, inline)
		}
		if err != nil {
			return nil, err
		}
	}
	if in.Window != nil {
		raw.Window = &ops.Window{Start: in.Window.Start, End: in.Window.End, Session: strings.EqualFold(in.Window.Type, "session")}
		raw.Key = ops.AppendWindow(raw.Key, raw.Window)
	}
	if in.Value != nil {
		if src == nil {
			raw.Value, err = json.Marshal(in.Value)
		} else {
			raw.Value, err = encodeSide(formats, src.ValueFormat, src.Schema.Value(), in.Topic, in.Value, false, inline)
		}
		if err != nil {
			return nil, err
		}
	}
	return raw, nil
}

// encodeSide turns a test value into bytes of the format. JSON values are
// written as given and DELIMITED ones are already text; other formats go
// through the JSON deserializer to typed values and then the format.
func encodeSide(formats *serde.Registry, f catalog.Format, cols []types.Column, topic string, v any, isKey bool, inline map[string]int) ([]byte, error) {
	switch f.Name {
	case "JSON", "NONE":
		return json.Marshal(v)
	case "DELIMITED":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
		return []byte(fmt.Sprint(v)), nil
	}
	format, err := formats.Get(f.Name)
	if err != nil {
		return nil, err
	}
	props := ops.SerdeProps(f, isKey)
	wrap := len(cols) != 1
	id, inlined := inline[serde.Subject(topic, isKey)]
	switch sf := format.(type) {
	case *serde.Avro:
		if inlined {
			return sf.EncodeAvro(id, v)
		}
		wrap = serde.Wrapped(cols, props)
	case *serde.Protobuf:
		if inlined {
			return sf.EncodeProtobuf(id, props.SchemaFullName, v)
		}
		wrap = true
	case *serde.JSONSR:
		wrap = serde.Wrapped(cols, props)
	}
	text, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	vals, err := jsonValues(formats, cols, text, isKey, wrap)
	if err != nil {
		return nil, err
	}
	ser, err := format.Serializer(cols, props)
	if err != nil {
		return nil, err
	}
	return ser.Serialize(topic, vals)
}

func jsonValues(formats *serde.Registry, cols []types.Column, text []byte, isKey, wrap bool) ([]any, error) {
	jf, err := formats.Get("JSON")
	if err != nil {
		return nil, err
	}
	de, err := jf.Deserializer(cols, jsonProps(cols, isKey, wrap))
	if err != nil {
		return nil, err
	}
	return de.Deserialize("", text)
}

func decodeRecord(formats *serde.Registry, cat *catalog.Catalog, raw *ops.Raw) (Record, error) {
	ts := raw.Timestamp
	rec := Record{Topic: raw.Topic, Timestamp: &ts}
	for _, h := range raw.Headers {
		rec.Headers = append(rec.Headers, Header{Key: h.Key, Value: h.Value})
	}
	src := sourceFor(cat, raw.Topic)
	var err error
	key := unwindowed(raw.Key, raw.Window)
	if raw.Window != nil {
		rec.Window = &Window{Start: raw.Window.Start, End: raw.Window.End, Type: "time"}
		if raw.Window.Session {
			rec.Window.Type = "session"
		}
	}
	if key != nil {
		if src == nil {
			rec.Key, err = decodeJSON(key)
		} else {
			rec.Key, err = decodeValue(formats, src.KeyFormat, src.Schema.Key(), raw.Topic, key, true)
		}
		if err != nil {
			return rec, err
		}
	}
	if raw.Value != nil {
		if src == nil {
			rec.Value, err = decodeJSON(raw.Value)
		} else {
			rec.Value, err = decodeValue(formats, src.ValueFormat, src.Schema.Value(), raw.Topic, raw.Value, false)
			rec.Value = doublesAsFloats(src.Schema.Value(), rec.Value)
		}
		if err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// doublesAsFloats turns the DOUBLE columns of a decoded value into float64,
// so that they compare as doubles (0.00 = 0.0), as ksqlDB's test driver
// compares them knowing the schema; json.Number values compare as
// DECIMALs, scale included.
func doublesAsFloats(cols []types.Column, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		if len(cols) == 1 && cols[0].Type.Kind == types.KindDouble {
			return numberAsFloat(v)
		}
		return v
	}
	for _, c := range cols {
		if c.Type.Kind == types.KindDouble {
			if x, ok := m[c.Name]; ok {
				m[c.Name] = numberAsFloat(x)
			}
		}
	}
	return v
}

// numberAsFloat turns a json.Number into float64; other values stay.
func numberAsFloat(v any) any {
	if n, ok := v.(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			return f
		}
	}
	return v
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(b), nil
	}
	return v, nil
}

// decodeValue is encodeSide's inverse.
func decodeValue(formats *serde.Registry, f catalog.Format, cols []types.Column, topic string, b []byte, isKey bool) (any, error) {
	switch f.Name {
	case "JSON", "NONE":
		return decodeJSON(b)
	case "DELIMITED":
		return string(b), nil
	}
	format, err := formats.Get(f.Name)
	if err != nil {
		return nil, err
	}
	props := ops.SerdeProps(f, isKey)
	if a, ok := format.(*serde.Avro); ok && props.SchemaID > 0 && b != nil {
		// Written with a given schema: every field of it, as ksqlDB's
		// driver reads the record, those the query does not set too.
		v, err := a.DecodeAvro(b)
		if err != nil {
			return nil, err
		}
		text, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return decodeJSON(text)
	}
	de, err := format.Deserializer(cols, props)
	if err != nil {
		return nil, err
	}
	vals, err := de.Deserialize(topic, b)
	if err != nil {
		return nil, err
	}
	jf, err := formats.Get("JSON")
	if err != nil {
		return nil, err
	}
	wrap := len(cols) != 1
	switch format.(type) {
	case *serde.Avro, *serde.JSONSR:
		if vals == nil {
			return nil, nil
		}
		wrap = serde.Wrapped(cols, props)
	case *serde.Protobuf:
		if vals == nil {
			return nil, nil
		}
		wrap = true
	}
	ser, err := jf.Serializer(cols, jsonProps(cols, isKey, wrap))
	if err != nil {
		return nil, err
	}
	text, err := ser.Serialize("", vals)
	if err != nil {
		return nil, err
	}
	return decodeJSON(text)
}

// registerInlineSchemas registers the Avro, Protobuf and JSON schemas given
// inline on the case's topics under <topic>-key / <topic>-value, before any
// statement runs, and returns the ids by subject. Schemas they reference
// are registered first, each under its name as the subject.
func registerInlineSchemas(ctx context.Context, reg *schemaregistry.Registry, topics []Topic) (map[string]int, error) {
	ids := map[string]int{}
	for _, t := range topics {
		for _, side := range []struct {
			schema any
			format string
			isKey  bool
			id     int
			refs   []SchemaReference
		}{{t.KeySchema, t.KeyFormat, true, t.KeySchemaID, t.KeySchemaReferences},
			{t.ValueSchema, t.ValueFormat, false, t.ValueSchemaID, t.ValueSchemaReferences}} {
			rs, ok, err := inlineSchema(side.schema, side.format)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			for _, ref := range side.refs {
				refSchema, ok, err := inlineSchema(ref.Schema, ref.Format)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
				// Referenced schemas take ids apart from the ones the
				// case's schemas may be given (or get, counting from 1).
				if _, err := reg.RegisterSchemaWithID(ref.Name, refSchema, referenceIDs+len(ids)); err != nil {
					return nil, fmt.Errorf("registering schema reference %s: %w", ref.Name, err)
				}
				v, err := reg.Version(ref.Name, -1)
				if err != nil {
					return nil, err
				}
				rs.References = append(rs.References, serde.SchemaReference{Name: ref.Name, Subject: ref.Name, Version: v.Version})
			}
			subject := serde.Subject(t.Name, side.isKey)
			id, err := reg.RegisterSchemaWithID(subject, rs, side.id)
			if err != nil {
				return nil, fmt.Errorf("registering inline schema of %s: %w", subject, err)
			}
			ids[subject] = id
		}
	}
	return ids, nil
}

// referenceIDs is where the ids of referenced inline schemas start.
const referenceIDs = 100_000

// inlineSchema reads an inline schema of a format (AVRO when not given):
// ok is false when there is none or it is not one of that format.
func inlineSchema(schema any, format string) (rs serde.RegistrySchema, ok bool, err error) {
	if schema == nil {
		return rs, false, nil
	}
	switch strings.ToUpper(format) {
	case "", "AVRO":
		text, err := json.Marshal(schema)
		if err != nil {
			return rs, false, err
		}
		if _, err := serde.ParseAvroSchema(string(text)); err != nil {
			return rs, false, nil
		}
		return serde.RegistrySchema{Type: serde.SchemaTypeAvro, Text: string(text)}, true, nil
	case "PROTOBUF":
		text, ok := schema.(string)
		return serde.RegistrySchema{Type: serde.SchemaTypeProtobuf, Text: text}, ok, nil
	case "JSON_SR", "JSON":
		text, err := json.Marshal(schema)
		return serde.RegistrySchema{Type: serde.SchemaTypeJSON, Text: string(text)}, err == nil, err
	}
	return rs, false, nil
}

// jsonProps are the JSON serde props that read or write test values:
// an explicit wrapping only for a single column (JSON rejects it for more).
func jsonProps(cols []types.Column, isKey, wrap bool) serde.Props {
	p := serde.Props{IsKey: isKey}
	if len(cols) == 1 {
		p.WrapSingleValue = &wrap
	}
	return p
}
