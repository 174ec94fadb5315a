package planner

import (
	"fmt"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/expr"
	"github.com/eddysql/eddy/planner/types"
)

// InsertPlan is a planned INSERT INTO ... VALUES.
type InsertPlan struct {
	Target *catalog.Source
	// Values holds one expression per column of Target.Schema; columns the
	// statement leaves out get NULL.
	Values []expr.Expr
	// RowTime is the ROWTIME value, nil when not given.
	RowTime expr.Expr
}

// InsertValues plans INSERT INTO ... VALUES: the values are bound without
// any input row and cast to their columns' types.
func (p *Planner) InsertValues(s *ast.InsertValues) (*InsertPlan, error) {
	target, ok := p.cat.Source(s.Target)
	if !ok {
		msg := "Cannot insert values into an unknown stream/table: " + types.QuoteIdent(s.Target)
		for _, src := range p.cat.Sources() {
			if !strings.EqualFold(src.Name, s.Target) {
				continue
			}
			if src.Name == strings.ToUpper(src.Name) {
				msg += fmt.Sprintf("\nDid you mean %s? Hint: try removing double quotes from the source name.", src.Name)
			} else {
				msg += fmt.Sprintf("\nDid you mean \"%s\"? Hint: wrap the source name in double quotes to make it case-sensitive.", src.Name)
			}
			break
		}
		return nil, errorf(s.Position(), "%s", msg)
	}
	if target.ReadOnly {
		return nil, plain("Cannot insert values into read-only %s: %s", kindName(target.Kind), target.Name)
	}
	if target.Sink {
		// ksqlDB allows it for streams but not for tables it materializes.
		if target.Kind == catalog.Table {
			return nil, plain("Cannot insert values into read-only table: %s", target.Name)
		}
	}
	cols := s.Columns
	if len(cols) == 0 {
		for _, c := range target.Schema.Columns {
			if c.Namespace != types.NsHeader {
				cols = append(cols, c.Name)
			}
		}
	}
	if len(cols) != len(s.Values) {
		return nil, errorf(s.Position(), "Expected number columns and values to match: %v, %d", cols, len(s.Values))
	}
	plan := &InsertPlan{Target: target, Values: make([]expr.Expr, len(target.Schema.Columns))}
	b := &binder{fns: p.fns, cat: p.cat}
	empty := &scope{schema: &types.Schema{}, qualifiers: map[string]bool{}, clause: "VALUES"}
	for i, name := range cols {
		v, err := b.bind(s.Values[i], empty)
		if err != nil {
			return nil, err
		}
		if name == types.RowTime {
			if k := v.Type().Kind; k != types.KindBigint && k != types.KindInt && k != types.KindNull && k != types.KindTimestamp {
				return nil, errorf(s.Values[i].Position(), "Expected type BIGINT for field ROWTIME but got %s(%s)", v, v.Type())
			}
			plan.RowTime = castTo(v, types.BigintType)
			continue
		}
		j := target.Schema.Find(name)
		if j < 0 {
			return nil, errorf(s.Position(), "Column name %s does not exist.", name)
		}
		c := target.Schema.Columns[j]
		if c.Namespace == types.NsHeader {
			return nil, errorf(s.Position(), "Cannot insert into HEADER columns: %s", name)
		}
		if !castable(v.Type(), c.Type) || (v.Type().Kind == types.KindString && c.Type.IsNumeric() && !isLiteral(v)) {
			return nil, errorf(s.Values[i].Position(), "Expected type %s for field %s but got %s(%s)", c.Type, name, v, v.Type())
		}
		plan.Values[j] = castTo(v, c.Type)
	}
	for j, c := range target.Schema.Columns {
		if plan.Values[j] == nil {
			plan.Values[j] = &expr.Literal{T: c.Type}
		}
	}
	return plan, nil
}

func isLiteral(e expr.Expr) bool {
	_, ok := e.(*expr.Literal)
	return ok
}
