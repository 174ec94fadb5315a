package server

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestExistingClients drives a server the way existing ksqlDB clients do:
// a Python notebook client (urllib, no Accept header, streamed /query)
// and a Node HTTP/2 client (prior knowledge, /query-stream, one JSON
// document per line). They are skipped, with the reason, where the
// interpreter is missing.
func TestExistingClients(t *testing.T) {
	s := startServer(t)
	url := "http://" + s.Addr()

	t.Run("python notebook client", func(t *testing.T) {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("python3 is not installed")
		}
		out, err := exec.Command("python3", "testdata/clients/notebook_client.py", url).CombinedOutput()
		if err != nil {
			t.Fatalf("notebook client: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 2 || lines[0] != `{"created": "Stream created"}` {
			t.Fatalf("notebook client printed:\n%s", out)
		}
		var res struct {
			Rows  [][]any `json:"rows"`
			Final string  `json:"final"`
		}
		if err := json.Unmarshal([]byte(lines[1]), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != 2 || res.Rows[0][0] != "a" || res.Rows[1][0] != "b" || res.Final != "Limit Reached" {
			t.Fatalf("notebook client query result: %+v", res)
		}
	})

	t.Run("ksqldb-client npm package", func(t *testing.T) {
		if _, err := exec.LookPath("node"); err != nil {
			t.Skip("node is not installed")
		}
		if _, err := os.Stat("testdata/clients/node_modules/ksqldb-client"); err != nil {
			t.Skip("ksqldb-client is not installed: npm install --prefix server/testdata/clients ksqldb-client@1.0.5 (.ci/run does)")
		}
		_, port, _ := strings.Cut(s.Addr(), ":")
		out, err := exec.Command("node", "testdata/clients/ksqldb_client.js", port).CombinedOutput()
		if err != nil {
			t.Fatalf("ksqldb-client: %v\n%s", err, out)
		}
		var res struct {
			CreatedError any              `json:"createdError"`
			Inserted     []any            `json:"inserted"`
			Streams      string           `json:"streams"`
			PushError    any              `json:"pushError"`
			Rows         []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("ksqldb-client printed %s: %v", out, err)
		}
		if res.CreatedError != nil || res.PushError != nil || !strings.Contains(res.Streams, "NPMC") {
			t.Fatalf("ksqldb-client: %s", out)
		}
		if len(res.Rows) != 2 || res.Rows[0]["K"] != "x" || res.Rows[1]["V"] != float64(2) {
			t.Fatalf("ksqldb-client rows: %s", out)
		}
	})

	t.Run("node http2 client", func(t *testing.T) {
		if _, err := exec.LookPath("node"); err != nil {
			t.Skip("node is not installed")
		}
		out, err := exec.Command("node", "testdata/clients/http2_client.js", url).CombinedOutput()
		if err != nil {
			t.Fatalf("http2 client: %v\n%s", err, out)
		}
		var res struct {
			Meta struct {
				ColumnNames []string `json:"columnNames"`
				ColumnTypes []string `json:"columnTypes"`
			} `json:"meta"`
			Rows [][]any `json:"rows"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("http2 client printed %s: %v", out, err)
		}
		if strings.Join(res.Meta.ColumnNames, ",") != "K,V" || strings.Join(res.Meta.ColumnTypes, ",") != "STRING,INTEGER" {
			t.Fatalf("metadata %+v", res.Meta)
		}
		if len(res.Rows) != 2 || res.Rows[0][0] != "a" || res.Rows[1][1] != float64(2) {
			t.Fatalf("rows %v", res.Rows)
		}
	})
}
