package datagen

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestRunProducesQuickstartRecords(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	n, err := Run(context.Background(), Config{Brokers: cluster.ListenAddrs(), Quickstart: "pageviews", Topic: "pv", Iterations: 5, Seed: 1})
	if err != nil || n != 5 {
		t.Fatalf("Run: %d records, %v", n, err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("pv"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []*kgo.Record
	for len(got) < 5 && ctx.Err() == nil {
		got = append(got, cl.PollFetches(ctx).Records()...)
	}
	if len(got) != 5 {
		t.Fatalf("consumed %d records", len(got))
	}
	var v map[string]any
	if err := json.Unmarshal(got[0].Value, &v); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"viewtime", "userid", "pageid"} {
		if _, ok := v[field]; !ok {
			t.Errorf("pageviews record lacks %s: %s", field, got[0].Value)
		}
	}
}

func TestUnknownQuickstart(t *testing.T) {
	if _, err := Run(context.Background(), Config{Quickstart: "nope"}); err == nil {
		t.Fatal("expected an error for an unknown quickstart")
	}
}

func TestEveryQuickstartMarshals(t *testing.T) {
	for name, gen := range Quickstarts {
		rec := gen(rand.New(rand.NewPCG(1, 2)), 0, time.Unix(0, 0))
		if _, err := json.Marshal(rec.Value); err != nil || rec.Key == "" {
			t.Errorf("%s: key %q, %v", name, rec.Key, err)
		}
	}
}
