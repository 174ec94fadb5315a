package engine

import (
	"context"
	"sync"
	"time"
)

// endsCoalescer shares end-offset requests among concurrent pull queries
// on one topic without weakening what each sees: a pull query needs end
// offsets listed after it arrived, so it joins a request that has not
// started yet (the next one) rather than the one in flight, and at most
// two requests per topic are pending at any time.
type endsCoalescer struct {
	mu     sync.Mutex
	topics map[string]*endsQueue
}

type endsQueue struct {
	running, next *endsFlight
}

type endsFlight struct {
	done    chan struct{}
	waiters int // callers sharing it (guarded by the coalescer's mu)
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
	switch {
	case q.running == nil:
		// Nothing in flight: this caller lists the offsets itself, in
		// its own goroutine and context (no one else shares this flight).
		f = &endsFlight{done: make(chan struct{}), waiters: 1}
		q.running = f
		c.mu.Unlock()
		f.ends, f.err = fetch(ctx, topic)
		close(f.done)
		c.advance(topic, q, fetch)
		return f.ends, f.err
	case q.next == nil:
		q.next = &endsFlight{done: make(chan struct{})}
	}
	f = q.next
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
// the running one is done.
func (c *endsCoalescer) advance(topic string, q *endsQueue, fetch func(context.Context, string) (map[int32]int64, error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q.running, q.next = q.next, nil
	if q.running == nil {
		delete(c.topics, topic)
		return
	}
	go func(f *endsFlight) {
		// Shared by several callers, so bound by its own timeout.
		ctx, cancel := context.WithTimeout(context.Background(), endsTimeout)
		f.ends, f.err = fetch(ctx, topic)
		cancel()
		close(f.done)
		c.advance(topic, q, fetch)
	}(q.running)
}
