package wasm

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/eddysql/eddy/planner/types"
)

// Manifest is the sidecar <module>.json declaring the functions a module
// <module>.wasm exports.
type Manifest struct {
	Functions []FunctionSpec `json:"functions"`
}

// FunctionSpec declares one SQL function implemented by a module export.
type FunctionSpec struct {
	Name string `json:"name"` // SQL name
	// Kind is "scalar" (the default) or "aggregate".
	Kind string `json:"kind"`
	// Export is the wasm export (scalar) or the prefix of the exports
	// <export>_init, _add, _merge, _result and optionally _undo
	// (aggregate). It defaults to the lower-case name.
	Export      string   `json:"export"`
	Params      []string `json:"params"`  // SQL types: INT, BIGINT, DOUBLE, BOOLEAN, STRING, BYTES
	Returns     string   `json:"returns"` // SQL type
	State       string   `json:"state"`   // aggregates: BIGINT or DOUBLE, the accumulator
	Description string   `json:"description"`
	Examples    []struct {
		SQL    string `json:"sql"`
		Args   []any  `json:"args"`
		Result string `json:"result"`
	} `json:"examples"`
}

func readManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m.Functions) == 0 {
		return nil, fmt.Errorf("%s: declares no functions", path)
	}
	return &m, nil
}

// valType is a SQL type the ABI can pass.
type valType struct {
	sql  *types.Type
	wasm []api.ValueType // as a parameter
	ret  api.ValueType   // as a result
}

var abiTypes = map[string]valType{
	"INT":     {types.IntType, []api.ValueType{api.ValueTypeI32}, api.ValueTypeI32},
	"INTEGER": {types.IntType, []api.ValueType{api.ValueTypeI32}, api.ValueTypeI32},
	"BIGINT":  {types.BigintType, []api.ValueType{api.ValueTypeI64}, api.ValueTypeI64},
	"DOUBLE":  {types.DoubleType, []api.ValueType{api.ValueTypeF64}, api.ValueTypeF64},
	"BOOLEAN": {types.BooleanType, []api.ValueType{api.ValueTypeI32}, api.ValueTypeI32},
	"STRING":  {types.StringType, []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, api.ValueTypeI64},
	"VARCHAR": {types.StringType, []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, api.ValueTypeI64},
	"BYTES":   {types.BytesType, []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, api.ValueTypeI64},
}

func parseType(s string) (valType, error) {
	t, ok := abiTypes[strings.ToUpper(strings.TrimSpace(s))]
	if !ok {
		return valType{}, fmt.Errorf("unsupported type %q (want INT, BIGINT, DOUBLE, BOOLEAN, STRING or BYTES)", s)
	}
	return t, nil
}

func isVarLen(t *types.Type) bool { return t.Kind == types.KindString || t.Kind == types.KindBytes }

// checkExport verifies that a module export has the expected wasm signature.
func checkExport(exports map[string]api.FunctionDefinition, name string, params, results []api.ValueType) error {
	def, ok := exports[name]
	if !ok {
		return fmt.Errorf("module does not export function %q", name)
	}
	if !equalTypes(def.ParamTypes(), params) || !equalTypes(def.ResultTypes(), results) {
		return fmt.Errorf("export %q has signature %s, want %s", name,
			sigString(def.ParamTypes(), def.ResultTypes()), sigString(params, results))
	}
	return nil
}

func equalTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sigString(params, results []api.ValueType) string {
	name := func(ts []api.ValueType) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = api.ValueTypeName(t)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return name(params) + " -> " + name(results)
}
