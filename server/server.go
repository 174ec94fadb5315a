// Package server assembles Eddy's server: configuration, the Kafka
// connection (or the embedded development broker), the engine and the
// REST API, and runs it until its context ends.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/server/commandlog"
	"github.com/eddysql/eddy/server/config"
	"github.com/eddysql/eddy/server/engine"
	"github.com/eddysql/eddy/server/rest"
	"github.com/eddysql/eddy/udf/wasm"
)

// Version is the server version reported by /info.
const Version = "0.1.0"

// Server is a running Eddy server.
type Server struct {
	cfg      config.Config
	commands *commandlog.Log
	stopTail context.CancelFunc
	tailDone chan struct{}
	log      *slog.Logger
	broker   *kfake.Cluster
	engine   *engine.Engine
	http     *http.Server
	ln       net.Listener
	brokers  []string
	udfs     *wasm.Extensions

	// schema registry (registry.go)
	stopRegistry func()
	registryURL  string
}

// Start brings the server up: broker connection, engine, statements of a
// queries file (headless) and the HTTP listener. It returns once the
// server is serving; Run waits for it to end.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, log: log}
	stateDir := cfg.Get(config.StateDir, "eddy-data")
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating state dir: %w", err)
	}
	if bs := cfg.Get(config.BootstrapServers, ""); bs != "" {
		s.brokers = strings.Split(bs, ",")
	} else if err := s.startEmbeddedBroker(stateDir); err != nil {
		return nil, err
	}
	// processing.guarantee: the server property, or its unprefixed
	// Kafka Streams name.
	ms := func(key string) time.Duration {
		n, _ := strconv.Atoi(cfg.Get(key, "0"))
		return time.Duration(n) * time.Millisecond
	}
	rt, err := engine.NewKafkaRuntime(s.brokers, filepath.Join(stateDir, "queries"), log,
		engine.WithProcessingGuarantee(engine.ProcessingGuarantee(cfg)),
		engine.WithGroupTimeouts(ms("ksql.streams.session.timeout.ms"), ms("ksql.streams.heartbeat.interval.ms")))
	if err != nil {
		s.shutdownBroker()
		return nil, err
	}
	replicas, _ := strconv.Atoi(cfg.Get(config.InternalReplicas, "1"))
	var wrap *bool
	if v, err := strconv.ParseBool(cfg.Get("ksql.persistence.wrap.single.values", "")); err == nil {
		wrap = &v
	}
	engineOpts := []engine.Option{engine.WithLogger(log), engine.WithViewDir(filepath.Join(stateDir, "views"))}
	srOpt, err := s.startSchemaRegistry(stateDir)
	if err != nil {
		_ = rt.Close()
		s.shutdownBroker()
		return nil, err
	}
	engineOpts = append(engineOpts, srOpt)
	headless := cfg.Get(config.QueriesFile, "") != ""
	if !headless {
		// Interactive servers keep their statements in the command topic
		// and replay it, so queries survive restarts.
		cl, err := commandlog.Open(ctx, s.brokers, cfg.Get(config.ServiceID, "default_"))
		if err != nil {
			_ = rt.Close()
			s.shutdownBroker()
			return nil, err
		}
		s.commands = cl
		engineOpts = append(engineOpts, engine.WithCommandLog(cl))
	}
	s.engine = engine.New(engine.Config{
		ServiceID: cfg.Get(config.ServiceID, "default_"), Properties: cfg.KsqlProperties(),
		Planner: planner.Config{
			DefaultKeyFormat:   cfg.Get("ksql.persistence.default.format.key", "KAFKA"),
			DefaultValueFormat: cfg.Get("ksql.persistence.default.format.value", ""),
			OutputTopicPrefix:  cfg.Get("ksql.output.topic.name.prefix", ""),
			WrapSingleValues:   wrap,
			NewQueryPlanner:    cfg.Get("ksql.new.query.planner.enabled", "") == "true",
		},
		DefaultReplicas: replicas, Version: Version,
	}, rt, engineOpts...)
	// User functions (WebAssembly modules of ksql.extension.dir) must be
	// registered before the command topic's statements replay.
	if err := s.loadUserFunctions(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.commands != nil {
		entries, err := s.commands.ReadAll(ctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		replay := make([]engine.CommandEntry, len(entries))
		for i, e := range entries {
			replay[i] = engine.CommandEntry{Offset: e.Offset, Statement: e.Statement, Properties: e.Properties}
		}
		s.engine.Replay(ctx, replay)
		if len(replay) > 0 {
			log.Info("replayed the command topic", "commands", len(replay))
		}
		next := int64(0)
		if len(entries) > 0 {
			next = entries[len(entries)-1].Offset + 1
		}
		tailCtx, cancel := context.WithCancel(context.Background())
		s.stopTail = cancel
		s.tailDone = make(chan struct{})
		go func() {
			defer close(s.tailDone)
			err := s.commands.Tail(tailCtx, next, func(e commandlog.Entry) {
				s.engine.Apply(tailCtx, engine.CommandEntry{Offset: e.Offset, Statement: e.Statement, Properties: e.Properties, Own: e.Own})
			})
			if err != nil {
				log.Error("tailing the command topic stopped", "error", err)
			}
		}()
	}

	var opts []rest.Option
	opts = append(opts, rest.WithLogger(log))
	if file := cfg.Get(config.QueriesFile, ""); file != "" {
		if err := s.runQueriesFile(ctx, file); err != nil {
			s.Close()
			return nil, err
		}
		opts = append(opts, rest.WithHeadless())
	}
	addr, err := listenAddr(cfg.Get(config.Listeners, "http://0.0.0.0:8088"))
	if err != nil {
		s.Close()
		return nil, err
	}
	if s.ln, err = net.Listen("tcp", addr); err != nil {
		s.Close()
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	advertised, err := advertisedListener(cfg.Get("ksql.advertised.listener", ""), s.ln.Addr())
	if err != nil {
		s.Close()
		return nil, err
	}
	s.engine.SetAdvertisedListener(advertised)
	s.http = rest.NewServer(addr, rest.NewHandler(s.engine, opts...))
	go func() {
		if err := s.http.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "error", err)
		}
	}()
	log.Info("Eddy server listening", "address", s.ln.Addr().String(), "kafka", strings.Join(s.brokers, ","),
		"service.id", cfg.Get(config.ServiceID, "default_"))
	return s, nil
}

// loadUserFunctions loads the WebAssembly user functions of
// ksql.extension.dir into the engine's function registry.
func (s *Server) loadUserFunctions(ctx context.Context) error {
	wcfg, err := wasm.ConfigFromProperties(s.cfg.Get)
	if err != nil || wcfg.Dir == "" {
		return err
	}
	wcfg.Log = s.log
	if s.udfs, err = wasm.Load(ctx, wcfg); err != nil {
		return fmt.Errorf("loading user functions: %w", err)
	}
	return s.udfs.Register(s.engine.Functions())
}

// Addr returns the HTTP listen address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Engine returns the statement engine.
func (s *Server) Engine() *engine.Engine { return s.engine }

// Brokers returns the Kafka bootstrap addresses in use.
func (s *Server) Brokers() []string { return s.brokers }

func (s *Server) startEmbeddedBroker(stateDir string) error {
	port, err := strconv.Atoi(s.cfg.Get(config.EmbeddedBrokerPort, "9092"))
	if err != nil {
		return fmt.Errorf("invalid %s: %w", config.EmbeddedBrokerPort, err)
	}
	c, err := kfake.NewCluster(kfake.Ports(port), kfake.NumBrokers(1), kfake.DataDir(filepath.Join(stateDir, "kafka")),
		kfake.DefaultNumPartitions(1))
	if err != nil {
		return fmt.Errorf("starting the embedded Kafka broker on 127.0.0.1:%d: %w", port, err)
	}
	s.broker = c
	s.brokers = c.ListenAddrs()
	s.log.Warn("no bootstrap.servers configured: started the embedded development broker (kfake); do not use it in production",
		"address", strings.Join(s.brokers, ","), "data", filepath.Join(stateDir, "kafka"))
	return nil
}

func (s *Server) shutdownBroker() {
	if s.broker != nil {
		s.broker.Close()
		s.broker = nil
	}
}

// Close stops the HTTP server, the queries and the embedded broker.
func (s *Server) Close() {
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.http.Shutdown(ctx)
		cancel()
	}
	if s.stopTail != nil {
		s.stopTail()
		<-s.tailDone
	}
	if s.engine != nil {
		_ = s.engine.Close()
	}
	if s.commands != nil {
		s.commands.Close()
	}
	if s.udfs != nil {
		_ = s.udfs.Close(context.Background())
	}
	s.closeSchemaRegistry()
	s.shutdownBroker()
}

// Run starts the server and serves until ctx ends.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	s, err := Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	<-ctx.Done()
	log.Info("shutting down")
	s.Close()
	return nil
}

// advertisedListener is the address other servers of the service id reach
// this one at (they forward pull queries to it): ksql.advertised.listener,
// or the listening address with a wildcard host replaced by the host
// name, as ksqlDB does.
func advertisedListener(configured string, ln net.Addr) (string, error) {
	if configured != "" {
		u, err := url.Parse(configured)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return "", fmt.Errorf("invalid ksql.advertised.listener %q: expected http://host:port", configured)
		}
		return strings.TrimRight(configured, "/"), nil
	}
	tcp, ok := ln.(*net.TCPAddr)
	if !ok {
		return "http://" + ln.String(), nil
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		name, err := os.Hostname()
		if err != nil {
			return "", fmt.Errorf("finding the host name to advertise (set ksql.advertised.listener): %w", err)
		}
		host = name
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)), nil
}

// listenAddr turns a listeners value ("http://0.0.0.0:8088") into host:port.
func listenAddr(listeners string) (string, error) {
	first := strings.TrimSpace(strings.Split(listeners, ",")[0])
	u, err := url.Parse(first)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("invalid listeners %q: expected http://host:port", listeners)
	}
	if u.Scheme != "http" {
		return "", fmt.Errorf("invalid listeners %q: only http is supported", listeners)
	}
	return u.Host, nil
}
