package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderEntities(t *testing.T) {
	files, err := filepath.Glob("testdata/entities/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ents []json.RawMessage
			if err := json.Unmarshal(b, &ents); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := RenderEntities(&out, OutputTabular, ents); err != nil {
				t.Fatal(err)
			}
			golden(t, "render/"+name+".golden", out.String())
		})
	}
}

func TestRenderEntitiesJSON(t *testing.T) {
	b, err := os.ReadFile("testdata/entities/create.json")
	if err != nil {
		t.Fatal(err)
	}
	var ents []json.RawMessage
	if err := json.Unmarshal(b, &ents); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := RenderEntities(&out, OutputJSON, ents); err != nil {
		t.Fatal(err)
	}
	golden(t, "render/create.json.golden", out.String())
}

// TestRenderQueryStreams serves recorded /query bodies and renders them as
// the shell does.
func TestRenderQueryStreams(t *testing.T) {
	for _, tc := range []struct{ name, stmt, format string }{
		{"push", "SELECT * FROM PAGEVIEWS EMIT CHANGES LIMIT 2;", OutputTabular},
		{"push", "SELECT * FROM PAGEVIEWS EMIT CHANGES LIMIT 2;", OutputJSON},
		{"pull", "SELECT * FROM COUNTS;", OutputTabular},
		{"pull_empty", "SELECT * FROM COUNTS WHERE USERID = 'nobody';", OutputTabular},
		{"push_error", "SELECT A FROM X EMIT CHANGES;", OutputTabular},
		{"print", "PRINT 'pageviews' FROM BEGINNING LIMIT 2;", OutputTabular},
	} {
		t.Run(tc.name+"_"+tc.format, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata/streams", tc.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			var got struct{ KSQL string }
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/query" {
					http.NotFound(w, r)
					return
				}
				_ = json.NewDecoder(r.Body).Decode(&got)
				w.Header().Set("Content-Type", "application/json")
				w.Write(body)
			}))
			defer srv.Close()
			var out, errOut bytes.Buffer
			sh := New(Config{Server: srv.URL, Output: tc.format, Stdout: &out, Stderr: &errOut, Width: 60})
			if err := sh.RunScript(context.Background(), tc.stmt); err != nil {
				out.WriteString("ERROR: " + err.Error() + "\n")
			}
			if got.KSQL != tc.stmt {
				t.Errorf("sent %q, want %q", got.KSQL, tc.stmt)
			}
			name := tc.name
			if tc.format == OutputJSON {
				name += ".json"
			}
			golden(t, "streams/"+name+".golden", out.String())
		})
	}
}
