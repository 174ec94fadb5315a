package serde

import (
	"context"
	"fmt"
	"sync"
)

// schemaCache is what a schema-registry format remembers of the registry:
// the ids its serializers registered (by subject and schema text) and the
// parsed schemas by id, so that each is asked of the registry once.
type schemaCache[S any] struct {
	sr    SchemaRegistry
	typ   string // SchemaTypeAvro, SchemaTypeProtobuf, ...
	parse func(RegistrySchema) (S, error)

	mu     sync.Mutex
	byID   map[int]S
	idsFor map[string]int // subject + "\x00" + text -> id
}

func newSchemaCache[S any](sr SchemaRegistry, typ string, parse func(RegistrySchema) (S, error)) *schemaCache[S] {
	return &schemaCache[S]{sr: sr, typ: typ, parse: parse, byID: map[int]S{}, idsFor: map[string]int{}}
}

// register registers a schema (text, already parsed as s) under a subject
// once and returns its id.
func (c *schemaCache[S]) register(subject, text string, s S) (int, error) {
	key := subject + "\x00" + text
	c.mu.Lock()
	id, ok := c.idsFor[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
	defer cancel()
	id, err := c.sr.Register(ctx, subject, RegistrySchema{Type: c.typ, Text: text})
	if err != nil {
		return 0, fmt.Errorf("registering the schema of subject %s: %w", subject, err)
	}
	c.mu.Lock()
	c.idsFor[key] = id
	c.byID[id] = s
	c.mu.Unlock()
	return id, nil
}

// get returns the parsed schema of an id.
func (c *schemaCache[S]) get(id int) (S, error) {
	c.mu.Lock()
	s, ok := c.byID[id]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	var zero S
	ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
	defer cancel()
	rs, err := c.sr.SchemaByID(ctx, id)
	if err != nil {
		return zero, fmt.Errorf("fetching schema id %d: %w", id, err)
	}
	if !rs.IsType(c.typ) {
		return zero, fmt.Errorf("schema id %d is a %s schema, not %s", id, rs.TypeName(), c.typ)
	}
	if s, err = c.parse(rs); err != nil {
		return zero, fmt.Errorf("schema id %d: %w", id, err)
	}
	c.mu.Lock()
	c.byID[id] = s
	c.mu.Unlock()
	return s, nil
}
