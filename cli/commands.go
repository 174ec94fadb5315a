package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode"
)

const helpText = `
Description:
  The Eddy shell is ksqlDB's CLI over Eddy's REST API. Statements end with
  ';' and may span lines; the commands below need no ';'.

Commands:
  help                     show this text
  exit, quit               leave the shell (Ctrl-D too)
  clear                    clear the screen
  history                  show the lines entered
  output                   show the output format
  output JSON|TABULAR      print results as JSON entities or as tables
  server                   show the server the shell talks to
  server <url>             talk to another server
  version                  show the shell's version
  spool <file> | spool off copy the output to a file
  run script '<file>'      run the statements and commands of a file

Client-side statements:
  SET 'property'='value';  sent with every statement as streamsProperties
  UNSET 'property';
  DEFINE name = 'value';   ${name} in later statements is replaced by value
  UNDEFINE name;
  SHOW VARIABLES;

Keys:
  Ctrl-C                   cancel the running query, or clear the line
  Ctrl-D                   exit
`

// command runs a client command (no ';' needed) and reports whether line
// was one.
func (s *Shell) command(ctx context.Context, line string) (bool, error) {
	trimmed := strings.TrimSuffix(strings.TrimSpace(line), ";")
	fields := strings.Fields(trimmed)
	if len(fields) == 0 {
		return false, nil
	}
	arg := strings.TrimSpace(strings.TrimPrefix(trimmed, fields[0]))
	switch strings.ToLower(fields[0]) {
	case "help", "?":
		if len(fields) > 1 {
			return false, nil
		}
		fmt.Fprint(s.out, helpText)
	case "exit", "quit":
		if len(fields) > 1 {
			return false, nil
		}
		s.quit = true
	case "clear":
		fmt.Fprint(s.out, "\033[H\033[2J")
	case "history":
		for i, h := range s.history {
			fmt.Fprintf(s.out, "%5d  %s\n", i+1, h)
		}
	case "output":
		return true, s.output(arg)
	case "server":
		if arg != "" {
			s.client = NewClient(arg, s.cfg.HTTPClient)
		}
		s.serverStatus(ctx)
	case "version":
		fmt.Fprintf(s.out, "Version: %s\n", s.cfg.Version)
	case "spool":
		return true, s.spoolTo(arg)
	case "run":
		if len(fields) < 3 || !strings.EqualFold(fields[1], "script") {
			return false, nil
		}
		return true, s.runScriptFile(ctx, unquote(strings.TrimSpace(trimmed[strings.Index(strings.ToLower(trimmed), "script")+6:])))
	default:
		return false, nil
	}
	return true, nil
}

func (s *Shell) output(arg string) error {
	switch strings.ToUpper(arg) {
	case "":
		fmt.Fprintf(s.out, "Output format: %s\n", s.format)
	case OutputJSON, OutputTabular:
		s.format = strings.ToUpper(arg)
	default:
		return fmt.Errorf("Invalid output format: '%s' (valid formats: JSON, TABULAR)", arg)
	}
	return nil
}

// spoolTo starts copying the output to a file, or stops with "off".
func (s *Shell) spoolTo(arg string) error {
	if arg == "" {
		if s.spool != nil {
			fmt.Fprintf(s.out, "Spooling to %s\n", s.spool.Name())
		} else {
			fmt.Fprintln(s.out, "Not spooling")
		}
		return nil
	}
	s.stopSpool()
	if strings.EqualFold(arg, "off") {
		return nil
	}
	f, err := os.OpenFile(unquote(arg), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.spool = f
	s.out = io.MultiWriter(s.cfg.Stdout, f)
	return nil
}

func (s *Shell) stopSpool() {
	if s.spool != nil {
		s.spool.Close()
		s.spool = nil
		s.out = s.cfg.Stdout
	}
}

// unquote drops the single or double quotes around s, if any.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return strings.ReplaceAll(s[1:len(s)-1], string(s[0])+string(s[0]), string(s[0]))
	}
	return s
}

// leadingWords returns up to n upper-cased words at the start of a
// statement, skipping comments.
func leadingWords(stmt string, n int) []string {
	var out []string
	i := 0
	for i < len(stmt) && len(out) < n {
		switch {
		case strings.HasPrefix(stmt[i:], "--"):
			j := strings.IndexByte(stmt[i:], '\n')
			if j < 0 {
				return out
			}
			i += j + 1
		case strings.HasPrefix(stmt[i:], "/*"):
			j := strings.Index(stmt[i+2:], "*/")
			if j < 0 {
				return out
			}
			i += j + 4
		case isWordByte(stmt[i]):
			j := i
			for j < len(stmt) && isWordByte(stmt[j]) {
				j++
			}
			out = append(out, strings.ToUpper(stmt[i:j]))
			i = j
		case unicode.IsSpace(rune(stmt[i])):
			i++
		default:
			return out
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func sortedVars(m map[string]variable) []variable {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]variable, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
