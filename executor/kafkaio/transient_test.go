package kafkaio

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/eddysql/eddy/executor/ops"
)

// TestTransientReadEndsOnAuthorizationFailure reads a topic as a user the
// broker's ACLs do not let read it: the read ends with the broker's error
// instead of logging it forever.
func TestTransientReadEndsOnAuthorizationFailure(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "admin", "admin"), kfake.User("PLAIN", "bob", "bob"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	as := func(user string) kgo.Opt {
		return kgo.SASL(plain.Auth{User: user, Pass: user}.AsMechanism())
	}
	admin, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), as("admin"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := kadm.NewClient(admin).CreateTopic(ctx, 1, 1, nil, "t"); err != nil {
		t.Fatal(err)
	}
	err = RunTransient(ctx, TransientConfig{
		Brokers: c.ListenAddrs(), Topics: []string{"t"}, ResetEarliest: true,
		Handle:     func(context.Context, *ops.Raw) error { return nil },
		ClientOpts: []kgo.Opt{as("bob")},
	})
	if ctx.Err() != nil {
		t.Fatal("the read went on until the test's deadline")
	}
	if !errors.Is(err, kerr.TopicAuthorizationFailed) {
		t.Fatalf("error %v, want TOPIC_AUTHORIZATION_FAILED", err)
	}
}
