package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/chzyer/readline"
)

// Config configures a Shell.
type Config struct {
	Server  string // base URL, default http://localhost:8088
	Output  string // TABULAR (default) or JSON
	Version string // the CLI's version, for the banner and `version`

	// Stdin, when set, replaces the terminal as the source of interactive
	// lines; Terminal then says whether to treat it as a terminal (echo,
	// line editing, Ctrl-C and Ctrl-D as keys).
	Stdin    io.Reader
	Terminal bool
	Stdout   io.Writer // default os.Stdout
	Stderr   io.Writer // default os.Stderr; errors of non-interactive runs

	HistoryFile string // "" keeps no history file
	// Interrupts delivers Ctrl-C while a statement runs (the terminal is
	// not in raw mode then, so Ctrl-C is a SIGINT): it cancels the running
	// query and the shell returns to the prompt.
	Interrupts <-chan os.Signal
	Width      int // terminal width for query rows; 0: the terminal's, else 120
	HTTPClient *http.Client
}

func (c *Config) width() int {
	if c.Width > 0 {
		return c.Width
	}
	if c.Stdin == nil {
		if w := readline.GetScreenWidth(); w > 0 {
			return w
		}
	}
	return 120
}

// Shell is ksqlDB's CLI experience over Eddy's REST API.
type Shell struct {
	cfg    Config
	client *Client
	out    io.Writer // Stdout, plus the spool file when spooling
	errw   io.Writer
	format string
	props  map[string]string   // SET properties, sent as streamsProperties
	vars   map[string]variable // DEFINE'd variables by upper-case name
	// lastSeq is the largest commandSequenceNumber the server answered:
	// sent back with every request, as ksqlDB's CLI does, so that a
	// statement sees what the ones before it did on any server.
	lastSeq *int64
	history []string // lines entered, oldest first
	spool   *os.File
	buf     strings.Builder // a statement being entered over several lines
	quit    bool
}

type variable struct{ name, value string }

// New returns a shell; it connects to nothing until used.
func New(cfg Config) *Shell {
	if cfg.Server == "" {
		cfg.Server = "http://localhost:8088"
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	s := &Shell{cfg: cfg, client: NewClient(cfg.Server, cfg.HTTPClient), out: cfg.Stdout, errw: cfg.Stderr,
		format: OutputTabular, props: map[string]string{}, vars: map[string]variable{}}
	if strings.EqualFold(cfg.Output, OutputJSON) {
		s.format = OutputJSON
	}
	return s
}

// Run is the interactive loop: banner, then statements and commands read
// with readline until exit or Ctrl-D. It returns the exit code.
func (s *Shell) Run(ctx context.Context) int {
	s.errw = s.cfg.Stdout // errors go to the terminal, between the outputs
	rl, err := newReadline(&s.cfg, s.cfg.Stdout)
	if err != nil {
		fmt.Fprintln(s.cfg.Stderr, "eddy shell:", err)
		return 1
	}
	defer rl.Close()
	defer s.stopSpool()
	s.history = loadHistory(s.cfg.HistoryFile, 1000)
	s.banner(ctx)
	for !s.quit && ctx.Err() == nil {
		if s.buf.Len() == 0 {
			rl.SetPrompt(Prompt)
		} else {
			rl.SetPrompt(ContinuationPrompt)
		}
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			s.buf.Reset() // Ctrl-C at the prompt drops the statement being typed
			continue
		}
		if err != nil { // io.EOF: Ctrl-D or the end of the input
			break
		}
		if strings.TrimSpace(line) != "" {
			s.history = append(s.history, line)
		}
		if err := s.feed(ctx, line); err != nil {
			s.printError(err)
		}
	}
	if s.buf.Len() > 0 && !s.quit && ctx.Err() == nil { // input ended mid-statement
		if err := s.flush(ctx); err != nil {
			s.printError(err)
		}
	}
	fmt.Fprintln(s.out, "Exiting Eddy.")
	return 0
}

// RunScript runs statements and commands non-interactively (`-f`,
// `--execute`), stopping at the first error, which it returns.
func (s *Shell) RunScript(ctx context.Context, text string) error {
	defer s.stopSpool()
	if err := s.runLines(ctx, text); err != nil {
		return err
	}
	return nil
}

// runLines feeds the lines of a script to the shell; a last statement
// without ';' runs too. The first error ends the run.
func (s *Shell) runLines(ctx context.Context, text string) error {
	var saved strings.Builder
	saved.WriteString(s.buf.String()) // RUN SCRIPT inside a session
	s.buf.Reset()
	defer func() { s.buf.Reset(); s.buf.WriteString(saved.String()) }()
	for _, line := range splitLines(text) {
		if s.quit {
			return nil
		}
		if err := s.feed(ctx, line); err != nil {
			return err
		}
	}
	return s.flush(ctx)
}

// feed takes one line: a client command when no statement is being
// entered, else more of the statement, run once it ends with ';'.
func (s *Shell) feed(ctx context.Context, line string) error {
	if s.buf.Len() == 0 {
		if handled, err := s.command(ctx, line); handled {
			return err
		}
	}
	s.buf.WriteString(line)
	s.buf.WriteByte('\n')
	if !complete(s.buf.String()) {
		return nil
	}
	return s.flush(ctx)
}

// flush runs the statements entered so far.
func (s *Shell) flush(ctx context.Context) error {
	text := s.buf.String()
	s.buf.Reset()
	return s.execute(ctx, text)
}

func (s *Shell) printError(err error) {
	var ue *UnreachableError
	if errors.As(err, &ue) {
		unreachable(s.errw, ue)
		return
	}
	fmt.Fprintln(s.errw, err.Error())
}

// banner greets with the versions of the CLI and the server.
func (s *Shell) banner(ctx context.Context) {
	fmt.Fprintln(s.out, "\n  ____  ___   ___   _  _")
	fmt.Fprintln(s.out, " | ___||   \\ |   \\ | || |   Eddy: streaming SQL, ksqlDB-compatible")
	fmt.Fprintln(s.out, " | _|  | |) || |) | \\_. |   Type 'help' for the shell's commands")
	fmt.Fprintln(s.out, " |____||___/ |___/  |__/")
	fmt.Fprintln(s.out)
	s.serverStatus(ctx)
	fmt.Fprintln(s.out, "\nHaving trouble? Type 'help' (case-insensitive) for a rundown of how things work!")
	fmt.Fprintln(s.out)
}

// serverStatus prints the server's version and status, or why it cannot
// be reached.
func (s *Shell) serverStatus(ctx context.Context) {
	info, err := s.client.Info(ctx)
	if err != nil {
		var ue *UnreachableError
		if errors.As(err, &ue) {
			fmt.Fprintf(s.out, "CLI v%s, Server located at %s\n", s.cfg.Version, s.client.Server())
			unreachable(s.out, ue)
			return
		}
		fmt.Fprintf(s.out, "CLI v%s, Server located at %s\nWARNING: %s does not appear to be an Eddy or ksqlDB server: %v\n",
			s.cfg.Version, s.client.Server(), s.client.Server(), err)
		return
	}
	fmt.Fprintf(s.out, "CLI v%s, Server v%s located at %s\n", s.cfg.Version, info.Version, s.client.Server())
	fmt.Fprintf(s.out, "Server Status: %s\n", info.ServerStatus)
}

func unreachable(w io.Writer, ue *UnreachableError) {
	fmt.Fprintln(w, "\n**************** ERROR ********************")
	fmt.Fprintf(w, "Remote server at %s looks to be unreachable:\n  %v\n", ue.Server, ue.Err)
	fmt.Fprintln(w, "Start one with `eddy server`, or point the shell at another with `server <url>`.")
	fmt.Fprintln(w, "*******************************************")
}
