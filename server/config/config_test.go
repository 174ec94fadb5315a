package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadFileAndEnv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "server.properties")
	body := "# comment\nbootstrap.servers=localhost:9092\nksql.service.id : svc_\nlisteners=http://0.0.0.0:\\\n8088\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	if err := c.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	c.LoadEnv([]string{"KSQL_KSQL_SERVICE_ID=env_", "PATH=/bin", "KSQL_OPTS=-Xmx1g"})
	tests := []struct{ key, want string }{
		{BootstrapServers, "localhost:9092"},
		{ServiceID, "env_"},
		{Listeners, "http://0.0.0.0:8088"},
		{StateDir, "eddy-data"},
	}
	for _, tc := range tests {
		if got := c.Get(tc.key, ""); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.key, got, tc.want)
		}
	}
	if _, ok := c["opts"]; ok {
		t.Error("KSQL_OPTS must not become a property")
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.properties")
	if err := os.WriteFile(path, []byte("novalue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Defaults().LoadFile(path); err == nil {
		t.Fatal("expected an error for a line without '='")
	}
	if err := Defaults().LoadFile(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("expected an error for a missing file")
	}
}
