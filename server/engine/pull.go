package engine

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/rest"
	"github.com/eddysql/eddy/server/wire"
)

// prefetchEnds starts listing the end offsets of the table that sql looks
// like a read-your-writes pull query on (maxOffsetLagKey 0), if its view is
// open, so that the broker's answer comes while the statement is parsed
// and planned rather than after. The goroutine that lists them runs at once
// (Gosched): a new goroutine waits for its creator's processor, busy
// parsing, otherwise. A wrong guess costs one request; the statement's own
// reading of the end offsets is what it relies on (endsCoalescer).
func (e *Engine) prefetchEnds(sql string, props map[string]string) {
	pf, ok := e.rt.(EndOffsetHints)
	if lag, err := e.maxOffsetLag(props); !ok || err != nil || lag != 0 {
		return // a query that accepts a lag lists them only on a cold view
	}
	name, ok := pullSourceName(sql)
	if !ok {
		return
	}
	e.viewMu.Lock()
	v := e.views[name]
	e.viewMu.Unlock()
	if v != nil {
		pf.PrefetchEndOffsets(v.topic)
		runtime.Gosched()
	}
}

// pullSourceName guesses the source of a SELECT from its text, without
// parsing it: the word after the first FROM, upper-cased unless quoted.
func pullSourceName(sql string) (string, bool) {
	words := strings.Fields(sql)
	if len(words) < 4 || !strings.EqualFold(words[0], "SELECT") {
		return "", false
	}
	for i, w := range words[:len(words)-1] {
		if !strings.EqualFold(w, "FROM") {
			continue
		}
		name := strings.TrimRight(words[i+1], ";")
		if unq, ok := strings.CutPrefix(name, "`"); ok {
			name, ok = strings.CutSuffix(unq, "`")
			return name, ok && name != ""
		}
		return strings.ToUpper(name), name != ""
	}
	return "", false
}

// resultColumns is a query's header. ksqlDB marks key columns (window
// bounds included) for pull queries only.
// Header columns of the source are marked too.
func resultColumns(plan *planner.QueryPlan, src *catalog.Source) []rest.Column {
	cols := make([]rest.Column, 0, len(plan.Output.Columns))
	for _, c := range plan.Output.Columns {
		col := rest.Column{Name: c.Name, Type: c.Type}
		if plan.Pull {
			col.Key = c.Namespace == types.NsKey ||
				(plan.Window != nil && (c.Name == types.WindowStart || c.Name == types.WindowEnd))
			if i := src.Schema.Find(c.Name); !col.Key && i >= 0 && src.Schema.Columns[i].Namespace == types.NsHeader {
				col.Header, col.HeaderKey = true, src.Schema.Columns[i].HeaderKey
			}
		}
		cols = append(cols, col)
	}
	return cols
}

// pullOptions reads the pull query settings of a request, falling back to
// the server's properties and then to ksqlDB's defaults.
func (e *Engine) pullOptions(req map[string]string) planner.PullOptions {
	opts := planner.DefaultPullOptions()
	opts.TableScan = e.boolProperty(req, "ksql.query.pull.table.scan.enabled", opts.TableScan)
	opts.RangeScan = e.boolProperty(req, "ksql.query.pull.range.scan.enabled", opts.RangeScan)
	opts.StreamScan = e.boolProperty(req, "ksql.query.pull.stream.enabled", opts.StreamScan)
	opts.LimitClause = e.boolProperty(req, "ksql.query.pull.limit.clause.enabled", opts.LimitClause)
	return opts
}

// maxOffsetLagKey is ksqlDB's setting of how far behind a table's end a
// pull query's answer may be. As in ksqlDB, there is no bound by default: a
// view answers at once once it has caught up with its topic (restored).
// Zero is read-your-writes: the view first reads up to end offsets listed
// after the query arrived.
const maxOffsetLagKey = "ksql.query.pull.max.allowed.offset.lag"

// maxOffsetLag reads maxOffsetLagKey, ksqlDB's default (no bound) when it
// is not set.
func (e *Engine) maxOffsetLag(props map[string]string) (int64, error) {
	v, ok := e.property(props, maxOffsetLagKey)
	if !ok {
		return math.MaxInt64, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("Invalid value %s for configuration %s: Not a number of type LONG", v, maxOffsetLagKey)
	}
	if n < 0 {
		return 0, fmt.Errorf("Invalid value %d for configuration %s: Value must be at least 0", n, maxOffsetLagKey)
	}
	return n, nil
}

// runPull answers a pull query from the table's view: once the view is
// as fresh as maxLag asks (localRows), the rows of the query's keys (or
// all rows, by partition and key, for range and table scans) pass through
// the query's filter and projection once (LIMIT keeps the first rows).
func (e *Engine) runPull(ctx context.Context, src *catalog.Source, plan *planner.QueryPlan, topo *ops.Topology, maxLag int64) error {
	v, err := e.view(src)
	if err != nil {
		return err
	}
	req := wire.ViewRowsRequest{Table: src.Name, MaxOffsetLag: maxLag}
	if plan.PullKeys != nil {
		req.Lookup = true
		if req.Keys, err = lookupKeys(v, plan.PullKeys, plan.PullWindows); err != nil {
			return err
		}
	}
	rows, err := e.pullRows(ctx, v, req)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := topo.Process(ctx, r); err != nil {
			if errors.Is(err, ops.ErrLimitReached) {
				return nil
			}
			return err
		}
	}
	return nil
}

// lookupKeys serializes the key tuples (and window bounds) of a key-lookup
// pull query as the view stores them. A key its format cannot hold
// matches nothing and is left out.
func lookupKeys(v *tableView, tuples [][]expr.Expr, windows []planner.PullWindow) ([]wire.ViewKey, error) {
	if v.keySer == nil {
		return nil, nil
	}
	var out []wire.ViewKey
	for i, tuple := range tuples {
		vals, err := constants(tuple...)
		if err != nil {
			return nil, err
		}
		if slices.Contains(vals, nil) {
			continue
		}
		key, err := v.keySer.Serialize(v.topic, vals)
		if err != nil || key == nil {
			continue
		}
		k := wire.ViewKey{Key: key, From: math.MinInt64, To: math.MaxInt64}
		if i < len(windows) {
			bounds, err := constants(windows[i].From, windows[i].To)
			if err != nil {
				return nil, err
			}
			if b, ok := bounds[0].(int64); ok {
				k.From = b
			}
			if b, ok := bounds[1].(int64); ok {
				k.To = b
			}
		}
		out = append(out, k)
	}
	return out, nil
}

// read returns the view's rows that req asks for in the partitions in
// (all if nil), by partition and key, each row once.
func (v *tableView) read(req wire.ViewRowsRequest, in map[int32]bool) ([]*ops.Raw, error) {
	if !req.Lookup {
		rows, err := v.scan(in)
		return sortRows(rows), err
	}
	var out []*ops.Raw
	for _, k := range req.Keys {
		rows, err := v.lookup(k.Key, k.From, k.To, in)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return sortRows(out), nil
}

// sortRows puts rows in the order ksqlDB reads a table's state: by
// partition, then by key, and drops repeats: disjuncts may name a row
// twice (one key, overlapping windows).
func sortRows(rows []*ops.Raw) []*ops.Raw {
	slices.SortStableFunc(rows, func(a, b *ops.Raw) int {
		return cmp.Or(cmp.Compare(a.Partition, b.Partition), bytes.Compare(a.Key, b.Key))
	})
	return slices.CompactFunc(rows, func(a, b *ops.Raw) bool { return bytes.Equal(a.Key, b.Key) })
}

// constants evaluates constant expressions (nil ones give nil).
func constants(es ...expr.Expr) ([]any, error) {
	out := make([]any, len(es))
	for i, e := range es {
		if e == nil {
			continue
		}
		ev, err := eval.Compile(e)
		if err != nil {
			return nil, err
		}
		if out[i], err = ev(nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// view returns the pull-query view of a table, opening it on first use.
func (e *Engine) view(src *catalog.Source) (*tableView, error) {
	e.viewMu.Lock()
	defer e.viewMu.Unlock()
	if v, ok := e.views[src.Name]; ok {
		if v.topic == src.Topic && v.failure() == nil {
			return v, nil
		}
		// The table was recreated over another topic, or its reader
		// failed: read it again (the old view's files go first).
		v.close()
		delete(e.views, src.Name)
	}
	v, err := openTableView(e.rt, e.viewShare(src), e.formats, src, e.viewDir)
	if err != nil {
		return nil, err
	}
	e.views[src.Name] = v
	return v, nil
}

// dropView closes a dropped table's view and removes its consumer group
// (the last server to drop the table does).
func (e *Engine) dropView(ctx context.Context, name string) {
	// Closed under viewMu: a view opened again under the same name reuses
	// its directory.
	e.viewMu.Lock()
	v, ok := e.views[name]
	if ok {
		v.close()
		delete(e.views, name)
	}
	e.viewMu.Unlock()
	// The group goes after the lock, so that pull queries on other tables
	// do not wait on the broker. A view opened again under this name in
	// the meantime keeps it: a group with members is not deleted.
	if rt, isShared := e.rt.(SharedRuntime); ok && isShared && v.shared {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), groupDeleteTimeout)
		defer cancel()
		rt.DeleteGroup(ctx, v.group)
	}
}

// groupDeleteTimeout bounds removing a dropped table's view group: the
// DROP does not wait on a slow broker for longer.
const groupDeleteTimeout = 5 * time.Second
