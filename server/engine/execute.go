package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eddysql/eddy/parser"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/server/rest"
	"github.com/eddysql/eddy/server/wire"
)

// session is the state of one /ksql request while its statements run.
type session struct {
	ctx   context.Context
	cat   *catalog.Catalog
	props map[string]string
	vars  map[string]string
	// dry is set while validating: nothing outside cat changes.
	dry bool
	// topics is the topic set as the statements see it.
	topics map[string]TopicInfo
	// seq is the command sequence number of the current statement.
	seq int64
	// gone are the queries earlier statements of the request stopped; a
	// dry run cannot stop them, so later statements must not see them.
	gone map[string]bool
}

// stopped records that a statement of the session stops a query.
func (s *session) stopped(id string) {
	if s.gone == nil {
		s.gone = map[string]bool{}
	}
	s.gone[id] = true
}

// live filters out the queries the session has stopped.
func (s *session) live(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !s.gone[id] {
			out = append(out, id)
		}
	}
	return out
}

func stringProps(in map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// Execute runs the statements of a /ksql request: all are validated
// against a copy of the catalog first (up to an assertion, which ends a
// group); only if every one passes do they run for real.
func (e *Engine) Execute(ctx context.Context, req rest.StatementRequest) ([]wire.Entity, error) {
	if err := e.awaitSequence(ctx, req.CommandSequenceNumber); err != nil {
		return nil, err
	}
	// One request at a time: a request's statements run in order, and
	// with a command log the runner takes e.mu while a request waits.
	select {
	case e.requests <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.requests }()
	e.mu.Lock()
	defer e.mu.Unlock()
	vars := stringProps(req.SessionVariables)
	upper := map[string]string{}
	for k, v := range vars {
		upper[strings.ToUpper(k)] = v
	}
	stmts, texts, err := parseStatements(req.KSQL, upper, parser.Parse)
	if err != nil {
		return nil, err
	}
	for i, s := range stmts {
		switch s.(type) {
		case *ast.Query, *ast.Print:
			return nil, wire.QueryEndpoint(texts[i])
		}
	}
	live := &session{ctx: ctx, cat: e.cat, props: stringProps(req.StreamsProperties), vars: upper, seq: e.seq}
	var out []wire.Entity
	for first := 0; first < len(stmts); {
		// The statements are validated together, up to and including the
		// next assertion: it may wait for what the statements after it
		// need (ASSERT TOPIC t TIMEOUT ...; CREATE STREAM ... KAFKA_TOPIC='t'),
		// so those are validated once it holds.
		end := first
		for end < len(stmts) && !isAssertion(stmts[end]) {
			end++
		}
		end = min(end+1, len(stmts))
		topics, err := e.rt.Topics(ctx)
		if err != nil {
			return nil, wire.ServerError(err.Error())
		}
		dry := &session{ctx: ctx, cat: e.cat.Clone(), props: copyMap(live.props), vars: copyMap(live.vars), dry: true, topics: copyTopics(topics), seq: e.seq}
		for i := first; i < end; i++ {
			if _, err := e.exec(dry, stmts[i], texts[i]); err != nil {
				return nil, statementError(err, texts[i], out)
			}
		}
		live.topics = topics
		for i := first; i < end; i++ {
			ent, err := e.runLive(ctx, live, stmts[i], texts[i])
			if err != nil {
				return nil, statementError(err, texts[i], out)
			}
			if ent != nil {
				ent.SetStatementText(texts[i])
				out = append(out, ent)
			}
		}
		first = end
	}
	if e.commands == nil {
		e.seq = live.seq
	}
	return out, nil
}

// runLive runs one validated statement of a request; e.mu is held.
// Assertions wait for the outside world and, with a command log, state
// changes for the command runner: both without the engine lock, which is
// taken again before runLive returns.
func (e *Engine) runLive(ctx context.Context, live *session, s ast.Statement, text string) (wire.Entity, error) {
	var wait func() (wire.Entity, error)
	switch {
	case isAssertion(s):
		wait = func() (wire.Entity, error) { return e.runAssertion(ctx, s, live.props) }
	case e.commands != nil && changesState(s):
		wait = func() (wire.Entity, error) { return e.distribute(ctx, text, copyMap(live.props)) }
	default:
		return e.exec(live, s, text)
	}
	e.mu.Unlock()
	defer e.mu.Lock()
	return wait()
}

func copyTopics(m map[string]TopicInfo) map[string]TopicInfo {
	out := make(map[string]TopicInfo, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// parseStatements substitutes variables and parses. DEFINE statements in
// the text apply to the statements after them, so statements are parsed
// one at a time; each is padded to its place in the request so that error
// positions count lines and columns from the start of the request.
func parseStatements(sql string, vars map[string]string, parse func(string) ([]ast.Statement, error)) ([]ast.Statement, []string, error) {
	var stmts []ast.Statement
	var texts []string
	cursor := 0
	for _, text := range parser.SplitStatements(sql) {
		if strings.TrimSpace(text) == "" {
			continue
		}
		pad, semi := "", ""
		if at := strings.Index(sql[cursor:], text); at >= 0 {
			start := cursor + at
			line := strings.LastIndexByte(sql[:start], '\n')
			pad = strings.Repeat("\n", strings.Count(sql[:start], "\n")) + strings.Repeat(" ", start-line-1)
			cursor = start + len(text)
			// The parser sees the semicolon too: error messages quote
			// the statement as written.
			if rest := strings.TrimLeft(sql[cursor:], " \t\r\n"); strings.HasPrefix(rest, ";") {
				semi = ";"
			}
		}
		sub, err := parser.SubstituteVariables(text, func(n string) (string, bool) { v, ok := vars[n]; return v, ok })
		if err != nil {
			return nil, nil, wire.BadStatement(err.Error(), text)
		}
		parsed, err := parse(pad + sub + semi)
		if err != nil {
			return nil, nil, wire.BadStatement(err.Error(), text)
		}
		for _, s := range parsed {
			if d, ok := s.(*ast.Define); ok {
				vars[strings.ToUpper(d.Name)] = d.Value
			}
			if u, ok := s.(*ast.Undefine); ok {
				delete(vars, strings.ToUpper(u.Name))
			}
			stmts = append(stmts, s)
			texts = append(texts, strings.TrimSuffix(strings.TrimSpace(sub), ";")+";")
		}
	}
	return stmts, texts, nil
}

// statementError wraps an execution error as a 40001 statement error.
func statementError(err error, text string, done []wire.Entity) error {
	var we *wire.Error
	if errors.As(err, &we) {
		if we.StatementText == "" && we.Code/10000 == 4 {
			we.StatementText, we.Statement = text, true
		}
		if we.Entities == nil {
			we.Entities = done
		}
		return we
	}
	return wire.BadStatement(err.Error(), text, done...)
}

// exec runs one statement in a session; it returns the statement's
// entity, or nil for statements without one.
func (e *Engine) exec(s *session, stmt ast.Statement, text string) (wire.Entity, error) {
	switch st := stmt.(type) {
	case *ast.CreateSource:
		return e.createSource(s, st)
	case *ast.CreateAsSelect:
		return e.createAsSelect(s, st)
	case *ast.InsertInto:
		return e.insertInto(s, st)
	case *ast.InsertValues:
		return e.insertValues(s, st)
	case *ast.Drop:
		return e.drop(s, st)
	case *ast.Terminate:
		return e.terminate(s, st)
	case *ast.CreateType:
		return e.createType(s, st)
	case *ast.DropType:
		return e.dropType(s, st)
	case *ast.AlterSource:
		return e.alterSource(s, st)
	case *ast.Show:
		return e.show(s, st)
	case *ast.Describe:
		return e.describe(s, st)
	case *ast.DescribeFunction:
		return e.describeFunction(st)
	case *ast.Explain:
		return e.explain(s, st, text)
	case *ast.SetProperty:
		s.props[st.Name] = st.Value
		return nil, nil
	case *ast.UnsetProperty:
		delete(s.props, st.Name)
		return nil, nil
	case *ast.Define:
		s.vars[strings.ToUpper(st.Name)] = st.Value
		return nil, nil
	case *ast.Undefine:
		delete(s.vars, strings.ToUpper(st.Name))
		return nil, nil
	case *ast.RunScript:
		// ksqlDB's server grammar has no RUN SCRIPT: it is a parse error
		// there, which the hint after it explains.
		pos := st.Position()
		return nil, fmt.Errorf("line %d:%d: Syntax Error\nUnknown statement 'RUN'\nRUN SCRIPT is a CLI command: the shell reads the file and sends its statements", pos.Line, pos.Col)
	case *ast.PauseResume:
		return e.pauseResume(s, st)
	case *ast.AssertTopic, *ast.AssertSchema:
		if s.dry {
			return nil, nil // checked for real when the request runs
		}
		return e.runAssertion(s.ctx, stmt, s.props)
	}
	return nil, fmt.Errorf("unsupported statement %T", stmt)
}

// changesState tells the statements the command log keeps.
func changesState(s ast.Statement) bool {
	switch s.(type) {
	case *ast.CreateSource, *ast.CreateAsSelect, *ast.InsertInto, *ast.Drop, *ast.Terminate,
		*ast.CreateType, *ast.DropType, *ast.AlterSource, *ast.PauseResume:
		return true
	}
	return false
}

// Replay applies the commands of the command topic at start, in order,
// each numbered by its offset (see Apply). Queries start once the whole
// log is read, and only those still running then: a query that a later
// command terminates or pauses does not run at all.
func (e *Engine) Replay(ctx context.Context, entries []CommandEntry) {
	e.mu.Lock()
	e.replaying = true
	e.mu.Unlock()
	for _, c := range entries {
		e.Apply(ctx, c)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.replaying = false
	for _, id := range e.order {
		q := e.queries[id]
		if q.State != "RUNNING" || q.running == nil {
			continue
		}
		if err := e.startQuery(ctx, q); err != nil {
			q.State, q.Err = "ERROR", err
			e.log.Error("starting a replayed query", "query", id, "error", err)
		}
	}
}

// applyCommand runs one command of the command topic; e.mu is held.
func (e *Engine) applyCommand(ctx context.Context, c CommandEntry) (wire.Entity, error) {
	stmts, texts, err := parseStatements(c.Statement, map[string]string{}, parser.Parse)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, fmt.Errorf("a command holds one statement, this one %d", len(stmts))
	}
	topics, err := e.rt.Topics(ctx)
	if err != nil {
		return nil, wire.ServerError(err.Error())
	}
	props := c.Properties
	if props == nil {
		props = map[string]string{}
	}
	s := &session{ctx: ctx, cat: e.cat, props: props, vars: map[string]string{}, topics: topics, seq: c.Offset}
	ent, err := e.exec(s, stmts[0], texts[0])
	e.seq = max(e.seq, s.seq)
	return ent, err
}
