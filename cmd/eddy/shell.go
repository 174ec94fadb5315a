package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/chzyer/readline"

	"github.com/eddysql/eddy/cli"
	"github.com/eddysql/eddy/server"
)

// runShell is `eddy shell`: the interactive ksql> shell, or a
// non-interactive run of a file (-f) or of statements (--execute).
func runShell(args []string) int {
	return shellMain(context.Background(), args, os.Stdin, os.Stdout, os.Stderr)
}

func shellMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("shell", flag.ContinueOnError)
	fs.SetOutput(stderr)
	srv := fs.String("server", "http://localhost:8088", "server URL")
	file := fs.String("f", "", "run the statements of this file and exit")
	fs.StringVar(file, "file", "", "same as -f")
	execute := fs.String("execute", "", "run these statements and exit")
	fs.StringVar(execute, "e", "", "same as --execute")
	output := fs.String("output", cli.OutputTabular, "output format: TABULAR or JSON")
	history := fs.String("history", cli.DefaultHistoryFile(), "history file ($EDDY_HISTORY, default ~/.eddy_history)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 1 && *srv == "http://localhost:8088" { // `eddy shell http://host:8088`, as ksql takes it
		*srv = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "eddy shell: unexpected arguments %q\n", fs.Args())
		return 2
	}
	switch o := strings.ToUpper(*output); o {
	case cli.OutputTabular, cli.OutputJSON:
		*output = o
	default:
		fmt.Fprintf(stderr, "eddy shell: invalid --output %q (JSON or TABULAR)\n", *output)
		return 2
	}
	cfg := cli.Config{Server: *srv, Output: *output, Version: server.Version, Stdout: stdout, Stderr: stderr,
		HistoryFile: *history}

	if *file != "" || *execute != "" {
		text := *execute
		if *file != "" {
			b, err := os.ReadFile(*file)
			if err != nil {
				fmt.Fprintln(stderr, "eddy shell:", err)
				return 1
			}
			text = string(b) + "\n" + text
		}
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		if err := cli.New(cfg).RunScript(ctx, text); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}

	if f, ok := stdin.(*os.File); !ok || f != os.Stdin || !readline.DefaultIsTerminal() {
		cfg.Stdin = stdin // piped input: plain lines, no prompts echoed
	}
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	defer signal.Stop(interrupts)
	cfg.Interrupts = interrupts
	return cli.New(cfg).Run(ctx)
}
