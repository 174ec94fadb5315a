package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/eddysql/eddy/datagen"
)

func runDatagen(args []string) int {
	fs := flag.NewFlagSet("datagen", flag.ContinueOnError)
	quickstart := fs.String("quickstart", "pageviews", "pageviews, users, orders or clickstream")
	topic := fs.String("topic", "", "topic to write (default: the quickstart's name)")
	rate := fs.Float64("rate", 10, "records per second; 0 for as fast as possible")
	iterations := fs.Int64("iterations", 0, "stop after this many records; 0 runs until interrupted")
	bootstrap := fs.String("bootstrap-servers", "127.0.0.1:9092", "Kafka bootstrap servers (the embedded broker of `eddy server` by default)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	n, err := datagen.Run(ctx, datagen.Config{Brokers: strings.Split(*bootstrap, ","), Quickstart: *quickstart,
		Topic: *topic, Rate: *rate, Iterations: *iterations, Seed: uint64(time.Now().UnixNano())})
	fmt.Fprintf(os.Stderr, "eddy datagen: produced %d %s records\n", n, *quickstart)
	if err != nil {
		fmt.Fprintln(os.Stderr, "eddy datagen:", err)
		return 1
	}
	return 0
}
