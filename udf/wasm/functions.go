package wasm

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf"
	"github.com/eddysql/eddy/udf/udaf"
)

// function builds the udf.Function of a manifest entry, checking the
// module's exports against the declared signature.
func (e *Extensions) function(m *module, spec *FunctionSpec, exports map[string]api.FunctionDefinition) (*udf.Function, error) {
	if spec.Name == "" {
		return nil, errors.New("name is required")
	}
	name := strings.ToUpper(spec.Name)
	export := spec.Export
	if export == "" {
		export = strings.ToLower(spec.Name)
	}
	var params []*types.Type
	var wasmParams []api.ValueType
	hasVarLen := false
	for _, p := range spec.Params {
		t, err := parseType(p)
		if err != nil {
			return nil, err
		}
		params = append(params, t.sql)
		wasmParams = append(wasmParams, t.wasm...)
		hasVarLen = hasVarLen || isVarLen(t.sql)
	}
	ret, err := parseType(spec.Returns)
	if err != nil {
		return nil, fmt.Errorf("returns: %w", err)
	}
	if hasVarLen {
		if err := checkExport(exports, "alloc", []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}); err != nil {
			return nil, fmt.Errorf("STRING and BYTES arguments need alloc: %w", err)
		}
	}
	sig := &udf.Signature{Ret: udf.ParamOf(ret.sql)}
	for _, t := range params {
		sig.Params = append(sig.Params, udf.ParamOf(t))
	}
	f := &udf.Function{Name: name, Display: name, Description: spec.Description, Signatures: []*udf.Signature{sig}}
	if f.Description == "" {
		f.Description = fmt.Sprintf("User function %s of module %s.", name, m.name)
	}
	for _, x := range spec.Examples {
		args, err := exampleArgs(x.Args, params)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", x.SQL, err)
		}
		f.Examples = append(f.Examples, udf.Example{SQL: x.SQL, Result: x.Result, Args: args, Types: params})
	}
	switch strings.ToLower(spec.Kind) {
	case "", "scalar":
		f.Kind = udf.Scalar
		if spec.State != "" {
			return nil, errors.New("state is only for aggregates")
		}
		if err := checkExport(exports, export, wasmParams, []api.ValueType{ret.ret}); err != nil {
			return nil, err
		}
		sig.Fn = func(args []any) (any, error) {
			return m.call(name, func(ctx context.Context, in *instance) (any, error) {
				return invoke(ctx, in, export, nil, params, args, ret.sql)
			})
		}
	case "aggregate":
		f.Kind = udf.Aggregate
		sig.CallOnNull = true
		agg, err := e.aggregate(m, name, export, spec.State, params, wasmParams, ret, exports)
		if err != nil {
			return nil, err
		}
		e.aggs[name] = agg
	default:
		return nil, errKind
	}
	return f, nil
}

// exampleArgs converts JSON example arguments to runtime values.
func exampleArgs(in []any, ts []*types.Type) ([]any, error) {
	if len(in) != len(ts) {
		return nil, fmt.Errorf("%d arguments for %d parameters", len(in), len(ts))
	}
	out := make([]any, len(in))
	for i, a := range in {
		switch x := a.(type) {
		case nil:
		case float64:
			switch ts[i].Kind {
			case types.KindInt:
				out[i] = int32(x)
			case types.KindBigint:
				out[i] = int64(x)
			case types.KindDouble:
				out[i] = x
			default:
				return nil, fmt.Errorf("argument %d: a number for a %s parameter", i+1, ts[i])
			}
		case string:
			if ts[i].Kind == types.KindBytes {
				out[i] = []byte(x)
			} else {
				out[i] = x
			}
		case bool:
			out[i] = x
		default:
			return nil, fmt.Errorf("argument %d: unsupported value %v", i+1, a)
		}
	}
	return out, nil
}

func (e *Extensions) aggregate(m *module, name, export, state string, params []*types.Type, wasmParams []api.ValueType,
	ret valType, exports map[string]api.FunctionDefinition) (udaf.UserAggregate, error) {
	var st api.ValueType
	switch strings.ToUpper(state) {
	case "BIGINT":
		st = api.ValueTypeI64
	case "DOUBLE":
		st = api.ValueTypeF64
	default:
		return udaf.UserAggregate{}, fmt.Errorf("state %q: aggregates keep a BIGINT or DOUBLE state", state)
	}
	one := []api.ValueType{st}
	withArgs := append([]api.ValueType{st}, wasmParams...)
	checks := []struct {
		suffix          string
		params, results []api.ValueType
	}{
		{"_init", nil, one}, {"_add", withArgs, one}, {"_merge", []api.ValueType{st, st}, one}, {"_result", one, []api.ValueType{ret.ret}},
	}
	for _, c := range checks {
		if err := checkExport(exports, export+c.suffix, c.params, c.results); err != nil {
			return udaf.UserAggregate{}, err
		}
	}
	undo := false
	if _, ok := exports[export+"_undo"]; ok {
		if err := checkExport(exports, export+"_undo", withArgs, one); err != nil {
			return udaf.UserAggregate{}, err
		}
		undo = true
	}
	a := &aggregator{m: m, name: name, export: export, params: params, ret: ret.sql, undo: undo}
	return udaf.UserAggregate{
		Undo:   undo,
		Return: func([]*types.Type) (*types.Type, error) { return ret.sql, nil },
		New: func(args []*types.Type, _ []any, rt *types.Type) (udaf.Aggregator, error) {
			if len(args) != len(params) {
				return nil, fmt.Errorf("Function '%s' does not accept %d parameters.", name, len(args))
			}
			init, err := m.call(name, func(ctx context.Context, in *instance) (any, error) {
				return invoke(ctx, in, export+"_init", nil, nil, nil, nil)
			})
			if err != nil {
				return nil, err
			}
			b := *a
			b.init = init.(uint64)
			return &b, nil
		},
	}, nil
}

// aggregator runs a wasm aggregate; accumulators are the raw state
// values (uint64 holding an i64 or the bits of an f64).
type aggregator struct {
	m      *module
	name   string
	export string
	params []*types.Type
	ret    *types.Type
	undo   bool
	init   uint64
}

func (a *aggregator) Init() any { return a.init }

func (a *aggregator) step(suffix string, acc any, args []any) (any, error) {
	s, ok := acc.(uint64)
	if !ok {
		return nil, fmt.Errorf("%s: invalid accumulator %T", a.name, acc)
	}
	for _, v := range args {
		if v == nil {
			return acc, nil // NULL rows are skipped
		}
	}
	return a.m.call(a.name, func(ctx context.Context, in *instance) (any, error) {
		return invoke(ctx, in, a.export+suffix, []uint64{s}, a.params, args, nil)
	})
}

func (a *aggregator) Add(acc any, args []any) (any, error) { return a.step("_add", acc, args) }

func (a *aggregator) Undo(acc any, args []any) (any, error) {
	if !a.undo {
		return acc, udaf.ErrNoUndo
	}
	return a.step("_undo", acc, args)
}

func (a *aggregator) Merge(x, y any) (any, error) {
	s, ok1 := x.(uint64)
	t, ok2 := y.(uint64)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: invalid accumulators %T, %T", a.name, x, y)
	}
	return a.m.call(a.name, func(ctx context.Context, in *instance) (any, error) {
		return invoke(ctx, in, a.export+"_merge", []uint64{s, t}, nil, nil, nil)
	})
}

func (a *aggregator) Result(acc any) (any, error) {
	s, ok := acc.(uint64)
	if !ok {
		return nil, fmt.Errorf("%s: invalid accumulator %T", a.name, acc)
	}
	return a.m.call(a.name, func(ctx context.Context, in *instance) (any, error) {
		return invoke(ctx, in, a.export+"_result", []uint64{s}, nil, nil, a.ret)
	})
}

func (a *aggregator) Encode(acc any) ([]byte, error) {
	s, ok := acc.(uint64)
	if !ok {
		return nil, fmt.Errorf("%s: invalid accumulator %T", a.name, acc)
	}
	return binary.BigEndian.AppendUint64(nil, s), nil
}

func (a *aggregator) Decode(b []byte) (any, error) {
	if len(b) != 8 {
		return nil, fmt.Errorf("%s: corrupt accumulator of %d bytes", a.name, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}
