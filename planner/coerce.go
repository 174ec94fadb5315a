package planner

import (
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// numericRank orders the numeric types by widening: INT < BIGINT <
// DECIMAL < DOUBLE, as ksqlDB widens them.
func numericRank(t *types.Type) int {
	switch t.Kind {
	case types.KindInt:
		return 1
	case types.KindBigint:
		return 2
	case types.KindDecimal:
		return 3
	case types.KindDouble:
		return 4
	}
	return 0
}

// asDecimal gives the decimal type an integer widens to.
func asDecimal(t *types.Type) *types.Type {
	switch t.Kind {
	case types.KindInt:
		return types.DecimalOf(10, 0)
	case types.KindBigint:
		return types.DecimalOf(19, 0)
	}
	return t
}

// commonType returns the type both a and b convert to implicitly, or nil.
func commonType(a, b *types.Type) *types.Type {
	switch {
	case a.Kind == types.KindNull:
		return b
	case b.Kind == types.KindNull:
		return a
	case a.Equal(b):
		return a
	}
	ra, rb := numericRank(a), numericRank(b)
	if ra > 0 && rb > 0 {
		if ra == 3 || rb == 3 {
			if ra == 4 || rb == 4 {
				return types.DoubleType
			}
			da, db := asDecimal(a), asDecimal(b)
			scale := max(da.Scale, db.Scale)
			whole := max(da.Precision-da.Scale, db.Precision-db.Scale)
			return types.DecimalOf(whole+scale, scale)
		}
		if ra > rb {
			return a
		}
		return b
	}
	switch {
	case a.Kind == types.KindArray && b.Kind == types.KindArray:
		if e := commonType(a.Elem, b.Elem); e != nil {
			return types.ArrayOf(e)
		}
	case a.Kind == types.KindMap && b.Kind == types.KindMap:
		k, v := commonType(a.Key, b.Key), commonType(a.Value, b.Value)
		if k != nil && v != nil {
			return types.MapOf(k, v)
		}
	case a.Kind == types.KindStruct && b.Kind == types.KindStruct && len(a.Fields) == len(b.Fields):
		fields := make([]types.Field, len(a.Fields))
		for i := range a.Fields {
			ft := commonType(a.Fields[i].Type, b.Fields[i].Type)
			if a.Fields[i].Name != b.Fields[i].Name || ft == nil {
				return nil
			}
			fields[i] = types.Field{Name: a.Fields[i].Name, Type: ft}
		}
		return types.StructOf(fields...)
	}
	return nil
}

// castTo wraps e in a cast to t unless it already has that type. NULL
// literals are retyped instead of cast.
func castTo(e expr.Expr, t *types.Type) expr.Expr {
	if t == nil || e.Type().Equal(t) {
		return e
	}
	if lit, ok := e.(*expr.Literal); ok && lit.Value == nil {
		return &expr.Literal{T: t}
	}
	return &expr.Cast{X: e, T: t, Implicit: true}
}

// decimalArith returns the result type of a decimal operation, with
// ksqlDB's precision and scale rules.
func decimalArith(op expr.Op, a, b *types.Type) *types.Type {
	a, b = asDecimal(a), asDecimal(b)
	p1, s1, p2, s2 := a.Precision, a.Scale, b.Precision, b.Scale
	var p, s int
	switch op {
	case expr.Add, expr.Sub:
		s = max(s1, s2)
		p = s + max(p1-s1, p2-s2) + 1
	case expr.Mul:
		p, s = p1+p2+1, s1+s2
	case expr.Div:
		s = max(6, s1+p2+1)
		p = p1 - s1 + s2 + s
	default: // Mod
		s = max(s1, s2)
		p = min(p1-s1, p2-s2) + s
	}
	if p > 38 {
		p = 38
	}
	if s > p {
		s = p
	}
	return types.DecimalOf(p, s)
}

// castable tells whether CAST(from AS to) is allowed.
func castable(from, to *types.Type) bool {
	if from.Kind == types.KindNull || from.Equal(to) || to.Kind == types.KindString {
		return true
	}
	switch to.Kind {
	case types.KindInt, types.KindBigint, types.KindDouble, types.KindDecimal:
		return from.IsNumeric() || from.Kind == types.KindString
	case types.KindBoolean:
		return from.Kind == types.KindString
	case types.KindTimestamp:
		return from.Kind == types.KindString || from.Kind == types.KindDate
	case types.KindDate, types.KindTime:
		return from.Kind == types.KindString || from.Kind == types.KindTimestamp
	case types.KindBytes:
		return false
	case types.KindArray:
		return from.Kind == types.KindArray && castable(from.Elem, to.Elem)
	case types.KindMap:
		return from.Kind == types.KindMap && castable(from.Key, to.Key) && castable(from.Value, to.Value)
	case types.KindStruct:
		if from.Kind != types.KindStruct {
			return false
		}
		for _, f := range to.Fields {
			if i := from.FieldIndex(f.Name); i >= 0 && !castable(from.Fields[i].Type, f.Type) {
				return false
			}
		}
		return true
	}
	return false
}
