//lint:file-ignore SA1019 x/net/http2/h2c is the only implementation of the HTTP/1.1 "Upgrade: h2c" path that ksqlDB clients may take; net/http serves prior knowledge only.

package rest

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"

	"github.com/eddysql/eddy/server/wire"
)

// DefaultKeepAlive is how often the classic /query stream writes a bare
// newline while no row comes (ksqlDB clients time out after 15 s of silence).
const DefaultKeepAlive = time.Second

// HeadlessMessage answers the statement endpoints of a headless server.
const HeadlessMessage = "The server is running in headless mode: interactive use (the statement " +
	"and query endpoints) is disabled. Statements come from the queries file."

// Option configures the handler.
type Option func(*config)

type config struct {
	keepAlive time.Duration
	headless  bool
	logger    *slog.Logger
	now       func() time.Time
}

// WithKeepAlive sets the keep-alive interval of the classic /query stream.
func WithKeepAlive(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.keepAlive = d
		}
	}
}

// WithHeadless makes /ksql, /query, /query-stream, /inserts-stream and
// /close-query answer 400 (40000) with HeadlessMessage; /info, /healthcheck
// and the status endpoints stay up for probes.
func WithHeadless() Option { return func(c *config) { c.headless = true } }

// WithLogger sets the logger for request logs (Debug) and recovered panics
// (Error). The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithClock sets the clock used for timestamps in responses (/clusterStatus).
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

type handler struct {
	b   Backend
	cfg config
}

// NewHandler returns the REST API: a chi router, wrapped to accept
// cleartext HTTP/2 both with prior knowledge and by HTTP/1.1 Upgrade: h2c.
func NewHandler(b Backend, opts ...Option) http.Handler {
	cfg := config{
		keepAlive: DefaultKeepAlive,
		logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		now:       time.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h := &handler{b: b, cfg: cfg}

	r := chi.NewRouter()
	r.Use(h.logRequests, h.recoverer)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, wire.NotFound("Path not found: "+r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, wire.NewError(40500, "Method not allowed: "+r.Method+" "+r.URL.Path))
	})

	r.Group(func(r chi.Router) {
		if cfg.headless {
			r.Use(refuseHeadless)
		}
		r.Post("/ksql", h.ksql)
		r.Post("/query", h.query)
		r.Post("/query-stream", h.queryStream)
		r.Post("/inserts-stream", h.insertsStream)
		r.Post("/close-query", h.closeQuery)
	})

	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/info", http.StatusTemporaryRedirect)
	})
	r.Get("/info", h.info)
	r.Get("/healthcheck", h.healthcheck)
	r.Get("/status", h.statusAll)
	r.Get("/status/{type}/{entity}/{action}", h.statusOne)
	r.Get("/clusterStatus", h.clusterStatus)
	r.Get("/is_valid_property/{name}", h.isValidProperty)
	if vb, ok := b.(ViewBackend); ok {
		r.Post(wire.ViewRowsPath, viewRows(vb))
	}

	// h2c is the only implementation of the HTTP/1.1 "Upgrade: h2c" path
	// that ksqlDB's Java and Go clients may take; net/http covers prior
	// knowledge only.
	//lint:ignore SA1019 see above
	return h2c.NewHandler(r, &http2.Server{})
}

// NewServer returns an http.Server for addr serving h over HTTP/1.1 and
// cleartext HTTP/2. Write and idle timeouts are left unset: query
// responses stream for as long as the client wants.
func NewServer(addr string, h http.Handler) *http.Server {
	s := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
	}
	s.Protocols = new(http.Protocols)
	s.Protocols.SetHTTP1(true)
	s.Protocols.SetUnencryptedHTTP2(true)
	return s
}

func refuseHeadless(http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, wire.BadRequest(HeadlessMessage))
	})
}
