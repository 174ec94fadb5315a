package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/eddysql/eddy/server/wire"
)

// Servers sharing a service id keep one order of statements: the command
// topic's. A server writes a statement that changes state to the topic and
// does not run it itself; its command runner (the server's tail of the
// topic, calling Apply) runs every command, its own included, strictly in
// topic order, and hands the server the outcome of its own. Two servers
// accepting conflicting statements at once therefore agree on which one
// won, and a statement that lost fails the same way everywhere, on replay
// too.

// CommandEntry is a command of the command topic.
type CommandEntry struct {
	Offset     int64
	Statement  string
	Properties map[string]string
	// Own marks a command this server wrote (and awaits the outcome of).
	Own bool
}

// CommandLog is where accepted statements are kept.
type CommandLog interface {
	Append(ctx context.Context, stmt string, props map[string]string) (int64, error)
}

// DefaultCommandTimeout is how long a request waits for the command runner
// (ksql.server.command.response.timeout.ms).
const DefaultCommandTimeout = 5 * time.Second

// commandProgress is how far the runner has come.
type commandProgress struct {
	mu      sync.Mutex
	changed *sync.Cond
	applied int64 // offset of the last command applied; -1 before any
	// own holds the outcomes of this server's commands until their
	// requests take them; abandoned are those whose request gave up.
	own       map[int64]commandOutcome
	abandoned map[int64]bool
}

type commandOutcome struct {
	ent wire.Entity
	err error
}

func newCommandProgress() *commandProgress {
	p := &commandProgress{applied: -1, own: map[int64]commandOutcome{}, abandoned: map[int64]bool{}}
	p.changed = sync.NewCond(&p.mu)
	return p
}

// done records that command c ran; it reports whether a request of this
// server takes the outcome.
func (p *commandProgress) done(c CommandEntry, out commandOutcome) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.applied = max(p.applied, c.Offset)
	p.changed.Broadcast()
	if !c.Own || p.abandoned[c.Offset] {
		delete(p.abandoned, c.Offset)
		return false
	}
	p.own[c.Offset] = out
	return true
}

// wait blocks until cond holds, ctx ends or timeout passes.
func (p *commandProgress) wait(ctx context.Context, timeout time.Duration, cond func() bool) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.changed.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	for !cond() {
		if ctx.Err() != nil {
			return false
		}
		p.changed.Wait()
	}
	return true
}

// Apply runs the next command of the command topic. A command that fails
// (its topic was deleted, another server's statement won) is logged and
// skipped, as ksqlDB does; a command of this server's reports its outcome
// to the request that wrote it.
func (e *Engine) Apply(ctx context.Context, c CommandEntry) {
	e.mu.Lock()
	ent, err := e.applyCommand(ctx, c)
	e.mu.Unlock()
	if !e.progress.done(c, commandOutcome{ent: ent, err: err}) && err != nil {
		e.log.Warn("command failed, skipped", "offset", c.Offset, "statement", c.Statement, "error", err)
	}
}

// distribute writes a statement to the command topic and returns its
// outcome once the command runner has run it.
func (e *Engine) distribute(ctx context.Context, text string, props map[string]string) (wire.Entity, error) {
	off, err := e.commands.Append(ctx, text, props)
	if err != nil {
		return nil, wire.ServerError(err.Error())
	}
	p := e.progress
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.wait(ctx, e.commandTimeout(), func() bool { _, ok := p.own[off]; return ok }) {
		// The runner reports (logs) the outcome when it comes.
		p.abandoned[off] = true
		return nil, wire.NewError(wire.CodeCommandQueueTimeout, fmt.Sprintf(
			"Request timed out: the statement was written to the command topic (offset %d) but this server has not run it yet. "+
				"It will run; retry the request with commandSequenceNumber %d to wait for it.", off, off))
	}
	out := p.own[off]
	delete(p.own, off)
	if st, ok := out.ent.(*wire.CommandStatusEntity); ok {
		// The command's offset is its sequence number: the number a
		// client passes back to wait for it (awaitSequence).
		st.CommandSequenceNumber = off
	}
	return out.ent, out.err
}

// awaitSequence waits until the command runner has run the command with
// sequence number seq: a client that sends the commandSequenceNumber of its
// last statement reads what that statement did, whichever server ran it.
func (e *Engine) awaitSequence(ctx context.Context, seq *int64) error {
	if seq == nil || e.commands == nil {
		return nil
	}
	p := e.progress
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.wait(ctx, e.commandTimeout(), func() bool { return p.applied >= *seq }) {
		return wire.NewError(wire.CodeCommandQueueTimeout, fmt.Sprintf(
			"Timed out while waiting for a previous command to execute. command sequence number: %d", *seq))
	}
	return nil
}

func (e *Engine) commandTimeout() time.Duration {
	return e.msProperty(nil, "ksql.server.command.response.timeout.ms", 1, DefaultCommandTimeout)
}
