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
	for deadline := time.Now().Add(30 * time.Second); ; {
		c.mu.Lock()
		q := c.topics["t"]
		n := 0
		if q != nil && q.next != nil {
			n = q.next.waiters
		}
		c.mu.Unlock()
		if n == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d callers queued, want 5", n)
		}
		time.Sleep(time.Millisecond)
	}
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
	for deadline := time.Now().Add(30 * time.Second); ; {
		c.mu.Lock()
		busy := c.topics["u"] != nil
		c.mu.Unlock()
		if busy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the leader did not start")
		}
		time.Sleep(time.Millisecond)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.get(cctx, "u", slow); err == nil {
		t.Fatal("a cancelled caller waited")
	}
	close(release2)
	<-leader
}
