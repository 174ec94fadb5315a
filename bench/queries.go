package main

import (
	"fmt"
	"strings"
)

// querySpec is one persistent-query benchmark: the sources it needs (created
// in the same request, with names suffixed by the benchmark id), the query,
// and the topics whose records count as its input events.
type querySpec struct {
	ID, Name string
	// DDL uses %s for the suffix of source names.
	DDL    []string
	Query  string
	Inputs []string
	Sink   string
	// Ceiling is the ceiling loop this query is compared with.
	Ceiling string
	// Target is the events per CPU-second the issue asks for.
	Target float64
	// CeilingPct is the share of the ceiling the issue asks for (0: none).
	CeilingPct float64
}

const (
	ddlBid = `CREATE STREAM bid_%[1]s (auction_key STRING KEY, auction BIGINT, bidder BIGINT, price BIGINT,
  channel STRING, url STRING, dateTime BIGINT, extra STRING) WITH (KAFKA_TOPIC='%[2]s', VALUE_FORMAT='JSON');`
	ddlPerson = `CREATE STREAM person_%[1]s (person_key STRING KEY, id BIGINT, name STRING, emailAddress STRING,
  creditCard STRING, city STRING, state STRING, dateTime BIGINT, extra STRING) WITH (KAFKA_TOPIC='person', VALUE_FORMAT='JSON');`
	ddlAuction = `CREATE STREAM auction_%[1]s (auction_key STRING KEY, id BIGINT, itemName STRING, description STRING,
  initialBid BIGINT, reserve BIGINT, dateTime BIGINT, expires BIGINT, seller BIGINT, category BIGINT, extra STRING)
  WITH (KAFKA_TOPIC='auction', VALUE_FORMAT='JSON');`
	ddlAuctionTable = `CREATE TABLE auctiont_%[1]s (id_key STRING PRIMARY KEY, id BIGINT, itemName STRING, description STRING,
  initialBid BIGINT, reserve BIGINT, dateTime BIGINT, expires BIGINT, seller BIGINT, category BIGINT, extra STRING)
  WITH (KAFKA_TOPIC='auction', VALUE_FORMAT='JSON');`
)

func specs() []querySpec {
	// B3-B7 are compared with the tuned Pebble loop, the stricter ceiling.
	const stateless, stateful = "C1", "C2b"
	return []querySpec{
		{ID: "B0", Name: "passthrough SELECT *", DDL: []string{ddlBid},
			Query:  `CREATE STREAM b0 WITH (KAFKA_TOPIC='b0_out') AS SELECT * FROM bid_b0 EMIT CHANGES;`,
			Inputs: []string{"bid"}, Sink: "b0_out", Ceiling: stateless, Target: 150_000, CeilingPct: 60},
		{ID: "B1", Name: "projection with arithmetic", DDL: []string{ddlBid},
			Query: `CREATE STREAM b1 WITH (KAFKA_TOPIC='b1_out') AS SELECT auction_key, auction, bidder,
  price * 908 / 1000 AS price_eur, price * 0.908 AS price_eur_d, (price - 100) % 7 AS bucket, dateTime
  FROM bid_b1 EMIT CHANGES;`,
			Inputs: []string{"bid"}, Sink: "b1_out", Ceiling: stateless, Target: 150_000, CeilingPct: 60},
		{ID: "B2", Name: "filter", DDL: []string{ddlBid},
			Query: `CREATE STREAM b2 WITH (KAFKA_TOPIC='b2_out') AS SELECT * FROM bid_b2
  WHERE price > 500000 AND channel <> 'Apple' EMIT CHANGES;`,
			Inputs: []string{"bid"}, Sink: "b2_out", Ceiling: stateless, Target: 150_000, CeilingPct: 60},
		{ID: "B3", Name: "HOPPING 10 s / 2 s COUNT per auction", DDL: []string{ddlBid},
			Query: `CREATE TABLE b3 WITH (KAFKA_TOPIC='b3_out') AS SELECT auction_key, COUNT(*) AS bids FROM bid_b3
  WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS) GROUP BY auction_key EMIT CHANGES;`,
			Inputs: []string{"bid"}, Sink: "b3_out", Ceiling: stateful, Target: 50_000},
		{ID: "B4", Name: "TUMBLING 10 s MAX(price) EMIT FINAL", DDL: []string{ddlBid},
			Query: `CREATE TABLE b4 WITH (KAFKA_TOPIC='b4_out') AS SELECT auction_key, MAX(price) AS max_price FROM bid_b4
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY auction_key EMIT FINAL;`,
			Inputs: []string{"bid"}, Sink: "b4_out", Ceiling: stateful, Target: 50_000},
		{ID: "B5", Name: "SESSION 10 s COUNT per bidder", DDL: []string{ddlBid},
			Query: `CREATE TABLE b5 WITH (KAFKA_TOPIC='b5_out') AS SELECT bidder, COUNT(*) AS bids FROM bid_b5
  WINDOW SESSION (10 SECONDS) GROUP BY bidder EMIT CHANGES;`,
			Inputs: []string{"bid"}, Sink: "b5_out", Ceiling: stateful, Target: 50_000},
		{ID: "B6", Name: "stream-stream join person x auction WITHIN 10 s", DDL: []string{ddlPerson, ddlAuction},
			Query: `CREATE STREAM b6 WITH (KAFKA_TOPIC='b6_out') AS SELECT p.id AS pid, p.name, p.city, a.id AS aid,
  a.itemName, a.category FROM person_b6 p JOIN auction_b6 a WITHIN 10 SECONDS ON p.id = a.seller EMIT CHANGES;`,
			Inputs: []string{"person", "auction"}, Sink: "b6_out", Ceiling: stateful, Target: 50_000},
		{ID: "B7", Name: "stream-table join bid x auction table", DDL: []string{ddlBid, ddlAuctionTable},
			Query: `CREATE STREAM b7 WITH (KAFKA_TOPIC='b7_out') AS SELECT b.auction_key, b.price, b.bidder, a.seller,
  a.category FROM bid_b7 b JOIN auctiont_b7 a ON b.auction_key = a.id_key EMIT CHANGES;`,
			Inputs: []string{"bid", "auction"}, Sink: "b7_out", Ceiling: stateful, Target: 50_000},
	}
}

// statements renders the request of a spec: the offset reset, its sources
// and its query.
func (q querySpec) statements(bidTopic string) string {
	var b strings.Builder
	b.WriteString("SET 'auto.offset.reset'='earliest';\n")
	for _, d := range q.DDL {
		fmt.Fprintf(&b, d, strings.ToLower(q.ID), bidTopic)
		b.WriteString("\n")
	}
	b.WriteString(q.Query)
	return b.String()
}
