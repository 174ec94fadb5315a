package planner

import (
	"strconv"
	"strings"

	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
)

// withProps is a validated WITH clause.
type withProps struct {
	raw map[string]ast.Property
}

// Properties each statement kind accepts, as ksqlDB names them.
var (
	sourceProps = []string{"KAFKA_TOPIC", "KEY_FORMAT", "VALUE_FORMAT", "FORMAT", "PARTITIONS", "REPLICAS",
		"TIMESTAMP", "TIMESTAMP_FORMAT", "KEY", "WRAP_SINGLE_VALUE", "VALUE_DELIMITER", "KEY_DELIMITER",
		"WINDOW_TYPE", "WINDOW_SIZE", "KEY_SCHEMA_ID", "VALUE_SCHEMA_ID", "KEY_SCHEMA_FULL_NAME",
		"VALUE_SCHEMA_FULL_NAME", "VALUE_AVRO_SCHEMA_FULL_NAME", "RETENTION_MS", "CLEANUP_POLICY", "SOURCE_CONNECTOR",
		"KEY_PROTOBUF_NULLABLE_REPRESENTATION", "VALUE_PROTOBUF_NULLABLE_REPRESENTATION"}
	sinkProps = []string{"KAFKA_TOPIC", "KEY_FORMAT", "VALUE_FORMAT", "FORMAT", "PARTITIONS", "REPLICAS",
		"TIMESTAMP", "TIMESTAMP_FORMAT", "WRAP_SINGLE_VALUE", "VALUE_DELIMITER", "KEY_DELIMITER",
		"KEY_SCHEMA_ID", "VALUE_SCHEMA_ID", "KEY_SCHEMA_FULL_NAME", "VALUE_SCHEMA_FULL_NAME",
		"VALUE_AVRO_SCHEMA_FULL_NAME", "RETENTION_MS", "KEY_PROTOBUF_NULLABLE_REPRESENTATION",
		"VALUE_PROTOBUF_NULLABLE_REPRESENTATION"}
)

func parseProps(ps ast.Properties, allowed []string) (*withProps, error) {
	w := &withProps{raw: map[string]ast.Property{}}
	for _, p := range ps {
		name := strings.ToUpper(p.Name)
		ok := false
		for _, a := range allowed {
			if a == name {
				ok = true
			}
		}
		if !ok {
			return nil, errorf(p.Position(), "Invalid config variable(s) in the WITH clause: %s", name)
		}
		if _, dup := w.raw[name]; dup {
			return nil, errorf(p.Position(), "Duplicate property %s in the WITH clause", name)
		}
		w.raw[name] = p
	}
	return w, nil
}

func (w *withProps) has(name string) bool { _, ok := w.raw[name]; return ok }

// str returns a property's value as text.
func (w *withProps) str(name string) string {
	p, ok := w.raw[name]
	if !ok {
		return ""
	}
	if p.Value.Kind == ast.LitBool {
		return strconv.FormatBool(p.Value.Bool)
	}
	return p.Value.Text
}

func (w *withProps) integer(name string) (int, bool, error) {
	p, ok := w.raw[name]
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(p.Value.Text))
	if err != nil || n <= 0 {
		return 0, true, errorf(p.Position(), "Invalid value for %s: %s (a positive integer is required)", name, p.Value.Text)
	}
	return n, true, nil
}

func (w *withProps) boolean(name string) (*bool, error) {
	p, ok := w.raw[name]
	if !ok {
		return nil, nil
	}
	var v bool
	switch {
	case p.Value.Kind == ast.LitBool:
		v = p.Value.Bool
	case strings.EqualFold(p.Value.Text, "true"):
		v = true
	case strings.EqualFold(p.Value.Text, "false"):
		v = false
	default:
		return nil, errorf(p.Position(), "Invalid value for %s: %s (true or false)", name, p.Value.Text)
	}
	return &v, nil
}

// formats works out key and value formats from FORMAT, KEY_FORMAT,
// VALUE_FORMAT and the defaults (inherited or configured).
func (w *withProps) formats(defKey, defValue string, defWrap *bool) (key, value catalog.Format, err error) {
	for _, side := range []string{"KEY_FORMAT", "VALUE_FORMAT"} {
		if w.has("FORMAT") && w.has(side) {
			return key, value, plain("Cannot supply both '%s' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.", side)
		}
	}
	k, v := defKey, defValue
	if w.has("FORMAT") {
		k, v = w.str("FORMAT"), w.str("FORMAT")
	}
	if w.has("KEY_FORMAT") {
		k = w.str("KEY_FORMAT")
	}
	if w.has("VALUE_FORMAT") {
		v = w.str("VALUE_FORMAT")
	}
	key = catalog.Format{Name: strings.ToUpper(k), Props: map[string]string{}}
	value = catalog.Format{Name: strings.ToUpper(v), Props: map[string]string{}}
	if d, ok := w.raw["KEY_DELIMITER"]; ok {
		key.Props["DELIMITER"] = d.Value.Text
	}
	if d, ok := w.raw["VALUE_DELIMITER"]; ok {
		if d.Value.Text == "" {
			return key, value, plain("Failed to prepare statement: Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'")
		}
		value.Props["DELIMITER"] = d.Value.Text
	}
	// Format options of one side, kept under their names without the
	// KEY_/VALUE_ prefix (executor/ops.SerdeProps reads them).
	for _, side := range []struct {
		prefix string
		f      catalog.Format
	}{{"KEY_", key}, {"VALUE_", value}} {
		for _, name := range []string{"PROTOBUF_NULLABLE_REPRESENTATION", "SCHEMA_FULL_NAME", "SCHEMA_ID"} {
			if w.has(side.prefix + name) {
				side.f.Props[name] = w.str(side.prefix + name)
			}
		}
	}
	if w.has("VALUE_AVRO_SCHEMA_FULL_NAME") { // the KSQL 5.x name
		value.Props["SCHEMA_FULL_NAME"] = w.str("VALUE_AVRO_SCHEMA_FULL_NAME")
	}
	if w.has("WRAP_SINGLE_VALUE") {
		b, err := w.boolean("WRAP_SINGLE_VALUE")
		if err != nil {
			return key, value, err
		}
		value.Props["WRAP_SINGLE_VALUE"] = strconv.FormatBool(*b)
	} else if defWrap != nil {
		// Mirrors executor/ops.DefaultWrapProp; the planner cannot import the executor.
		value.Props["DEFAULT_WRAP_SINGLE_VALUE"] = strconv.FormatBool(*defWrap)
	}
	return key, value, nil
}
