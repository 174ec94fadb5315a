package planner_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddysql/eddy/parser"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/physical"
	"github.com/eddysql/eddy/udf"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run plans each statement of a script, applying DDL to the catalog, and
// renders what each statement produced (a plan or an error).
func run(t *testing.T, script string) string {
	t.Helper()
	cat := catalog.New()
	fns := planner.FunctionsOf(udf.NewRegistry())
	var out strings.Builder
	for _, text := range parser.SplitStatements(script) {
		out.WriteString("-- " + strings.Join(strings.Fields(text), " ") + "\n")
		stmts, err := parser.Parse(text)
		if err != nil {
			out.WriteString("ERROR: " + err.Error() + "\n\n")
			continue
		}
		p := planner.New(cat, fns, planner.Config{})
		switch s := stmts[0].(type) {
		case *ast.CreateSource:
			src, err := p.CreateSource(s)
			if err != nil {
				out.WriteString("ERROR: " + err.Error() + "\n\n")
				continue
			}
			cat.Put(src)
			out.WriteString(src.Kind.String() + " " + src.Name + " (" + src.Schema.String() + ") topic=" + src.Topic +
				" key=" + src.KeyFormat.Name + " value=" + src.ValueFormat.Name + "\n\n")
		case *ast.CreateAsSelect:
			pp, err := p.CreateAsSelect(s)
			if err != nil {
				out.WriteString("ERROR: " + err.Error() + "\n\n")
				continue
			}
			cat.Put(pp.Sink)
			out.WriteString(physical.Explain(pp.Root) + "\n")
		case *ast.InsertInto:
			pp, err := p.InsertInto(s)
			if err != nil {
				out.WriteString("ERROR: " + err.Error() + "\n\n")
				continue
			}
			out.WriteString(physical.Explain(pp.Root) + "\n")
		case *ast.InsertValues:
			ip, err := p.InsertValues(s)
			if err != nil {
				out.WriteString("ERROR: " + err.Error() + "\n\n")
				continue
			}
			out.WriteString("INSERT VALUES into " + ip.Target.Name + "\n\n")
		case *ast.Query:
			qp, err := p.Query(s)
			if err != nil {
				out.WriteString("ERROR: " + err.Error() + "\n\n")
				continue
			}
			out.WriteString(physical.Explain(qp.Root) + "\n")
		default:
			t.Fatalf("unsupported statement in script: %T", s)
		}
	}
	return out.String()
}

func TestPlansGolden(t *testing.T) {
	scripts, err := filepath.Glob("testdata/plans/*.sql")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range scripts {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := run(t, string(src))
			golden := strings.TrimSuffix(path, ".sql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("plan mismatch for %s; run go test ./planner -update and review the diff\n--- got ---\n%s", path, got)
			}
		})
	}
}
