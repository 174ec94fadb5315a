package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/eddysql/eddy/executor/eval"
	"github.com/eddysql/eddy/executor/ops"
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
	"github.com/eddysql/eddy/server/wire"
)

func (e *Engine) insertValues(s *session, st *ast.InsertValues) (wire.Entity, error) {
	for _, c := range st.Columns {
		if n := strings.ToUpper(c); n == types.RowPartition || n == types.RowOffset {
			return nil, fmt.Errorf("Inserting into column %s is not allowed.", types.QuoteIdent(n))
		}
	}
	plan, err := e.planner(s.cat).InsertValues(st)
	if err != nil {
		return nil, prepareError(err, st, s.cat)
	}
	row := make([]any, len(plan.Values))
	for i, x := range plan.Values {
		ev, err := eval.Compile(x)
		if err != nil {
			return nil, err
		}
		if row[i], err = ev(nil); err != nil {
			return nil, fmt.Errorf("Failed to insert values into '%s'. %v", plan.Target.Name, err)
		}
	}
	ts := time.Now().UnixMilli()
	if plan.RowTime != nil {
		ev, err := eval.Compile(plan.RowTime)
		if err != nil {
			return nil, err
		}
		v, err := ev(nil)
		if err != nil {
			return nil, fmt.Errorf("Failed to insert values into '%s'. %v", plan.Target.Name, err)
		}
		if n, ok := v.(int64); ok {
			ts = n
		}
	}
	if s.dry {
		return nil, nil
	}
	return nil, e.produceRow(s.ctx, plan.Target, row, ts)
}

// prepareError words a planning error of INSERT VALUES as ksqlDB's
// validation does: "Failed to prepare statement: <message>", the
// column/value count mismatch as "Expected number columns and values to
// match: 2, 1".
func prepareError(err error, st *ast.InsertValues, cat *catalog.Catalog) error {
	var pe *planner.Error
	if !errors.As(err, &pe) {
		return err
	}
	msg := pe.Msg
	if strings.HasPrefix(msg, "Expected number columns and values to match:") {
		n := len(st.Columns)
		if src, ok := cat.Source(st.Target); ok && n == 0 {
			for _, c := range src.Schema.Columns {
				if c.Namespace != types.NsHeader {
					n++
				}
			}
		}
		msg = fmt.Sprintf("Expected number columns and values to match: %d, %d", n, len(st.Values))
	}
	if strings.HasPrefix(msg, "Sink `") || strings.HasPrefix(msg, "Cannot insert") {
		return err
	}
	return fmt.Errorf("Failed to prepare statement: %s", msg)
}

// produceRow serializes a row of the source's schema and writes it.
func (e *Engine) produceRow(ctx context.Context, src *catalog.Source, row []any, ts int64) error {
	raw := &ops.Raw{Topic: src.Topic, Timestamp: ts}
	var keyVals, valVals []any
	for i, c := range src.Schema.Columns {
		switch c.Namespace {
		case types.NsKey:
			keyVals = append(keyVals, row[i])
		case types.NsValue:
			valVals = append(valVals, row[i])
		}
	}
	if len(keyVals) > 0 {
		f, err := e.formats.Get(src.KeyFormat.Name)
		if err != nil {
			return err
		}
		ser, err := f.Serializer(src.Schema.Key(), ops.SerdeProps(src.KeyFormat, true))
		if err != nil {
			return err
		}
		if raw.Key, err = ser.Serialize(src.Topic, keyVals); err != nil {
			return fmt.Errorf("Failed to insert values into '%s'. Could not serialize key: %v", src.Name, err)
		}
	}
	f, err := e.formats.Get(src.ValueFormat.Name)
	if err != nil {
		return err
	}
	ser, err := f.Serializer(src.Schema.Value(), ops.SerdeProps(src.ValueFormat, false))
	if err != nil {
		return err
	}
	if raw.Value, err = ser.Serialize(src.Topic, valVals); err != nil {
		return fmt.Errorf("Failed to insert values into '%s'. Could not serialize value: %v", src.Name, err)
	}
	if err := e.rt.Produce(ctx, raw); err != nil {
		return fmt.Errorf("Failed to insert values into '%s'. %w", src.Name, err)
	}
	return nil
}

// Insert writes one /inserts-stream row given as JSON-decoded values. The
// row is coerced to the stream's column types by the JSON deserializer, so
// the same rules apply as for JSON records read from Kafka.
func (e *Engine) Insert(ctx context.Context, target string, row map[string]any) error {
	e.mu.Lock()
	src, ok := e.cat.Source(strings.ToUpper(target))
	e.mu.Unlock()
	if !ok {
		return wire.BadRequest(fmt.Sprintf("Cannot insert into unknown stream: %s", target))
	}
	if src.Kind != catalog.Stream {
		return wire.BadRequest(fmt.Sprintf("Can only insert into streams: %s is a table", src.Name))
	}
	cols := append(src.Schema.Key(), src.Schema.Value()...)
	b, err := json.Marshal(row)
	if err != nil {
		return wire.BadRequest(err.Error())
	}
	jf, err := e.formats.Get("JSON")
	if err != nil {
		return err
	}
	de, err := jf.Deserializer(cols, ops.SerdeProps(catalog.Format{Name: "JSON"}, false))
	if err != nil {
		return err
	}
	vals, err := de.Deserialize(src.Topic, b)
	if err != nil {
		return wire.BadRequest(fmt.Sprintf("Failed to insert values into '%s'. %v", src.Name, err))
	}
	// vals follow cols: key columns then value columns, as src.Schema does.
	full := make([]any, len(src.Schema.Columns))
	k := 0
	for i, c := range src.Schema.Columns {
		if c.Namespace != types.NsHeader {
			full[i] = vals[k]
			k++
		}
	}
	ts := time.Now().UnixMilli()
	if v, ok := row["ROWTIME"]; ok {
		if n, ok := v.(json.Number); ok {
			if x, err := n.Int64(); err == nil {
				ts = x
			}
		}
	}
	return e.produceRow(ctx, src, full, ts)
}
