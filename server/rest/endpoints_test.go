package rest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eddysql/eddy/server/wire"
)

func TestKsqlEntities(t *testing.T) {
	b := &fakeBackend{execute: func(_ context.Context, req StatementRequest) ([]wire.Entity, error) {
		cs := &wire.CommandStatusEntity{CommandID: "stream/`PAGEVIEWS`/create",
			CommandStatus: wire.CommandStatus{Status: wire.StatusSuccess, Message: "Stream created"}, CommandSequenceNumber: 2}
		cs.SetStatementText("CREATE STREAM PAGEVIEWS (PAGEID STRING KEY) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON');")
		sl := &wire.StreamsList{Streams: []wire.SourceInfo{{Type: "STREAM", Name: "PAGEVIEWS", Topic: "pageviews", KeyFormat: "KAFKA", ValueFormat: "JSON"}}}
		sl.SetStatementText("SHOW STREAMS;")
		return []wire.Entity{cs, sl}, nil
	}}
	srv := start(t, b)
	resp := post(t, srv.Client(), srv.URL+"/ksql", "application/vnd.ksql.v1+json",
		`{"ksql":"CREATE STREAM PAGEVIEWS (PAGEID STRING KEY) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON'); SHOW STREAMS;","streamsProperties":{"ksql.streams.num.stream.threads":4},"sessionVariables":{"v":"x"},"commandSequenceNumber":12}`)
	golden(t, "ksql_entities.golden", dump(t, resp))
	req := b.request(0)
	if req.CommandSequenceNumber == nil || *req.CommandSequenceNumber != 12 || req.SessionVariables["v"] != "x" ||
		fmt.Sprint(req.StreamsProperties["ksql.streams.num.stream.threads"]) != "4" {
		t.Fatalf("request = %#v", req)
	}
}

func TestKsqlErrors(t *testing.T) {
	b := &fakeBackend{execute: func(_ context.Context, req StatementRequest) ([]wire.Entity, error) {
		switch {
		case strings.HasPrefix(req.KSQL, "SELECT"):
			return nil, wire.QueryEndpoint(req.KSQL)
		case strings.HasPrefix(req.KSQL, "DROP"):
			return nil, fmt.Errorf("dropping: %w", wire.BadStatement("Source NOPE does not exist.", req.KSQL))
		case strings.HasPrefix(req.KSQL, "PANIC"):
			panic("engine bug")
		}
		return nil, errors.New("disk on fire")
	}}
	srv := start(t, b)
	var got []byte
	for _, body := range []string{
		``, `not json`, `{"streamsProperties":{}}`,
		`{"ksql":"SELECT * FROM PAGEVIEWS EMIT CHANGES;"}`,
		`{"ksql":"DROP STREAM NOPE;"}`,
		`{"ksql":"SHOW EVERYTHING;"}`,
		`{"ksql":"PANIC;"}`,
	} {
		got = append(got, "==> "+body+"\n"...)
		got = append(got, dump(t, post(t, srv.Client(), srv.URL+"/ksql", "", body))...)
		got = append(got, '\n')
	}
	golden(t, "ksql_errors.golden", got)

	// The server survived the panic.
	resp, err := srv.Client().Get(srv.URL + "/info")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after panic: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestInfoHealthStatus(t *testing.T) {
	now := time.UnixMilli(1700000000000)
	srv := start(t, &fakeBackend{}, WithClock(func() time.Time { return now }))
	noRedirect := *srv.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	var got []byte
	for _, path := range []string{
		"/", "/info", "/healthcheck", "/status", "/status/stream/%60PAGEVIEWS%60/create", "/status/stream/NOPE/create",
		"/is_valid_property/ksql.streams.auto.offset.reset", "/is_valid_property/foo", "/no/such/path",
	} {
		resp, err := noRedirect.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, "==> GET "+path+"\n"...)
		if loc := resp.Header.Get("Location"); loc != "" {
			got = append(got, "Location: "+loc+"\n"...)
		}
		got = append(got, dump(t, resp)...)
		got = append(got, '\n')
	}
	resp, err := noRedirect.Get(srv.URL + "/clusterStatus")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, "==> GET /clusterStatus\n"...)
	got = append(got, strings.ReplaceAll(string(dump(t, resp)), strings.TrimPrefix(srv.URL, "http://"), "HOST")...)
	golden(t, "info_health_status.golden", got)
}

func TestCloseQuery(t *testing.T) {
	b := &fakeBackend{}
	srv := start(t, b)
	var got []byte
	for _, body := range []string{`{"queryId":"transient_Q_1"}`, `{"queryId":"nope"}`, `{}`} {
		got = append(got, "==> "+body+"\n"...)
		got = append(got, dump(t, post(t, srv.Client(), srv.URL+"/close-query", "", body))...)
		got = append(got, '\n')
	}
	golden(t, "close_query.golden", got)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.closed) != 1 {
		t.Fatalf("closed = %v", b.closed)
	}
}

func TestHeadless(t *testing.T) {
	srv := start(t, &fakeBackend{}, WithHeadless())
	var got []byte
	for _, path := range []string{"/ksql", "/query", "/query-stream", "/inserts-stream", "/close-query"} {
		got = append(got, "==> POST "+path+"\n"...)
		got = append(got, dump(t, post(t, srv.Client(), srv.URL+path, "", `{"ksql":"SHOW STREAMS;"}`))...)
		got = append(got, '\n')
	}
	golden(t, "headless.golden", got)
	for _, path := range []string{"/info", "/healthcheck"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s in headless mode: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
}

func insertBackend() *fakeBackend {
	return &fakeBackend{insert: func(target string, row map[string]any) error {
		if target != "PAGEVIEWS" {
			return wire.BadRequest("Cannot insert into unknown stream " + target)
		}
		if _, ok := row["PAGEID"]; !ok {
			return wire.BadStatement("Key field must be specified: PAGEID", "")
		}
		return nil
	}}
}

// Over HTTP/2 each row is acknowledged while the request body is still open.
func TestInsertsStreamHTTP2(t *testing.T) {
	srv := start(t, insertBackend())
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/inserts-stream", pr)
	go func() { _, _ = io.WriteString(pw, `{"target":"PAGEVIEWS","properties":{}}`+"\n") }()
	resp, err := h2Client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	for i, tc := range []struct{ row, ack string }{
		{`{"PAGEID":"Page_1","VIEWTIME":1}`, `{"status":"ok","seq":0}`},
		{`{"VIEWTIME":2}`, `{"@type":"generic_error","error_code":40001,"message":"Key field must be specified: PAGEID","status":"error","seq":1}`},
		{`[1,2]`, `{"@type":"generic_error","error_code":40000,"message":"Invalid JSON in inserts stream: a row must be a JSON object","status":"error","seq":2}`},
		{`{"PAGEID":"Page_3"}`, `{"status":"ok","seq":3}`},
	} {
		if _, err := io.WriteString(pw, tc.row+"\n"); err != nil {
			t.Fatal(err)
		}
		line, err := rd.ReadString('\n')
		if err != nil || line != tc.ack+"\n" {
			t.Fatalf("row %d: ack %q %v, want %s", i, line, err, tc.ack)
		}
	}
	pw.Close()
	if rest, err := io.ReadAll(rd); err != nil || len(rest) != 0 {
		t.Fatalf("after the body ended: %q %v", rest, err)
	}
}

func TestInsertsStreamHTTP1(t *testing.T) {
	srv := start(t, insertBackend())
	var got []byte
	for _, body := range []string{
		`{"target":"PAGEVIEWS"}` + "\n" + `{"PAGEID":"a"}` + "\n" + `{"PAGEID":"b"}{"PAGEID":"c"}` + "\n" + `{"PAGEID":`,
		`{"target":"OTHER"}` + "\n" + `{"PAGEID":"a"}` + "\n",
		`{"properties":{}}`,
		``,
	} {
		got = append(got, "==> "+strings.ReplaceAll(body, "\n", `\n`)+"\n"...)
		got = append(got, dump(t, post(t, srv.Client(), srv.URL+"/inserts-stream", "", body))...)
		got = append(got, '\n')
	}
	golden(t, "inserts_http1.golden", got)
}

// The HTTP/1.1 Upgrade: h2c handshake is accepted.
func TestH2CUpgrade(t *testing.T) {
	srv := start(t, &fakeBackend{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET /info HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 101") {
		t.Fatalf("status line %q %v", status, err)
	}
}

// NewServer speaks HTTP/1.1 and HTTP/2 with prior knowledge on one port.
func TestNewServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(ln.Addr().String(), NewHandler(&fakeBackend{}))
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	url := "http://" + ln.Addr().String() + "/info"
	for _, c := range []*http.Client{http.DefaultClient, h2Client(t)} {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"KsqlServerInfo":{"version":"0.1.0"`) {
			t.Fatalf("%s: %d %s", resp.Proto, resp.StatusCode, body)
		}
	}
}
