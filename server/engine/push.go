package engine

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/state"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/server/rest"
	"github.com/eddysql/eddy/server/wire"
	"github.com/eddysql/eddy/udf/udaf"
)

// pushQuery is a running push query or PRINT; it implements
// rest.QueryStream.
type pushQuery struct {
	id    string
	text  string
	cols  []rest.Column
	print bool
	pull  bool
	limit int
	// stream: the result is a stream, whose records without a value
	// ksqlDB's push queries leave out (a table's are deletes, and sent).
	stream bool

	rows chan rest.Row
	// A pull query's rows, gathered before Query returns (run), so that
	// Next hands them out without blocking or a goroutine.
	run      func(ctx context.Context) error
	gathered []rest.Row
	next     int
	cancel   context.CancelFunc
	done     chan struct{}
	once     sync.Once
	onEnd    func()

	mu      sync.Mutex
	count   int
	reached bool
	err     error
}

func (p *pushQuery) ID() string             { return p.id }
func (p *pushQuery) Columns() []rest.Column { return p.cols }
func (p *pushQuery) IsPull() bool           { return p.pull }
func (p *pushQuery) IsPrint() bool          { return p.print }
func (p *pushQuery) LimitReached() bool     { p.mu.Lock(); defer p.mu.Unlock(); return p.reached }
func (p *pushQuery) Close()                 { p.once.Do(p.stop) }
func (p *pushQuery) stop()                  { p.cancel(); <-p.done; p.onEnd() }
func (p *pushQuery) setErr(err error)       { p.mu.Lock(); p.err = err; p.mu.Unlock() }
func (p *pushQuery) result() (bool, error)  { p.mu.Lock(); defer p.mu.Unlock(); return p.reached, p.err }
func (p *pushQuery) markReached()           { p.mu.Lock(); p.reached = true; p.mu.Unlock() }
func (p *pushQuery) counted() (n int, lim int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count++
	return p.count, p.limit
}

// Next returns the next row, io.EOF at the end.
func (p *pushQuery) Next(ctx context.Context) (rest.Row, error) {
	if p.pull {
		if p.next < len(p.gathered) {
			p.next++
			return p.gathered[p.next-1], nil
		}
		if _, err := p.result(); err != nil {
			return rest.Row{}, err
		}
		return rest.Row{}, io.EOF
	}
	select {
	case r, ok := <-p.rows:
		if ok {
			return r, nil
		}
		if _, err := p.result(); err != nil {
			return rest.Row{}, err
		}
		return rest.Row{}, io.EOF
	case <-ctx.Done():
		return rest.Row{}, ctx.Err()
	}
}

// deliver hands a row to the client; false ends the query.
func (p *pushQuery) deliver(ctx context.Context, r rest.Row) bool {
	if p.pull {
		p.gathered = append(p.gathered, r)
	} else {
		select {
		case p.rows <- r:
		case <-ctx.Done():
			return false
		}
	}
	if n, lim := p.counted(); lim > 0 && n >= lim {
		p.markReached()
		return false
	}
	return true
}

// Collect implements ops.Collector.
func (p *pushQuery) Collect(ctx context.Context, row []any, tombstone bool) bool {
	if tombstone && (p.pull || p.stream) {
		return true // rows a pull query's filter turned into deletes; a stream's null values
	}
	return p.deliver(ctx, rest.Row{Values: row, Tombstone: tombstone})
}

// Query starts a push query or PRINT for /query and /query-stream.
func (e *Engine) Query(ctx context.Context, req rest.StatementRequest) (rest.QueryStream, error) {
	ctx = withArrival(ctx, time.Now())
	if err := e.awaitSequence(ctx, req.CommandSequenceNumber); err != nil {
		return nil, err
	}
	props := stringProps(req.StreamsProperties)
	e.prefetchEnds(req.KSQL, props)
	vars := map[string]string{}
	for k, v := range stringProps(req.SessionVariables) {
		vars[strings.ToUpper(k)] = v
	}
	stmts, texts, err := parseStatements(req.KSQL, vars, e.parses.Parse)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, wire.BadRequest(fmt.Sprintf("Expected exactly one statement, got %d", len(stmts)))
	}
	earliest := e.offsetReset(props) == "earliest"
	e.mu.Lock()
	switch st := stmts[0].(type) {
	case *ast.Query:
		p, err := e.startPush(st, texts[0], earliest, e.pullOptions(props), e.aggregateConfig(props), props)
		e.mu.Unlock()
		if err != nil {
			return nil, statementError(err, texts[0], nil)
		}
		if p.run != nil {
			// A pull query answers at once: it runs here, on the
			// request's goroutine, without the engine's lock.
			err := p.run(ctx)
			close(p.done)
			if err != nil && ctx.Err() == nil {
				p.setErr(err)
			}
		}
		return p, nil
	case *ast.Print:
		p, err := e.startPrint(st, texts[0])
		e.mu.Unlock()
		if err != nil {
			return nil, statementError(err, texts[0], nil)
		}
		return p, nil
	}
	e.mu.Unlock()
	return nil, wire.BadStatement("The statement is not a query: use the /ksql endpoint for it", texts[0])
}

// newPush registers a push query (or a pull query, which gathers its rows
// instead of streaming them) whose id starts with prefix; callers hold
// e.mu.
func (e *Engine) newPush(prefix, text string, limit int, pull bool) (*pushQuery, context.Context) {
	e.pushSeq++
	id := fmt.Sprintf("%s%d%d", prefix, time.Now().UnixNano()%1_000_000_000_000, e.pushSeq)
	ctx, cancel := context.WithCancel(context.Background())
	p := &pushQuery{id: id, text: text, limit: limit, pull: pull, cancel: cancel, done: make(chan struct{})}
	if !pull {
		p.rows = make(chan rest.Row, 64)
	}
	p.onEnd = func() {
		e.mu.Lock()
		delete(e.push, id)
		e.mu.Unlock()
	}
	e.push[id] = p
	return p, ctx
}

func (e *Engine) startPush(q *ast.Query, text string, earliest bool, opts planner.PullOptions, aggCfg udaf.Config, props map[string]string) (*pushQuery, error) {
	plan, _, err := e.planner(e.cat).PullQuery(q, opts)
	if err != nil {
		return nil, err
	}
	src, _ := e.cat.Source(plan.Sources[0])
	scalable := e.isScalablePush(q, props)
	prefix := "transient_" + src.Name + "_"
	if scalable {
		prefix = "SCALABLE_PUSH_QUERY_"
	}
	p, ctx := e.newPush(prefix, text, plan.Limit, plan.Pull)
	p.cols = resultColumns(plan, src)
	p.stream = !plan.Table
	if q.Limit != nil && *q.Limit == 0 {
		// LIMIT 0: the header, then at once the end.
		p.markReached()
		if p.rows != nil {
			close(p.rows)
		}
		close(p.done)
		return p, nil
	}
	env := ops.Env{Formats: e.formats, Collector: p, TimestampParser: e.tsParse,
		Policy: e.errorPolicy(p.id, props), Aggregates: e.fns.Aggregates(), AggregateConfig: aggCfg}
	if plan.Pull {
		// A pull query filters and projects the view's rows: no state.
		topo, err := ops.Build(plan.Root, env)
		var lag int64
		if err == nil {
			lag, err = e.maxOffsetLag(props)
		}
		if err != nil {
			delete(e.push, p.id)
			p.cancel()
			return nil, err
		}
		qctx := ctx
		p.run = func(ctx context.Context) error {
			// It ends with the request or, closed (TERMINATE, the
			// engine's end), with the query.
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			defer context.AfterFunc(qctx, cancel)()
			return e.runPull(ctx, src, plan, topo, lag)
		}
		return p, nil
	}
	// A push query keeps its state in memory and routes its repartitions
	// back into itself: it runs in one task and ends with its client.
	task, err := state.OpenTask(p.id, state.WithFS(vfs.NewMem()))
	if err != nil {
		delete(e.push, p.id)
		p.cancel()
		return nil, err
	}
	loop := &loopback{}
	env.Emitter = loop
	env.Stores = func(name string) (ops.Store, error) { return task.Store(name) }
	env.InternalTopic = func(suffix string) string { return p.id + "-" + suffix }
	topo, err := ops.Build(plan.Root, env)
	var t *sinkTap
	var sub *tapSub
	if err == nil && scalable {
		t, sub, err = e.subscribe(ctx, src.Topic)
	}
	if err != nil {
		task.Close()
		delete(e.push, p.id)
		p.cancel()
		return nil, err
	}
	loop.topo = topo
	end := p.onEnd
	p.onEnd = func() { task.Close(); end() }
	go func() {
		defer close(p.done)
		defer close(p.rows)
		var err error
		switch {
		case scalable:
			// It reads what the tap of its source hands it.
			err = sub.run(ctx, topo, len(src.Schema.Key()) > 0)
			e.unsubscribe(t, sub)
		case plan.StreamScan:
			err = e.scanToEnd(ctx, src.Topic, topo)
		default:
			err = e.rt.Scan(ctx, externalTopics(topo), earliest, topo.Process)
		}
		if err != nil && ctx.Err() == nil {
			p.setErr(err)
		}
	}()
	return p, nil
}

// externalTopics are the topics a topology reads from Kafka.
func externalTopics(t *ops.Topology) []string {
	internal := map[string]bool{}
	for _, n := range t.InternalTopics() {
		internal[n] = true
	}
	var out []string
	for _, n := range t.Topics() {
		if !internal[n] {
			out = append(out, n)
		}
	}
	return out
}

// loopback feeds a push query's internal records straight back into it.
type loopback struct{ topo *ops.Topology }

func (l *loopback) Emit(ctx context.Context, r *ops.Raw) error { return l.topo.Process(ctx, r) }

func (e *Engine) startPrint(st *ast.Print, text string) (*pushQuery, error) {
	topics, err := e.rt.Topics(context.Background())
	if err != nil {
		return nil, err
	}
	topic := st.Topic
	if _, ok := topics[topic]; !ok {
		// Unquoted names may be meant case-insensitively.
		for name := range topics {
			if strings.EqualFold(name, topic) {
				topic = name
			}
		}
		if _, ok := topics[topic]; !ok {
			return nil, fmt.Errorf("Could not find topic '%s', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.\nTo print a case-insensitive topic apply quotations, for example: print 'topic';", st.Topic)
		}
	}
	limit := 0
	if st.Limit != nil {
		limit = *st.Limit
	}
	p, ctx := e.newPush("transient_PRINT_", text, limit, false)
	p.print = true
	interval := max(st.Interval, 1)
	seen := 0
	go func() {
		defer close(p.done)
		defer close(p.rows)
		err := e.rt.Scan(ctx, []string{topic}, st.FromBeginning, func(ctx context.Context, raw *ops.Raw) error {
			seen++
			if (seen-1)%interval != 0 {
				return nil
			}
			if !p.deliver(ctx, rest.Row{Text: printLine(raw)}) {
				return ops.ErrLimitReached
			}
			return nil
		})
		if err != nil && ctx.Err() == nil {
			p.setErr(err)
		}
	}()
	return p, nil
}

// printLine formats a record as ksqlDB's PRINT does.
func printLine(raw *ops.Raw) string {
	ts := time.UnixMilli(raw.Timestamp).UTC().Format("2006/01/02 15:04:05.000 Z")
	return fmt.Sprintf("rowtime: %s, key: %s, value: %s, partition: %d", ts, printable(raw.Key), printable(raw.Value), raw.Partition)
}

func printable(b []byte) string {
	switch {
	case b == nil:
		return "<null>"
	case utf8.Valid(b):
		return string(b)
	}
	return "0x" + hex.EncodeToString(b)
}

// CloseQuery stops a push query.
func (e *Engine) CloseQuery(id string) error {
	e.mu.Lock()
	p, ok := e.push[id]
	e.mu.Unlock()
	if !ok {
		return wire.BadRequest("No query with id " + id)
	}
	p.Close()
	return nil
}

func (e *Engine) pushQueries() []*pushQuery {
	out := make([]*pushQuery, 0, len(e.push))
	for _, p := range e.push {
		out = append(out, p)
	}
	return out
}
