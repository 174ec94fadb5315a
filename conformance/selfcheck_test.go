package conformance

import (
	"context"
	"errors"
	"testing"
)

// TestSelfCheck feeds every corpus case its own expectations back as the
// outcome: each must pass. This guards the loader and the comparison rules
// against rejecting what ksqlDB itself produced.
func TestSelfCheck(t *testing.T) {
	qtt, err := LoadDir(*flagQTTDir, KindQTT)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	echo := DriverFunc(func(_ context.Context, c *Case) (*Outcome, error) {
		o := &Outcome{Outputs: c.Outputs}
		if c.Expected != nil {
			o.Err = errors.New("prefix: " + c.Expected.Message + " :suffix")
		}
		if c.Post != nil {
			o.Sources = c.Post.Sources
		}
		return o, nil
	})
	opts := RunOptions{}
	for _, r := range RunQTT(context.Background(), qtt, echo, opts) {
		if r.Status == Failed {
			t.Errorf("%s: %s", r.Case.ID(), r.Message)
		}
	}

	rqtt, err := LoadDir(*flagRQTTDir, KindRQTT)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	rest := RESTDriverFunc(func(_ context.Context, c *Case) (*RESTOutcome, error) {
		o := &RESTOutcome{Outputs: c.Outputs}
		if e := c.ExpectedError; e != nil {
			o.Error = &RESTError{Status: e.Status, Message: e.Message}
			return o, nil
		}
		for _, raw := range c.Responses {
			v, err := DecodeResponses(raw)
			if err != nil {
				return nil, err
			}
			o.Responses = append(o.Responses, v)
		}
		return o, nil
	})
	for _, r := range RunRQTT(context.Background(), rqtt, rest, opts) {
		if r.Status == Failed {
			t.Errorf("%s: %s", r.Case.ID(), r.Message)
		}
	}
}
