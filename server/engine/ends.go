package engine

import (
	"context"
	"sync"
	"time"
)

// endsCoalescer shares end-offset requests among concurrent pull queries
// on one topic without weakening what each sees: a pull query needs end
// offsets listed after it arrived, so it joins the request in flight only
// if that started after the query arrived (withArrival), else the next
// one, and at most two requests per topic are pending at any time.
//
// It also remembers each topic's last listing, for pull queries that
// accept an offset lag (recent).
type endsCoalescer struct {
	mu     sync.Mutex
	topics map[string]*endsQueue
	last   map[string]*endsFlight // the newest listing that succeeded
}

type endsQueue struct {
	running, next *endsFlight
}

type endsFlight struct {
	done    chan struct{}
	started time.Time
	shared  bool // runs in its own context, not a caller's
	waiters int  // callers sharing it (guarded by the coalescer's mu)
	ends    map[int32]int64
	err     error
}

// endsTimeout bounds one shared request: it outlives the requests that
// wait for it, so it cannot use their contexts.
const endsTimeout = 10 * time.Second

// get returns end offsets of topic listed by fetch after the call began.
func (c *endsCoalescer) get(ctx context.Context, topic string, fetch func(context.Context, string) (map[int32]int64, error)) (map[int32]int64, error) {
	c.mu.Lock()
	if c.topics == nil {
		c.topics = map[string]*endsQueue{}
	}
	q := c.topics[topic]
	if q == nil {
		q = &endsQueue{}
		c.topics[topic] = q
	}
	var f *endsFlight
	since := arrival(ctx)
	switch {
	case q.running == nil:
		// Nothing in flight: this caller lists the offsets itself, in
		// its own goroutine and context (no one else shares this flight
		// but callers that arrive after it started).
		f = &endsFlight{done: make(chan struct{}), waiters: 1, started: time.Now()}
		q.running = f
		c.mu.Unlock()
		// Whatever fetch does, the callers queued behind it go on.
		defer func() {
			close(f.done)
			c.advance(topic, q, f, fetch)
		}()
		f.ends, f.err = fetch(ctx, topic)
		return f.ends, f.err
	case q.running.shared && !since.IsZero() && !q.running.started.Before(since):
		f = q.running
	default:
		if q.next == nil {
			q.next = &endsFlight{done: make(chan struct{})}
		}
		f = q.next
	}
	f.waiters++
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.ends, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// advance starts the next flight of a topic, if callers wait for one, once
// the running one, done, is over.
func (c *endsCoalescer) advance(topic string, q *endsQueue, done *endsFlight, fetch func(context.Context, string) (map[int32]int64, error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if done.err == nil && (c.last[topic] == nil || c.last[topic].started.Before(done.started)) {
		if c.last == nil {
			c.last = map[string]*endsFlight{}
		}
		c.last[topic] = done
	}
	q.running, q.next = q.next, nil
	if q.running == nil {
		delete(c.topics, topic)
		return
	}
	c.fly(topic, q, q.running, fetch)
}

// prefetch starts listing topic's end offsets now, for a request that
// will ask for them once it knows it needs them, unless a request for
// them is already in flight.
func (c *endsCoalescer) prefetch(topic string, fetch func(context.Context, string) (map[int32]int64, error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.topics == nil {
		c.topics = map[string]*endsQueue{}
	}
	q := c.topics[topic]
	if q != nil {
		return
	}
	q = &endsQueue{running: &endsFlight{done: make(chan struct{})}}
	c.topics[topic] = q
	c.fly(topic, q, q.running, fetch)
}

// fly runs f, a flight that callers share, in its own goroutine; callers
// hold c.mu.
func (c *endsCoalescer) fly(topic string, q *endsQueue, f *endsFlight, fetch func(context.Context, string) (map[int32]int64, error)) {
	f.started, f.shared = time.Now(), true
	go func() {
		// Shared by several callers, so bound by its own timeout.
		ctx, cancel := context.WithTimeout(context.Background(), endsTimeout)
		f.ends, f.err = fetch(ctx, topic)
		cancel()
		close(f.done)
		c.advance(topic, q, f, fetch)
	}()
}

// Ends known to recent are trusted for recentEndsAge after they were
// asked for, and asked for again in the background once they are older
// than refreshEndsAge: an offset lag is measured against ends at most that
// old while pull queries come.
const (
	recentEndsAge  = time.Second
	refreshEndsAge = 100 * time.Millisecond
)

// recent returns the newest end offsets of topic listed within
// recentEndsAge, refreshing them in the background if they are older than
// refreshEndsAge.
func (c *endsCoalescer) recent(topic string, fetch func(context.Context, string) (map[int32]int64, error)) (map[int32]int64, bool) {
	c.mu.Lock()
	f := c.last[topic]
	c.mu.Unlock()
	if f == nil {
		return nil, false
	}
	age := time.Since(f.started)
	if age > refreshEndsAge {
		c.prefetch(topic, fetch)
	}
	return f.ends, age <= recentEndsAge
}

// forget drops what is known of topics' end offsets (they were deleted).
func (c *endsCoalescer) forget(topics ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range topics {
		delete(c.last, t)
	}
}

type arrivalKey struct{}

// withArrival records when a request arrived: end offsets listed after
// that are fresh enough for it, even if another caller asked for them.
func withArrival(ctx context.Context, at time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, at)
}

func arrival(ctx context.Context) time.Time {
	at, _ := ctx.Value(arrivalKey{}).(time.Time)
	return at
}
