package main

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// Nexmark-style generator. Everything derives from a fixed seed, so two
// runs with the same sizes load byte-identical topics. Event time starts at
// baseTime and advances evenly over the same span for the three streams,
// so windows and the person x auction join see realistic overlaps.

// baseTime is 2024-01-01T00:00:00Z in milliseconds.
const baseTime = int64(1704067200000)

var (
	channels = []string{"Google", "Facebook", "Baidu", "Apple"}
	cities   = []string{"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"}
	states   = []string{"AZ", "CA", "ID", "OR", "WA", "WY"}
	first    = []string{"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"}
	last     = []string{"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"}
)

// sizes of one load.
type sizes struct {
	Bids, Persons, Auctions int
	// SpanMs is the event-time span of all three streams.
	SpanMs int64
}

// record is a keyed JSON record with its event time.
type record struct {
	Key, Value []byte
	Ts         int64
}

type gen struct {
	r *rand.Rand
	s sizes
}

func newGen(s sizes) *gen { return &gen{r: rand.New(rand.NewPCG(42, 2024)), s: s} }

func pad(b []byte, n int, r *rand.Rand) []byte {
	for range n {
		b = append(b, byte('a'+r.IntN(26)))
	}
	return b
}

func (g *gen) ts(i, n int) int64 { return baseTime + int64(i)*g.s.SpanMs/int64(max(n, 1)) }

// bid is ~100 bytes, keyed by auction.
func (g *gen) bid(i int, dateTime int64) record {
	auction := 1000 + g.r.IntN(max(g.s.Auctions, 1))
	bidder := 1 + g.r.IntN(max(g.s.Persons, 1))
	price := 100 + g.r.IntN(1_000_000)
	b := make([]byte, 0, 128)
	b = append(b, `{"auction":`...)
	b = strconv.AppendInt(b, int64(auction), 10)
	b = append(b, `,"bidder":`...)
	b = strconv.AppendInt(b, int64(bidder), 10)
	b = append(b, `,"price":`...)
	b = strconv.AppendInt(b, int64(price), 10)
	b = append(b, `,"channel":"`...)
	b = append(b, channels[g.r.IntN(len(channels))]...)
	b = append(b, `","url":"/b/`...)
	b = pad(b, 6, g.r)
	b = append(b, `","dateTime":`...)
	b = strconv.AppendInt(b, dateTime, 10)
	b = append(b, `,"extra":""}`...)
	return record{Key: strconv.AppendInt(nil, int64(auction), 10), Value: b, Ts: g.ts(i, g.s.Bids)}
}

// person is ~200 bytes, keyed by id.
func (g *gen) person(i int) record {
	id := int64(i + 1)
	ts := g.ts(i, g.s.Persons)
	b := make([]byte, 0, 256)
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"name":"`...)
	b = append(b, first[g.r.IntN(len(first))]...)
	b = append(b, ' ')
	b = append(b, last[g.r.IntN(len(last))]...)
	b = append(b, `","emailAddress":"`...)
	b = pad(b, 10, g.r)
	b = append(b, `@example.com","creditCard":"`...)
	for k := range 4 {
		if k > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(1000+g.r.IntN(9000)), 10)
	}
	b = append(b, `","city":"`...)
	b = append(b, cities[g.r.IntN(len(cities))]...)
	b = append(b, `","state":"`...)
	b = append(b, states[g.r.IntN(len(states))]...)
	b = append(b, `","dateTime":`...)
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, `,"extra":"`...)
	b = pad(b, 200-len(b)-2, g.r)
	b = append(b, `"}`...)
	return record{Key: strconv.AppendInt(nil, id, 10), Value: b, Ts: ts}
}

// auction is ~500 bytes, keyed by id. Its seller is a person created at
// most a few seconds of event time earlier, as in Nexmark, so the
// person x auction join WITHIN 10 SECONDS finds matches.
func (g *gen) auction(i int) record {
	id := int64(1000 + i)
	ts := g.ts(i, g.s.Auctions)
	// the person whose event time is closest below ts, minus a few
	np := max(g.s.Persons, 1)
	p := int((ts - baseTime) * int64(np) / max(g.s.SpanMs, 1))
	p -= g.r.IntN(4)
	p = min(max(p, 0), np-1)
	seller := int64(p + 1)
	b := make([]byte, 0, 512)
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"itemName":"`...)
	b = pad(b, 20, g.r)
	b = append(b, `","description":"`...)
	b = pad(b, 300, g.r)
	b = append(b, `","initialBid":`...)
	b = strconv.AppendInt(b, int64(100+g.r.IntN(10000)), 10)
	b = append(b, `,"reserve":`...)
	b = strconv.AppendInt(b, int64(10000+g.r.IntN(100000)), 10)
	b = append(b, `,"dateTime":`...)
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, `,"expires":`...)
	b = strconv.AppendInt(b, ts+int64(10_000+g.r.IntN(60_000)), 10)
	b = append(b, `,"seller":`...)
	b = strconv.AppendInt(b, seller, 10)
	b = append(b, `,"category":`...)
	b = strconv.AppendInt(b, int64(10+g.r.IntN(5)), 10)
	b = append(b, `,"extra":"`...)
	b = pad(b, 500-len(b)-2, g.r)
	b = append(b, `"}`...)
	return record{Key: strconv.AppendInt(nil, id, 10), Value: b, Ts: ts}
}

func tsTime(ms int64) time.Time { return time.UnixMilli(ms) }
