package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/ops"
)

// TransientConfig configures a push query or PRINT.
type TransientConfig struct {
	Brokers       []string
	Topics        []string
	ResetEarliest bool
	// Handle receives every record; returning ops.ErrLimitReached ends the
	// run cleanly.
	Handle     func(ctx context.Context, raw *ops.Raw) error
	Log        *slog.Logger
	ClientOpts []kgo.Opt
	// ReadCommitted reads only committed transactional records, as
	// consumers of exactly-once queries' output should.
	ReadCommitted bool
}

// RunTransient reads the topics without a consumer group until ctx is
// cancelled or Handle reports the limit reached.
func RunTransient(ctx context.Context, cfg TransientConfig) error {
	reset := kgo.NewOffset().AtEnd()
	if cfg.ResetEarliest {
		reset = kgo.NewOffset().AtStart()
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ConsumeTopics(cfg.Topics...),
		kgo.ConsumeResetOffset(reset),
	}
	if cfg.ReadCommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(append(opts, cfg.ClientOpts...)...)
	if err != nil {
		return fmt.Errorf("creating consumer: %w", err)
	}
	defer cl.Close()
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		for _, fe := range fetches.Errors() {
			if cfg.Log != nil && !errors.Is(fe.Err, context.Canceled) {
				cfg.Log.Warn("fetch error", "topic", fe.Topic, "partition", fe.Partition, "error", fe.Err)
			}
		}
		var herr error
		fetches.EachRecord(func(r *kgo.Record) {
			if herr == nil {
				herr = cfg.Handle(ctx, FromKafka(r))
			}
		})
		if errors.Is(herr, ops.ErrLimitReached) {
			return nil
		}
		if herr != nil {
			return herr
		}
	}
}
