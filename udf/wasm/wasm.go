// Package wasm loads user-defined functions compiled to WebAssembly and
// runs them with wazero (pure Go, no cgo), so that functions can be added
// without rebuilding the server.
//
// The extension directory (ksql.extension.dir) holds modules <name>.wasm,
// each with a manifest <name>.json declaring the scalar and aggregate
// functions it exports (see Manifest). Modules run sandboxed: WASI is
// provided without any file system, network, arguments or environment
// (only deterministic clocks and randomness; stdout and stderr are
// captured for error messages), memory is capped (Config.MemoryLimitPages)
// and each call has a time limit (Config.CallTimeout). A call that traps,
// exits or overruns returns an error, which the runtime logs to the
// processing log and turns into NULL for that record only; the instance is
// discarded and the next call gets a fresh one.
//
// The ABI: INT and BOOLEAN are i32 (BOOLEAN 0 or 1), BIGINT i64, DOUBLE
// f64. A STRING or BYTES argument is two i32 (ptr, len) into guest memory
// the host obtains by calling the guest's export alloc(size i32) -> i32; a
// STRING or BYTES result is an i64 ptr<<32|len (all bits set: NULL). When
// the guest exports dealloc(ptr i32, len i32) the host calls it for every
// argument and result buffer after the call. A NULL argument makes a
// scalar return NULL without a call; an aggregate skips the row.
//
// An aggregate declares an accumulator state (BIGINT i64 or DOUBLE f64)
// held by the host: <export>_init() -> state, <export>_add(state,
// args...) -> state, <export>_merge(state, state) -> state,
// <export>_result(state) -> result and, optionally, <export>_undo(state,
// args...) -> state (which lets it aggregate tables). _init is called once
// per query; the others must be pure functions of their arguments, since
// calls of one group may run on different instances.
package wasm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/eddysql/eddy/udf"
	"github.com/eddysql/eddy/udf/udaf"
)

// Configuration keys.
const (
	KeyDir         = "ksql.extension.dir"
	KeyMemoryLimit = "eddy.udf.wasm.memory.limit.mb" // per instance
	KeyCallTimeout = "eddy.udf.wasm.call.timeout.ms"
	KeyMaxIdle     = "eddy.udf.wasm.idle.instances" // per module
)

// Config configures loading and sandboxing.
type Config struct {
	Dir string
	// MemoryLimitPages caps each instance's memory in 64 KiB pages
	// (default 1024: 64 MiB).
	MemoryLimitPages uint32
	// CallTimeout limits each call (default 1s); InitTimeout the start of
	// an instance (default 10s).
	CallTimeout time.Duration
	InitTimeout time.Duration
	// MaxIdle is how many idle instances each module keeps for reuse
	// (default GOMAXPROCS); concurrent calls beyond it get extra instances.
	MaxIdle int
	Log     *slog.Logger
}

// ConfigFromProperties reads the configuration keys through get.
func ConfigFromProperties(get func(key, def string) string) (Config, error) {
	cfg := Config{Dir: get(KeyDir, "")}
	num := func(key string) (int, error) {
		v := get(key, "")
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("invalid %s %q: want a positive integer", key, v)
		}
		return n, nil
	}
	mb, err := num(KeyMemoryLimit)
	if err != nil {
		return cfg, err
	}
	cfg.MemoryLimitPages = uint32(mb * 16)
	ms, err := num(KeyCallTimeout)
	if err != nil {
		return cfg, err
	}
	cfg.CallTimeout = time.Duration(ms) * time.Millisecond
	if cfg.MaxIdle, err = num(KeyMaxIdle); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func (c *Config) defaults() {
	if c.MemoryLimitPages == 0 {
		c.MemoryLimitPages = 1024
	}
	if c.CallTimeout == 0 {
		c.CallTimeout = time.Second
	}
	if c.InitTimeout == 0 {
		c.InitTimeout = 10 * time.Second
	}
	if c.MaxIdle == 0 {
		c.MaxIdle = runtime.GOMAXPROCS(0)
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
}

// Extensions are the loaded modules and the functions they implement.
type Extensions struct {
	cfg       Config
	rt        wazero.Runtime
	modules   []*module
	functions []*udf.Function
	aggs      map[string]udaf.UserAggregate
}

// Load compiles every module of cfg.Dir and checks it against its
// manifest. An empty Dir loads nothing; a missing directory, a module
// without manifest or a manifest that does not match the exports is an
// error.
func Load(ctx context.Context, cfg Config) (*Extensions, error) {
	cfg.defaults()
	e := &Extensions{cfg: cfg, aggs: map[string]udaf.UserAggregate{}}
	if cfg.Dir == "" {
		return e, nil
	}
	paths, err := filepath.Glob(filepath.Join(cfg.Dir, "*.wasm"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.Dir); err != nil {
		return nil, fmt.Errorf("%s: %w", KeyDir, err)
	}
	sort.Strings(paths)
	rc := wazero.NewRuntimeConfig().WithMemoryLimitPages(cfg.MemoryLimitPages).WithCloseOnContextDone(true)
	e.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, e.rt); err != nil {
		_ = e.rt.Close(ctx)
		return nil, err
	}
	seen := map[string]string{}
	for _, p := range paths {
		if err := e.load(ctx, p, seen); err != nil {
			_ = e.Close(ctx)
			return nil, err
		}
	}
	return e, nil
}

func (e *Extensions) load(ctx context.Context, path string, seen map[string]string) error {
	name := strings.TrimSuffix(filepath.Base(path), ".wasm")
	man, err := readManifest(strings.TrimSuffix(path, ".wasm") + ".json")
	if err != nil {
		return fmt.Errorf("user functions of %s: %w", path, err)
	}
	code, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	compiled, err := e.rt.CompileModule(ctx, code)
	if err != nil {
		return fmt.Errorf("compiling %s: %w", path, err)
	}
	for _, imp := range compiled.ImportedFunctions() {
		if mod, fn, _ := imp.Import(); mod != wasi_snapshot_preview1.ModuleName {
			return fmt.Errorf("%s imports %s.%s: modules may only import %s", path, mod, fn, wasi_snapshot_preview1.ModuleName)
		}
	}
	m := &module{name: name, cfg: &e.cfg, rt: e.rt, compiled: compiled}
	e.modules = append(e.modules, m)
	exports := compiled.ExportedFunctions()
	for i := range man.Functions {
		spec := &man.Functions[i]
		up := strings.ToUpper(spec.Name)
		if other, ok := seen[up]; ok {
			return fmt.Errorf("%s: function %s is already declared by %s", path, up, other)
		}
		seen[up] = path
		f, err := e.function(m, spec, exports)
		if err != nil {
			return fmt.Errorf("%s: function %s: %w", path, up, err)
		}
		e.functions = append(e.functions, f)
	}
	// Start one instance now: a module that cannot start fails the load,
	// not the first record.
	in, err := m.instantiate(ctx)
	if err != nil {
		return err
	}
	m.put(in)
	e.cfg.Log.Info("loaded user functions", "module", path, "functions", len(man.Functions))
	return nil
}

// Functions lists the loaded functions.
func (e *Extensions) Functions() []*udf.Function { return e.functions }

// Register adds the functions to a registry, and the aggregates to the
// executor's aggregate implementations (udaf, which are per process).
func (e *Extensions) Register(r *udf.Registry) error {
	for _, f := range e.functions {
		if err := r.RegisterUser(f); err != nil {
			return err
		}
		if f.Kind == udf.Aggregate {
			if err := r.Aggregates().RegisterUser(f.Name, e.aggs[f.Name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close releases the modules; later calls fail.
func (e *Extensions) Close(ctx context.Context) error {
	for _, m := range e.modules {
		m.close(ctx)
	}
	if e.rt == nil {
		return nil
	}
	err := e.rt.Close(ctx)
	e.rt = nil
	return err
}

var errKind = errors.New(`kind must be "scalar" or "aggregate"`)
