package rest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
)

var pageviewCols = []Column{
	{Name: "PAGEID", Type: types.StringType, Key: true},
	{Name: "USERID", Type: types.StringType},
	{Name: "VIEWTIME", Type: types.BigintType},
}

func rowOf(vals ...any) step { return step{row: Row{Values: vals}} }

func streamBackend(s QueryStream) *fakeBackend {
	return &fakeBackend{query: func(context.Context, StatementRequest) (QueryStream, error) { return s, nil }}
}

const pushBody = `{"ksql":"SELECT * FROM PAGEVIEWS EMIT CHANGES LIMIT 2;","streamsProperties":{"ksql.streams.auto.offset.reset":"earliest"}}`

// The classic push stream: header, rows as they come, a bare newline while
// idle, then the final message; checked byte for byte.
func TestQueryClassicPush(t *testing.T) {
	s := newStream("transient_PAGEVIEWS_5839", pageviewCols)
	b := streamBackend(s)
	srv := start(t, b, WithKeepAlive(20*time.Millisecond))

	resp := post(t, srv.Client(), srv.URL+"/query", "application/vnd.ksql.v1+json", pushBody)
	defer resp.Body.Close()
	var seen bytes.Buffer
	rd := bufio.NewReader(io.TeeReader(resp.Body, &seen))
	readLine := func() string {
		t.Helper()
		l, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read: %v (so far %q)", err, seen.String())
		}
		return l
	}
	if l := readLine(); !strings.HasPrefix(l, `[{"header":`) {
		t.Fatalf("first line %q", l)
	}
	if l := readLine(); l != "\n" { // nothing to send yet: a keep-alive
		t.Fatalf("want a keep-alive newline, got %q", l)
	}
	s.steps <- rowOf("Page_42", "User_9", int64(1600000000000))
	for l := readLine(); l == "\n"; l = readLine() {
	}
	s.steps <- step{row: Row{Values: []any{"Page_43", nil, nil}, Tombstone: true}}
	s.limit = true
	close(s.steps)
	if _, err := io.ReadAll(rd); err != nil {
		t.Fatal(err)
	}
	got := append([]byte("200\nContent-Type: "+resp.Header.Get("Content-Type")+"\n\n"), seen.Bytes()...)
	golden(t, "query_push.golden", collapseKeepAlives(got))
	s.waitClosed(t)

	if p := b.request(0).StreamsProperties["ksql.streams.auto.offset.reset"]; p != "earliest" {
		t.Fatalf("streamsProperties not passed: %#v", b.request(0))
	}
}

func TestQueryClassicPull(t *testing.T) {
	s := newStream("query_1600000000000", pageviewCols,
		rowOf("Page_1", "User_1", int64(1)), rowOf("Page_2", "User_2", int64(2)))
	s.pull = true
	close(s.steps)
	srv := start(t, streamBackend(s))
	resp := post(t, srv.Client(), srv.URL+"/query", "", `{"ksql":"SELECT * FROM PAGEVIEWS_TABLE WHERE PAGEID IN ('Page_1','Page_2');"}`)
	golden(t, "query_pull.golden", dump(t, resp))
	s.waitClosed(t)
}

// Accept application/vnd.ksql.v1+protobuf: the header carries the rows'
// message schema and each row is a base64 message of it.
func TestQueryClassicPullProtobuf(t *testing.T) {
	s := newStream("query_1600000000000", pageviewCols,
		rowOf("Page_1", "User_1", int64(1)), rowOf("Page_2", nil, int64(300)))
	s.pull = true
	close(s.steps)
	srv := start(t, streamBackend(s))
	resp := post(t, srv.Client(), srv.URL+"/query", "application/vnd.ksql.v1+protobuf", `{"ksql":"SELECT * FROM PAGEVIEWS_TABLE WHERE PAGEID IN ('Page_1','Page_2');"}`)
	golden(t, "query_pull_protobuf.golden", dump(t, resp))
	s.waitClosed(t)
}

func TestQueryClassicMidStreamError(t *testing.T) {
	s := newStream("transient_PAGEVIEWS_1", pageviewCols,
		rowOf("Page_1", "User_1", int64(1)), step{err: wire.ServerError("Error deserializing row")})
	srv := start(t, streamBackend(s))
	resp := post(t, srv.Client(), srv.URL+"/query", "application/json", pushBody)
	golden(t, "query_push_error.golden", dump(t, resp))
	s.waitClosed(t)
}

func TestQueryPrint(t *testing.T) {
	s := newStream("", nil,
		step{row: Row{Text: "Key format: KAFKA_STRING"}},
		step{row: Row{Text: "rowtime: 2021/01/01 00:00:00.000 Z, key: k1, value: {\"A\":1}, partition: 0"}})
	s.print = true
	close(s.steps)
	srv := start(t, streamBackend(s))
	resp := post(t, srv.Client(), srv.URL+"/query", "", `{"ksql":"PRINT 'pageviews' FROM BEGINNING LIMIT 1;"}`)
	golden(t, "query_print.golden", dump(t, resp))
}

func TestQueryErrorBeforeStreaming(t *testing.T) {
	b := &fakeBackend{query: func(context.Context, StatementRequest) (QueryStream, error) {
		return nil, wire.BadStatement("SELECT column 'NOPE' cannot be resolved.", "SELECT NOPE FROM PAGEVIEWS EMIT CHANGES;")
	}}
	srv := start(t, b)
	resp := post(t, srv.Client(), srv.URL+"/query", "", `{"ksql":"SELECT NOPE FROM PAGEVIEWS EMIT CHANGES;"}`)
	golden(t, "query_bad_statement.golden", dump(t, resp))
}

// Accept: delimited on /query answers in the /query-stream format.
func TestQueryDelimitedAccept(t *testing.T) {
	for _, accept := range []string{"application/vnd.ksqlapi.delimited.v1", "*/*"} {
		s := newStream("transient_PAGEVIEWS_2", pageviewCols, rowOf("Page_1", "User_1", int64(1)))
		close(s.steps)
		srv := start(t, streamBackend(s))
		resp := post(t, srv.Client(), srv.URL+"/query", accept, pushBody)
		golden(t, "query_delimited.golden", dump(t, resp))
	}
}

// The client going away closes the query, over HTTP/1.1 and HTTP/2.
func TestQueryClientDisconnect(t *testing.T) {
	for _, tc := range []struct {
		name, path, body string
		h2               bool
	}{
		{"classic-http1", "/query", pushBody, false},
		{"query-stream-http2", "/query-stream", `{"sql":"SELECT * FROM PAGEVIEWS EMIT CHANGES;"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream("transient_PAGEVIEWS_3", pageviewCols)
			srv := start(t, streamBackend(s), WithKeepAlive(time.Hour))
			c := srv.Client()
			if tc.h2 {
				c = h2Client(t)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+tc.path, strings.NewReader(tc.body))
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
				t.Fatal(err)
			}
			cancel()
			resp.Body.Close()
			s.waitClosed(t)
		})
	}
}
