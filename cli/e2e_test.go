package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddysql/eddy/server"
	"github.com/eddysql/eddy/server/config"
)

// startServer runs a real server in process: the embedded broker and the
// REST API on loopback ports.
func startServer(t *testing.T) *server.Server {
	t.Helper()
	cfg := config.Defaults()
	cfg[config.Listeners] = "http://127.0.0.1:0"
	cfg[config.StateDir] = t.TempDir()
	cfg[config.EmbeddedBrokerPort] = "0"
	s, err := server.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("starting server: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func produce(t *testing.T, s *server.Server, topic string, values ...string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, v := range values {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// syncBuffer is an output written by the shell and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor waits until the output has n occurrences of sub.
func (b *syncBuffer) waitFor(t *testing.T, sub string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for strings.Count(b.String(), sub) < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d× %q in output:\n%s", n, sub, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const createPageviews = `CREATE STREAM pageviews (viewtime BIGINT, user_id VARCHAR, page_id VARCHAR)
  WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='pv', PARTITIONS=1);`

// TestShellScript drives the shell non-interactively (as -f and --execute
// do) against a real server.
func TestShellScript(t *testing.T) {
	s := startServer(t)
	url := "http://" + s.Addr()
	run := func(script string) (string, error) {
		var out, errOut syncBuffer
		sh := New(Config{Server: url, Stdout: &out, Stderr: &errOut, Width: 80, Version: "test"})
		err := sh.RunScript(context.Background(), script)
		return out.String() + errOut.String(), err
	}
	var transcript strings.Builder
	step := func(script string, wantErr bool) {
		t.Helper()
		out, err := run(script)
		transcript.WriteString("### " + strings.ReplaceAll(strings.TrimSpace(script), "\n", "\n### ") + "\n")
		transcript.WriteString(out)
		if err != nil {
			transcript.WriteString("ERROR: " + err.Error() + "\n")
		}
		if (err != nil) != wantErr {
			t.Errorf("script %q: error %v, want error %v\n%s", script, err, wantErr, out)
		}
	}

	step(createPageviews+"\nSHOW STREAMS;\nDESCRIBE pageviews;", false)
	produce(t, s, "pv",
		`{"viewtime":1,"user_id":"User_1","page_id":"Page_42"}`,
		`{"viewtime":2,"user_id":"User_9","page_id":"Page_7"}`,
		`{"viewtime":3,"user_id":"User_1","page_id":"Page_3"}`)
	step(`SET 'auto.offset.reset'='earliest';
DEFINE page = 'Page_7';
SHOW VARIABLES;
SELECT page_id, user_id FROM pageviews
  WHERE page_id = '${page}' EMIT CHANGES LIMIT 1;
SELECT page_id, viewtime FROM pageviews EMIT CHANGES LIMIT 3;`, false)
	step(`SET 'auto.offset.reset'='earliest';
CREATE STREAM user1 WITH (KAFKA_TOPIC='user1', PARTITIONS=1) AS SELECT page_id FROM pageviews WHERE user_id = 'User_1';
SHOW QUERIES;
output JSON
SHOW TABLES;`, false)
	step("SELECT nope FROM pageviews EMIT CHANGES;\nSHOW STREAMS;", true)
	step("SELECT ${undefined} FROM pageviews;", true)

	script := filepath.Join(t.TempDir(), "eddy-shell-script.sql")
	if err := os.WriteFile(script, []byte("SHOW TABLES;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step("RUN SCRIPT '"+script+"';\nrun script '"+script+"'", false)
	golden(t, "e2e/script.golden", mask(transcript.String()))
}

// TestShellInteractive drives the interactive loop through readline over a
// pipe that stands in for the terminal: prompts, multi-line statements,
// Ctrl-C cancelling a push query, Ctrl-C at the prompt, history and Ctrl-D.
func TestShellInteractive(t *testing.T) {
	s := startServer(t)
	inR, inW := io.Pipe()
	defer inW.Close()
	interrupts := make(chan os.Signal, 1)
	var out syncBuffer
	sh := New(Config{Server: "http://" + s.Addr(), Stdin: inR, Terminal: true, Stdout: &out, Width: 60,
		Interrupts: interrupts, HistoryFile: filepath.Join(t.TempDir(), "history"), Version: "test"})
	done := make(chan int)
	go func() { done <- sh.Run(context.Background()) }()
	send := func(s string) {
		t.Helper()
		if _, err := io.WriteString(inW, s); err != nil {
			t.Fatal(err)
		}
	}

	out.waitFor(t, Prompt, 1)
	send("CREATE STREAM s2 (v INT)\r")
	out.waitFor(t, ContinuationPrompt, 2)
	send("  WITH (KAFKA_TOPIC='pv2', VALUE_FORMAT='JSON', PARTITIONS=1);\r")
	out.waitFor(t, "Stream created", 1)
	produce(t, s, "pv2", `{"v":1}`, `{"v":2}`)
	send("SET 'auto.offset.reset'='earliest';\r")
	out.waitFor(t, "Successfully changed", 1)
	send("SELECT v FROM s2 EMIT CHANGES;\r")
	out.waitFor(t, "|2 ", 1)
	interrupts <- os.Interrupt // Ctrl-C while the query runs
	out.waitFor(t, "Query terminated", 1)
	out.waitFor(t, Prompt, 4)
	send("SHOW STR\x03") // Ctrl-C at the prompt drops the line
	out.waitFor(t, Prompt, 5)
	send("output JSON\r")
	out.waitFor(t, Prompt, 6)
	send("SHOW TABLES;\r")
	out.waitFor(t, `"tables": []`, 1)
	send("output TABULAR\rhistory\r")
	out.waitFor(t, "output TABULAR\n", 2)
	send("\x04") // Ctrl-D
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("shell did not exit:\n%s", out.String())
	}
	golden(t, "e2e/interactive.golden", screen(mask(out.String())))
}
