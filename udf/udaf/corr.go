package udaf

import (
	"math"

	"github.com/eddysql/eddy/planner/types"
)

func registerCorrelation(r *Registry) {
	r.register("CORRELATION", &spec{
		structured: true,
		undo:       true,
		ret: func(c *call) (*types.Type, error) {
			if !arity(c, 2, 0) || !statInput(c.args[0]) || !statInput(c.args[1]) {
				return nil, c.errParams()
			}
			return types.DoubleType, nil
		},
		build: func(c *call) (Aggregator, error) { return corrAgg{}, nil },
	})
}

// corrAcc holds the single-pass Pearson sums.
type corrAcc struct {
	x, y, xx, yy, xy float64
	n                int64
}

// corrAgg is CORRELATION(x, y) over INT, BIGINT or DOUBLE columns: rows
// where either value is NULL are ignored; fewer than two rows (or no
// variance) give NaN, as in ksqlDB.
type corrAgg struct{}

func (corrAgg) Init() any { return corrAcc{} }

func (corrAgg) fold(acc any, args []any, sign float64) (any, error) {
	s, ok := acc.(corrAcc)
	if !ok {
		return acc, badAcc("CORRELATION", acc)
	}
	if len(args) < 2 || args[0] == nil || args[1] == nil {
		return acc, nil
	}
	x, ok1 := types.ToFloat64(args[0])
	y, ok2 := types.ToFloat64(args[1])
	if !ok1 || !ok2 {
		return acc, badValue("CORRELATION", types.DoubleType, args[0])
	}
	if sign > 0 {
		s.x += x
		s.y += y
		s.xx += x * x
		s.yy += y * y
		s.xy += x * y
		s.n++
	} else {
		s.x -= x
		s.y -= y
		s.xx -= x * x
		s.yy -= y * y
		s.xy -= x * y
		s.n--
	}
	return s, nil
}

func (a corrAgg) Add(acc any, args []any) (any, error)  { return a.fold(acc, args, 1) }
func (a corrAgg) Undo(acc any, args []any) (any, error) { return a.fold(acc, args, -1) }

func (corrAgg) Merge(p, q any) (any, error) {
	s, ok1 := p.(corrAcc)
	t, ok2 := q.(corrAcc)
	if !ok1 || !ok2 {
		return p, badAcc("CORRELATION", p)
	}
	return corrAcc{s.x + t.x, s.y + t.y, s.xx + t.xx, s.yy + t.yy, s.xy + t.xy, s.n + t.n}, nil
}

func (corrAgg) Result(acc any) (any, error) {
	s, ok := acc.(corrAcc)
	if !ok {
		return nil, badAcc("CORRELATION", acc)
	}
	n := float64(s.n)
	num := n*s.xy - s.x*s.y
	dx := n*s.xx - s.x*s.x
	dy := n*s.yy - s.y*s.y
	return num / math.Sqrt(dx*dy), nil
}

func (a corrAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (corrAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	s, ok := acc.(corrAcc)
	if !ok {
		return nil, badAcc("CORRELATION", acc)
	}
	dst = appendVarint(dst, s.n)
	for _, f := range [...]float64{s.x, s.y, s.xx, s.yy, s.xy} {
		dst = appendFloat(dst, f)
	}
	return dst, nil
}

func (corrAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	var s corrAcc
	s.n = r.varint()
	s.x, s.y, s.xx, s.yy, s.xy = r.float(), r.float(), r.float(), r.float(), r.float()
	if err := r.done(); err != nil {
		return nil, err
	}
	return s, nil
}
