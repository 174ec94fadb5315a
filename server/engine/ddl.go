package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/executor/state"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
)

func status(s *session, commandID, message, queryID string) *wire.CommandStatusEntity {
	s.seq++
	return &wire.CommandStatusEntity{
		CommandID:             commandID,
		CommandStatus:         wire.CommandStatus{Status: wire.StatusSuccess, Message: message, QueryID: wire.NullString(queryID)},
		CommandSequenceNumber: s.seq,
	}
}

func (e *Engine) record(s *session, ent *wire.CommandStatusEntity) {
	if !s.dry {
		e.statuses[ent.CommandID] = commandResult{status: ent.CommandStatus.Status, message: ent.CommandStatus.Message, queryID: string(ent.CommandStatus.QueryID)}
	}
}

func sourceCommandID(kind catalog.Kind, name, action string) string {
	return strings.ToLower(kind.String()) + "/`" + name + "`/" + action
}

// validateFormats checks the source's columns against its formats; the
// serdes produce ksqlDB's messages, key errors included.
func (e *Engine) validateFormats(src *catalog.Source) error {
	check := func(f catalog.Format, cols []types.Column, isKey bool) error {
		format, err := e.formats.Get(f.Name)
		if err != nil {
			return err
		}
		return format.Validate(cols, ops.SerdeProps(f, isKey))
	}
	if err := check(src.KeyFormat, src.Schema.Key(), true); err != nil {
		return err
	}
	return check(src.ValueFormat, src.Schema.Value(), false)
}

// checkDeclaredFormats validates the formats a CREATE statement's WITH
// clause names, and their properties, before the statement is planned:
// ksqlDB reports an unknown format or a bad delimiter before any problem
// with the columns. Column checks come later, in validateFormats.
func (e *Engine) checkDeclaredFormats(p *planner.Planner, st ast.Statement) error {
	key, value, ok := p.DeclaredFormats(st)
	if !ok {
		return nil
	}
	for _, side := range []struct {
		f     catalog.Format
		isKey bool
	}{{value, false}, {key, true}} {
		if side.f.Name == "" {
			continue
		}
		format, err := e.formats.Get(side.f.Name)
		if err != nil {
			if errors.Is(err, serde.ErrNeedsSchemaRegistry) {
				continue // reported with the columns, as before
			}
			return err
		}
		props := ops.SerdeProps(side.f, side.isKey)
		// Only the properties: wrapping depends on the columns.
		props.WrapSingleValue, props.DefaultWrapSingleValue = nil, nil
		if props.Delimiter != "" && format.Name() == serde.Delimited.Name() {
			if _, err := serde.ParseDelimiter(props.Delimiter, side.isKey); err != nil {
				return fmt.Errorf("Failed to prepare statement: %w", err)
			}
		}
		if err := format.Validate(nil, props); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) createSource(s *session, st *ast.CreateSource) (wire.Entity, error) {
	if err := e.checkDeclaredFormats(e.planner(s.cat), st); err != nil {
		return nil, err
	}
	src, err := e.planner(s.cat).CreateSource(st)
	if err != nil {
		return nil, err
	}
	if src == nil {
		return &wire.WarningEntity{Message: fmt.Sprintf("Cannot add %s %s: A %s with the same name already exists.", strings.ToLower(kindOf(st.Kind).String()), st.Name, strings.ToLower(kindOf(st.Kind).String()))}, nil
	}
	if err := e.validateFormats(src); err != nil {
		return nil, err
	}
	info, exists := s.topics[src.Topic]
	switch {
	case !exists && src.Partitions == 0:
		return nil, fmt.Errorf("Topic '%s' does not exist. If you want to create a new topic for the %s please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and, optionally, 'REPLICAS'). For example: CREATE %s %s (ID INT, VAL STRING) WITH (KAFKA_TOPIC='%s', PARTITIONS=2, REPLICAS=1, FORMAT='JSON');",
			src.Topic, strings.ToLower(src.Kind.String()), src.Kind, src.Name, src.Topic)
	case !exists:
		if src.Replicas == 0 {
			src.Replicas = e.cfg.DefaultReplicas
		}
		if err := e.createTopic(s, src.Topic, src.Partitions, src.Replicas); err != nil {
			return nil, err
		}
	case src.Partitions != 0 && src.Partitions != info.Partitions:
		return nil, fmt.Errorf("A Kafka topic with the name '%s' already exists, with different partition/replica configuration than required by KSQL. KSQL requires %d partitions (%d replication) while topic has %d partitions (%d replication).",
			src.Topic, src.Partitions, max(src.Replicas, 1), info.Partitions, info.Replicas)
	default:
		src.Partitions, src.Replicas = info.Partitions, info.Replicas
	}
	s.cat.Put(src)
	msg := "Stream created"
	if src.Kind == catalog.Table {
		msg = "Table created"
	}
	ent := status(s, sourceCommandID(src.Kind, src.Name, "create"), msg, "")
	e.record(s, ent)
	return ent, nil
}

func (e *Engine) createTopic(s *session, name string, partitions, replicas int) error {
	if !s.dry {
		if err := e.rt.CreateTopic(s.ctx, name, partitions, replicas); err != nil {
			return err
		}
	}
	s.topics[name] = TopicInfo{Name: name, Partitions: partitions, Replicas: replicas}
	return nil
}

func kindOf(k ast.SourceKind) catalog.Kind {
	if k == ast.KindTable {
		return catalog.Table
	}
	return catalog.Stream
}

func (e *Engine) createAsSelect(s *session, st *ast.CreateAsSelect) (wire.Entity, error) {
	if existing, ok := s.cat.Source(st.Name); ok && st.IfNotExists {
		return &wire.WarningEntity{Message: fmt.Sprintf("Cannot add %s %s: A %s with the same name already exists.", strings.ToLower(existing.Kind.String()), st.Name, strings.ToLower(existing.Kind.String()))}, nil
	}
	if err := e.checkDeclaredFormats(e.planner(s.cat), st); err != nil {
		return nil, err
	}
	plan, err := e.planner(s.cat).CreateAsSelect(st)
	if err != nil {
		return nil, err
	}
	prefix := "CSAS_"
	if plan.Sink.Kind == catalog.Table {
		prefix = "CTAS_"
	}
	id := prefix + plan.Sink.Name + "_" + fmt.Sprint(s.seq+1)
	_, writers := e.queriesOf(plan.Sink.Name)
	if st.OrReplace && len(writers) > 0 {
		id = writers[0]
	}
	return e.startPersistent(s, id, plan, st.Text)
}

func (e *Engine) insertInto(s *session, st *ast.InsertInto) (wire.Entity, error) {
	plan, err := e.planner(s.cat).InsertInto(st)
	if err != nil {
		return nil, err
	}
	return e.startPersistent(s, "INSERTQUERY_"+fmt.Sprint(s.seq+1), plan, st.Text)
}

// startPersistent validates formats, creates the sink topic, registers the
// sink and starts the query.
func (e *Engine) startPersistent(s *session, id string, plan *planner.PersistentPlan, text string) (wire.Entity, error) {
	sink := plan.Sink
	if plan.Create {
		if err := e.validateFormats(sink); err != nil {
			return nil, err
		}
		src, _ := s.cat.Source(plan.Sources[0])
		info, exists := s.topics[sink.Topic]
		if exists {
			sink.Partitions, sink.Replicas = info.Partitions, info.Replicas
		} else {
			if sink.Partitions == 0 {
				sink.Partitions = s.topics[src.Topic].Partitions
				if sink.Partitions == 0 {
					sink.Partitions = 1
				}
			}
			if sink.Replicas == 0 {
				sink.Replicas = e.cfg.DefaultReplicas
			}
			if err := e.createTopic(s, sink.Topic, sink.Partitions, sink.Replicas); err != nil {
				return nil, err
			}
		}
		s.cat.Put(sink)
	}
	for _, name := range plan.Sources {
		src, _ := s.cat.Source(name)
		if _, ok := s.topics[src.Topic]; !ok {
			return nil, fmt.Errorf("Kafka topic does not exist: %s", src.Topic)
		}
	}
	ent := status(s, sourceCommandID(sink.Kind, sink.Name, "create"), "Created query with ID "+id, id)
	if strings.HasPrefix(id, "INSERTQUERY_") {
		ent.CommandID = "stream/`" + sink.Name + "`/insert"
	}
	if s.dry {
		return ent, nil
	}
	if old, ok := e.queries[id]; ok {
		e.rt.StopQuery(old.ID)
		delete(e.queries, id)
	}
	// Build once now so that a plan the runtime cannot run fails the
	// statement instead of the query, and to learn its topics and stores.
	build := e.builder(id, plan.Root, s.props)
	trial, err := trialBuild(build)
	if err != nil {
		return nil, err
	}
	q := &Query{ID: id, Statement: text, Plan: plan, Sink: sink.Name, SinkTopic: sink.Topic, Sources: plan.Sources, State: "RUNNING"}
	partitions := 1
	for _, name := range plan.Sources {
		src, _ := s.cat.Source(name)
		partitions = max(partitions, s.topics[src.Topic].Partitions)
	}
	changelog := func(store string) string { return e.appID(id) + "-" + store + "-changelog" }
	var internal []TopicInfo
	for _, t := range trial.InternalTopics() {
		n := partitions
		if fixed := trial.InternalPartitions(t); fixed > 0 {
			n = fixed
		}
		internal = append(internal, TopicInfo{Name: t, Partitions: n, Replicas: e.cfg.DefaultReplicas})
	}
	for _, st := range trial.Stores() {
		internal = append(internal, TopicInfo{Name: changelog(st), Partitions: partitions, Replicas: e.cfg.DefaultReplicas})
	}
	for _, t := range internal {
		if e.replaying {
			// Made when the query starts: a later command of the log
			// may terminate it, and its topics with it.
			s.topics[t.Name] = t
			q.unmade = append(q.unmade, t)
		} else if err := e.createTopic(s, t.Name, t.Partitions, t.Replicas); err != nil {
			return nil, err
		}
	}
	q.running = &RunningQuery{ID: id, GroupID: e.groupID(id), Topics: trial.Topics(), Build: build, InternalTopics: trial.InternalTopics(),
		ProcessingGuarantee: ProcessingGuarantee(s.props),
		Stores:              trial.Stores(), ChangelogTopic: changelog,
		ResetEarliest: e.offsetReset(s.props) == "earliest",
		OnError: func(err error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			q.State, q.Err = "ERROR", err
			e.log.Error("query failed", "query", id, "error", err)
		}}
	if !e.replaying {
		if err := e.rt.StartQuery(s.ctx, q.running); err != nil {
			return nil, err
		}
	}
	if _, seen := e.queries[id]; !seen {
		e.order = append(e.order, id)
	}
	e.queries[id] = q
	e.record(s, ent)
	return ent, nil
}

func (e *Engine) drop(s *session, st *ast.Drop) (wire.Entity, error) {
	kind := kindOf(st.Kind)
	src, ok := s.cat.Source(st.Name)
	if !ok {
		if st.IfExists {
			ent := status(s, sourceCommandID(kind, st.Name, "drop"), fmt.Sprintf("Source `%s` does not exist.", st.Name), "")
			return ent, nil
		}
		return nil, fmt.Errorf("%s %s does not exist.", titleKind(kind), st.Name)
	}
	if src.Kind != kind {
		return nil, fmt.Errorf("Incompatible data source type is %s, but statement was DROP %s", src.Kind, kind)
	}
	if st.DeleteTopic && src.ReadOnly {
		return nil, fmt.Errorf("Cannot delete topic for read-only source: %s", src.Name)
	}
	readers, writers := e.queriesOf(src.Name)
	readers, writers = s.live(readers), s.live(writers)
	var blocking []string
	for _, r := range readers {
		if !contains(writers, r) {
			blocking = append(blocking, r)
		}
	}
	if len(blocking) > 0 {
		return nil, fmt.Errorf("Cannot drop %s.\nThe following queries read from this source: [%s].\nThe following queries write into this source: [%s].\nYou need to terminate them before dropping %s.",
			src.Name, strings.Join(blocking, ", "), strings.Join(writers, ", "), src.Name)
	}
	for _, w := range writers {
		s.stopped(w)
	}
	if !s.dry {
		for _, w := range writers {
			e.stopQuery(w)
		}
		e.dropView(s.ctx, src.Name)
		if st.DeleteTopic {
			if err := e.rt.DeleteTopic(s.ctx, src.Topic); err != nil {
				return nil, err
			}
		}
	}
	if st.DeleteTopic {
		delete(s.topics, src.Topic)
	}
	s.cat.Remove(src.Name)
	ent := status(s, sourceCommandID(kind, src.Name, "drop"), fmt.Sprintf("Source `%s` (topic: %s) was dropped.", src.Name, src.Topic), "")
	e.record(s, ent)
	return ent, nil
}

func titleKind(k catalog.Kind) string {
	if k == catalog.Table {
		return "Table"
	}
	return "Stream"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// startQuery makes the query's internal topics that replay left unmade,
// then starts it; callers hold e.mu.
func (e *Engine) startQuery(ctx context.Context, q *Query) error {
	for len(q.unmade) > 0 {
		t := q.unmade[0]
		if err := e.rt.CreateTopic(ctx, t.Name, t.Partitions, t.Replicas); err != nil {
			return err
		}
		q.unmade = q.unmade[1:]
	}
	return e.rt.StartQuery(ctx, q.running)
}

// terminateQuery stops a persistent query for good: as in ksqlDB, its
// internal topics, consumer group and local state go with it. Callers
// hold e.mu.
func (e *Engine) terminateQuery(ctx context.Context, id string) {
	q, ok := e.queries[id]
	if !ok {
		return
	}
	e.stopQuery(id)
	if q.running != nil {
		e.rt.CleanupQuery(ctx, q.running)
	}
}

// stopQuery stops and forgets a persistent query; callers hold e.mu.
func (e *Engine) stopQuery(id string) {
	if _, ok := e.queries[id]; !ok {
		return
	}
	e.rt.StopQuery(id)
	delete(e.queries, id)
	for i, o := range e.order {
		if o == id {
			e.order = append(e.order[:i], e.order[i+1:]...)
			break
		}
	}
}

func (e *Engine) terminate(s *session, st *ast.Terminate) (wire.Entity, error) {
	if st.All {
		for _, id := range e.order {
			s.stopped(id)
		}
		if !s.dry {
			for _, id := range append([]string(nil), e.order...) {
				e.terminateQuery(s.ctx, id)
			}
		}
		ent := status(s, "terminate/ALL/execute", "Query terminated.", "")
		e.record(s, ent)
		return ent, nil
	}
	id := strings.ToUpper(st.QueryID)
	if _, ok := e.queries[id]; !ok {
		if p, ok := e.push[st.QueryID]; ok {
			if !s.dry {
				go p.Close()
			}
			return &wire.TerminateQueryEntity{QueryID: st.QueryID, WasTerminated: true}, nil
		}
		return nil, fmt.Errorf("Unknown queryId: %s", st.QueryID)
	}
	s.stopped(id)
	if !s.dry {
		e.terminateQuery(s.ctx, id)
	}
	ent := status(s, "terminate/"+id+"/execute", "Query terminated.", id)
	e.record(s, ent)
	return ent, nil
}

func (e *Engine) createType(s *session, st *ast.CreateType) (wire.Entity, error) {
	if _, ok := s.cat.Type(st.Name); ok {
		if st.IfNotExists {
			return &wire.WarningEntity{Message: fmt.Sprintf("A type with the same name already exists: %s", st.Name)}, nil
		}
		return nil, fmt.Errorf("Cannot register custom type '%s' since it is already registered with type: %s", st.Name, mustType(s.cat, st.Name))
	}
	t, err := planner.ResolveType(s.cat, st.Type)
	if err != nil {
		return nil, err
	}
	s.cat.PutType(st.Name, t)
	ent := status(s, "type/"+strings.ToUpper(st.Name)+"/create", "Registered custom type with name '"+strings.ToUpper(st.Name)+"' and SQL type "+t.String(), "")
	e.record(s, ent)
	return ent, nil
}

func mustType(cat *catalog.Catalog, name string) string {
	t, _ := cat.Type(name)
	return t.String()
}

func (e *Engine) dropType(s *session, st *ast.DropType) (wire.Entity, error) {
	if _, ok := s.cat.Type(st.Name); !ok {
		if st.IfExists {
			return &wire.WarningEntity{Message: fmt.Sprintf("Type %s does not exist.", st.Name)}, nil
		}
		return nil, fmt.Errorf("Type %s does not exist.", st.Name)
	}
	s.cat.RemoveType(st.Name)
	ent := status(s, "type/"+strings.ToUpper(st.Name)+"/drop", "Dropped type '"+strings.ToUpper(st.Name)+"'", "")
	e.record(s, ent)
	return ent, nil
}

func (e *Engine) alterSource(s *session, st *ast.AlterSource) (wire.Entity, error) {
	kind := kindOf(st.Kind)
	src, ok := s.cat.Source(st.Name)
	if !ok || src.Kind != kind {
		return nil, fmt.Errorf("Source %s does not exist.", st.Name)
	}
	if src.Sink {
		return nil, fmt.Errorf("ALTER command is not supported for CREATE ... AS statements.")
	}
	if src.ReadOnly {
		return nil, fmt.Errorf("Cannot alter %s '%s': ALTER operations are not supported on source %ss.", strings.ToLower(kind.String()), src.Name, strings.ToLower(kind.String()))
	}
	next := *src
	next.Schema = &types.Schema{Columns: append([]types.Column(nil), src.Schema.Columns...)}
	for _, el := range st.Columns {
		if next.Schema.Find(el.Name) >= 0 {
			return nil, fmt.Errorf("Cannot add column `%s` to schema. A column with the same name already exists.", el.Name)
		}
		t, err := planner.ResolveType(s.cat, el.Type)
		if err != nil {
			return nil, err
		}
		next.Schema.Columns = append(next.Schema.Columns, types.Column{Name: el.Name, Type: t})
	}
	if err := e.validateFormats(&next); err != nil {
		return nil, err
	}
	s.cat.Put(&next)
	ent := status(s, sourceCommandID(kind, src.Name, "alter"), titleKind(kind)+" altered", "")
	e.record(s, ent)
	return ent, nil
}

// discard is an emitter for the trial build of a topology.
type discard struct{}

func (discard) Emit(context.Context, *ops.Raw) error { return nil }

// trialBuild builds a topology over throw-away in-memory state.
func trialBuild(build func(ops.Emitter, func(string) (ops.Store, error)) (*ops.Topology, error)) (*ops.Topology, error) {
	task, err := state.OpenTask("trial", state.WithFS(vfs.NewMem()))
	if err != nil {
		return nil, err
	}
	defer task.Close()
	return build(discard{}, func(name string) (ops.Store, error) { return task.Store(name) })
}

// pauseResume stops a query's processing without forgetting it (PAUSE) or
// starts it again where its offsets and state are (RESUME).
func (e *Engine) pauseResume(s *session, st *ast.PauseResume) (wire.Entity, error) {
	ids := []string{strings.ToUpper(st.QueryID)}
	if st.All {
		ids = append([]string(nil), e.order...)
	}
	for _, id := range ids {
		q, ok := e.queries[id]
		if !ok || s.gone[id] {
			return nil, fmt.Errorf("Unknown queryId: %s", id)
		}
		if s.dry {
			continue
		}
		switch {
		case st.Resume && q.State == "PAUSED":
			if !e.replaying {
				if err := e.startQuery(s.ctx, q); err != nil {
					return nil, err
				}
			}
			q.State = "RUNNING"
		case !st.Resume && q.State == "RUNNING":
			e.rt.StopQuery(id)
			q.State = "PAUSED"
		}
	}
	action, msg := "pause", "Query paused."
	if st.Resume {
		action, msg = "resume", "Query resumed."
	}
	name := strings.ToUpper(st.QueryID)
	if st.All {
		name = "ALL"
	}
	ent := status(s, action+"/"+name+"/execute", msg, "")
	e.record(s, ent)
	return ent, nil
}
