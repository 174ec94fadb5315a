package udaf

import (
	"math"

	"github.com/eddysql/eddy/planner/types"
)

// AVG, STDDEV_SAMP, STDDEV_SAMPLE, STDDEV_POP and CORRELATION: running
// moments over INT, BIGINT or DOUBLE inputs, returning DOUBLE. NULL inputs
// are ignored. Integer sums wrap like Java's int/long, as in ksqlDB.

type statMode int

const (
	modeAvg statMode = iota
	modeVarSamp
	modeStddevSample
	modeStddevPop
)

var statNames = map[string]statMode{
	"AVG": modeAvg, "STDDEV_SAMP": modeVarSamp, "STDDEV_SAMPLE": modeStddevSample, "STDDEV_POP": modeStddevPop,
}

func statInput(t *types.Type) bool {
	switch t.Kind {
	case types.KindInt, types.KindBigint, types.KindDouble:
		return true
	}
	return false
}

func registerStats(r *Registry) {
	for name, mode := range statNames {
		r.register(name, &spec{
			undo:       true,
			structured: true,
			ret: func(c *call) (*types.Type, error) {
				if !arity(c, 1, 0) || !statInput(c.args[0]) {
					return nil, c.errParams()
				}
				return types.DoubleType, nil
			},
			build: func(c *call) (Aggregator, error) {
				return &statAgg{name: c.name, mode: mode, kind: c.args[0].Kind}, nil
			},
		})
	}
}

// statAcc is the accumulator: the sum (isum for INT/BIGINT, fsum for
// DOUBLE), the count and, for the deviations, M2 (sum of squared
// differences from the mean, Youngs-Cramer).
type statAcc struct {
	isum int64
	fsum float64
	n    int64
	m2   float64
}

type statAgg struct {
	name string
	mode statMode
	kind types.Kind
}

func (a *statAgg) Init() any { return statAcc{} }

// delta is ksqlDB's createDelta: x*(n+1) - (sum+x), in the input's arithmetic.
func (a *statAgg) delta(s statAcc, x any) float64 {
	switch a.kind {
	case types.KindInt:
		v := x.(int32)
		return float64(int64(v)*(s.n+1) - int64(int32(s.isum)+v))
	case types.KindBigint:
		v := x.(int64)
		return float64(v*(s.n+1) - (s.isum + v))
	}
	v := x.(float64)
	return v*float64(s.n+1) - (s.fsum + v)
}

func (a *statAgg) addSum(s *statAcc, x any, sign int64) {
	switch a.kind {
	case types.KindInt:
		s.isum = int64(int32(s.isum) + int32(sign)*x.(int32))
	case types.KindBigint:
		s.isum += sign * x.(int64)
	default:
		s.fsum += float64(sign) * x.(float64)
	}
}

func (a *statAgg) check(acc any, args []any) (statAcc, any, error) {
	s, ok := acc.(statAcc)
	if !ok {
		return s, nil, badAcc(a.name, acc)
	}
	if len(args) == 0 || args[0] == nil {
		return s, nil, nil
	}
	x := args[0]
	switch a.kind {
	case types.KindInt:
		_, ok = x.(int32)
	case types.KindBigint:
		_, ok = x.(int64)
	default:
		_, ok = x.(float64)
	}
	if !ok {
		return s, nil, badValue(a.name, &types.Type{Kind: a.kind}, x)
	}
	return s, x, nil
}

func (a *statAgg) Add(acc any, args []any) (any, error) {
	s, x, err := a.check(acc, args)
	if err != nil || x == nil {
		return acc, err
	}
	if a.mode != modeAvg && s.n > 0 {
		d := a.delta(s, x)
		s.m2 = d*d/float64((s.n+1)*s.n) + s.m2
	}
	a.addSum(&s, x, 1)
	s.n++
	return s, nil
}

func (a *statAgg) Undo(acc any, args []any) (any, error) {
	s, x, err := a.check(acc, args)
	if err != nil || x == nil {
		return acc, err
	}
	if a.mode != modeAvg && s.n-1 > 0 {
		d := a.delta(s, x)
		s.m2 -= d * d / float64((s.n-1)*s.n)
	}
	a.addSum(&s, x, -1)
	s.n--
	return s, nil
}

func (a *statAgg) mean(s statAcc) float64 {
	switch a.kind {
	case types.KindInt:
		return float64(int32(s.isum)) / float64(s.n)
	case types.KindBigint:
		return float64(s.isum) / float64(s.n)
	}
	return s.fsum / float64(s.n)
}

func (a *statAgg) Merge(x, y any) (any, error) {
	s, ok1 := x.(statAcc)
	t, ok2 := y.(statAcc)
	if !ok1 || !ok2 {
		return x, badAcc(a.name, x)
	}
	out := statAcc{n: s.n + t.n, isum: s.isum + t.isum, fsum: s.fsum + t.fsum}
	if a.kind == types.KindInt {
		out.isum = int64(int32(s.isum) + int32(t.isum))
	}
	if s.n == 0 || t.n == 0 {
		out.m2 = s.m2 + t.m2
	} else {
		inner := a.mean(s) - a.mean(t)
		out.m2 = s.m2 + t.m2 + float64(s.n*t.n)*inner*inner/float64(out.n)
	}
	return out, nil
}

func (a *statAgg) Result(acc any) (any, error) {
	s, ok := acc.(statAcc)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	switch a.mode {
	case modeAvg:
		if s.n == 0 {
			return 0.0, nil
		}
		return a.mean(s), nil
	case modeStddevPop:
		if s.n < 1 {
			return 0.0, nil
		}
		return math.Sqrt(s.m2 / float64(s.n)), nil
	}
	if s.n < 2 {
		return 0.0, nil
	}
	v := s.m2 / float64(s.n-1)
	if a.mode == modeStddevSample {
		v = math.Sqrt(v)
	}
	return v, nil // STDDEV_SAMP: ksqlDB 0.29 returns the sample variance
}

func (a *statAgg) Encode(acc any) ([]byte, error) { return a.AppendEncode(nil, acc) }

func (a *statAgg) AppendEncode(dst []byte, acc any) ([]byte, error) {
	s, ok := acc.(statAcc)
	if !ok {
		return nil, badAcc(a.name, acc)
	}
	dst = appendVarint(dst, s.n)
	if a.kind == types.KindDouble {
		dst = appendFloat(dst, s.fsum)
	} else {
		dst = appendVarint(dst, s.isum)
	}
	if a.mode != modeAvg {
		dst = appendFloat(dst, s.m2)
	}
	return dst, nil
}

func (a *statAgg) Decode(b []byte) (any, error) {
	r := reader{b: b}
	var s statAcc
	s.n = r.varint()
	if a.kind == types.KindDouble {
		s.fsum = r.float()
	} else {
		s.isum = r.varint()
	}
	if a.mode != modeAvg {
		s.m2 = r.float()
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return s, nil
}
