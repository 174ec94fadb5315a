package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/executor/ops"
)

// TransientConfig configures a push query or PRINT.
type TransientConfig struct {
	Brokers       []string
	Topics        []string
	ResetEarliest bool
	// Start, if set, reads the one topic of Topics from these offsets,
	// only its partitions listed.
	Start map[int32]int64
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
	opts := []kgo.Opt{kgo.SeedBrokers(cfg.Brokers...), kgo.ConsumeResetOffset(reset)}
	if cfg.Start != nil && len(cfg.Topics) == 1 {
		at := map[int32]kgo.Offset{}
		for p, off := range cfg.Start {
			at[p] = kgo.NewOffset().At(off)
		}
		opts = append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{cfg.Topics[0]: at}))
	} else {
		opts = append(opts, kgo.ConsumeTopics(cfg.Topics...))
	}
	cl, err := newConsumer(opts, cfg.ReadCommitted, cfg.ClientOpts)
	if err != nil {
		return err
	}
	defer cl.Close()
	err = pollRecords(ctx, cl, cfg.Log, cfg.Handle, nil, nil)
	if errors.Is(err, ops.ErrLimitReached) {
		return nil
	}
	return err
}

// newConsumer makes a consumer client of opts, then extra.
func newConsumer(opts []kgo.Opt, readCommitted bool, extra []kgo.Opt) (*kgo.Client, error) {
	if readCommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("creating consumer: %w", err)
	}
	return cl, nil
}

// pollRecords hands each record cl fetches to handle until ctx ends (nil),
// handle fails (its error) or a fetch fails for good. Control records (if cl keeps them) go to
// marker instead. afterPoll, if set, runs after each poll's records, and
// once more when ctx ends.
func pollRecords(ctx context.Context, cl *kgo.Client, log *slog.Logger, handle func(context.Context, *ops.Raw) error,
	marker func(partition int32, offset int64), afterPoll func()) error {
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			if afterPoll != nil {
				afterPoll()
			}
			return nil
		}
		for _, fe := range fetches.Errors() {
			// An error Kafka does not retry (authorization, most of all)
			// ends the read: it would only repeat.
			var ke *kerr.Error
			if errors.As(fe.Err, &ke) && !ke.Retriable {
				if afterPoll != nil {
					afterPoll()
				}
				return fmt.Errorf("reading %s[%d]: %w", fe.Topic, fe.Partition, fe.Err)
			}
			if log != nil && !errors.Is(fe.Err, context.Canceled) {
				log.Warn("fetch error", "topic", fe.Topic, "partition", fe.Partition, "error", fe.Err)
			}
		}
		var herr error
		fetches.EachRecord(func(r *kgo.Record) {
			switch {
			case herr != nil:
			case r.Attrs.IsControl():
				if marker != nil {
					marker(r.Partition, r.Offset)
				}
			default:
				herr = handle(ctx, FromKafka(r))
			}
		})
		if afterPoll != nil {
			afterPoll()
		}
		if herr != nil {
			return herr
		}
	}
}
