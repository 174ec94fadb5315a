package cli

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"

	"github.com/eddysql/eddy/parser"
)

// Prompts of the shell.
const (
	Prompt             = "ksql> "
	ContinuationPrompt = ">"
)

// lineReader is where the shell's lines come from: readline on a terminal
// (or on the configured reader).
type lineReader interface {
	// Readline returns the next line; readline.ErrInterrupt on Ctrl-C,
	// io.EOF on Ctrl-D or at the end of the input.
	Readline() (string, error)
	SetPrompt(p string)
	Close() error
}

// newReadline returns a readline instance over the shell's input and
// output. On a real terminal (Stdin nil) readline owns the terminal; with
// a configured reader it edits lines from it as if it were a terminal when
// cfg.Terminal is set, and reads plain lines otherwise.
func newReadline(cfg *Config, out io.Writer) (lineReader, error) {
	rc := &readline.Config{
		Prompt:          Prompt,
		HistoryFile:     cfg.HistoryFile,
		HistoryLimit:    1000,
		InterruptPrompt: "^C",
		EOFPrompt:       "exit",
		Stdout:          out,
		Stderr:          out,
	}
	if cfg.Stdin != nil {
		rc.Stdin = io.NopCloser(cfg.Stdin)
		term := cfg.Terminal
		rc.FuncIsTerminal = func() bool { return term }
		rc.FuncMakeRaw = func() error { return nil }
		rc.FuncExitRaw = func() error { return nil }
		rc.FuncOnWidthChanged = func(func()) {}
		width := cfg.width()
		rc.FuncGetWidth = func() int { return width }
	}
	return readline.NewEx(rc)
}

// DefaultHistoryFile is $EDDY_HISTORY, or ~/.eddy_history.
func DefaultHistoryFile() string {
	if p := os.Getenv("EDDY_HISTORY"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".eddy_history")
}

// loadHistory reads the last lines of a history file.
func loadHistory(path string, limit int) []string {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

// complete reports whether buf holds only whole statements: its last
// statement ends with ';' outside quotes and comments (or it holds no
// statement at all). It asks parser.SplitStatements whether a sentinel
// appended on a new line starts a statement of its own.
func complete(buf string) bool {
	return len(parser.SplitStatements(buf+"\n\x00")) == len(parser.SplitStatements(buf))+1
}

// splitLines splits a script into lines for the shell's loop.
func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.Split(text, "\n")
}
