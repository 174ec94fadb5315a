package conformance

import "strings"

// Feature tiers used in the report.
const (
	TierCore           = "stateless core"
	TierFunctions      = "functions"
	TierTypes          = "data types"
	TierAggregation    = "aggregation"
	TierWindows        = "windows"
	TierJoins          = "joins"
	TierTables         = "tables"
	TierSchemaRegistry = "schema registry"
	TierREST           = "rest (pull/push/insert)"
	TierOther          = "other"
)

// Tiers lists the tiers in report order.
var Tiers = []string{TierCore, TierFunctions, TierTypes, TierAggregation, TierWindows, TierJoins, TierTables, TierSchemaRegistry, TierREST, TierOther}

// fileTiers classifies QTT files (without ".json") by feature.
var fileTiers = classifyFiles()

func classifyFiles() map[string]string {
	fileTiers := map[string]string{}
	add := func(tier string, files ...string) {
		for _, f := range files {
			fileTiers[f] = tier
		}
	}
	add(TierCore,
		"project-filter", "filter", "where", "select", "insert-into", "partition-by",
		"row-offset-and-partition", "system-columns", "key-schemas", "multi-col-keys", "serdes",
		"formats", "delimited", "kafka", "json", "none", "identifiers", "quoted-identifiers",
		"sink-partitions-replicas", "sink-topic-naming", "timestamp-extractor",
		"magic-timestamp-conversion", "drop_source", "asserts", "null",
		// expressions and operators
		"binary-arithmetic", "binary-comparison", "comparison-expression", "operators", "in",
		"between", "case-expression")
	add(TierFunctions,
		"array-min-max-sort", "array-remove", "arraycontains", "arrayindex", "arrayjoin",
		"chr", "concat", "convert-tz", "create_array", "create_map", "create-struct", "dateadd",
		"datesub", "datestring", "elt-field", "encode", "extract-json-field", "format-time",
		"from-days", "from-unixtime", "geodistance", "greatest", "least", "initcap", "instr",
		"is_json_string", "json_array_contains", "json_array_length", "json_items", "json_keys",
		"json_records", "len", "math", "md5", "parse-date", "parse-time", "reduce-array",
		"reduce-map", "regex", "replace", "slice", "split", "split-to-map", "string",
		"string-lpad-rpad", "bytes-lpad-rpad", "stringdate", "stringtimestamp", "struct-udfs",
		"substring", "timeadd", "timesub", "timestampadd", "timestampsub", "timestamp-to-string",
		"to_json_string", "transform-array", "transform-map", "udf", "udf-implicit-cast",
		"unix-timestamp", "url", "complex-lambda", "table-functions", "cube")
	add(TierTypes,
		"array", "map", "bytes", "bytes-and-strings", "date", "time", "timestamp", "decimal",
		"floating-point", "literals", "cast", "create-type", "simple-struct",
		"more-complex-struct", "select-struct-all")
	add(TierAggregation,
		"average", "average-udaf", "collect-list", "correlation-udaf", "count", "count-distinct",
		"earliest-offset-udaf", "latest-offset-udaf", "generic-variadic-udaf",
		"middle-variadic-udaf", "obj-var-col-arg-udaf", "group-by", "max-group-by", "histogram",
		"standarddeviation", "sum", "topk-distinct", "topk-group-by", "udaf", "test-custom-udaf",
		"attr")
	add(TierWindows, "hopping-windows", "tumbling-windows", "session-windows", "window-bounds", "suppress")
	add(TierJoins, "joins", "multi-joins", "fk-join", "fk-n-way-join", "stream-table-join",
		"table-table-join", "join-with-custom-timestamp")
	add(TierTables, "table", "source-table")
	add(TierSchemaRegistry, "avro", "protobuf", "json_sr", "multiple-avro-maps")
	return fileTiers
}

// TierOf classifies a case: cases needing a schema registry are in that tier,
// RQTT cases in the REST tier, others by file name.
func TierOf(c *Case) string {
	if NeedsSchemaRegistry(c) {
		return TierSchemaRegistry
	}
	if c.Kind == KindRQTT {
		return TierREST
	}
	if t, ok := fileTiers[strings.TrimSuffix(c.File, ".json")]; ok {
		return t
	}
	return TierOther
}
