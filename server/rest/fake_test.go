package rest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddysql/eddy/server/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fakeBackend is a test double of Backend: each test sets the functions it needs.
type fakeBackend struct {
	execute func(ctx context.Context, req StatementRequest) ([]wire.Entity, error)
	query   func(ctx context.Context, req StatementRequest) (QueryStream, error)
	insert  func(target string, row map[string]any) error

	mu       sync.Mutex
	requests []StatementRequest
	closed   []string
}

func (f *fakeBackend) record(req StatementRequest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
}

func (f *fakeBackend) request(i int) StatementRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[i]
}

func (f *fakeBackend) Execute(ctx context.Context, req StatementRequest) ([]wire.Entity, error) {
	f.record(req)
	return f.execute(ctx, req)
}

func (f *fakeBackend) Query(ctx context.Context, req StatementRequest) (QueryStream, error) {
	f.record(req)
	return f.query(ctx, req)
}

func (f *fakeBackend) CloseQuery(id string) error {
	if id != "transient_Q_1" {
		return wire.BadRequest("No query with id " + id)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = append(f.closed, id)
	return nil
}

func (f *fakeBackend) Insert(_ context.Context, target string, row map[string]any) error {
	return f.insert(target, row)
}

func (f *fakeBackend) Info() wire.ServerInfo {
	return wire.ServerInfo{Version: "0.1.0", KafkaClusterID: "kfake", KsqlServiceID: "default_", ServerStatus: "RUNNING"}
}

func (f *fakeBackend) Health() wire.HealthStatus {
	ok := wire.HealthDetail{IsHealthy: true}
	return wire.HealthStatus{IsHealthy: true, ServerState: wire.ServerStateReady,
		Details: map[string]wire.HealthDetail{"metastore": ok, "kafka": ok, "commandRunner": ok}}
}

func (f *fakeBackend) Status() map[string]string {
	return map[string]string{"stream/`PAGEVIEWS`/create": wire.StatusSuccess}
}

func (f *fakeBackend) CommandStatus(id string) (wire.CommandStatus, bool) {
	if id != "stream/`PAGEVIEWS`/create" {
		return wire.CommandStatus{}, false
	}
	return wire.CommandStatus{Status: wire.StatusSuccess, Message: "Stream created"}, true
}

func (f *fakeBackend) IsValidProperty(name string) error {
	if name == "ksql.streams.auto.offset.reset" {
		return nil
	}
	return fmt.Errorf("Not recognizable as ksql, streams, consumer, or producer property: '%s'", name)
}

// step is one result the fake stream returns from Next.
type step struct {
	row Row
	err error
}

// fakeStream returns the steps sent on its channel, io.EOF once the channel
// is closed, and ctx.Err() when the request goes away.
type fakeStream struct {
	id    string
	cols  []Column
	pull  bool
	print bool
	limit bool
	steps chan step

	closeOnce sync.Once
	closed    chan struct{}
}

func newStream(id string, cols []Column, steps ...step) *fakeStream {
	s := &fakeStream{id: id, cols: cols, steps: make(chan step, len(steps)), closed: make(chan struct{})}
	for _, st := range steps {
		s.steps <- st
	}
	return s
}

func (s *fakeStream) ID() string { return s.id }

// Columns marks keys only for pull queries, as the engine does for the
// stream results these fakes stand for.
func (s *fakeStream) Columns() []Column {
	if s.pull {
		return s.cols
	}
	out := append([]Column(nil), s.cols...)
	for i := range out {
		out[i].Key = false
	}
	return out
}
func (s *fakeStream) IsPull() bool       { return s.pull }
func (s *fakeStream) IsPrint() bool      { return s.print }
func (s *fakeStream) LimitReached() bool { return s.limit }
func (s *fakeStream) Close()             { s.closeOnce.Do(func() { close(s.closed) }) }

func (s *fakeStream) Next(ctx context.Context) (Row, error) {
	select {
	case st, ok := <-s.steps:
		if !ok {
			return Row{}, io.EOF
		}
		return st.row, st.err
	case <-ctx.Done():
		return Row{}, ctx.Err()
	case <-s.closed:
		return Row{}, io.EOF
	}
}

func (s *fakeStream) waitClosed(t *testing.T) {
	t.Helper()
	select {
	case <-s.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the query stream was not closed")
	}
}

// start serves the handler on loopback.
func start(t *testing.T, b Backend, opts ...Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(b, opts...))
	t.Cleanup(srv.Close)
	return srv
}

// h2Client speaks cleartext HTTP/2 with prior knowledge.
func h2Client(t *testing.T) *http.Client {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func post(t *testing.T, c *http.Client, url, accept, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// dump renders a response as the golden files hold it: status, content
// type, blank line, body bytes.
func dump(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Appendf(nil, "%d\nContent-Type: %s\n\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var keepAlives = regexp.MustCompile(`\n\n+`)

// collapseKeepAlives folds runs of keep-alive newlines into one, since how
// many are written depends on timing.
func collapseKeepAlives(b []byte) []byte { return keepAlives.ReplaceAll(b, []byte("\n\n")) }
