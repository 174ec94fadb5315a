package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner"
)

// Scalable push queries (ksqlDB's push queries v2, on with
// ksql.query.push.v2.enabled): push queries that read what one persistent
// query writes, from the latest offsets, share one reader of its sink
// topic per server (a sinkTap) instead of each having a consumer of its
// own. The tap hands every record to each query registered; a query that
// falls tapBuffer records behind is ended with an error rather than
// holding the others up.

const (
	tapBuffer = 4096
	// tapStartTimeout bounds the end-offsets request that starts a tap
	// (the engine lock is held meanwhile).
	tapStartTimeout = 10 * time.Second
)

// errTapOverflow ends a scalable push query whose client reads too slowly.
var errTapOverflow = errors.New("the scalable push query fell too far behind its source and was stopped; read its rows faster or run a push query of its own (ksql.query.push.v2.enabled=false)")

type sinkTap struct {
	topic  string
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	subs map[*tapSub]bool
	err  error // why the reader stopped, if it did
}

type tapSub struct {
	records chan *ops.Raw
	ended   chan struct{} // closed when the tap drops the subscriber
	err     error         // why, set before ended is closed
}

// isScalablePush tells whether q is served as a scalable push query:
// push queries v2 enabled, the query's shape allows it, it reads from the
// latest offsets and exactly one persistent query writes its source.
// Callers hold e.mu.
func (e *Engine) isScalablePush(q *ast.Query, props map[string]string) bool {
	if !e.boolProperty(props, "ksql.query.push.v2.enabled", false) {
		return false
	}
	name, ok := planner.ScalablePushSource(q)
	if !ok {
		return false
	}
	src, ok := e.cat.Source(name)
	if !ok {
		return false
	}
	if _, writers := e.queriesOf(src.Name); len(writers) != 1 {
		return false
	}
	return e.offsetReset(props) == "latest"
}

// subscribe registers a scalable push query with the tap of topic,
// starting the tap if it is the first. The query sees what is written
// after subscribe returns.
func (e *Engine) subscribe(ctx context.Context, topic string) (*sinkTap, *tapSub, error) {
	sub := &tapSub{records: make(chan *ops.Raw, tapBuffer), ended: make(chan struct{})}
	e.tapMu.Lock()
	defer e.tapMu.Unlock()
	if t, ok := e.taps[topic]; ok {
		t.mu.Lock()
		alive := t.err == nil
		if alive {
			t.subs[sub] = true
		}
		t.mu.Unlock()
		if alive {
			return t, sub, nil
		}
		delete(e.taps, topic) // it failed: start over with a new reader
	}
	ctx, cancel := context.WithTimeout(ctx, tapStartTimeout)
	ends, err := e.rt.EndOffsets(ctx, topic)
	cancel()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the end of %s: %w", topic, err)
	}
	// The first subscriber is in before the reader starts: nothing it
	// reads goes to nobody.
	tctx, stop := context.WithCancel(context.Background())
	t := &sinkTap{topic: topic, cancel: stop, done: make(chan struct{}), subs: map[*tapSub]bool{sub: true}}
	go func() {
		defer close(t.done)
		err := e.rt.Follow(tctx, topic, ends, t.dispatch)
		if err == nil && tctx.Err() == nil {
			err = errors.New("the topic reader stopped")
		}
		if err != nil && tctx.Err() == nil {
			t.fail(fmt.Errorf("reading %s: %w", topic, err))
		}
	}()
	e.taps[topic] = t
	return t, sub, nil
}

// unsubscribe removes a query from its tap and stops a tap nobody reads.
func (e *Engine) unsubscribe(t *sinkTap, sub *tapSub) {
	e.tapMu.Lock()
	t.mu.Lock()
	delete(t.subs, sub)
	idle := len(t.subs) == 0
	t.mu.Unlock()
	if idle && e.taps[t.topic] == t {
		delete(e.taps, t.topic)
	}
	e.tapMu.Unlock()
	if idle {
		t.cancel()
		<-t.done
	}
}

// dispatch hands a record to every subscriber.
func (t *sinkTap) dispatch(_ context.Context, r *ops.Raw) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for sub := range t.subs {
		select {
		case sub.records <- r:
		default:
			t.drop(sub, errTapOverflow)
		}
	}
	return nil
}

// fail ends every subscriber with err; callers do not hold t.mu.
func (t *sinkTap) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.err = err
	for sub := range t.subs {
		t.drop(sub, err)
	}
}

// drop ends one subscriber; callers hold t.mu.
func (t *sinkTap) drop(sub *tapSub, err error) {
	delete(t.subs, sub)
	sub.err = err
	close(sub.ended)
}

// run feeds the subscriber's records to topo until ctx ends, the query's
// LIMIT is reached or the tap drops it. keyed marks a source with key
// columns, whose records without a key ksqlDB's scalable push queries
// leave out (unlike other push queries).
func (sub *tapSub) run(ctx context.Context, topo *ops.Topology, keyed bool) error {
	for {
		select {
		case r := <-sub.records:
			if keyed && r.Key == nil {
				continue
			}
			if err := topo.Process(ctx, r); err != nil {
				if errors.Is(err, ops.ErrLimitReached) {
					return nil
				}
				return err
			}
		case <-sub.ended:
			return sub.err
		case <-ctx.Done():
			return nil
		}
	}
}

// ScalablePushReaders lists the sink topics that scalable push queries
// are reading, one reader each.
func (e *Engine) ScalablePushReaders() []string {
	e.tapMu.Lock()
	defer e.tapMu.Unlock()
	return slices.Sorted(maps.Keys(e.taps))
}
