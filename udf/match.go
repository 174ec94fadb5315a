package udf

import (
	"github.com/eddysql/eddy/planner/types"
)

// matcher binds type variables.
type matcher struct {
	cands    map[string][]*types.Type
	lamCands map[string][]*types.Type
	checks   map[string]func(*types.Type) bool
	bound    map[string]*types.Type
}

func newMatcher() *matcher {
	return &matcher{cands: map[string][]*types.Type{}, lamCands: map[string][]*types.Type{}, checks: map[string]func(*types.Type) bool{}, bound: map[string]*types.Type{}}
}

func (m *matcher) collectAll(s *Signature, args []*types.Type) bool {
	for i, a := range args {
		p := paramAt(s, i, len(args))
		if a == nil {
			if p.kind != pLambda {
				return false
			}
			continue
		}
		if !m.collect(p, a) {
			return false
		}
	}
	return true
}

func (m *matcher) collect(p *Param, a *types.Type) bool {
	if p.kind == pLambda {
		if a.Kind != types.KindLambda || len(a.Fields) != len(p.params)+1 {
			return false
		}
		return m.collectLam(p.elem, lambdaReturn(a))
	}
	if a.Kind == types.KindLambda {
		return false
	}
	if a.Kind == types.KindNull {
		return true
	}
	switch p.kind {
	case pConcrete:
		_, ok := convCost(a, m.target(p, a))
		return ok
	case pVar:
		m.cands[p.name] = append(m.cands[p.name], a)
		if p.check != nil {
			m.checks[p.name] = p.check
		}
		return true
	case pArray:
		return a.Kind == types.KindArray && m.collect(p.elem, a.Elem)
	case pMap:
		return a.Kind == types.KindMap && m.collect(p.key, a.Key) && m.collect(p.val, a.Value)
	case pStruct:
		return a.Kind == types.KindStruct
	case pAny:
		return true
	}
	return false
}

func (m *matcher) collectLam(p *Param, a *types.Type) bool {
	if a.Kind == types.KindNull {
		return true
	}
	switch p.kind {
	case pVar:
		m.lamCands[p.name] = append(m.lamCands[p.name], a)
		if p.check != nil {
			m.checks[p.name] = p.check
		}
		return true
	case pArray:
		return a.Kind == types.KindArray && m.collectLam(p.elem, a.Elem)
	case pMap:
		return a.Kind == types.KindMap && m.collectLam(p.key, a.Key) && m.collectLam(p.val, a.Value)
	case pConcrete:
		_, ok := convCost(a, p.t)
		return ok && (p.t.Kind != types.KindDecimal || a.Kind == types.KindDecimal)
	}
	return true
}

func (m *matcher) bind() bool {
	for name, ts := range m.cands {
		t := ts[0]
		for _, u := range ts[1:] {
			var ok bool
			if t, ok = commonType(t, u); !ok {
				return false
			}
		}
		m.bound[name] = t
	}
	for name, ts := range m.lamCands {
		if b, ok := m.bound[name]; ok {
			for _, u := range ts {
				if !u.Equal(b) {
					return false
				}
			}
			continue
		}
		t := ts[0]
		for _, u := range ts[1:] {
			var ok bool
			if t, ok = commonType(t, u); !ok {
				return false
			}
		}
		m.bound[name] = t
	}
	for name, check := range m.checks {
		if t, ok := m.bound[name]; ok && !check(t) {
			return false
		}
	}
	return true
}

// target substitutes bound variables; a is the argument type matched
// against p (may be nil), used for DECIMAL patterns of any precision.
func (m *matcher) target(p *Param, a *types.Type) *types.Type {
	switch p.kind {
	case pConcrete:
		if p.t.Kind == types.KindDecimal && p.t.Precision == 0 {
			if a != nil {
				switch a.Kind {
				case types.KindDecimal, types.KindNull:
					return a
				case types.KindInt:
					return types.DecimalOf(10, 0)
				case types.KindBigint:
					return types.DecimalOf(19, 0)
				}
			}
			return types.DecimalOf(38, 0)
		}
		return p.t
	case pVar:
		if t, ok := m.bound[p.name]; ok {
			return t
		}
		return types.NullType
	case pArray:
		var e *types.Type
		if a != nil && a.Kind == types.KindArray {
			e = a.Elem
		}
		return types.ArrayOf(m.target(p.elem, e))
	case pMap:
		var k, v *types.Type
		if a != nil && a.Kind == types.KindMap {
			k, v = a.Key, a.Value
		}
		return types.MapOf(m.target(p.key, k), m.target(p.val, v))
	}
	return a
}

var numRank = map[types.Kind]int{types.KindInt: 1, types.KindBigint: 2, types.KindDecimal: 3, types.KindDouble: 4}

// convCost tells whether from converts implicitly to to, and how costly.
func convCost(from, to *types.Type) (int, bool) {
	if from.Kind == types.KindNull {
		return 0, true
	}
	if to.Kind == types.KindNull {
		return 0, false
	}
	if from.Kind == to.Kind {
		switch from.Kind {
		case types.KindDecimal:
			if from.Equal(to) {
				return 0, true
			}
			if to.Scale >= from.Scale && to.Precision-to.Scale >= from.Precision-from.Scale {
				return 0, true
			}
			return 0, false
		case types.KindArray:
			return convCost(from.Elem, to.Elem)
		case types.KindMap:
			c1, ok1 := convCost(from.Key, to.Key)
			c2, ok2 := convCost(from.Value, to.Value)
			return c1 + c2, ok1 && ok2
		case types.KindStruct:
			return 0, from.Equal(to)
		}
		return 0, true
	}
	rf, okf := numRank[from.Kind]
	rt, okt := numRank[to.Kind]
	if okf && okt && rf < rt {
		return 10 * (rt - rf), true
	}
	// As ksqlDB's SqlBaseType.canImplicitlyCast: a STRING converts to the
	// temporal types (parsed as ISO-8601).
	if from.Kind == types.KindString && (to.Kind == types.KindDate || to.Kind == types.KindTime || to.Kind == types.KindTimestamp) {
		return 10, true
	}
	return 0, false
}

// commonType is the narrowest type both a and b convert to implicitly.
func commonType(a, b *types.Type) (*types.Type, bool) {
	switch {
	case a.Kind == types.KindNull:
		return b, true
	case b.Kind == types.KindNull:
		return a, true
	case a.Equal(b):
		return a, true
	}
	if a.Kind == b.Kind {
		switch a.Kind {
		case types.KindDecimal:
			s := max(a.Scale, b.Scale)
			ip := max(a.Precision-a.Scale, b.Precision-b.Scale)
			return types.DecimalOf(min(ip+s, 38), s), true
		case types.KindArray:
			e, ok := commonType(a.Elem, b.Elem)
			return types.ArrayOf(e), ok
		case types.KindMap:
			k, ok1 := commonType(a.Key, b.Key)
			v, ok2 := commonType(a.Value, b.Value)
			return types.MapOf(k, v), ok1 && ok2
		}
		return nil, false
	}
	ra, oka := numRank[a.Kind]
	rb, okb := numRank[b.Kind]
	if !oka || !okb {
		return nil, false
	}
	if ra < rb {
		a, b, ra, rb = b, a, rb, ra
	}
	// a is the wider
	if a.Kind == types.KindDecimal {
		return commonType(a, asDecimal(b))
	}
	return a, true
}

func asDecimal(t *types.Type) *types.Type {
	switch t.Kind {
	case types.KindInt:
		return types.DecimalOf(10, 0)
	case types.KindBigint:
		return types.DecimalOf(19, 0)
	}
	return t
}
