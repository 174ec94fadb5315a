package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddysql/eddy/server"
	"github.com/eddysql/eddy/server/config"
)

func startTestServer(t *testing.T) string {
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
	return "http://" + s.Addr()
}

func shell(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = shellMain(context.Background(), append([]string{"--history", ""}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestShellExecute(t *testing.T) {
	url := startTestServer(t)
	code, out, errOut := shell("--server", url, "--execute",
		"CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1); SHOW STREAMS;")
	if code != 0 || !strings.Contains(out, "Stream created") || !strings.Contains(out, " S           | s ") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	// The first error stops the run: exit code 1, the server's message on stderr.
	code, out, errOut = shell("--server", url, "--output", "json", "--execute", "SELECT nope FROM s EMIT CHANGES; SHOW STREAMS;")
	if code != 1 || out != "" || !strings.Contains(errOut, "SELECT column 'NOPE' cannot be resolved.") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	file := filepath.Join(t.TempDir(), "script.sql")
	if err := os.WriteFile(file, []byte("output JSON\nSHOW\n  TABLES;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = shell("--server", url, "-f", file)
	if code != 0 || !strings.Contains(out, `"@type": "tables"`) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestShellUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, _, errOut := shell("--server", "http://"+addr, "--execute", "SHOW STREAMS;")
	if code != 1 || !strings.Contains(errOut, "could not reach the server at http://"+addr) {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	// Interactive, with piped input: the banner says the server is unreachable.
	var out bytes.Buffer
	code = shellMain(context.Background(), []string{"--history", "", "--server", "http://" + addr},
		strings.NewReader("version\n"), &out, io.Discard)
	if code != 0 || !strings.Contains(out.String(), "looks to be unreachable") || !strings.Contains(out.String(), "Version: "+server.Version) {
		t.Fatalf("exit %d, stdout:\n%s", code, out.String())
	}
	if code, _, _ := shell("--output", "XML"); code != 2 {
		t.Errorf("bad --output: exit %d", code)
	}
}
