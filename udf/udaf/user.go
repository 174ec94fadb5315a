package udaf

import (
	"fmt"
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

// UserAggregate is an aggregate function implemented outside this package
// (a user-defined function). Its calls take column arguments, then
// InitArgs literal ones.
type UserAggregate struct {
	// Undo: the aggregators support Undo (the function may aggregate tables).
	Undo bool
	// InitArgs is how many of a call's last arguments are literals that
	// configure the aggregate (ksqlDB's UDAF factory parameters) rather
	// than columns read from each row.
	InitArgs int
	// Return computes the return type for the (cast) column argument
	// types.
	Return func(args []*types.Type) (*types.Type, error)
	// New builds an aggregator for a call: its column argument types, its
	// literal init arguments and its return type.
	New func(args []*types.Type, init []any, ret *types.Type) (Aggregator, error)
}

// RegisterUser makes a user aggregate known to New, ReturnType, CanUndo and
// ColumnArgs. It refuses the name of a built-in aggregate; registering a
// user aggregate's name again replaces it.
func (r *Registry) RegisterUser(name string, u UserAggregate) error {
	if u.Return == nil || u.New == nil {
		return fmt.Errorf("user aggregate '%s': Return and New are required", name)
	}
	up := strings.ToUpper(name)
	r.mu.Lock()
	_, exists := r.specs[up]
	builtin := exists && !r.user[up]
	if !builtin {
		r.user[up] = true
	}
	r.mu.Unlock()
	if builtin {
		return fmt.Errorf("user aggregate '%s' clashes with a built-in aggregate function", up)
	}
	r.register(up, &spec{
		undo: u.Undo,
		cols: func(n int) int { return max(n-u.InitArgs, 0) },
		ret: func(c *call) (*types.Type, error) {
			if len(c.lits) != u.InitArgs {
				return nil, c.errParams()
			}
			return u.Return(c.args)
		},
		build: func(c *call) (Aggregator, error) { return u.New(c.args, c.lits, c.ret) },
	})
	return nil
}
