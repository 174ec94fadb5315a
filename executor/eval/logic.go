package eval

import (
	"github.com/eddysql/eddy/planner/expr"
)

// compileLogic implements three-valued AND / OR with short circuit.
func compileLogic(e *expr.Binary) (ev, error) {
	l, err := compile(e.Left)
	if err != nil {
		return nil, err
	}
	r, err := compile(e.Right)
	if err != nil {
		return nil, err
	}
	if e.Op == expr.And {
		return func(row []any, fr *frame) (any, error) {
			a, err := l(row, fr)
			if err != nil {
				return nil, err
			}
			if a == false {
				return false, nil
			}
			b, err := r(row, fr)
			if err != nil {
				return nil, err
			}
			if b == false {
				return false, nil
			}
			if a == nil || b == nil {
				return nil, nil
			}
			return true, nil
		}, nil
	}
	return func(row []any, fr *frame) (any, error) {
		a, err := l(row, fr)
		if err != nil {
			return nil, err
		}
		if a == true {
			return true, nil
		}
		b, err := r(row, fr)
		if err != nil {
			return nil, err
		}
		if b == true {
			return true, nil
		}
		if a == nil || b == nil {
			return nil, nil
		}
		return false, nil
	}, nil
}

// compileCase evaluates branches in order; a NULL condition is false.
func compileCase(e *expr.Case) (ev, error) {
	conds := make([]ev, len(e.Whens))
	results := make([]ev, len(e.Whens))
	for i, w := range e.Whens {
		c, err := compile(w.Cond)
		if err != nil {
			return nil, err
		}
		r, err := compile(w.Result)
		if err != nil {
			return nil, err
		}
		if r, err = coerce(r, w.Result.Type(), e.T); err != nil {
			return nil, err
		}
		conds[i], results[i] = c, r
	}
	var els ev
	if e.Else != nil {
		f, err := compile(e.Else)
		if err != nil {
			return nil, err
		}
		if els, err = coerce(f, e.Else.Type(), e.T); err != nil {
			return nil, err
		}
	}
	return func(row []any, fr *frame) (any, error) {
		for i, c := range conds {
			v, err := c(row, fr)
			if err != nil {
				return nil, err
			}
			if v == true {
				return results[i](row, fr)
			}
		}
		if els != nil {
			return els(row, fr)
		}
		return nil, nil
	}, nil
}
