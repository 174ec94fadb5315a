package rest

import (
	"bufio"
	"io"
	"strings"
	"testing"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
)

const queryStreamBody = `{"sql":"SELECT * FROM PAGEVIEWS EMIT CHANGES LIMIT 2;","properties":{"auto.offset.reset":"earliest"}}`

func limitedStream() *fakeStream {
	s := newStream("transient_PAGEVIEWS_7", pageviewCols,
		rowOf("Page_1", "User_1", int64(1)), rowOf("Page_2", nil, int64(2)))
	s.limit = true
	close(s.steps)
	return s
}

func TestQueryStreamDelimited(t *testing.T) {
	s := limitedStream()
	b := streamBackend(s)
	srv := start(t, b)
	resp := post(t, srv.Client(), srv.URL+"/query-stream", "", queryStreamBody)
	golden(t, "query_stream_delimited.golden", dump(t, resp))
	s.waitClosed(t)
	if got := b.request(0); got.KSQL != "SELECT * FROM PAGEVIEWS EMIT CHANGES LIMIT 2;" || got.StreamsProperties["auto.offset.reset"] != "earliest" {
		t.Fatalf("request = %#v", got)
	}
}

func TestQueryStreamJSON(t *testing.T) {
	srv := start(t, streamBackend(limitedStream()))
	resp := post(t, srv.Client(), srv.URL+"/query-stream", "application/json", queryStreamBody)
	golden(t, "query_stream_json.golden", dump(t, resp))
}

func TestQueryStreamTypedValues(t *testing.T) {
	cols := []Column{
		{Name: "S", Type: types.StructOf(types.Field{Name: "A", Type: types.DoubleType})},
		{Name: "M", Type: types.MapOf(types.StringType, types.IntType)},
		{Name: "T", Type: types.TimestampType},
		{Name: "D", Type: types.DecimalOf(6, 3)},
	}
	s := newStream("query_9", cols, rowOf(types.StructValue{1.0}, map[string]any{"b": int32(2), "a": int32(1)},
		types.Timestamp(1609459200000), nil))
	s.pull = true
	close(s.steps)
	srv := start(t, streamBackend(s))
	resp := post(t, srv.Client(), srv.URL+"/query-stream", "application/vnd.ksqlapi.delimited.v1", `{"sql":"SELECT * FROM T;"}`)
	golden(t, "query_stream_types.golden", dump(t, resp))
}

func TestQueryStreamErrors(t *testing.T) {
	s := newStream("transient_PAGEVIEWS_8", pageviewCols, rowOf("Page_1", "User_1", int64(1)),
		step{err: wire.ServerError("Error deserializing row")})
	srv := start(t, streamBackend(s))
	got := dump(t, post(t, srv.Client(), srv.URL+"/query-stream", "", queryStreamBody))
	got = append(got, "\n----\n"...)
	got = append(got, dump(t, post(t, srv.Client(), srv.URL+"/query-stream", "", `{"properties":{}}`))...)
	got = append(got, "\n----\n"...)
	got = append(got, dump(t, post(t, srv.Client(), srv.URL+"/query-stream", "", `{"sql":`))...)
	golden(t, "query_stream_errors.golden", got)
}

// HTTP/2 with prior knowledge: each line arrives by itself, before the next
// row exists.
func TestQueryStreamHTTP2(t *testing.T) {
	s := newStream("transient_PAGEVIEWS_9", pageviewCols)
	srv := start(t, streamBackend(s))
	resp := post(t, h2Client(t), srv.URL+"/query-stream", "", queryStreamBody)
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("proto = %s, want HTTP/2", resp.Proto)
	}
	rd := bufio.NewReader(resp.Body)
	meta, err := rd.ReadString('\n')
	if err != nil || !strings.HasPrefix(meta, `{"queryId":"transient_PAGEVIEWS_9"`) {
		t.Fatalf("metadata %q %v", meta, err)
	}
	s.steps <- rowOf("Page_1", "User_1", int64(1))
	row, err := rd.ReadString('\n')
	if err != nil || row != "[\"Page_1\",\"User_1\",1]\n" {
		t.Fatalf("row %q %v", row, err)
	}
	s.limit = true
	close(s.steps)
	if rest, err := io.ReadAll(rd); err != nil || len(rest) != 0 {
		t.Fatalf("rest %q %v", rest, err)
	}
	s.waitClosed(t)
}
