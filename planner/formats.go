package planner

import (
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
)

// DeclaredFormats resolves the key and value formats the WITH clause of
// a CREATE statement sets, so that the caller can check them (format
// names, delimiters) before the statement is planned, in ksqlDB's order:
// a WITH clause is validated before the columns are. A format the clause
// leaves to be inherited from the query's source has an empty Name. ok is
// false when the WITH clause itself is invalid; planning reports that.
func (p *Planner) DeclaredFormats(st ast.Statement) (key, value catalog.Format, ok bool) {
	var w *withProps
	var err error
	defKey, defValue := "", ""
	switch s := st.(type) {
	case *ast.CreateSource:
		w, err = parseProps(s.Props, sourceProps)
		defKey, defValue = p.cfg.DefaultKeyFormat, p.cfg.DefaultValueFormat
	case *ast.CreateAsSelect:
		w, err = parseProps(s.Props, sinkProps)
	default:
		return key, value, false
	}
	if err != nil {
		return key, value, false
	}
	key, value, err = w.formats(defKey, defValue, nil)
	if err != nil {
		return key, value, false
	}
	return key, value, true
}
