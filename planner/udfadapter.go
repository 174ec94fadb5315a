package planner

import (
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf"
)

// FunctionsOf adapts the function registry to what the planner needs.
func FunctionsOf(r *udf.Registry) Functions { return registryFunctions{r} }

type registryFunctions struct{ r *udf.Registry }

func (f registryFunctions) kind(name string) (udf.Kind, bool) {
	fn, ok := f.r.Lookup(name)
	if !ok {
		return 0, false
	}
	return fn.Kind, true
}

func (f registryFunctions) IsAggregate(name string) bool {
	k, ok := f.kind(name)
	return ok && k == udf.Aggregate
}

func (f registryFunctions) IsTableFunction(name string) bool {
	k, ok := f.kind(name)
	return ok && k == udf.Table
}

func (f registryFunctions) ResolveScalar(name string, args []*types.Type) (ScalarImpl, error) {
	res, err := f.r.ResolveScalar(name, args)
	if err != nil {
		return ScalarImpl{}, err
	}
	return ScalarImpl{Name: res.Name, Fn: res.Fn, Params: res.ParamTypes, Return: res.Return}, nil
}

func (f registryFunctions) LambdaParamTypes(name string, args []*types.Type, idx int) ([]*types.Type, error) {
	return f.r.LambdaParamTypes(name, args, idx)
}

// ResolveAggregate takes casts and messages from the registry's
// signatures and the return type from the aggregate implementations, which
// know what constant arguments (TOPK's k) do to it.
func (f registryFunctions) ResolveAggregate(name string, args []*types.Type, literals []any) (*types.Type, []*types.Type, error) {
	res, err := f.r.ResolveAggregate(name, args)
	if err != nil {
		return nil, nil, err
	}
	cols := args[:len(args)-len(literals)]
	casted := make([]*types.Type, len(cols))
	for i, t := range cols {
		casted[i] = t
		if i < len(res.ParamTypes) && res.ParamTypes[i] != nil && t.Kind != types.KindNull {
			casted[i] = res.ParamTypes[i]
		}
	}
	ret, err := f.r.Aggregates().ReturnType(name, casted, literals)
	if err != nil {
		return nil, nil, err
	}
	return ret, res.ParamTypes, nil
}

func (f registryFunctions) CheckAggregate(name string, args []*types.Type) error {
	_, err := f.r.ResolveAggregate(name, args)
	return err
}

func (f registryFunctions) CanUndo(name string) bool { return f.r.Aggregates().CanUndo(name) }

func (f registryFunctions) ColumnArgs(name string, nargs int) (int, error) {
	return f.r.Aggregates().ColumnArgs(name, nargs)
}

func (f registryFunctions) StructuredState(name string) bool {
	return f.r.Aggregates().StructuredState(name)
}

func (f registryFunctions) ResolveTable(name string, args []*types.Type) (ScalarImpl, error) {
	res, err := f.r.ResolveTable(name, args)
	if err != nil {
		return ScalarImpl{}, err
	}
	return ScalarImpl{Name: res.Name, Fn: res.Fn, Params: res.ParamTypes, Return: res.Return}, nil
}
