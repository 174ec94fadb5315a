// Command eddy is Eddy's single binary: `eddy server` runs the streaming
// SQL server, `eddy shell` the ksql> shell, `eddy version` prints the
// version.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/eddysql/eddy/server"
	"github.com/eddysql/eddy/server/config"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: eddy <command> [flags]

commands:
  server    run the streaming SQL server (eddy server -h for flags)
  shell     the ksql> shell over the REST API (eddy shell -h for flags)
  datagen   produce sample data: eddy datagen --quickstart pageviews --topic pageviews --rate 10
  version   print the version`)
}

func run(args []string) int {
	if len(args) == 0 {
		usage()
		return 2
	}
	switch args[0] {
	case "server":
		return runServer(args[1:])
	case "shell":
		return runShell(args[1:])
	case "datagen":
		return runDatagen(args[1:])
	case "version", "--version", "-version":
		fmt.Println("eddy", server.Version)
		return 0
	case "help", "-h", "--help":
		usage()
		return 0
	}
	fmt.Fprintf(os.Stderr, "eddy: unknown command %q\n", args[0])
	usage()
	return 2
}

func runServer(args []string) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	configFile := fs.String("config", "", "server properties file (ksqlDB's ksql-server.properties format)")
	bootstrap := fs.String("bootstrap-servers", "", "Kafka bootstrap servers; empty starts the embedded development broker")
	listeners := fs.String("listeners", "", "REST listener, e.g. http://0.0.0.0:8088")
	stateDir := fs.String("state-dir", "", "state directory (ksql.streams.state.dir)")
	queriesFile := fs.String("queries-file", "", "run headless with the statements of this file")
	serviceID := fs.String("service-id", "", "ksql.service.id")
	verbose := fs.Bool("v", false, "debug logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg := config.Defaults()
	if *configFile != "" {
		if err := cfg.LoadFile(*configFile); err != nil {
			fmt.Fprintln(os.Stderr, "eddy:", err)
			return 1
		}
	}
	cfg.LoadEnv(os.Environ())
	for key, v := range map[string]string{
		config.BootstrapServers: *bootstrap, config.Listeners: *listeners, config.StateDir: *stateDir,
		config.QueriesFile: *queriesFile, config.ServiceID: *serviceID,
	} {
		if v != "" {
			cfg[key] = v
		}
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := server.Run(ctx, cfg, log); err != nil {
		log.Error("server failed", "error", err)
		return 1
	}
	return 0
}
