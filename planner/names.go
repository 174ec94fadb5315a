package planner

import (
	"fmt"

	"github.com/eddysql/eddy/planner/physical"
)

// uniqueNames gives every internal topic and state store of a plan its
// own name: two joins in one query must not share a repartition topic
// (one would read the other's output) nor a store.
func uniqueNames(root physical.Step) {
	seen := map[string]int{}
	name := func(n string) string {
		seen[n]++
		if seen[n] == 1 {
			return n
		}
		return fmt.Sprintf("%s-%d", n, seen[n])
	}
	physical.Walk(root, func(s physical.Step) {
		switch st := s.(type) {
		case *physical.Repartition:
			st.Topic = name(st.Topic)
		case *physical.Join:
			st.LeftStore, st.RightStore = name(st.LeftStore), name(st.RightStore)
		case *physical.Aggregate:
			st.Store = name(st.Store)
		case *physical.Source:
			if st.Store != "" {
				st.Store = name(st.Store)
			}
		}
	})
}
