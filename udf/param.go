package udf

import (
	"strings"

	"github.com/eddysql/eddy/planner/types"
)

type pkind int

const (
	pConcrete pkind = iota // a concrete type; DECIMAL with Precision 0 matches any decimal
	pVar                   // a type variable bound at resolution
	pArray
	pMap
	pStruct // any STRUCT
	pLambda
	pAny // any type, bound to nothing (Java's Object parameters)
)

// Param is a parameter type pattern.
type Param struct {
	kind   pkind
	t      *types.Type
	name   string
	elem   *Param // array element; lambda result
	key    *Param
	val    *Param
	params []*Param // lambda parameters
	// check restricts what a type variable may bind to.
	check func(*types.Type) bool
}

func (p *Param) String() string {
	switch p.kind {
	case pConcrete:
		if p.t.Kind == types.KindDecimal && p.t.Precision == 0 {
			return "DECIMAL"
		}
		return p.t.SQLName()
	case pVar:
		return p.name
	case pArray:
		return "ARRAY<" + p.elem.String() + ">"
	case pMap:
		return "MAP<" + p.key.String() + ", " + p.val.String() + ">"
	case pStruct:
		return "STRUCT"
	case pAny:
		return "ANY"
	case pLambda:
		parts := make([]string, len(p.params))
		for i, q := range p.params {
			parts[i] = q.String()
		}
		return "LAMBDA<(" + strings.Join(parts, ", ") + ") => " + p.elem.String() + ">"
	}
	return "?"
}

func pc(t *types.Type) *Param             { return &Param{kind: pConcrete, t: t} }
func tv(name string) *Param               { return &Param{kind: pVar, name: name} }
func arrP(e *Param) *Param                { return &Param{kind: pArray, elem: e} }
func mapP(k, v *Param) *Param             { return &Param{kind: pMap, key: k, val: v} }
func lam(ret *Param, ps ...*Param) *Param { return &Param{kind: pLambda, elem: ret, params: ps} }

// tvc is a type variable restricted by check.
func tvc(name string, check func(*types.Type) bool) *Param {
	return &Param{kind: pVar, name: name, check: check}
}

var (
	pBool  = pc(types.BooleanType)
	pInt   = pc(types.IntType)
	pBig   = pc(types.BigintType)
	pDbl   = pc(types.DoubleType)
	pDec   = pc(&types.Type{Kind: types.KindDecimal}) // any DECIMAL
	pStr   = pc(types.StringType)
	pBytes = pc(types.BytesType)
	pDate  = pc(types.DateType)
	pTime  = pc(types.TimeType)
	pTs    = pc(types.TimestampType)
	pUnit  = pc(types.UnitType)
	pT     = tv("T")
	pU     = tv("U")
	pK     = tv("K")
	pV     = tv("V")
	pArrT  = arrP(pT)
	pMapKV = mapP(pK, pV)
)

// comparable types: primitives (what ARRAY_SORT, GREATEST... accept).
func isPrimitive(t *types.Type) bool { return t.IsPrimitive() }

func isNumeric(t *types.Type) bool { return t.IsNumeric() }

// walk returns whether a pattern contains a type variable.
func (p *Param) hasVar() bool {
	switch p.kind {
	case pVar:
		return true
	case pArray:
		return p.elem.hasVar()
	case pMap:
		return p.key.hasVar() || p.val.hasVar()
	case pLambda:
		for _, q := range p.params {
			if q.hasVar() {
				return true
			}
		}
		return p.elem.hasVar()
	}
	return false
}
