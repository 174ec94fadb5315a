package engine

import (
	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
)

// WithSchemaRegistry makes the schema-registry formats (AVRO) available,
// with schemas registered in and read from c, and lets CREATE statements
// without columns infer them from the registered schemas.
func WithSchemaRegistry(c serde.SchemaRegistry) Option {
	return func(e *Engine) {
		e.formats = serde.NewRegistry(serde.WithSchemaRegistry(c))
		e.cfg.Planner.InferColumns = e.inferColumns
	}
}

// columnInferrer is a format that can read columns from a registry.
type columnInferrer interface {
	InferColumns(topic string, p serde.Props) ([]types.Column, error)
}

func (e *Engine) inferColumns(topic string, f catalog.Format, isKey bool) ([]types.Column, error) {
	format, err := e.formats.Get(f.Name)
	if err != nil {
		return nil, nil // reported later, with the columns
	}
	inf, ok := format.(columnInferrer)
	if !ok {
		return nil, nil
	}
	return inf.InferColumns(topic, ops.SerdeProps(f, isKey))
}
