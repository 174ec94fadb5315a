// Package eval compiles resolved expressions (planner/expr) into closures.
// Compilation does every type switch once: each node becomes a closure
// specialised for its operand types, so evaluating a row walks no tree and,
// for expressions without lambdas, allocates nothing beyond boxing results.
//
// Semantics follow ksqlDB: NULL propagates through operators and functions,
// AND/OR/NOT use three-valued logic, integer arithmetic wraps like Java,
// integer division or modulo by zero yields NULL, DECIMAL results are
// rounded HALF_UP to the result type's scale. Errors (from functions,
// failed casts, decimal overflow) are returned; the runtime logs them and
// uses NULL, as ksqlDB does.
package eval

import (
	"fmt"

	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// Evaluator computes an expression's value for one input row.
type Evaluator func(row []any) (any, error)

// frame holds the arguments of one lambda invocation; up is the enclosing
// lambda's frame. Expressions without lambdas always run with a nil frame.
type frame struct {
	vals []any
	up   *frame
}

// ev is the internal compiled form.
type ev func(row []any, fr *frame) (any, error)

// Compile compiles an expression.
func Compile(e expr.Expr) (Evaluator, error) {
	f, err := compile(e)
	if err != nil {
		return nil, err
	}
	if c, ok := e.(*expr.Column); ok {
		i := c.Index
		return func(row []any) (any, error) { return row[i], nil }, nil
	}
	return func(row []any) (any, error) {
		v, err := f(row, nil)
		if err != nil && v != nil && isSoft(err) {
			// A function failed inside a value that was still computed
			// (e.g. one array element): keep the value.
			return v, nil
		}
		return v, err
	}, nil
}

// softError is a failure that, as in ksqlDB, turned only its own
// sub-expression (a function call, a constructor element) into NULL; the
// enclosing expression goes on with NULL in its place.
type softError struct{ err error }

func (e *softError) Error() string { return e.err.Error() }
func (e *softError) Unwrap() error { return e.err }

func soft(err error) error {
	if err == nil || isSoft(err) {
		return err
	}
	return &softError{err}
}

func isSoft(err error) bool {
	_, ok := err.(*softError)
	return ok
}

// CompileAll compiles several expressions (e.g. a projection).
func CompileAll(es []expr.Expr) ([]Evaluator, error) {
	out := make([]Evaluator, len(es))
	for i, e := range es {
		f, err := Compile(e)
		if err != nil {
			return nil, fmt.Errorf("expression %d (%s): %w", i+1, e, err)
		}
		out[i] = f
	}
	return out, nil
}

// Predicate wraps a boolean evaluator for filters: NULL and errors are
// false (errors are returned for logging).
func Predicate(f Evaluator) func(row []any) (bool, error) {
	return func(row []any) (bool, error) {
		v, err := f(row)
		return v == true, err
	}
}

func compile(e expr.Expr) (ev, error) {
	switch e := e.(type) {
	case *expr.Column:
		i := e.Index
		return func(row []any, _ *frame) (any, error) { return row[i], nil }, nil
	case *expr.LambdaVar:
		return compileLambdaVar(e), nil
	case *expr.Literal:
		v, err := literalValue(e)
		if err != nil {
			return nil, err
		}
		return func([]any, *frame) (any, error) { return v, nil }, nil
	case *expr.Binary:
		return compileBinary(e)
	case *expr.Not:
		x, err := compile(e.X)
		if err != nil {
			return nil, err
		}
		return func(row []any, fr *frame) (any, error) {
			v, err := x(row, fr)
			if v == nil || err != nil {
				return nil, err
			}
			return !v.(bool), nil
		}, nil
	case *expr.Neg:
		return compileNeg(e)
	case *expr.IsNull:
		x, err := compile(e.X)
		if err != nil {
			return nil, err
		}
		not := e.Not
		return func(row []any, fr *frame) (any, error) {
			v, err := x(row, fr)
			if err != nil {
				return nil, err
			}
			return (v == nil) != not, nil
		}, nil
	case *expr.Like:
		return compileLike(e)
	case *expr.In:
		return compileIn(e)
	case *expr.Case:
		return compileCase(e)
	case *expr.Cast:
		x, err := compile(e.X)
		if err != nil {
			return nil, err
		}
		return compileCast(x, e.X.Type(), e.T)
	case *expr.Call:
		return compileCall(e)
	case *expr.Lambda:
		return compileLambda(e)
	case *expr.Subscript:
		return compileSubscript(e)
	case *expr.Field:
		return compileField(e)
	case *expr.ArrayCtor:
		return compileArrayCtor(e)
	case *expr.MapCtor:
		return compileMapCtor(e)
	case *expr.StructCtor:
		return compileStructCtor(e)
	case nil:
		return nil, fmt.Errorf("nil expression")
	}
	return nil, fmt.Errorf("cannot compile expression %T", e)
}

// literalValue normalises a literal to the runtime representation of its
// type (e.g. a Go int for an INT literal becomes int32).
func literalValue(e *expr.Literal) (any, error) {
	if e.Value == nil || e.T == nil || e.T.Kind == types.KindNull || e.T.Kind == types.KindIntervalUnit {
		return e.Value, nil
	}
	v, err := convertValue(e.Value, e.T)
	if err != nil {
		return nil, fmt.Errorf("literal %s: %w", e, err)
	}
	return v, nil
}

func compileLambdaVar(e *expr.LambdaVar) ev {
	depth, slot := e.Depth, e.Slot
	switch depth {
	case 0:
		return func(_ []any, fr *frame) (any, error) { return fr.vals[slot], nil }
	case 1:
		return func(_ []any, fr *frame) (any, error) { return fr.up.vals[slot], nil }
	}
	return func(_ []any, fr *frame) (any, error) {
		for i := 0; i < depth; i++ {
			fr = fr.up
		}
		return fr.vals[slot], nil
	}
}

// compileLambda yields, per row, a closure bound to the row and the
// enclosing frame that runs the body with its arguments as a new frame.
func compileLambda(e *expr.Lambda) (ev, error) {
	body, err := compile(e.Body)
	if err != nil {
		return nil, err
	}
	n := len(e.Params)
	return func(row []any, fr *frame) (any, error) {
		return func(args ...any) (any, error) {
			if len(args) != n {
				return nil, fmt.Errorf("lambda expects %d arguments, got %d", n, len(args))
			}
			return body(row, &frame{vals: args, up: fr})
		}, nil
	}, nil
}

func compileCall(e *expr.Call) (ev, error) {
	if e.Fn == nil {
		return nil, fmt.Errorf("function %s is not resolved", e.Name)
	}
	args := make([]ev, len(e.Args))
	for i, a := range e.Args {
		f, err := compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = f
	}
	fn := e.Fn
	// As ksqlDB, a failing function yields NULL at its call site (the
	// error is reported as a soft error): COALESCE(PARSE_DATE(bad), x) is x.
	wrap := func(err error) error { return soft(fmt.Errorf("Error computing %s: %w", e.Name, err)) }
	// The argument slice is allocated per call: implementations may keep
	// it, and evaluators must stay safe for concurrent use.
	if len(args) == 0 {
		return func([]any, *frame) (any, error) {
			v, err := fn(nil)
			if err != nil {
				return nil, wrap(err)
			}
			return v, nil
		}, nil
	}
	return func(row []any, fr *frame) (any, error) {
		vals := make([]any, len(args))
		var argErr error
		for i, a := range args {
			v, err := a(row, fr)
			if err != nil {
				if !isSoft(err) {
					return nil, err
				}
				if argErr == nil {
					argErr = err
				}
			}
			vals[i] = v
		}
		r, err := fn(vals)
		if err != nil {
			return nil, wrap(err)
		}
		return r, argErr
	}, nil
}
