package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Callers arriving while a request is in flight share the next one, which
// starts after they arrived: two requests serve them all.
func TestEndsCoalescer(t *testing.T) {
	var c endsCoalescer
	var calls atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	fetch := func(context.Context, string) (map[int32]int64, error) {
		n := calls.Add(1)
		started <- struct{}{}
		<-release
		return map[int32]int64{0: int64(n)}, nil
	}
	ctx := context.Background()
	first := make(chan map[int32]int64, 1)
	go func() {
		ends, _ := c.get(ctx, "t", fetch)
		first <- ends
	}()
	<-started // the first request is in flight
	var wg sync.WaitGroup
	got := make([]map[int32]int64, 5)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = c.get(ctx, "t", fetch)
		}()
	}
	// Wait until all five share the next request.
	c.await(t, "five callers queued", func() bool {
		q := c.topics["t"]
		return q != nil && q.next != nil && q.next.waiters == 5
	})
	close(release)
	if ends := <-first; ends[0] != 1 {
		t.Fatalf("first caller got %v", ends)
	}
	wg.Wait()
	for i, ends := range got {
		if ends[0] != 2 {
			t.Errorf("caller %d got %v, want the request started after it arrived", i, ends)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	// A caller waiting for the next request stops waiting when its
	// context ends.
	release2 := make(chan struct{})
	slow := func(ctx context.Context, _ string) (map[int32]int64, error) {
		select {
		case <-release2:
		case <-ctx.Done():
		}
		return nil, nil
	}
	leader := make(chan struct{})
	go func() {
		defer close(leader)
		_, _ = c.get(ctx, "u", slow)
	}()
	c.await(t, "the leader started", func() bool { return c.topics["u"] != nil })
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.get(cctx, "u", slow); err == nil {
		t.Fatal("a cancelled caller waited")
	}
	close(release2)
	<-leader
}

// A caller joins a prefetched request that started after it arrived; one
// that arrived after it started waits for the next. The last listing is
// then known to recent.
func TestEndsPrefetchAndRecent(t *testing.T) {
	var c endsCoalescer
	var calls atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context, string) (map[int32]int64, error) {
		n := calls.Add(1)
		<-release
		return map[int32]int64{0: int64(n)}, nil
	}
	if _, ok := c.recent("t", fetch); ok {
		t.Fatal("recent ends before any listing")
	}
	arrived := withArrival(context.Background(), time.Now())
	c.prefetch("t", fetch)
	got := make(chan map[int32]int64, 2)
	go func() {
		ends, _ := c.get(arrived, "t", fetch)
		got <- ends
	}()
	late := withArrival(context.Background(), time.Now())
	go func() {
		ends, _ := c.get(late, "t", fetch)
		got <- ends
	}()
	c.await(t, "one caller joined the prefetch, one the next request", func() bool {
		q := c.topics["t"]
		return q != nil && q.running.waiters == 1 && q.next != nil && q.next.waiters == 1
	})
	close(release)
	a, b := <-got, <-got
	if a[0]+b[0] != 3 || a[0] == b[0] {
		t.Fatalf("callers got %v and %v, want one from each request", a, b)
	}
	if calls.Load() != 2 {
		t.Fatalf("%d requests, want 2", calls.Load())
	}
	ends, ok := c.recent("t", fetch)
	if !ok || ends[0] != 2 {
		t.Fatalf("recent ends %v (%v), want the second listing", ends, ok)
	}
}

// await waits until cond, called with c.mu held, holds.
func (c *endsCoalescer) await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		c.mu.Lock()
		ok := cond()
		c.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
