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
