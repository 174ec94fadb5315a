package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/eddysql/eddy/parser"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/server/wire"
)

// execute runs the statements of text one by one; the first error stops.
func (s *Shell) execute(ctx context.Context, text string) error {
	for _, stmt := range parser.SplitStatements(text) {
		if err := s.statement(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// statement runs one statement (without its ';'): SET, UNSET, DEFINE,
// UNDEFINE, SHOW VARIABLES and RUN SCRIPT here in the client; SELECT and
// PRINT with /query; the rest with /ksql.
func (s *Shell) statement(ctx context.Context, stmt string) error {
	words := leadingWords(stmt, 2)
	first, second := "", ""
	if len(words) > 0 {
		first = words[0]
	}
	if len(words) > 1 {
		second = words[1]
	}
	if first != "DEFINE" && first != "UNDEFINE" {
		var err error
		if stmt, err = s.substitute(stmt); err != nil {
			return err
		}
	}
	switch {
	case first == "SET" || first == "UNSET" || first == "DEFINE" || first == "UNDEFINE" ||
		(first == "RUN" && second == "SCRIPT"):
		return s.local(ctx, stmt)
	case (first == "SHOW" || first == "LIST") && second == "VARIABLES":
		return s.showVariables(stmt)
	case first == "SELECT":
		return s.query(ctx, stmt, false)
	case first == "PRINT":
		return s.query(ctx, stmt, true)
	}
	qctx, stop := s.interruptible(ctx)
	defer stop()
	ents, err := s.client.Ksql(qctx, s.request(stmt))
	if err != nil {
		if qctx.Err() != nil && ctx.Err() == nil {
			fmt.Fprintln(s.out, "Statement cancelled.")
			return nil
		}
		return err
	}
	s.noteSequence(ents)
	return RenderEntities(s.out, s.format, ents)
}

// noteSequence keeps the largest command sequence number of an answer.
func (s *Shell) noteSequence(ents []json.RawMessage) {
	for _, raw := range ents {
		var e struct {
			Seq *int64 `json:"commandSequenceNumber"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Seq != nil && (s.lastSeq == nil || *e.Seq > *s.lastSeq) {
			seq := *e.Seq
			s.lastSeq = &seq
		}
	}
}

func (s *Shell) request(stmt string) wire.KsqlRequest {
	req := wire.KsqlRequest{KSQL: stmt + ";", CommandSequenceNumber: s.lastSeq}
	if len(s.props) > 0 {
		req.StreamsProperties = map[string]any{}
		for k, v := range s.props {
			req.StreamsProperties[k] = v
		}
	}
	return req
}

// local runs a statement the client keeps to itself.
func (s *Shell) local(ctx context.Context, stmt string) error {
	parsed, err := parser.Parse(stmt + ";")
	if err != nil {
		return err
	}
	for _, p := range parsed {
		switch st := p.(type) {
		case *ast.SetProperty:
			s.props[st.Name] = st.Value
			fmt.Fprintf(s.out, "Successfully changed local property '%s' to '%s'. Use the UNSET command to revert your change.\n",
				st.Name, st.Value)
		case *ast.UnsetProperty:
			old, ok := s.props[st.Name]
			if !ok {
				return fmt.Errorf("Cannot unset local property '%s' which was never set", st.Name)
			}
			delete(s.props, st.Name)
			fmt.Fprintf(s.out, "Successfully unset local property '%s' (value '%s').\n", st.Name, old)
		case *ast.Define:
			s.vars[strings.ToUpper(st.Name)] = variable{name: st.Name, value: st.Value}
		case *ast.Undefine:
			if _, ok := s.vars[strings.ToUpper(st.Name)]; !ok {
				fmt.Fprintf(s.out, "Cannot undefine variable '%s' which was never defined\n", st.Name)
			}
			delete(s.vars, strings.ToUpper(st.Name))
		case *ast.RunScript:
			return s.runScriptFile(ctx, st.Path)
		default:
			return fmt.Errorf("unexpected statement %T", p)
		}
	}
	return nil
}

// runScriptFile runs the statements and commands of a file.
func (s *Shell) runScriptFile(ctx context.Context, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("Failed to read file '%s': %w", path, err)
	}
	return s.runLines(ctx, string(b))
}

// showVariables answers SHOW VARIABLES from the client's variables.
func (s *Shell) showVariables(stmt string) error {
	e := &wire.VariablesList{}
	e.SetStatementText(stmt + ";")
	for _, v := range sortedVars(s.vars) {
		e.Variables = append(e.Variables, wire.Variable{Name: v.name, Value: v.value})
	}
	b, err := e.MarshalJSON()
	if err != nil {
		return err
	}
	return RenderEntities(s.out, s.format, []json.RawMessage{b})
}

// substitute replaces ${name} with DEFINE'd values (names case-insensitive).
func (s *Shell) substitute(stmt string) (string, error) {
	return parser.SubstituteVariables(stmt, func(name string) (string, bool) {
		v, ok := s.vars[name]
		return v.value, ok
	})
}

// query runs a SELECT or PRINT with /query, printing rows as they come.
// Ctrl-C (an interrupt) closes the connection, which ends the query.
func (s *Shell) query(ctx context.Context, stmt string, print bool) error {
	qctx, stop := s.interruptible(ctx)
	defer stop()
	cancelled := func() bool { return qctx.Err() != nil && ctx.Err() == nil }
	qs, err := s.client.Query(qctx, s.request(stmt))
	if err != nil {
		if cancelled() {
			fmt.Fprintln(s.out, "Query terminated")
			return nil
		}
		return err
	}
	defer qs.Close()
	var rows *rowTable
	final := ""
	for {
		ev, err := qs.Next()
		if err != nil {
			if cancelled() || errors.Is(err, io.EOF) {
				break
			}
			if rows != nil {
				rows.close()
			}
			return err
		}
		switch {
		case ev.Err != nil:
			if rows != nil {
				rows.close()
			}
			return &Error{Status: ev.Err.ErrorCode / 100, Body: *ev.Err}
		case ev.Text != "":
			fmt.Fprintln(s.out, ev.Text)
		case s.format == OutputJSON:
			fmt.Fprintln(s.out, string(ev.Raw))
		case ev.Header != nil:
			rows = newRowTable(s.out, schemaColumns(ev.Header.Schema), s.cfg.width())
			rows.header()
		case ev.Row != nil && rows != nil:
			rows.row(ev.Row.Columns)
		case ev.Final != "":
			final = ev.Final
		}
	}
	if rows != nil {
		rows.close()
	}
	switch {
	case print:
		fmt.Fprintln(s.out, "Topic printing ceased")
	default:
		if final != "" {
			fmt.Fprintln(s.out, final)
		}
		fmt.Fprintln(s.out, "Query terminated")
	}
	return nil
}

// interruptible returns a context cancelled by the next interrupt.
func (s *Shell) interruptible(ctx context.Context) (context.Context, func()) {
	for drained := false; !drained; { // forget interrupts from before
		select {
		case <-s.cfg.Interrupts:
		default:
			drained = true
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		select {
		case <-s.cfg.Interrupts:
			cancel()
		case <-done:
		}
	}()
	return ctx, func() { close(done); cancel() }
}
