package physical

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/eddysql/eddy/planner/expr"
)

// Explain renders the plan as an indented tree, sink first, the way
// EXPLAIN shows an execution plan.
func Explain(root Step) string {
	var b strings.Builder
	explain(&b, root, 0)
	return b.String()
}

func explain(b *strings.Builder, s Step, depth int) {
	indent := strings.Repeat("\t", depth)
	fmt.Fprintf(b, "%s > [ %s ] | Schema: %s | %s\n", indent, strings.ToUpper(strings.TrimSuffix(s.Kind(), "/v1")), s.Schema(), detail(s))
	for _, in := range s.Inputs() {
		explain(b, in, depth+1)
	}
}

func detail(s Step) string {
	switch s := s.(type) {
	case *Source:
		if s.Store != "" {
			return "topic: " + s.Topic + ", store: " + s.Store
		}
		return "topic: " + s.Topic
	case *Filter:
		return s.Clause + ": " + s.Predicate.String()
	case *Project:
		return "exprs: " + exprList(s.Exprs)
	case *SelectKey:
		return "key: " + exprList(s.KeyExprs)
	case *Sink:
		return "topic: " + s.Topic
	case *Repartition:
		out := "topic: " + s.Topic
		if s.Partitions > 0 {
			out += fmt.Sprintf(", partitions: %d", s.Partitions)
		}
		if s.KeyFormat != nil {
			out += ", key format: " + s.KeyFormat.Name
		}
		return out
	case *Aggregate:
		parts := make([]string, len(s.Calls))
		for i, c := range s.Calls {
			parts[i] = c.Name + "(" + exprList(c.Args) + ")"
		}
		w := ""
		if s.Window != nil {
			w = fmt.Sprintf(" window: %s size=%d advance=%d grace=%d", s.Window.Kind, s.Window.Size, s.Window.Advance, s.Window.Grace)
		}
		return "aggregates: " + strings.Join(parts, ", ") + w
	case *Join:
		return fmt.Sprintf("%s %s JOIN", s.Sides, s.Type)
	case *FlatMap:
		parts := make([]string, len(s.Calls))
		for i, c := range s.Calls {
			parts[i] = c.Name + "(" + exprList(c.Args) + ")"
		}
		return "table functions: " + strings.Join(parts, ", ")
	case *Transient:
		if s.Limit > 0 {
			return fmt.Sprintf("limit: %d", s.Limit)
		}
		return "push"
	}
	return ""
}

func exprList(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// MarshalPlan renders the plan as JSON: one object per step with its kind,
// schema, details and inputs. Expressions appear as SQL text.
func MarshalPlan(root Step) ([]byte, error) {
	return json.MarshalIndent(toJSON(root), "", "  ")
}

type stepJSON struct {
	Kind   string     `json:"@type"`
	Schema string     `json:"schema"`
	Detail string     `json:"detail,omitempty"`
	Inputs []stepJSON `json:"sources,omitempty"`
}

func toJSON(s Step) stepJSON {
	j := stepJSON{Kind: s.Kind(), Schema: s.Schema().String(), Detail: detail(s)}
	for _, in := range s.Inputs() {
		j.Inputs = append(j.Inputs, toJSON(in))
	}
	return j
}
