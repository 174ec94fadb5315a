package planner

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// coerceInElement converts one element of an IN list towards the type of
// the tested value, as ksqlDB does: string literals are parsed as that
// type, other literals print as text for a STRING value, and constructors
// are coerced element by element. Anything else must share a common type.
func (b *binder) coerceInElement(a ast.Expr, v expr.Expr, target *types.Type, sc *scope) (expr.Expr, error) {
	out, err := b.coerceInner(a, v, target, sc)
	if _, ok := err.(*opMismatch); ok {
		switch a.(type) {
		case *ast.ArrayCtor, *ast.MapCtor, *ast.StructCtor:
			return nil, &opMismatch{target: target, got: v}
		}
	}
	return out, err
}

func (b *binder) coerceInner(a ast.Expr, v expr.Expr, target *types.Type, sc *scope) (expr.Expr, error) {
	vt := v.Type()
	if vt.Equal(target) || vt.Kind == types.KindNull {
		return v, nil
	}
	lit, isLit := a.(*ast.Literal)
	switch {
	case isLit && target.Kind == types.KindString && lit.Kind != ast.LitString:
		text := lit.Text
		if lit.Kind == ast.LitBool {
			text = strconv.FormatBool(lit.Bool)
		}
		return &expr.Literal{Value: text, T: types.StringType}, nil
	case isLit && lit.Kind == ast.LitString && target.IsPrimitive() && target.Kind != types.KindString:
		return parseLiteralAs(lit.Text, target)
	}
	switch e := a.(type) {
	case *ast.ArrayCtor:
		if target.Kind == types.KindArray {
			elems := make([]expr.Expr, len(e.Elems))
			for i, el := range e.Elems {
				bv, err := b.bind(el, sc)
				if err != nil {
					return nil, err
				}
				if elems[i], err = b.coerceInElement(el, bv, target.Elem, sc); err != nil {
					return nil, err
				}
				elems[i] = castTo(elems[i], target.Elem)
			}
			return &expr.ArrayCtor{Elems: elems, T: target}, nil
		}
	case *ast.MapCtor:
		if target.Kind == types.KindMap {
			out := &expr.MapCtor{T: target}
			for i := range e.Keys {
				k, err := b.coerceBound(e.Keys[i], target.Key, sc)
				if err != nil {
					return nil, err
				}
				val, err := b.coerceBound(e.Values[i], target.Value, sc)
				if err != nil {
					return nil, err
				}
				out.Keys, out.Values = append(out.Keys, k), append(out.Values, val)
			}
			return out, nil
		}
	case *ast.StructCtor:
		if target.Kind == types.KindStruct {
			vals := make([]expr.Expr, len(target.Fields))
			for i, f := range target.Fields {
				vals[i] = &expr.Literal{T: f.Type}
				for j, name := range e.Names {
					if name == f.Name {
						x, err := b.coerceBound(e.Values[j], f.Type, sc)
						if err != nil {
							return nil, err
						}
						vals[i] = x
					}
				}
			}
			// A field the tested struct lacks makes the element a struct of
			// another shape, which never equals the value (ksqlDB's rule).
			t := target
			for j, name := range e.Names {
				if target.FieldIndex(name) >= 0 {
					continue
				}
				x, err := b.bind(e.Values[j], sc)
				if err != nil {
					return nil, err
				}
				if t == target {
					t = types.StructOf(append([]types.Field(nil), target.Fields...)...)
				}
				t.Fields = append(t.Fields, types.Field{Name: name, Type: x.Type()})
				vals = append(vals, x)
			}
			return &expr.StructCtor{Values: vals, T: t}, nil
		}
	}
	if commonType(vt, target) == nil {
		return nil, &opMismatch{target: target, got: v}
	}
	return v, nil
}

// opMismatch is an IN element whose type cannot meet the tested value's.
// Inside a constructor it is reported for the whole constructor.
type opMismatch struct {
	target *types.Type
	got    expr.Expr
}

func (e *opMismatch) Error() string {
	return fmt.Sprintf("operator does not exist: %s = %s (%s)\nHint: You might need to add explicit type casts.", e.target, e.got.Type(), e.got)
}

func (b *binder) coerceBound(a ast.Expr, target *types.Type, sc *scope) (expr.Expr, error) {
	v, err := b.bind(a, sc)
	if err != nil {
		return nil, err
	}
	out, err := b.coerceInElement(a, v, target, sc)
	if err != nil {
		return nil, err
	}
	if commonType(out.Type(), target) != nil {
		return castTo(out, target), nil
	}
	return out, nil
}

// parseLiteralAs reads a string literal as a value of a primitive type.
func parseLiteralAs(text string, t *types.Type) (expr.Expr, error) {
	bad := fmt.Errorf("invalid input syntax for type %s: \"%s\".", t.Kind, text)
	s := strings.TrimSpace(text)
	switch t.Kind {
	case types.KindBoolean:
		v, ok := parseSQLBoolean(s)
		if !ok {
			return nil, bad
		}
		return &expr.Literal{Value: v, T: types.BooleanType}, nil
	case types.KindInt, types.KindBigint:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			// '4.000' compares as the number it spells.
			d, derr := decimal.NewFromString(s)
			if derr != nil {
				return nil, bad
			}
			return decimalLiteral(d, s), nil
		}
		if t.Kind == types.KindInt && n >= math.MinInt32 && n <= math.MaxInt32 {
			return &expr.Literal{Value: int32(n), T: types.IntType}, nil
		}
		return &expr.Literal{Value: n, T: types.BigintType}, nil
	case types.KindDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, bad
		}
		return &expr.Literal{Value: f, T: types.DoubleType}, nil
	case types.KindDecimal:
		d, err := decimal.NewFromString(s)
		if err != nil {
			return nil, bad
		}
		return decimalLiteral(d, s), nil
	}
	// Temporal and bytes values are parsed by a cast at run time.
	return &expr.Cast{X: &expr.Literal{Value: text, T: types.StringType}, T: t, Implicit: true}, nil
}

// decimalLiteral is the DECIMAL literal text spells ('2e1' is 20).
func decimalLiteral(d decimal.Decimal, text string) *expr.Literal {
	if d.Exponent() > 0 {
		d = d.Round(0)
	}
	return &expr.Literal{Value: d, T: literalDecimalType(text)}
}

// parseSQLBoolean accepts what ksqlDB's SqlBooleans does: any prefix of
// "true", "false", "yes" or "no", case-insensitively.
func parseSQLBoolean(s string) (bool, bool) {
	l := strings.ToLower(s)
	if l == "" {
		return false, false
	}
	for _, w := range []string{"true", "yes"} {
		if strings.HasPrefix(w, l) {
			return true, true
		}
	}
	for _, w := range []string{"false", "no"} {
		if strings.HasPrefix(w, l) {
			return false, true
		}
	}
	return false, false
}

// decimalTypeOf gives the DECIMAL type a numeric literal spells.
func decimalTypeOf(text string) *types.Type {
	t := strings.TrimLeft(text, "+-")
	scale := 0
	if i := strings.IndexByte(t, '.'); i >= 0 {
		scale = len(t) - i - 1
	}
	digits := strings.TrimLeft(strings.Replace(t, ".", "", 1), "0")
	return types.DecimalOf(max(len(digits), scale, 1), scale)
}
