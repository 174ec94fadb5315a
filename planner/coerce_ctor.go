package planner

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// ksqlDB's messages for constructors whose element type cannot be known.
const (
	emptyArrayMsg   = "Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239)."
	nullArrayMsg    = "Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type."
	emptyMapMsg     = "Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239)."
	nullMapKeyMsg   = "Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type."
	nullMapValueMsg = "Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type."
)

func (b *binder) bindArrayCtor(e *ast.ArrayCtor, sc *scope) (expr.Expr, error) {
	if len(e.Elems) == 0 {
		return nil, errorf(e.Position(), emptyArrayMsg)
	}
	elems, t, err := b.coerceList(e.Elems, sc, "ARRAY")
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errorf(e.Position(), nullArrayMsg)
	}
	return &expr.ArrayCtor{Elems: elems, T: types.ArrayOf(t)}, nil
}

func (b *binder) bindMapCtor(e *ast.MapCtor, sc *scope) (expr.Expr, error) {
	if len(e.Keys) == 0 {
		return nil, errorf(e.Position(), emptyMapMsg)
	}
	keys, kt, err := b.coerceList(e.Keys, sc, "MAP key")
	if err != nil {
		return nil, err
	}
	if kt == nil {
		return nil, errorf(e.Position(), nullMapKeyMsg)
	}
	vals, vt, err := b.coerceList(e.Values, sc, "MAP value")
	if err != nil {
		return nil, err
	}
	if vt == nil {
		return nil, errorf(e.Position(), nullMapValueMsg)
	}
	return &expr.MapCtor{Keys: keys, Values: vals, T: types.MapOf(kt, vt)}, nil
}

// coerceList binds the elements of an ARRAY or the keys or values of a
// MAP and converts them to one type, as ksqlDB's user list coercion does:
// the first non-NULL element sets the type; numbers widen it; a string
// literal is read as the number or BOOLEAN the list holds (and fails as
// ksqlDB does when it is not one); other literals print as text in a
// STRING list; STRUCT constructors merge their fields by name. The
// returned type is nil when every element is an untyped NULL.
func (b *binder) coerceList(es []ast.Expr, sc *scope, what string) ([]expr.Expr, *types.Type, error) {
	bound := make([]expr.Expr, len(es))
	var target *types.Type
	for i, a := range es {
		x, err := b.bind(a, sc)
		if err != nil {
			return nil, nil, err
		}
		bound[i] = x
		xt := x.Type()
		if xt.Kind == types.KindNull {
			continue
		}
		if target == nil {
			target = xt
			continue
		}
		next, err := listType(a, x, target)
		if err != nil {
			return nil, nil, errorf(a.Position(), "%s", err)
		}
		if next == nil {
			return nil, nil, errorf(a.Position(), "invalid %s: all elements must be of the same type; %s is %s but expected %s", what, x, xt, target)
		}
		target = next
	}
	if target == nil {
		return bound, nil, nil
	}
	for i, a := range es {
		out, err := b.coerceInner(a, bound[i], target, sc)
		if err != nil {
			return nil, nil, errorf(a.Position(), "%s", err)
		}
		bound[i] = castTo(out, target)
	}
	return bound, target, nil
}

// listType widens a list's element type so that element x (bound from a)
// fits: nil when it cannot.
func listType(a ast.Expr, x expr.Expr, target *types.Type) (*types.Type, error) {
	xt := x.Type()
	if lit, ok := a.(*ast.Literal); ok {
		switch {
		case lit.Kind == ast.LitString && target.IsPrimitive() && target.Kind != types.KindString:
			v, err := parseLiteralAs(lit.Text, target)
			if err != nil {
				return nil, err
			}
			return commonType(target, v.Type()), nil
		case lit.Kind != ast.LitString && target.Kind == types.KindString:
			return target, nil
		}
	}
	if _, ok := a.(*ast.StructCtor); ok && target.Kind == types.KindStruct && xt.Kind == types.KindStruct {
		return mergeStructs(target, xt), nil
	}
	return commonType(target, xt), nil
}

// mergeStructs is the STRUCT holding the fields of both, by name, in
// order of first appearance; nil when a shared field's types differ.
func mergeStructs(a, b *types.Type) *types.Type {
	fields := append([]types.Field(nil), a.Fields...)
	for _, f := range b.Fields {
		i := -1
		for j := range fields {
			if fields[j].Name == f.Name {
				i = j
			}
		}
		if i < 0 {
			fields = append(fields, f)
			continue
		}
		ft := commonType(fields[i].Type, f.Type)
		if ft == nil {
			return nil
		}
		fields[i].Type = ft
	}
	return types.StructOf(fields...)
}

// magicTimestamp converts a string literal compared with ROWTIME,
// WINDOWSTART or WINDOWEND to epoch milliseconds, as ksqlDB does
// ("ROWTIME > '2018-01-01T00:00:00'"). Anything else is returned as is.
func magicTimestamp(x, other expr.Expr) expr.Expr {
	lit, ok := x.(*expr.Literal)
	if !ok || lit.T.Kind != types.KindString {
		return x
	}
	col, ok := other.(*expr.Column)
	if !ok || col.T.Kind != types.KindBigint {
		return x
	}
	switch col.Name {
	case types.RowTime, types.WindowStart, types.WindowEnd:
	default:
		return x
	}
	ms, err := parseTimestampText(lit.Value.(string))
	if err != nil {
		return x
	}
	return &expr.Literal{Value: ms, T: types.BigintType}
}

// parseTimestampText reads yyyy-MM-dd'T'HH:mm:ss.SSS as ksqlDB's
// StringToTimestampParser does: trailing parts may be left out ('2018',
// '2018-01-01T10'), a zone may follow ('Z', '+0445', '-04:45'); without
// one the time is UTC.
func parseTimestampText(s string) (int64, error) {
	bad := fmt.Errorf("Failed to parse timestamp '%s'", s)
	text, off := s, int64(0)
	if t, ok := strings.CutSuffix(text, "Z"); ok {
		text = t
	} else if i := strings.LastIndexAny(text, "+-"); i > 0 && strings.Contains(text[:i], "T") {
		z := strings.ReplaceAll(text[i+1:], ":", "")
		if len(z) != 2 && len(z) != 4 {
			return 0, bad
		}
		var h, m int64
		if _, err := fmt.Sscanf(z[:2], "%d", &h); err != nil {
			return 0, bad
		}
		if len(z) == 4 {
			if _, err := fmt.Sscanf(z[2:], "%d", &m); err != nil {
				return 0, bad
			}
		}
		off = (h*60 + m) * 60000
		if text[i] == '-' {
			off = -off
		}
		text = text[:i]
	}
	// Complete the text from the template, then read it.
	const template = "1970-01-01T00:00:00.000"
	if len(text) > len(template) {
		// More than milliseconds: keep three fraction digits.
		if i := strings.IndexByte(text, '.'); i >= 0 && len(text)-i > 4 {
			text = text[:i+4]
		}
	}
	if len(text) < 4 || len(text) > len(template) {
		return 0, bad
	}
	for i := 0; i < len(text); i++ {
		c, tc := text[i], template[i]
		if (tc >= '0' && tc <= '9') != (c >= '0' && c <= '9') || (!(tc >= '0' && tc <= '9') && c != tc) {
			return 0, bad
		}
	}
	full := text + template[len(text):]
	if strings.HasSuffix(text, "-") || strings.HasSuffix(text, "T") || strings.HasSuffix(text, ":") || strings.HasSuffix(text, ".") {
		return 0, bad
	}
	var y, mo, d, h, mi, sec, ms int
	if _, err := fmt.Sscanf(full, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &sec, &ms); err != nil {
		return 0, bad
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return 0, bad
	}
	days := daysFromCivil(y, mo, d)
	return days*86400000 + int64(h)*3600000 + int64(mi)*60000 + int64(sec)*1000 + int64(ms) - off, nil
}

// daysFromCivil counts days since 1970-01-01 in the proleptic Gregorian
// calendar.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// literalDecimalType is the DECIMAL type a number spelled in text needs,
// exponents included ('2e1' is DECIMAL(2, 0)).
func literalDecimalType(text string) *types.Type {
	if !strings.ContainsAny(text, "eE") {
		return decimalTypeOf(text)
	}
	d, err := decimal.NewFromString(strings.TrimSpace(text))
	if err != nil {
		return decimalTypeOf(text)
	}
	if d.Exponent() > 0 {
		d = d.Round(0)
	}
	return decimalTypeOf(d.String())
}
