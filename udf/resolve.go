package udf

import (
	"fmt"
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

// Resolved is a function overload chosen for given argument types.
type Resolved struct {
	Name string
	Fn   func([]any) (any, error)
	// Return is the result type (for table functions: the produced element).
	Return *types.Type
	// ParamTypes gives, per argument, the type the planner casts the
	// argument to (lambda arguments: their own type).
	ParamTypes []*types.Type
}

// ResolveScalar picks the scalar overload for the argument types.
func (r *Registry) ResolveScalar(name string, args []*types.Type) (*Resolved, error) {
	return r.resolve(name, args, Scalar)
}

// ResolveTable picks a table function overload; its Fn returns a []any of
// produced values of type Return.
func (r *Registry) ResolveTable(name string, args []*types.Type) (*Resolved, error) {
	return r.resolve(name, args, Table)
}

// ResolveAggregate resolves an aggregate function's argument casts and
// return type. Fn is nil: aggregates are implemented by the executor.
func (r *Registry) ResolveAggregate(name string, args []*types.Type) (*Resolved, error) {
	return r.resolve(name, args, Aggregate)
}

// LambdaParamTypes tells the parameter types of the lambda at argument idx,
// given the types of the non-lambda arguments (nil at lambda positions).
func (r *Registry) LambdaParamTypes(name string, args []*types.Type, idx int) ([]*types.Type, error) {
	f, ok := r.Lookup(name)
	if !ok {
		return nil, notFound(name)
	}
	for _, s := range f.Signatures {
		if !arityOK(s, len(args)) {
			continue
		}
		p := paramAt(s, idx, len(args))
		if p.kind != pLambda {
			continue
		}
		m := newMatcher()
		if !m.collectAll(s, args) || !m.bind() {
			continue
		}
		out := make([]*types.Type, len(p.params))
		for i, q := range p.params {
			out[i] = m.target(q, nil)
		}
		return out, nil
	}
	return nil, fmt.Errorf("Function '%s' does not accept a lambda function as argument %d with parameters (%s).", f.displayName(), idx+1, argList(args))
}

func notFound(name string) error {
	return fmt.Errorf("Can't find any functions with the name '%s'", name)
}

func (r *Registry) resolve(name string, args []*types.Type, kind Kind) (*Resolved, error) {
	f, ok := r.Lookup(name)
	if !ok {
		return nil, notFound(name)
	}
	display := f.displayName()
	if f.Kind != kind {
		return nil, fmt.Errorf("Function '%s' is a%s %s function, not a%s %s function.", name, article(f.Kind), strings.ToLower(f.Kind.String()), article(kind), strings.ToLower(kind.String()))
	}
	// As ksqlDB (UdfIndex): first look for overloads that need no implicit
	// cast, then for overloads reached with implicit casts. Within a phase
	// the best overload is non-variadic over variadic, then the one with
	// more parameters, then the one with fewer generic parameters; a tie at
	// the top is ambiguous.
	var exact, cast []*candidate
	for _, s := range f.Signatures {
		c := match(s, args)
		if c == nil {
			continue
		}
		if c.casts == 0 {
			exact = append(exact, c)
		} else {
			cast = append(cast, c)
		}
	}
	cands := exact
	if len(cands) == 0 {
		cands = cast
	}
	if len(cands) == 0 {
		var alts []string
		for _, s := range f.Signatures {
			alts = append(alts, s.String(f.Name))
		}
		return nil, fmt.Errorf("Function '%s' does not accept parameters (%s).\nValid alternatives are:\n%s", display, argList(args), strings.Join(alts, "\n"))
	}
	best := []*candidate{cands[0]}
	for _, c := range cands[1:] {
		switch r := c.rank(best[0]); {
		case r > 0:
			best = []*candidate{c}
		case r == 0:
			best = append(best, c)
		}
	}
	if len(best) > 1 {
		return nil, fmt.Errorf("Function '%s' cannot be resolved due to ambiguous method parameters (%s).", display, argList(args))
	}
	c := best[0]
	var ret *types.Type
	if c.sig.ReturnFn != nil {
		t, err := c.sig.ReturnFn(c.params)
		if err != nil {
			return nil, fmt.Errorf("Function '%s': %v", display, err)
		}
		ret = t
	} else if c.sig.Ret != nil {
		ret = c.m.target(c.sig.Ret, nil)
	}
	if ret != nil && containsNull(ret) {
		return nil, fmt.Errorf("Function '%s' cannot infer its return type from parameters (%s).", display, argList(args))
	}
	fn := c.sig.Fn
	if c.sig.Bind != nil {
		fn = c.sig.Bind(c.params, ret)
	}
	if fn != nil && !c.sig.CallOnNull {
		fn = nullSafe(fn)
	}
	return &Resolved{Name: f.Name, Fn: fn, Return: ret, ParamTypes: c.params}, nil
}

func article(k Kind) string {
	if k == Aggregate {
		return "n"
	}
	return ""
}

func nullSafe(fn Impl) Impl {
	return func(args []any) (any, error) {
		for _, a := range args {
			if a == nil {
				return nil, nil
			}
		}
		return fn(args)
	}
}

func containsNull(t *types.Type) bool {
	switch t.Kind {
	case types.KindNull:
		return true
	case types.KindArray:
		return containsNull(t.Elem)
	case types.KindMap:
		return containsNull(t.Key) || containsNull(t.Value)
	}
	return false
}

func argList(args []*types.Type) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = typeName(a)
	}
	return strings.Join(parts, ", ")
}

func typeName(a *types.Type) string {
	switch {
	case a == nil:
		return "LAMBDA"
	case a.Kind == types.KindLambda:
		n := len(a.Fields) - 1
		ps := make([]string, 0, n)
		for _, f := range a.Fields[:max(n, 0)] {
			ps = append(ps, typeName(f.Type))
		}
		return "LAMBDA (" + strings.Join(ps, ", ") + ") => " + typeName(lambdaReturn(a))
	case a.Kind == types.KindNull:
		return "null"
	}
	return a.SQLName()
}

// lambdaReturn is the body type of a lambda argument type.
func lambdaReturn(t *types.Type) *types.Type {
	if len(t.Fields) == 0 {
		return types.NullType
	}
	return t.Fields[len(t.Fields)-1].Type
}

func arityOK(s *Signature, n int) bool {
	if s.Variadic {
		return n >= len(s.Params)-1
	}
	return n == len(s.Params)
}

// paramAt is the parameter that argument i of n binds to.
func paramAt(s *Signature, i, n int) *Param {
	switch rep := s.repeated(); {
	case !s.Variadic || i < rep:
		return s.Params[i]
	case i >= n-s.Trailing:
		return s.Params[len(s.Params)-(n-i)]
	default:
		return s.Params[rep]
	}
}

type candidate struct {
	sig     *Signature
	m       *matcher
	params  []*types.Type
	casts   int // cost of implicit casts
	generic int // parameters matched by type variables
}

// rank compares two overloads as ksqlDB's UdfIndex does: positive when c
// is preferred over o, 0 for a tie.
func (c *candidate) rank(o *candidate) int {
	if c.sig.Variadic != o.sig.Variadic {
		if o.sig.Variadic {
			return 1
		}
		return -1
	}
	if n, m := len(c.sig.Params), len(o.sig.Params); n != m {
		return n - m
	}
	return o.sig.generics() - c.sig.generics()
}

// generics counts the declared parameters that contain a type variable.
func (s *Signature) generics() int {
	n := 0
	for _, p := range s.Params {
		if p.hasVar() {
			n++
		}
	}
	return n
}

// ksqlNames are the function names ksqlDB's error messages use where they
// are not the lower-case name (the name in the function's annotation).
var ksqlNames = map[string]string{
	"ABS": "Abs", "CEIL": "Ceil", "ROUND": "Round", "COALESCE": "COALESCE",
}

// ksqlName is the name ksqlDB's error messages give a built-in function.
// displayName is the name messages print: Display when set, else ksqlDB's
// spelling of the built-in.
func (f *Function) displayName() string {
	if f.Display != "" {
		return f.Display
	}
	return ksqlName(f.Name)
}

func ksqlName(name string) string {
	if n, ok := ksqlNames[name]; ok {
		return n
	}
	return strings.ToLower(name)
}

func match(s *Signature, args []*types.Type) *candidate {
	if !arityOK(s, len(args)) {
		return nil
	}
	m := newMatcher()
	if !m.collectAll(s, args) || !m.bind() {
		return nil
	}
	c := &candidate{sig: s, m: m, params: make([]*types.Type, len(args))}
	for i, a := range args {
		p := paramAt(s, i, len(args))
		if a == nil {
			return nil
		}
		if p.kind == pLambda {
			c.params[i] = a
			continue
		}
		t := m.target(p, a)
		cost, ok := convCost(a, t)
		if !ok {
			return nil
		}
		if p.hasVar() {
			c.generic++
		}
		c.casts += cost
		c.params[i] = t
	}
	return c
}
