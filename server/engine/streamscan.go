package engine

import (
	"context"
	"errors"
	"time"

	"github.com/eddysql/eddy/executor/ops"
)

// scanIdle ends a stream pull query whose reader has seen nothing for
// this long: offsets a reader never sees (transaction markers) would
// otherwise keep it from reaching the end offsets.
const scanIdle = 2 * time.Second

// errScanned ends a stream pull query's read at the end offsets.
var errScanned = errors.New("read to the end")

// scanToEnd answers a pull query on a stream
// (ksql.query.pull.stream.enabled): the topic's records up to the end
// offsets it has when the query starts go through topo, then the query
// completes.
func (e *Engine) scanToEnd(ctx context.Context, topic string, topo *ops.Topology) error {
	ends, err := e.rt.EndOffsets(ctx, topic)
	if err != nil {
		return err
	}
	next := map[int32]int64{} // the reader calls handle from one goroutine
	if reached(next, ends) {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	idle := time.AfterFunc(scanIdle, cancel)
	defer idle.Stop()
	from := make(map[int32]int64, len(ends))
	for p := range ends {
		from[p] = 0
	}
	err = e.rt.Follow(ctx, topic, from, func(ctx context.Context, r *ops.Raw) error {
		idle.Reset(scanIdle)
		if end, ok := ends[r.Partition]; !ok || r.Offset >= end {
			return nil // written after the query started
		}
		if err := topo.Process(ctx, r); err != nil {
			return err
		}
		next[r.Partition] = r.Offset + 1
		if reached(next, ends) {
			return errScanned
		}
		return nil
	})
	if errors.Is(err, errScanned) || errors.Is(err, ops.ErrLimitReached) {
		return nil
	}
	return err
}
