package parser

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/eddysql/eddy/parser/ast"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// enumNames spells the AST's enum types in dumps.
var enumNames = map[reflect.Type][]string{
	reflect.TypeOf(ast.TypeKind(0)): {"BOOLEAN", "INT", "BIGINT", "DOUBLE", "DECIMAL", "STRING", "BYTES",
		"DATE", "TIME", "TIMESTAMP", "ARRAY", "MAP", "STRUCT", "CUSTOM"},
	reflect.TypeOf(ast.LiteralKind(0)):      {"NULL", "BOOL", "INTEGER", "DECIMAL", "DOUBLE", "STRING"},
	reflect.TypeOf(ast.UnaryOp(0)):          {"NOT", "NEG", "PLUS"},
	reflect.TypeOf(ast.ColumnConstraint(0)): {"VALUE", "KEY", "PRIMARY KEY", "HEADERS", "HEADER"},
	reflect.TypeOf(ast.EmitKind(0)):         {"NONE", "CHANGES", "FINAL"},
	reflect.TypeOf(ast.ShowKind(0)): {"STREAMS", "TABLES", "QUERIES", "TOPICS", "PROPERTIES", "FUNCTIONS",
		"TYPES", "VARIABLES", "CONNECTORS"},
}

var (
	baseType              = reflect.TypeOf(ast.Base{})
	reflectTypeOfTypeKind = reflect.TypeOf(ast.TypeKind(0))
)

// dump renders an AST deterministically, one field per line: node types
// with their position, zero-valued plain fields left out, enums by name.
func dump(v any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(v), 0)
	b.WriteByte('\n')
	return b.String()
}

func dumpValue(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("nil")
		return
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if v.Kind() == reflect.Pointer && v.Elem().Kind() != reflect.Struct {
			b.WriteString("&")
		}
		dumpValue(b, v.Elem(), depth)
		return
	case reflect.Slice:
		if v.Len() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i := 0; i < v.Len(); i++ {
			b.WriteString(indent + "  ")
			dumpValue(b, v.Index(i), depth+1)
			b.WriteString("\n")
		}
		b.WriteString(indent + "]")
		return
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
		return
	case reflect.Struct:
		dumpStruct(b, v, depth)
		return
	}
	if names, ok := enumNames[v.Type()]; ok {
		if i := int(v.Int()); i >= 0 && i < len(names) {
			b.WriteString(names[i])
			return
		}
	}
	if s, ok := v.Interface().(fmt.Stringer); ok {
		b.WriteString(s.String())
		return
	}
	fmt.Fprintf(b, "%v", v.Interface())
}

func dumpStruct(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	t := v.Type()
	b.WriteString(t.Name())
	if f := v.FieldByName("Base"); f.IsValid() && f.Type() == baseType {
		p := f.Interface().(ast.Base).P
		fmt.Fprintf(b, "@%d:%d", p.Line, p.Col)
	}
	b.WriteString(" {\n")
	for i := 0; i < t.NumField(); i++ {
		ft, fv := t.Field(i), v.Field(i)
		if ft.Type == baseType {
			continue
		}
		_, isEnum := enumNames[ft.Type]
		_, isStringer := fv.Interface().(fmt.Stringer)
		if fv.IsZero() && !isEnum && !isStringer {
			continue
		}
		fmt.Fprintf(b, "%s  %s: ", indent, ft.Name)
		dumpValue(b, fv, depth+1)
		b.WriteString("\n")
	}
	b.WriteString(indent + "}")
}

// checkGolden compares got with testdata/<name>, rewriting it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./parser -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the parse (run go test ./parser -update to accept):\n--- got\n%s", path, got)
	}
}
