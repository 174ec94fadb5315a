package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/kafkaio"
	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/server/wire"
)

// Pull-query forwarding. Servers with one service id share each table
// view's partitions through a consumer group (one per table), as their
// persistent queries share input partitions: each server keeps the rows
// of its partitions and publishes its address with its membership. A
// pull query asks the group who holds which partition, reads its own
// partitions and asks the holders of the others over HTTP
// (POST /internal/view-rows) for theirs; the rows are merged by partition
// and key before the query's filter, projection and LIMIT run here. A key lookup
// on a table written by a query asks only the partition the key hashes to.
//
// Partitions move when servers come and go: a request for partitions a
// server no longer holds, a group in the middle of a rebalance or a
// server that does not answer is retried with fresh routes for up to
// forwardPatience.

const (
	forwardPatience = 10 * time.Second
	forwardBackoff  = 100 * time.Millisecond
	// forwardTimeout bounds one forwarded read, the holder's catch-up
	// with its partitions included.
	forwardTimeout = time.Minute
)

// viewRoutes is where a view's partitions are held: the address of each
// partition's holder, "" for this server.
type viewRoutes struct {
	holder map[int32]string
}

// errNotHeld is the answer for partitions that are not (or no longer)
// held here; the asking server retries with fresh routes.
var errNotHeld = errors.New("the partitions are not held by this server")

// retryable marks failures that fresh routes may cure.
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }
func (r retryable) Unwrap() error { return r.err }

// SetAdvertisedListener sets the address other servers reach this one at
// ("http://host:port"). Without one, each server's views read whole
// topics and no pull query is forwarded.
func (e *Engine) SetAdvertisedListener(url string) {
	e.viewMu.Lock()
	defer e.viewMu.Unlock()
	e.advertised = strings.TrimRight(url, "/")
}

// viewShare returns how src's view is shared, nil when it is not: the
// runtime cannot share topics or this server has no address to give.
// Callers hold e.viewMu.
func (e *Engine) viewShare(src *catalog.Source) *viewShare {
	rt, ok := e.rt.(SharedRuntime)
	if !ok || e.advertised == "" {
		return nil
	}
	return &viewShare{rt: rt, group: "_confluent-ksql-" + e.cfg.ServiceID + "view_" + src.Name, member: e.advertised}
}

// pullRows returns the rows req asks for, from this server's view and
// from the servers holding the partitions it does not, by partition and
// key.
func (e *Engine) pullRows(ctx context.Context, v *tableView, req wire.ViewRowsRequest) ([]*ops.Raw, error) {
	if req.Lookup && len(req.Keys) == 0 {
		return nil, nil // no key the table's key format can hold
	}
	if !v.shared {
		return e.localRows(ctx, v, req) // the whole topic is here
	}
	deadline := time.Now().Add(forwardPatience)
	for {
		rows, err := e.pullShared(ctx, v, req)
		var r retryable
		if err == nil || !errors.As(err, &r) {
			return rows, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no server answered for all partitions of %s within %s (servers may be joining or leaving): %w", v.name, forwardPatience, err)
		}
		v.forgetRoutes()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(forwardBackoff):
		}
	}
}

// pullShared reads req's rows once: from here and from the partitions'
// holders, at the same time.
func (e *Engine) pullShared(ctx context.Context, v *tableView, req wire.ViewRowsRequest) ([]*ops.Raw, error) {
	routes, err := e.routesOf(ctx, v)
	if err != nil {
		return nil, err
	}
	byHolder := map[string][]int32{}
	for _, p := range v.partitionsFor(req, routes) {
		byHolder[routes.holder[p]] = append(byHolder[routes.holder[p]], p)
	}
	if len(byHolder) == 1 && byHolder[""] != nil {
		// All here: the common case of a single server.
		req.Partitions = byHolder[""]
		return e.localRows(ctx, v, req)
	}
	// The first failure ends the other requests.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		rows  []*ops.Raw
		first error
	)
	for holder, parts := range byHolder {
		wg.Go(func() {
			sub := req
			sub.Partitions = parts
			var got []*ops.Raw
			var err error
			if holder == "" {
				got, err = e.localRows(ctx, v, sub)
			} else {
				got, err = e.remoteRows(ctx, holder, v.topic, sub)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
				cancel()
			}
			rows = append(rows, got...)
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return sortRows(rows), nil
}

// partitionsFor returns the partitions that may hold req's rows: the one
// each key hashes to when the table is written by a query (Kafka's
// murmur2 partitioning of the serialized key), all of them otherwise.
// Source tables may be written by any producer with any partitioner, and
// windowed keys hash with their window.
func (v *tableView) partitionsFor(req wire.ViewRowsRequest, routes *viewRoutes) []int32 {
	all := slices.Sorted(maps.Keys(routes.holder))
	if !req.Lookup || !v.hashRouted {
		return all
	}
	part := kgo.StickyKeyPartitioner(nil).ForTopic(v.topic)
	var out []int32
	for _, k := range req.Keys {
		p := int32(part.Partition(&kgo.Record{Key: k.Key}, len(all)))
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// routesOf returns where v's partitions are held, asking the group when
// the last answer predates the latest rebalance seen here.
func (e *Engine) routesOf(ctx context.Context, v *tableView) (*viewRoutes, error) {
	v.mu.Lock()
	routes, gen := v.routes, v.gen
	v.mu.Unlock()
	if routes != nil {
		return routes, nil
	}
	reassigning := retryable{fmt.Errorf("the partitions of %s are being reassigned among the servers", v.name)}
	holders, err := e.rt.(SharedRuntime).Owners(ctx, v.group, v.topic)
	if errors.Is(err, kafkaio.ErrRebalancing) {
		return nil, reassigning
	}
	if err != nil {
		return nil, err
	}
	// Every partition the topic has must have a holder (partitions may
	// have been added since the group's last assignment).
	ends, err := e.rt.EndOffsets(ctx, v.topic)
	if err != nil {
		return nil, err
	}
	for p := range ends {
		if _, ok := holders[p]; !ok {
			return nil, reassigning
		}
	}
	e.viewMu.Lock()
	self := e.advertised
	e.viewMu.Unlock()
	routes = &viewRoutes{holder: map[int32]string{}}
	for p, addr := range holders {
		if addr == self {
			addr = ""
		}
		routes.holder[p] = addr
	}
	v.mu.Lock()
	if v.gen == gen {
		v.routes = routes
	}
	v.mu.Unlock()
	return routes, nil
}

func (v *tableView) forgetRoutes() {
	v.mu.Lock()
	v.routes = nil
	v.mu.Unlock()
}

// localRows reads req's partitions of this server's share of v (every
// partition of a view that is not shared, when req names none), once the
// view is as fresh as req asks (endsToReach).
func (e *Engine) localRows(ctx context.Context, v *tableView, req wire.ViewRowsRequest) ([]*ops.Raw, error) {
	// gen counts assignment changes: if it moves before the rows are read,
	// some may have been dropped (or given back empty), so the read is
	// not trusted. The view's position and whether it is restored are
	// taken together, before any row is read: rows read later reflect at
	// least that position.
	v.mu.Lock()
	held, gen, whole := v.holds(req.Partitions), v.gen, len(req.Partitions) == len(v.owned)
	read, restored := maps.Clone(v.next), v.restoredLocked(req.Partitions)
	v.mu.Unlock()
	if !held {
		return nil, retryable{errNotHeld}
	}
	var in map[int32]bool
	if !whole {
		in = map[int32]bool{}
		for _, p := range req.Partitions {
			in[p] = true
		}
	}
	// A key lookup reads its rows while the end offsets are being listed
	// (the request for them starts when the query arrives): if the view
	// had read up to them already, these rows are the answer. A scan
	// reads once it knows, rather than risk reading twice.
	var rows []*ops.Raw
	var err error
	early := req.Lookup
	if early {
		if rows, err = v.read(req, in); err != nil {
			return nil, err
		}
	}
	all, listed, err := e.endsToReach(ctx, v, req, read, restored)
	if err != nil {
		return nil, err
	}
	ends := all
	if req.Partitions != nil && all != nil {
		ends = map[int32]int64{}
		for _, p := range req.Partitions {
			if end, ok := all[p]; ok {
				ends[p] = end
			}
		}
	}
	if !early || !reached(read, ends) {
		if err := v.sync(ctx, ends); err != nil {
			return nil, err
		}
		if rows, err = v.read(req, in); err != nil {
			return nil, err
		}
	}
	if listed {
		v.markRestored(ends, gen)
	}
	v.mu.Lock()
	moved := v.gen != gen
	v.mu.Unlock()
	if moved {
		return nil, retryable{errNotHeld}
	}
	return rows, nil
}

// endsToReach returns the end offsets v must reach before it answers req,
// and whether they were listed for it (after it arrived). read is the
// view's position when the query began, restored whether its partitions
// were restored then. A query that allows no lag (read-your-writes), and
// any query on partitions the view had not restored, gets such a listing.
// Otherwise, as in ksqlDB, the restored view answers at once when the lag
// is unbounded (ksqlDB's default), and a bounded lag is measured from read
// to the newest end offsets this server knows (listed at most a second
// ago, refreshed as pull queries come): a view within it answers at once
// (no ends to reach), one behind it first reads up to them.
func (e *Engine) endsToReach(ctx context.Context, v *tableView, req wire.ViewRowsRequest, read map[int32]int64, restored bool) (map[int32]int64, bool, error) {
	if req.MaxOffsetLag > 0 && restored {
		if req.MaxOffsetLag == math.MaxInt64 {
			return nil, false, nil
		}
		if r, ok := e.rt.(EndOffsetHints); ok {
			if known, ok := r.RecentEndOffsets(v.topic); ok {
				if withinLag(read, known, req.Partitions, req.MaxOffsetLag) {
					return nil, false, nil
				}
				return known, false, nil
			}
		}
	}
	ends, err := e.rt.EndOffsets(ctx, v.topic)
	return ends, err == nil, err
}

// ViewRows answers another server's forwarded read (POST
// /internal/view-rows) with the rows in the form decodeViewRows reads.
func (e *Engine) ViewRows(ctx context.Context, req wire.ViewRowsRequest) ([]byte, error) {
	// A server that has no view open holds nothing: opening one here would
	// join the group and move partitions about (a restarted server asked
	// on routes from before its restart).
	notHeld := wire.NewError(wire.CodeNotHeld, fmt.Sprintf("This server does not hold partitions %v of %s.", req.Partitions, req.Table))
	if len(req.Partitions) == 0 {
		return nil, wire.BadRequest("A forwarded read names the partitions it wants.")
	}
	e.viewMu.Lock()
	v, ok := e.views[req.Table]
	e.viewMu.Unlock()
	if !ok {
		return nil, notHeld
	}
	rows, err := e.localRows(ctx, v, req)
	if errors.Is(err, errNotHeld) {
		return nil, notHeld
	}
	if err != nil {
		return nil, err
	}
	return encodeViewRows(rows), nil
}

// encodeViewRows writes rows for decodeViewRows: each key, then what the
// view stores for it, both length-prefixed.
func encodeViewRows(rows []*ops.Raw) []byte {
	var b []byte
	for _, r := range rows {
		b = binary.AppendUvarint(b, uint64(len(r.Key)))
		b = append(b, r.Key...)
		row := encodeViewRow(r)
		b = binary.AppendUvarint(b, uint64(len(row)))
		b = append(b, row...)
	}
	return b
}

// remoteRows asks the server at addr for req's rows, giving up after
// forwardTimeout: a server that takes longer is as good as gone.
func (e *Engine) remoteRows(ctx context.Context, addr, topic string, req wire.ViewRowsRequest) ([]*ops.Raw, error) {
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, addr+wire.ViewRowsPath, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	resp, err := e.peers.Do(hreq)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err()
		}
		return nil, retryable{fmt.Errorf("forwarding the pull query on %s to %s: %w", req.Table, addr, err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, retryable{fmt.Errorf("reading the rows of %s from %s: %w", req.Table, addr, err)}
	}
	if resp.StatusCode != http.StatusOK {
		var we struct {
			Code    int    `json:"error_code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &we)
		err := fmt.Errorf("forwarding the pull query on %s to %s: %s (status %d)", req.Table, addr, we.Message, resp.StatusCode)
		if we.Code == wire.CodeNotHeld || resp.StatusCode >= 500 {
			return nil, retryable{err}
		}
		return nil, err
	}
	return decodeViewRows(topic, b)
}

// decodeViewRows reads what encodeViewRows wrote. Another server's answer
// is checked as it is read: a malformed one is an error, not a panic.
func decodeViewRows(topic string, b []byte) (out []*ops.Raw, err error) {
	defer func() {
		if recover() != nil {
			out, err = nil, errors.New("malformed rows from another server")
		}
	}()
	next := func() ([]byte, bool) {
		n, m := binary.Uvarint(b)
		if m <= 0 || uint64(len(b)-m) < n {
			return nil, false
		}
		field := b[m : m+int(n)]
		b = b[m+int(n):]
		return field, true
	}
	for len(b) > 0 {
		key, ok1 := next()
		row, ok2 := next()
		if !ok1 || !ok2 || len(row) < 12 {
			return nil, errors.New("malformed rows from another server")
		}
		out = append(out, decodeViewRow(topic, key, row))
	}
	return out, nil
}

// HeldPartitions returns the partitions of table's view that this server
// holds, sorted; nil when the view is not open or not shared.
func (e *Engine) HeldPartitions(table string) []int32 {
	e.viewMu.Lock()
	v, ok := e.views[table]
	e.viewMu.Unlock()
	if !ok {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.shared {
		return nil
	}
	return slices.Sorted(maps.Keys(v.owned))
}
