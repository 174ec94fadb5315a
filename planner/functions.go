package planner

import "github.com/eddysql/eddy/planner/types"

// Functions is what the planner needs from the function registry.
type Functions interface {
	// IsAggregate tells aggregate function names.
	IsAggregate(name string) bool
	// IsTableFunction tells table function names.
	IsTableFunction(name string) bool
	// ResolveScalar picks the signature for the argument types and returns
	// the implementation, the types the arguments must be cast to and the
	// return type.
	ResolveScalar(name string, args []*types.Type) (ScalarImpl, error)
	// ResolveAggregate resolves an aggregate call: its return type and the
	// types its column arguments are cast to.
	ResolveAggregate(name string, args []*types.Type, literals []any) (*types.Type, []*types.Type, error)
	// ResolveTable resolves a table function call; its Fn returns the
	// produced values as a []any and Return is their type.
	ResolveTable(name string, args []*types.Type) (ScalarImpl, error)
	// CanUndo tells aggregates that can run over a table (they can take a
	// row's contribution back out).
	CanUndo(name string) bool
	// ColumnArgs tells how many of an aggregate call's nargs arguments
	// are per-row columns; the others must be literal constants.
	ColumnArgs(name string, nargs int) (int, error)
	// CheckAggregate tells whether an aggregate has a signature for the
	// argument types (literals included), with ksqlDB's message if not.
	CheckAggregate(name string, args []*types.Type) error
	// StructuredState tells aggregates whose intermediate state is a
	// STRUCT, ARRAY or MAP (a DELIMITED source cannot hold it).
	StructuredState(name string) bool
	// LambdaParamTypes returns the parameter types of the lambda at
	// argument idx, given the other arguments' types (nil at lambdas).
	LambdaParamTypes(name string, args []*types.Type, idx int) ([]*types.Type, error)
}

// ScalarImpl is a resolved scalar function.
type ScalarImpl struct {
	Name   string
	Fn     func(args []any) (any, error)
	Params []*types.Type
	Return *types.Type
}
