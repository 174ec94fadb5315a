package engine

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/rest"
)

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
	flag := func(name string, def bool) bool {
		v, ok := req[name]
		if !ok {
			v, ok = e.cfg.Properties[name]
		}
		if !ok {
			return def
		}
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return def
		}
		return b
	}
	opts.TableScan = flag("ksql.query.pull.table.scan.enabled", opts.TableScan)
	opts.RangeScan = flag("ksql.query.pull.range.scan.enabled", opts.RangeScan)
	return opts
}

// runPull answers a pull query: it materializes the table from its topic
// (the latest record per key, windowed keys included) and passes each
// live row through the query's filter and projection once, in the order
// of the serialized keys, as a state store iterates them (LIMIT keeps the
// first rows of that order).
func (e *Engine) runPull(ctx context.Context, topic string, topo *ops.Topology) error {
	raws, err := e.rt.ReadAll(ctx, topic)
	if err != nil {
		return err
	}
	latest := map[string]*ops.Raw{}
	for _, r := range raws {
		latest[storeKey(r)] = r
	}
	live := make([]*ops.Raw, 0, len(latest))
	for _, r := range latest {
		if r.Value != nil {
			live = append(live, r)
		}
	}
	sort.Slice(live, func(i, j int) bool {
		a, b := live[i], live[j]
		if c := bytes.Compare(a.Key, b.Key); c != 0 {
			return c < 0
		}
		return windowStart(a) < windowStart(b)
	})
	for _, r := range live {
		if err := topo.Process(ctx, r); err != nil {
			if errors.Is(err, ops.ErrLimitReached) {
				return nil
			}
			return err
		}
	}
	return nil
}

// storeKey identifies a table row: its key bytes and, for windowed keys
// kept beside the bytes, the window.
func storeKey(r *ops.Raw) string {
	k := string(r.Key)
	if r.Window != nil {
		k += "\x00" + strconv.FormatInt(r.Window.Start, 10) + "\x00" + strconv.FormatInt(r.Window.End, 10)
	}
	return k
}

func windowStart(r *ops.Raw) int64 {
	if r.Window == nil {
		return 0
	}
	return r.Window.Start
}
