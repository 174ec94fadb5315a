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
	refs := make([]sr.SchemaReference, len(s.References))
	for i, r := range s.References {
		refs[i] = sr.SchemaReference{Name: r.Name, Subject: r.Subject, Version: r.Version}
	}
	return c.cl.RegisterSchema(ctx, subject, sr.Schema{Schema: s.Text, Type: typ, References: refs}, -1, -1)
}

func fromSR(s sr.Schema) RegistrySchema {
	out := RegistrySchema{Type: s.Type.String(), Text: s.Schema}
	for _, r := range s.References {
		out.References = append(out.References, SchemaReference{Name: r.Name, Subject: r.Subject, Version: r.Version})
	}
	return out
}

func (c srClient) SchemaByID(ctx context.Context, id int) (RegistrySchema, error) {
	s, err := c.cl.SchemaByID(ctx, id)
	return fromSR(s), notFound(err)
}

func (c srClient) SchemaByVersion(ctx context.Context, subject string, version int) (int, RegistrySchema, error) {
	s, err := c.cl.SchemaByVersion(ctx, subject, version)
	return s.ID, fromSR(s.Schema), notFound(err)
}

// notFound marks the registry's not-found answers: 40401 an unknown
// subject, 40402 an unknown version, 40403 an unknown schema.
func notFound(err error) error {
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		return err
	}
	switch {
	case re.ErrorCode == 40401:
		return fmt.Errorf("%w: %s", ErrSubjectNotFound, err)
	case re.ErrorCode == 40402 || re.ErrorCode == 40403 || re.StatusCode == 404:
		return fmt.Errorf("%w: %s", ErrSchemaNotFound, err)
	}
	return err
}
