package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
)

// reserved are the pseudo column names no user column may take.
var reserved = []string{types.RowTime, types.RowPartition, types.RowOffset, types.WindowStart, types.WindowEnd}

func isReserved(name string) bool {
	for _, r := range reserved {
		if r == name {
			return true
		}
	}
	return false
}

func kindOf(k ast.SourceKind) catalog.Kind {
	if k == ast.KindTable {
		return catalog.Table
	}
	return catalog.Stream
}

func kindName(k catalog.Kind) string {
	if k == catalog.Table {
		return "table"
	}
	return "stream"
}

// CreateSource plans CREATE STREAM/TABLE. It returns the source to add;
// a nil source with no error means IF NOT EXISTS found it already there.
func (p *Planner) CreateSource(s *ast.CreateSource) (*catalog.Source, error) {
	kind := kindOf(s.Kind)
	if s.OrReplace && s.IsSource {
		return nil, plain("Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.", kindName(kind), s.Name, kindName(kind))
	}
	if existing, ok := p.cat.Source(s.Name); ok {
		if err := p.checkReplace(existing, kind, s.Name, s.OrReplace, s.IfNotExists); err != nil || !s.OrReplace {
			return nil, err
		}
	}
	w, err := parseProps(s.Props, sourceProps)
	if err != nil {
		return nil, err
	}
	if !w.has("KAFKA_TOPIC") {
		return nil, errorf(s.Position(), "Missing required property \"KAFKA_TOPIC\" which has no default value.")
	}
	defValue := p.cfg.DefaultValueFormat
	if !w.has("VALUE_FORMAT") && !w.has("FORMAT") && defValue == "" {
		return nil, errorf(s.Position(), "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.")
	}
	keyFmt, valFmt, err := w.formats(p.cfg.DefaultKeyFormat, defValue, p.cfg.WrapSingleValues)
	if err != nil {
		return nil, err
	}
	schema, err := p.declaredSchema(s, kind)
	if err != nil {
		return nil, err
	}
	if schema, err = p.inferColumns(w.str("KAFKA_TOPIC"), kind, schema, keyFmt, valFmt); err != nil {
		return nil, errorf(s.Position(), "%s", err)
	}
	// A table's key may come from the key schema registered for its topic.
	if kind == catalog.Table && len(schema.Key()) == 0 && len(s.Elements) > 0 {
		return nil, errorf(s.Position(), "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.")
	}
	if len(schema.Key()) == 0 && len(schema.Value()) == 0 {
		return nil, errorf(s.Position(), "The statement does not define any columns.")
	}
	src := &catalog.Source{
		Name: s.Name, Kind: kind, Topic: w.str("KAFKA_TOPIC"), KeyFormat: keyFmt, ValueFormat: valFmt,
		Schema: schema, ReadOnly: s.IsSource, Statement: s.Text,
	}
	if len(schema.Key()) == 0 && keyFmt.Name != "NONE" && !w.has("KEY_FORMAT") && !w.has("FORMAT") {
		src.KeyFormat.Name = "NONE"
	}
	if n, ok, err := w.integer("PARTITIONS"); err != nil {
		return nil, err
	} else if ok {
		src.Partitions = n
	}
	if n, ok, err := w.integer("REPLICAS"); err != nil {
		return nil, err
	} else if ok {
		src.Replicas = n
	}
	if err := p.timestampSpec(w, schema, &src.Timestamp); err != nil {
		return nil, err
	}
	if w.has("KEY") {
		// KSQL 5.x: KEY names the value column that mirrors the message
		// key. Eddy keeps the column in the value; the key columns are
		// whatever the statement declares.
		col := strings.ToUpper(strings.Trim(w.str("KEY"), "`\""))
		if schema.Find(col) < 0 {
			return nil, errorf(w.raw["KEY"].Position(), "The KEY column set in the WITH clause does not exist in the schema: '%s'", col)
		}
	}
	if w.has("WINDOW_TYPE") {
		wt := strings.ToUpper(w.str("WINDOW_TYPE"))
		switch wt {
		case "TUMBLING", "HOPPING", "SESSION":
		default:
			return nil, errorf(w.raw["WINDOW_TYPE"].Position(), "Unknown window type: '%s'", wt)
		}
		src.Window = &catalog.WindowInfo{Type: wt}
		if wt != "SESSION" {
			if !w.has("WINDOW_SIZE") {
				return nil, errorf(s.Position(), "Tumbling and Hopping window types should set WINDOW_SIZE in the WITH clause.")
			}
			ms, err := parseWindowSize(w.str("WINDOW_SIZE"))
			if err != nil {
				return nil, errorf(w.raw["WINDOW_SIZE"].Position(), "%s", err)
			}
			src.Window.Size = ms
		} else if w.has("WINDOW_SIZE") {
			return nil, errorf(s.Position(), "'WINDOW_SIZE' should not be set for SESSION windows.")
		}
	}
	return src, nil
}

// checkReplace decides what to do when a source of the same name exists.
func (p *Planner) checkReplace(existing *catalog.Source, kind catalog.Kind, name string, orReplace, ifNotExists bool) error {
	switch {
	case ifNotExists:
		return nil
	case existing.Kind != kind:
		return plain("Cannot add %s '%s': A %s with the same name already exists", kindName(kind), name, kindName(existing.Kind))
	case existing.ReadOnly && orReplace:
		return plain("Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.", kindName(kind), name, kindName(kind))
	case !orReplace:
		return plain("Cannot add %s '%s': A %s with the same name already exists", kindName(kind), name, kindName(existing.Kind))
	}
	return nil
}

// declaredSchema builds a source's schema from its column list.
func (p *Planner) declaredSchema(s *ast.CreateSource, kind catalog.Kind) (*types.Schema, error) {
	var keys, values []types.Column
	seen := map[string]bool{}
	headers := false
	for _, el := range s.Elements {
		if isReserved(el.Name) {
			return nil, errorf(el.Position(), "'%s' is a reserved column name. You cannot use it as a name for a column.", el.Name)
		}
		if seen[el.Name] {
			return nil, errorf(el.Position(), "Duplicate column names: %s", el.Name)
		}
		seen[el.Name] = true
		t, err := resolveType(p.cat, el.Type)
		if err != nil {
			return nil, err
		}
		c := types.Column{Name: el.Name, Type: t}
		switch el.Constraint {
		case ast.ColumnKey:
			if kind == catalog.Table {
				return nil, errorf(el.Position(), "Column `%s` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", el.Name)
			}
			c.Namespace = types.NsKey
		case ast.ColumnPrimaryKey:
			if kind == catalog.Stream {
				return nil, errorf(el.Position(), "Column `%s` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", el.Name)
			}
			c.Namespace = types.NsKey
		case ast.ColumnHeaders:
			if headers {
				return nil, errorf(el.Position(), "Schema already contains a HEADERS column.")
			}
			if !t.Equal(types.HeadersType) {
				return nil, errorf(el.Position(), "Invalid type for HEADERS column: expected %s, got %s", types.HeadersType, t)
			}
			headers = true
			c.Namespace = types.NsHeader
		case ast.ColumnHeader:
			if t.Kind != types.KindBytes {
				return nil, errorf(el.Position(), "Invalid type for HEADER('%s') column: expected BYTES, got %s", el.HeaderKey, t)
			}
			c.Namespace = types.NsHeader
			c.HeaderKey = el.HeaderKey
		}
		if c.Namespace == types.NsKey {
			if containsMap(t) {
				return nil, errorf(el.Position(), "Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: %s. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.", types.QuoteIdent(el.Name), t)
			}
			keys = append(keys, c)
		} else {
			values = append(values, c)
		}
	}
	return &types.Schema{Columns: append(keys, values...)}, nil
}

func containsMap(t *types.Type) bool {
	switch t.Kind {
	case types.KindMap:
		return true
	case types.KindArray:
		return containsMap(t.Elem)
	case types.KindStruct:
		for _, f := range t.Fields {
			if containsMap(f.Type) {
				return true
			}
		}
	}
	return false
}

// timestampSpec validates TIMESTAMP / TIMESTAMP_FORMAT.
func (p *Planner) timestampSpec(w *withProps, schema *types.Schema, ts *catalog.Timestamp) error {
	if !w.has("TIMESTAMP") {
		if w.has("TIMESTAMP_FORMAT") {
			return plain("TIMESTAMP_FORMAT set without TIMESTAMP")
		}
		return nil
	}
	col := strings.ToUpper(strings.Trim(w.str("TIMESTAMP"), "`\""))
	if strings.HasPrefix(w.str("TIMESTAMP"), "`") {
		col = strings.Trim(w.str("TIMESTAMP"), "`")
	}
	i := schema.Find(col)
	if i < 0 {
		return plain("The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'", col)
	}
	t := schema.Columns[i].Type
	format := w.str("TIMESTAMP_FORMAT")
	switch t.Kind {
	case types.KindBigint, types.KindTimestamp:
	case types.KindString:
		if format == "" {
			return plain("A String timestamp field has been specified without also specifying the TIMESTAMP_FORMAT.")
		}
	default:
		return plain("Timestamp column, `%s`, should be LONG(INT64), TIMESTAMP, or a String with a TIMESTAMP_FORMAT specified.", col)
	}
	ts.Column, ts.Format = col, format
	return nil
}

// parseWindowSize reads WINDOW_SIZE values such as '10 SECONDS'.
func parseWindowSize(s string) (int64, error) {
	invalid := func(why string, args ...any) error {
		return fmt.Errorf("Configuration WINDOW_SIZE is invalid: Invalid duration: '%s'. %s", s, fmt.Sprintf(why, args...))
	}
	f := strings.Fields(strings.ToUpper(s))
	if len(f) != 2 {
		return 0, invalid("Expected format: '<number> <time unit>'")
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, invalid("Not a number: '%s'", f[0])
	}
	ms, ok := UnitMillis(f[1])
	if !ok {
		return 0, invalid("Unknown time unit: '%s'", f[1])
	}
	return n * ms, nil
}

// UnitMillis returns the milliseconds in one time unit (singular or plural).
func UnitMillis(unit string) (int64, bool) {
	switch strings.TrimSuffix(strings.ToUpper(unit), "S") {
	case "MILLISECOND":
		return 1, true
	case "SECOND":
		return 1000, true
	case "MINUTE":
		return 60_000, true
	case "HOUR":
		return 3_600_000, true
	case "DAY":
		return 86_400_000, true
	}
	return 0, false
}

// inferColumns fills in the key and value columns a statement leaves out
// from the topic's registered schemas (schema inference), if configured.
func (p *Planner) inferColumns(topic string, kind catalog.Kind, schema *types.Schema, keyFmt, valFmt catalog.Format) (*types.Schema, error) {
	if p.cfg.InferColumns == nil {
		return schema, nil
	}
	keys, values := schema.Key(), schema.Value()
	var rest []types.Column
	for _, c := range schema.Columns {
		if c.Namespace == types.NsHeader {
			rest = append(rest, c)
		}
	}
	changed := false
	if len(values) == 0 {
		cols, err := p.cfg.InferColumns(topic, valFmt, false)
		if err != nil {
			return nil, err
		}
		values, changed = cols, changed || len(cols) > 0
	}
	if len(keys) == 0 {
		cols, err := p.cfg.InferColumns(topic, keyFmt, true)
		if err != nil {
			return nil, err
		}
		for i := range cols {
			cols[i].Namespace = types.NsKey
		}
		keys, changed = cols, changed || len(cols) > 0
	}
	if !changed {
		return schema, nil
	}
	out := append(append(append([]types.Column{}, keys...), values...), rest...)
	return &types.Schema{Columns: out}, nil
}
