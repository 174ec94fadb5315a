package wasm

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf"
	"github.com/eddysql/eddy/udf/udaf"
)

const exampleDir = "../../examples/udf/anomaly"

func load(t *testing.T, cfg Config) (*Extensions, *udf.Registry) {
	t.Helper()
	cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	r := udf.NewRegistry()
	if err := e.Register(r); err != nil {
		t.Fatal(err)
	}
	return e, r
}

func scalar(t *testing.T, r *udf.Registry, name string, ts ...*types.Type) func(...any) (any, error) {
	t.Helper()
	res, err := r.ResolveScalar(name, ts)
	if err != nil {
		t.Fatal(err)
	}
	return func(args ...any) (any, error) { return res.Fn(args) }
}

func TestExampleModule(t *testing.T) {
	e, r := load(t, Config{Dir: exampleDir})
	if len(e.Functions()) != 5 {
		t.Fatalf("functions: %d", len(e.Functions()))
	}
	// Every manifest example holds (aggregates: their return type).
	for _, f := range e.Functions() {
		for _, x := range f.Examples {
			if f.Kind == udf.Aggregate {
				res, err := r.ResolveAggregate(f.Name, x.Types)
				if err != nil || res.Return.SQLName() != x.Result {
					t.Errorf("%s: %v %v", x.SQL, res, err)
				}
				continue
			}
			res, err := r.ResolveScalar(f.Name, x.Types)
			if err != nil {
				t.Fatal(err)
			}
			got, err := res.Fn(x.Args)
			if err != nil || types.FormatValue(got) != x.Result {
				t.Errorf("%s = %v (%v), want %s", x.SQL, got, err, x.Result)
			}
		}
	}
	anomaly := scalar(t, r, "anomaly", types.DoubleType)
	if v, err := anomaly(30.0); err != nil || v != 2.0 {
		t.Fatalf("ANOMALY(30.0) = %v, %v", v, err)
	}
	if v, err := anomaly(nil); err != nil || v != nil {
		t.Fatalf("ANOMALY(NULL) = %v, %v", v, err)
	}
	// Implicit widening: an INT argument is cast to DOUBLE by the planner.
	if _, err := r.ResolveScalar("ANOMALY", []*types.Type{types.IntType}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ResolveScalar("ANOMALY", []*types.Type{types.StringType}); err == nil {
		t.Fatal("ANOMALY(STRING) resolved")
	}
	tag := scalar(t, r, "ANOMALY_TAG", types.StringType, types.DoubleType)
	for _, c := range []struct {
		id   string
		x    float64
		want string
	}{{"sensor-1", 21, "sensor-1:normal"}, {"", 34, ":warning"}, {"ünï", -100, "ünï:critical"}} {
		if v, err := tag(c.id, c.x); err != nil || v != c.want {
			t.Errorf("ANOMALY_TAG(%q, %v) = %v, %v", c.id, c.x, v, err)
		}
	}
	if f, ok := r.Lookup("anomaly_max"); !ok || f.Kind != udf.Aggregate {
		t.Fatal("ANOMALY_MAX not registered as an aggregate")
	}
}

func TestAggregates(t *testing.T) {
	_, reg := load(t, Config{Dir: exampleDir})
	aggs := reg.Aggregates()
	ag, err := aggs.New("ANOMALY_MAX", []*types.Type{types.DoubleType}, nil, types.DoubleType)
	if err != nil {
		t.Fatal(err)
	}
	acc := ag.Init()
	for _, x := range []any{25.0, nil, 5.0, 22.0} {
		if acc, err = ag.Add(acc, []any{x}); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := ag.Result(acc); err != nil || v != 3.0 {
		t.Fatalf("ANOMALY_MAX = %v, %v", v, err)
	}
	other, _ := ag.Add(ag.Init(), []any{60.0})
	merged, err := ag.Merge(acc, other)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ag.Encode(merged)
	back, err := ag.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := ag.Result(back); v != 8.0 {
		t.Fatalf("merged ANOMALY_MAX = %v", v)
	}
	if _, err := ag.Undo(acc, []any{25.0}); !errors.Is(err, udaf.ErrNoUndo) {
		t.Fatalf("undo: %v", err)
	}

	if !aggs.CanUndo("anomaly_count") || aggs.CanUndo("anomaly_max") {
		t.Fatal("CanUndo")
	}
	cnt, err := aggs.New("ANOMALY_COUNT", []*types.Type{types.DoubleType}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	acc = cnt.Init()
	for _, x := range []float64{40, 20, 0, 36} {
		acc, _ = cnt.Add(acc, []any{x})
	}
	acc, _ = cnt.Undo(acc, []any{40.0})
	if v, err := cnt.Result(acc); err != nil || v != int64(2) {
		t.Fatalf("ANOMALY_COUNT = %v, %v", v, err)
	}
	if _, err := aggs.New("ANOMALY_COUNT", []*types.Type{types.DoubleType}, []any{int32(3)}, nil); err == nil {
		t.Fatal("literal argument accepted")
	}
}

// guest loads the test module (testdata/guest.wasm) alone.
func guest(t *testing.T, cfg Config) *udf.Registry {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"guest.wasm", "guest.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Dir = dir
	_, r := load(t, cfg)
	return r
}

func TestABI(t *testing.T) {
	r := guest(t, Config{})
	if v, err := scalar(t, r, "T_ADD", types.BigintType, types.BigintType)(int64(1)<<40, int64(-3)); err != nil || v != int64(1)<<40-3 {
		t.Fatalf("T_ADD = %v, %v", v, err)
	}
	if v, err := scalar(t, r, "T_NOT", types.BooleanType)(true); err != nil || v != false {
		t.Fatalf("T_NOT = %v, %v", v, err)
	}
	echo := scalar(t, r, "T_ECHO", types.StringType)
	for _, s := range []string{"", "x", strings.Repeat("long ", 10000)} {
		if v, err := echo(s); err != nil || v != "<"+s+">" {
			t.Fatalf("T_ECHO(%d bytes) = %.20v, %v", len(s), v, err)
		}
	}
	if v, err := scalar(t, r, "T_ECHO_BYTES", types.BytesType)([]byte{0, 1}); err != nil || string(v.([]byte)) != "<\x00\x01>" {
		t.Fatalf("T_ECHO_BYTES = %v, %v", v, err)
	}
	// The host releases argument and result buffers.
	if v, err := scalar(t, r, "T_PINNED")(); err != nil || v != int32(0) {
		t.Fatalf("buffers left pinned: %v, %v", v, err)
	}
}

func TestTrapFailsOnlyThatCall(t *testing.T) {
	r := guest(t, Config{})
	div := scalar(t, r, "T_DIV", types.IntType, types.IntType)
	if v, err := div(int32(7), int32(2)); err != nil || v != int32(3) {
		t.Fatalf("T_DIV(7, 2) = %v, %v", v, err)
	}
	_, err := div(int32(1), int32(0))
	if !errors.Is(err, ErrTrap) || !strings.Contains(err.Error(), "divide by zero") {
		t.Fatalf("T_DIV(1, 0): %v", err)
	}
	t.Log(err)
	if v, err := div(int32(9), int32(3)); err != nil || v != int32(3) {
		t.Fatalf("T_DIV after a trap = %v, %v", v, err)
	}
}

func TestTimeLimit(t *testing.T) {
	r := guest(t, Config{CallTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := scalar(t, r, "T_SPIN", types.BigintType)(int64(1))
	if !errors.Is(err, ErrTimeLimit) {
		t.Fatalf("T_SPIN: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("T_SPIN stopped after %s", d)
	}
	if v, err := scalar(t, r, "T_ADD", types.BigintType, types.BigintType)(int64(1), int64(2)); err != nil || v != int64(3) {
		t.Fatalf("T_ADD after a timeout = %v, %v", v, err)
	}
}

func TestMemoryLimit(t *testing.T) {
	r := guest(t, Config{MemoryLimitPages: 512, CallTimeout: time.Minute}) // 32 MiB
	hog := scalar(t, r, "T_HOG", types.IntType)
	if v, err := hog(int32(4)); err != nil || v != int32(4) {
		t.Fatalf("T_HOG(4 MiB) = %v, %v", v, err)
	}
	if _, err := hog(int32(40)); !errors.Is(err, ErrTrap) {
		t.Fatalf("T_HOG(40 MiB): %v", err)
	} else {
		t.Log(err)
	}
	if v, err := hog(int32(1)); err != nil || v != int32(1) {
		t.Fatalf("T_HOG after running out of memory = %v, %v", v, err)
	}
}

func TestNoFileSystem(t *testing.T) {
	r := guest(t, Config{})
	f := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(f, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	read := scalar(t, r, "T_READFILE", types.StringType)
	for _, p := range []string{f, "/etc/hostname", "guest.json", "/"} {
		if v, err := read(p); err != nil || v != int64(-1) {
			t.Errorf("T_READFILE(%s) = %v, %v; want -1", p, v, err)
		}
	}
}

func TestConcurrentCalls(t *testing.T) {
	r := guest(t, Config{MaxIdle: 2})
	echo := scalar(t, r, "T_ECHO", types.StringType)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				s := strings.Repeat(string(rune('a'+g)), i)
				if v, err := echo(s); err != nil || v != "<"+s+">" {
					errs <- errors.New("wrong echo")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestLoadErrors(t *testing.T) {
	write := func(dir, name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, err := os.ReadFile("testdata/guest.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ manifest, want string }{
		{``, "no such file"},
		{`{"functions":[{"name":"F","export":"add","params":["INT","INT"],"returns":"BIGINT"}]}`, "has signature (i64, i64) -> (i64), want (i32, i32) -> (i64)"},
		{`{"functions":[{"name":"F","export":"nope","params":[],"returns":"INT"}]}`, `does not export function "nope"`},
		{`{"functions":[{"name":"F","export":"add","params":["DATE"],"returns":"INT"}]}`, "unsupported type"},
		{`{"functions":[{"name":"F","kind":"table","export":"add","params":["BIGINT","BIGINT"],"returns":"BIGINT"}]}`, "kind must be"},
		{`{"functions":[{"name":"F","kind":"aggregate","state":"BIGINT","params":["BIGINT"],"returns":"BIGINT"}]}`, `"f_init"`},
		{`{"functions":[], "x": 1}`, "unknown field"},
	} {
		dir := t.TempDir()
		write(dir, "m.wasm", string(code))
		if c.manifest != "" {
			write(dir, "m.json", c.manifest)
		}
		_, err := Load(context.Background(), Config{Dir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.manifest, err, c.want)
		}
	}
	if _, err := Load(context.Background(), Config{Dir: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("missing directory accepted")
	}
	// A user function may not take a built-in's name.
	dir := t.TempDir()
	write(dir, "m.wasm", string(code))
	write(dir, "m.json", `{"functions":[{"name":"ABS","export":"add","params":["BIGINT","BIGINT"],"returns":"BIGINT"}]}`)
	e, err := Load(context.Background(), Config{Dir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(context.Background())
	if err := e.Register(udf.NewRegistry()); err == nil || !strings.Contains(err.Error(), "clashes") {
		t.Fatalf("ABS: %v", err)
	}
}
