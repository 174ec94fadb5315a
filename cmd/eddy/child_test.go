package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// childServer is what the kill-and-restart tests share: the eddy binary
// built into a temp dir, a broker in this process with an "events" topic
// (two partitions unless said otherwise), and state directories that
// survive restarts.
type childServer struct {
	t       *testing.T
	dir     string
	bin     string
	brokers []string
}

func newChildServer(t *testing.T) *childServer { return newChildServerWith(t, 2) }

// The eddy binary is built once for all the tests of the package.
var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

func eddyBinary() (string, error) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "eddy-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "eddy")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	return builtBin, buildErr
}

// TestMain removes the shared binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

func newChildServerWith(t *testing.T, partitions int) *childServer {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the eddy binary")
	}
	dir := t.TempDir()
	bin, err := eddyBinary()
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(int32(partitions), "events"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	return &childServer{t: t, dir: dir, bin: bin, brokers: cluster.ListenAddrs()}
}

// file writes content to name in the test's directory and returns its path.
func (c *childServer) file(name, content string) string {
	c.t.Helper()
	path := filepath.Join(c.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path
}

// start runs `eddy server` headless on the queries file, with its output
// in a log file of its own, after any extra arguments.
func (c *childServer) start(queries string, extra ...string) *exec.Cmd {
	c.t.Helper()
	return c.startIn("state", queries, extra...)
}

// startIn is start with a state directory of the given name.
func (c *childServer) startIn(state, queries string, extra ...string) *exec.Cmd {
	c.t.Helper()
	return c.run(state, append(extra, "--queries-file", queries, "--listeners", "http://127.0.0.1:0")...)
}

// startInteractive runs an interactive `eddy server` listening on addr
// (host:port) and waits until it answers.
func (c *childServer) startInteractive(state, addr string, extra ...string) *exec.Cmd {
	c.t.Helper()
	cmd := c.run(state, append(extra, "--listeners", "http://"+addr)...)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/info")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the server on %s did not come up: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freeAddr returns a loopback address with a port free at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// run starts `eddy server` with a state directory of the given name, its
// output in a log file of its own.
func (c *childServer) run(state string, extra ...string) *exec.Cmd {
	c.t.Helper()
	args := append([]string{"server"}, extra...)
	args = append(args, "--bootstrap-servers", strings.Join(c.brokers, ","), "--state-dir", filepath.Join(c.dir, state))
	cmd := exec.Command(c.bin, args...)
	logf, err := os.Create(filepath.Join(c.dir, fmt.Sprintf("server-%d.log", time.Now().UnixNano())))
	if err != nil {
		c.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	return cmd
}

// produceEvents writes perKey rounds of one {"N": i} record per key k0..,
// calling pause after each round.
func produceEvents(producer *kgo.Client, keys, perKey int, pause func(round int)) error {
	ctx := context.Background()
	for i := 0; i < perKey; i++ {
		for k := 0; k < keys; k++ {
			rec := &kgo.Record{Topic: "events", Key: []byte(fmt.Sprintf("k%d", k)), Value: []byte(fmt.Sprintf(`{"N":%d}`, i))}
			if err := producer.ProduceSync(ctx, rec).FirstErr(); err != nil {
				return err
			}
		}
		pause(i)
	}
	return nil
}
