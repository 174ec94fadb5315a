package udaf

import (
	"fmt"
	"strings"
	"sync"

	"github.com/eddysql/eddy/planner/types"
)

// UserAggregate is an aggregate function implemented outside this package
// (a user-defined function). Its calls take column arguments only.
type UserAggregate struct {
	// Undo: the aggregators support Undo (the function may aggregate tables).
	Undo bool
	// Return computes the return type for the (cast) argument types.
	Return func(args []*types.Type) (*types.Type, error)
	// New builds an aggregator for a call.
	New func(args []*types.Type, ret *types.Type) (Aggregator, error)
}

// userMu serialises RegisterUser calls. Registration must happen before
// queries run: the lookups of New, ReturnType and CanUndo do not lock.
var userMu sync.Mutex

// user names the aggregates registered by RegisterUser, which alone may be
// replaced (when a server reloads its extensions).
var user = map[string]bool{}

// RegisterUser makes a user aggregate known to New, ReturnType, CanUndo and
// ColumnArgs. It refuses the name of a built-in aggregate; registering a
// user aggregate's name again replaces it (the registry is per process).
func RegisterUser(name string, u UserAggregate) error {
	if u.Return == nil || u.New == nil {
		return fmt.Errorf("user aggregate '%s': Return and New are required", name)
	}
	up := strings.ToUpper(name)
	userMu.Lock()
	defer userMu.Unlock()
	if _, ok := registry[up]; ok && !user[up] {
		return fmt.Errorf("user aggregate '%s' clashes with a built-in aggregate function", up)
	}
	user[up] = true
	register(up, &spec{
		undo: u.Undo,
		ret: func(c *call) (*types.Type, error) {
			if len(c.lits) > 0 {
				return nil, c.errParams()
			}
			return u.Return(c.args)
		},
		build: func(c *call) (Aggregator, error) { return u.New(c.args, c.ret) },
	})
	return nil
}
