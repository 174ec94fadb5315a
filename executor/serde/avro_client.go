package serde

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"
)

// srClient adapts franz-go's schema registry client.
type srClient struct{ cl *sr.Client }

// NewSRClient returns a SchemaRegistry over a franz-go sr.Client (HTTP to
// any Confluent-compatible registry).
func NewSRClient(cl *sr.Client) SchemaRegistry { return srClient{cl} }

func (c srClient) Register(ctx context.Context, subject, schema string) (int, error) {
	return c.cl.RegisterSchema(ctx, subject, sr.Schema{Schema: schema, Type: sr.TypeAvro}, -1, -1)
}

func (c srClient) SchemaByID(ctx context.Context, id int) (string, error) {
	s, err := c.cl.SchemaByID(ctx, id)
	return s.Schema, err
}

func (c srClient) Latest(ctx context.Context, subject string) (int, string, error) {
	s, err := c.cl.SchemaByVersion(ctx, subject, -1)
	var re *sr.ResponseError
	if errors.As(err, &re) && (re.ErrorCode == 40401 || re.StatusCode == 404) {
		err = fmt.Errorf("%w: %s", ErrSubjectNotFound, err)
	}
	return s.ID, s.Schema.Schema, err
}
