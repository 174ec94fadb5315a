package wasm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// module is one compiled .wasm file and its pool of instances. A wasm
// instance is single-threaded: each concurrent call takes its own instance
// from the pool and gives it back when done; instances whose call failed
// (trap, exit, time limit) are closed, never reused.
type module struct {
	name     string
	cfg      *Config
	rt       wazero.Runtime
	compiled wazero.CompiledModule

	mu     sync.Mutex
	idle   []*instance
	closed bool
}

// instance is one instantiation of a module.
type instance struct {
	mod     api.Module
	fns     map[string]api.Function
	alloc   api.Function // alloc(size i32) -> ptr i32, for STRING/BYTES arguments
	dealloc api.Function // dealloc(ptr i32, len i32), optional
	out     *tail        // the guest's stdout and stderr (its panic messages)
}

func (m *module) instantiate(ctx context.Context) (*instance, error) {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.InitTimeout)
	defer cancel()
	out := &tail{}
	// No file system, no arguments, no environment; stdout and stderr are
	// kept for error messages; clocks and randomness are wazero's
	// deterministic defaults. _initialize runs a reactor's runtime set-up
	// (Go's -buildmode=c-shared); modules without it start empty.
	mc := wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize").
		WithStdout(out).WithStderr(out)
	mod, err := m.rt.InstantiateModule(ctx, m.compiled, mc)
	if err != nil {
		return nil, fmt.Errorf("instantiating module %s: %w%s", m.name, err, out.suffix())
	}
	return &instance{mod: mod, fns: map[string]api.Function{}, alloc: mod.ExportedFunction("alloc"),
		dealloc: mod.ExportedFunction("dealloc"), out: out}, nil
}

func (in *instance) fn(name string) api.Function {
	f, ok := in.fns[name]
	if !ok {
		f = in.mod.ExportedFunction(name)
		in.fns[name] = f
	}
	return f
}

func (m *module) get(ctx context.Context) (*instance, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, fmt.Errorf("module %s is closed", m.name)
	}
	if n := len(m.idle); n > 0 {
		in := m.idle[n-1]
		m.idle = m.idle[:n-1]
		m.mu.Unlock()
		return in, nil
	}
	m.mu.Unlock()
	return m.instantiate(ctx)
}

func (m *module) put(in *instance) {
	m.mu.Lock()
	if !m.closed && len(m.idle) < m.cfg.MaxIdle {
		m.idle = append(m.idle, in)
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	_ = in.mod.Close(context.Background())
}

func (m *module) close(ctx context.Context) {
	m.mu.Lock()
	idle := m.idle
	m.idle, m.closed = nil, true
	m.mu.Unlock()
	for _, in := range idle {
		_ = in.mod.Close(ctx)
	}
}

// call runs f on a pooled instance under the per-call time limit.
func (m *module) call(fnName string, f func(ctx context.Context, in *instance) (any, error)) (any, error) {
	in, err := m.get(context.Background())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fnName, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.CallTimeout)
	defer cancel()
	in.out.reset()
	v, err := f(ctx, in)
	if err != nil {
		_ = in.mod.Close(context.Background())
		return nil, m.callError(fnName, ctx, in, err)
	}
	m.put(in)
	return v, nil
}

func (m *module) callError(fnName string, ctx context.Context, in *instance, err error) error {
	var exit *sys.ExitError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%s: exceeded the time limit of %s per call (module %s): %w", fnName, m.cfg.CallTimeout, m.name, ErrTimeLimit)
	case errors.As(err, &exit):
		return fmt.Errorf("%s: module %s exited with code %d%s: %w", fnName, m.name, exit.ExitCode(), in.out.suffix(), ErrTrap)
	case errors.Is(err, errABI):
		return fmt.Errorf("%s: module %s: %v", fnName, m.name, err)
	}
	// The first line: wazero appends the wasm stack trace.
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return fmt.Errorf("%s: module %s trapped: %s%s: %w", fnName, m.name, msg, in.out.suffix(), ErrTrap)
}

// Errors of calls, for errors.Is.
var (
	ErrTrap      = errors.New("wasm trap")
	ErrTimeLimit = errors.New("wasm time limit exceeded")
	errABI       = errors.New("abi violation")
)

// tail keeps the first bytes a guest wrote to stdout and stderr since the
// last reset (where a Go guest prints its panic message).
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 1024

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := tailSize - len(t.buf); room > 0 {
		t.buf = append(t.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (t *tail) reset() {
	t.mu.Lock()
	t.buf = t.buf[:0]
	t.mu.Unlock()
}

// suffix is ": <guest output>" when the guest wrote something.
func (t *tail) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if s == "" {
		return ""
	}
	// Keep the message to its first lines (a Go panic and its cause).
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && len(lines) < 2 {
			lines = append(lines, l)
		}
	}
	return " (guest output: " + strings.Join(lines, " | ") + ")"
}
