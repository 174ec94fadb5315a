package udaf

import "github.com/eddysql/eddy/planner/types"

// testRegistry serves the tests of this package, which call the registry's
// lookups as plain functions.
var testRegistry = NewRegistry()

func Names() []string                                 { return testRegistry.Names() }
func CanUndo(name string) bool                        { return testRegistry.CanUndo(name) }
func ColumnArgs(name string, nargs int) (int, error)  { return testRegistry.ColumnArgs(name, nargs) }
func RegisterUser(name string, u UserAggregate) error { return testRegistry.RegisterUser(name, u) }
func ReturnType(name string, args []*types.Type, lits []any) (*types.Type, error) {
	return testRegistry.ReturnType(name, args, lits)
}
func New(name string, args []*types.Type, lits []any, ret *types.Type) (Aggregator, error) {
	return testRegistry.New(name, args, lits, ret)
}
func NewWithConfig(name string, args []*types.Type, lits []any, ret *types.Type, cfg Config) (Aggregator, error) {
	return testRegistry.NewWithConfig(name, args, lits, ret, cfg)
}
