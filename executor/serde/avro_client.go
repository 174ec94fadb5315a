package serde

import (
	"cmp"
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

func (c srClient) Register(ctx context.Context, subject string, s RegistrySchema) (int, error) {
	var typ sr.SchemaType
	if err := typ.UnmarshalText([]byte(cmp.Or(s.Type, SchemaTypeAvro))); err != nil {
		return 0, err
	}
	return c.cl.RegisterSchema(ctx, subject, sr.Schema{Schema: s.Text, Type: typ}, -1, -1)
}

func (c srClient) SchemaByID(ctx context.Context, id int) (RegistrySchema, error) {
	s, err := c.cl.SchemaByID(ctx, id)
	return RegistrySchema{Type: s.Type.String(), Text: s.Schema}, err
}

func (c srClient) Latest(ctx context.Context, subject string) (int, RegistrySchema, error) {
	s, err := c.cl.SchemaByVersion(ctx, subject, -1)
	var re *sr.ResponseError
	if errors.As(err, &re) && (re.ErrorCode == 40401 || re.StatusCode == 404) {
		err = fmt.Errorf("%w: %s", ErrSubjectNotFound, err)
	}
	return s.ID, RegistrySchema{Type: s.Type.String(), Text: s.Schema.Schema}, err
}
