package udf

import (
	"fmt"
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

// ParamOf is the parameter pattern of a concrete type, for functions built
// outside this package (user-defined functions).
func ParamOf(t *types.Type) *Param { return pc(t) }

// TypeVar is a generic parameter: every use of name in a signature binds
// to one type, the common type of the arguments it matches.
func TypeVar(name string) *Param { return tv(name) }

// ArrayParam is an ARRAY of elem.
func ArrayParam(elem *Param) *Param { return arrP(elem) }

// MapParam is a MAP of key and value.
func MapParam(key, value *Param) *Param { return mapP(key, value) }

// AnyParam matches an argument of any type without binding it to the
// others (a variadic AnyParam takes mixed types).
func AnyParam() *Param { return &Param{kind: pAny} }

// RegisterUser adds a user-defined function. Unlike Register it refuses a
// name that is already taken, so user functions can neither shadow nor
// overload built-ins (nor each other). Call it while building the engine,
// before statements run: the registry is not locked.
func (r *Registry) RegisterUser(f *Function) error {
	name := strings.ToUpper(f.Name)
	if old, ok := r.fns[name]; ok {
		return fmt.Errorf("user function '%s' clashes with an existing %s function of that name", name, strings.ToLower(old.Kind.String()))
	}
	return r.Register(f)
}
