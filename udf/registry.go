// Package udf holds Eddy's built-in functions: scalar functions with their
// implementations, the signatures of aggregate and table functions, and the
// overload resolution the planner uses (implicit widening casts, generics,
// lambdas) with ksqlDB's semantics and error messages.
//
// udf depends only on planner/types, the standard library and decimal.
package udf

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/udf/udaf"
)

// Kind tells scalar, aggregate and table functions apart.
type Kind int

const (
	Scalar Kind = iota
	Aggregate
	Table
)

func (k Kind) String() string { return [...]string{"SCALAR", "AGGREGATE", "TABLE"}[k] }

// Impl is a function implementation. It receives evaluated arguments (a
// lambda argument is a func(args ...any) (any, error)); it returns the value
// or an error, which the runtime logs and turns into NULL as ksqlDB does.
type Impl = func(args []any) (any, error)

// Function describes one built-in function and all its overloads.
type Function struct {
	Name        string // upper case
	Display     string // the name messages print; "" for ksqlDB's spelling of built-ins (lower case)
	Kind        Kind
	Description string
	Signatures  []*Signature
	Examples    []Example
}

// Example documents a call. SQL is the expression as written in a query and
// Result the printed result (types.FormatValue). Args are the literal
// arguments as runtime Go values so that tests can run the example without a
// parser; Types gives their SQL types when they cannot be inferred from the
// Go values (lambdas, NULL, time units, decimals' precision).
type Example struct {
	SQL    string
	Result string
	Args   []any
	Types  []*types.Type
	// Volatile: the result varies between calls (RANDOM, UUID, clocks);
	// tests only run the example.
	Volatile bool
}

// Signature is one overload.
type Signature struct {
	Params []*Param
	// Variadic: one parameter repeats zero or more times, the last one
	// unless Trailing fixed parameters follow it (ksqlDB allows a variadic
	// parameter in the middle).
	Variadic bool
	Trailing int
	// Ret is the return type pattern, substituted with the bound type
	// variables; ReturnFn, when set, computes it from the resolved argument
	// types instead.
	Ret      *Param
	ReturnFn func(args []*types.Type) (*types.Type, error)
	// Fn is the implementation; Bind, when set, builds one specialised to
	// the resolved argument and return types.
	Fn   Impl
	Bind func(args []*types.Type, ret *types.Type) Impl
	// CallOnNull: call Fn even when an argument is NULL; otherwise any NULL
	// argument yields NULL without calling Fn.
	CallOnNull bool
}

// Registry holds the functions. It is safe for concurrent use once built.
type Registry struct {
	fns map[string]*Function
	// aggs implements the aggregate functions registered here.
	aggs *udaf.Registry
	// caches for compiled patterns (regexps, date formats), keyed by text.
	regexps  sync.Map
	formats  sync.Map
	rngMu    sync.Mutex
	rngState uint64
}

// NewRegistry builds a registry holding all built-in functions.
func NewRegistry() *Registry {
	r := &Registry{fns: map[string]*Function{}, aggs: udaf.NewRegistry(), rngState: 0x9E3779B97F4A7C15}
	registerStrings(r)
	registerStrings2(r)
	registerMath(r)
	registerMath2(r)
	registerDatetime(r)
	registerDatetime2(r)
	registerJSON(r)
	registerArrays(r)
	registerArrays2(r)
	registerMaps(r)
	registerLambdas(r)
	registerNulls(r)
	registerURL(r)
	registerAggregates(r)
	registerTableFunctions(r)
	return r
}

// Aggregates returns the implementations of the aggregate functions.
func (r *Registry) Aggregates() *udaf.Registry { return r.aggs }

// Register adds a function (used for built-ins and custom functions). A
// function of the same name gets the new signatures appended.
func (r *Registry) Register(f *Function) error {
	f.Name = strings.ToUpper(f.Name)
	if old, ok := r.fns[f.Name]; ok {
		if old.Kind != f.Kind {
			return fmt.Errorf("function '%s' already registered as %s", f.Name, old.Kind)
		}
		old.Signatures = append(old.Signatures, f.Signatures...)
		old.Examples = append(old.Examples, f.Examples...)
		return nil
	}
	r.fns[f.Name] = f
	return nil
}

func (r *Registry) add(f *Function) {
	if err := r.Register(f); err != nil {
		panic(err)
	}
}

// Lookup finds a function by name, case-insensitively.
func (r *Registry) Lookup(name string) (*Function, bool) {
	f, ok := r.fns[strings.ToUpper(name)]
	return f, ok
}

// Functions lists all functions sorted by name.
func (r *Registry) Functions() []*Function {
	out := make([]*Function, 0, len(r.fns))
	for _, f := range r.fns {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// scalar registers a scalar function.
func (r *Registry) scalar(name, desc string, sigs []*Signature, ex ...Example) {
	r.add(&Function{Name: name, Kind: Scalar, Description: desc, Signatures: sigs, Examples: ex})
}

// sig builds a signature returning ret.
func sig(ret *Param, fn Impl, params ...*Param) *Signature {
	return &Signature{Params: params, Ret: ret, Fn: fn}
}

// sigs is shorthand for a signature list.
func sigs(s ...*Signature) []*Signature { return s }

// variadic marks the last parameter as repeating.
func (s *Signature) variadic() *Signature { s.Variadic = true; return s }

// onNull makes the function see NULL arguments.
func (s *Signature) onNull() *Signature { s.CallOnNull = true; return s }

// ex builds an example.
func ex(sql, result string, args ...any) Example {
	return Example{SQL: sql, Result: result, Args: args}
}

// ext builds an example with explicit argument types.
func ext(sql, result string, ts []*types.Type, args ...any) Example {
	return Example{SQL: sql, Result: result, Args: args, Types: ts}
}

// repeated is the index of the variadic parameter.
func (s *Signature) repeated() int { return len(s.Params) - 1 - s.Trailing }

// IsVariadicParam tells whether parameter i is the one that repeats.
func (s *Signature) IsVariadicParam(i int) bool { return s.Variadic && i == s.repeated() }

// String prints a signature as NAME(T1, T2...).
func (s *Signature) String(name string) string {
	parts := make([]string, len(s.Params))
	for i, p := range s.Params {
		parts[i] = p.String()
		if s.Variadic && i == s.repeated() {
			parts[i] += "..."
		}
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}
