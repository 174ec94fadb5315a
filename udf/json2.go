package udf

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/eddysql/eddy/planner/types"
)

func registerJSON(r *Registry) {
	r.scalar("EXTRACTJSONFIELD", "Extracts a value from a JSON string with a JSONPath ($.a.b[0]); strings come back unquoted, other nodes as JSON text; NULL when missing.", sigs(
		sig(pStr, func(a []any) (any, error) {
			root, err := parseJSON(a[0].(string))
			if err != nil {
				return nil, nil
			}
			v, ok, err := jsonPath(root, a[1].(string))
			if err != nil || !ok || v == nil {
				return nil, err
			}
			if s, ok := v.(string); ok {
				return s, nil
			}
			return jsonText(v), nil
		}, pStr, pStr),
	), ex(`EXTRACTJSONFIELD('{"a": {"b": [1.50, "x"]}}', '$.a.b[0]')`, "1.50", `{"a": {"b": [1.50, "x"]}}`, "$.a.b[0]"),
		ex(`EXTRACTJSONFIELD('{"name": "cdc"}', '$.name')`, "cdc", `{"name": "cdc"}`, "$.name"))

	r.scalar("JSON_RECORDS", "Map of a JSON object's keys to their values as JSON text (strings unquoted).", sigs(
		sig(ret(mapOf(tStr, tStr)), func(a []any) (any, error) {
			v, err := parseJSON(a[0].(string))
			obj, ok := v.(*jobject)
			if err != nil || !ok {
				return nil, nil
			}
			out := make(map[string]any, len(obj.keys))
			for i, k := range obj.keys {
				if s, ok := obj.vals[i].(string); ok {
					out[k] = s
				} else {
					out[k] = jsonText(obj.vals[i])
				}
			}
			return out, nil
		}, pStr),
	), ex(`JSON_RECORDS('{"Red": 3, "White": "Seven"}')`, "{Red=3, White=Seven}", `{"Red": 3, "White": "Seven"}`))

	r.scalar("JSON_KEYS", "Keys of a JSON object, in order.", sigs(
		sig(ret(arrOf(tStr)), func(a []any) (any, error) {
			v, err := parseJSON(a[0].(string))
			obj, ok := v.(*jobject)
			if err != nil || !ok {
				return nil, nil
			}
			return strs(obj.keys), nil
		}, pStr),
	), ex(`JSON_KEYS('{"Red": 3, "Green": 5}')`, "[Red, Green]", `{"Red": 3, "Green": 5}`))

	r.scalar("JSON_ARRAY_LENGTH", "Length of a JSON array, NULL when not an array.", sigs(
		sig(pInt, func(a []any) (any, error) {
			v, err := parseJSON(a[0].(string))
			arr, ok := v.([]any)
			if err != nil || !ok {
				return nil, nil
			}
			return int32(len(arr)), nil
		}, pStr),
	), ex(`JSON_ARRAY_LENGTH('["Red", "Green"]')`, "2", `["Red", "Green"]`))

	r.scalar("JSON_ITEMS", "Elements of a JSON array as JSON text.", sigs(
		sig(ret(arrOf(tStr)), func(a []any) (any, error) {
			v, err := parseJSON(a[0].(string))
			arr, ok := v.([]any)
			if err != nil || !ok {
				return nil, nil
			}
			out := make([]any, len(arr))
			for i, e := range arr {
				out[i] = jsonText(e)
			}
			return out, nil
		}, pStr),
	), ex(`JSON_ITEMS('[{"type": "A"}, 1]')`, `[{"type":"A"}, 1]`, `[{"type": "A"}, 1]`))

	r.scalar("JSON_ARRAY_CONTAINS", "Whether a JSON array contains a primitive value.", sigs(
		sig(pBool, func(a []any) (any, error) {
			if a[0] == nil {
				return false, nil
			}
			v, err := parseJSON(a[0].(string))
			arr, ok := v.([]any)
			if err != nil || !ok {
				return false, nil
			}
			for _, e := range arr {
				if jsonEquals(e, a[1]) {
					return true, nil
				}
			}
			return false, nil
		}, pStr, tvc("T", isPrimitive)).onNull(),
	), ex(`JSON_ARRAY_CONTAINS('["Pink", null]', 'Pink')`, "true", `["Pink", null]`, "Pink"))

	r.scalar("JSON_CONCAT", "Merges JSON objects (later keys win) or concatenates JSON arrays; NULL on invalid input.", sigs(
		sig(pStr, func(a []any) (any, error) {
			var nodes []any
			allObj := true
			for _, s := range a {
				if s == nil {
					return nil, nil
				}
				v, err := parseJSON(s.(string))
				if err != nil {
					return nil, nil
				}
				if _, ok := v.(*jobject); !ok {
					allObj = false
				}
				nodes = append(nodes, v)
			}
			if allObj {
				out := &jobject{}
				for _, n := range nodes {
					o := n.(*jobject)
					for i, k := range o.keys {
						set := false
						for j, ok := range out.keys {
							if ok == k {
								out.vals[j], set = o.vals[i], true
							}
						}
						if !set {
							out.keys = append(out.keys, k)
							out.vals = append(out.vals, o.vals[i])
						}
					}
				}
				return jsonText(out), nil
			}
			out := []any{}
			for _, n := range nodes {
				if arr, ok := n.([]any); ok {
					out = append(out, arr...)
				} else {
					out = append(out, n)
				}
			}
			return jsonText(out), nil
		}, pStr, pStr).variadic().onNull(),
	), ex(`JSON_CONCAT('{"a": 1}', '{"b": 2}')`, `{"a":1,"b":2}`, `{"a": 1}`, `{"b": 2}`),
		ex(`JSON_CONCAT('[1, 2]', '[3]')`, `[1,2,3]`, `[1, 2]`, `[3]`))

	r.scalar("IS_JSON_STRING", "Whether a string is valid JSON.", sigs(
		sig(pBool, func(a []any) (any, error) {
			if a[0] == nil {
				return false, nil
			}
			s := a[0].(string)
			return s != "" && json.Valid([]byte(s)), nil
		}, pStr).onNull(),
	), ex("IS_JSON_STRING('[1, 2, 3]')", "true", "[1, 2, 3]"), ex("IS_JSON_STRING('abc')", "false", "abc"))

	r.scalar("TO_JSON_STRING", "Serialises any value to JSON text (NULL gives 'null').", sigs(
		&Signature{Params: []*Param{tv("T")}, Ret: pStr, CallOnNull: true, Bind: func(args []*types.Type, _ *types.Type) Impl {
			t := args[0]
			return func(a []any) (any, error) {
				var b bytes.Buffer
				toJSON(&b, a[0], t)
				return b.String(), nil
			}
		}},
	), ext("TO_JSON_STRING(STRUCT(ID := 1, NAME := 'Alice'))", `{"ID":1,"NAME":"Alice"}`,
		ts(types.StructOf(types.Field{Name: "ID", Type: tInt}, types.Field{Name: "NAME", Type: tStr})),
		types.StructValue{int32(1), "Alice"}),
		ex("TO_JSON_STRING(ARRAY[1, 2, 3])", "[1,2,3]", []any{int32(1), int32(2), int32(3)}))
}

// jsonEquals compares a JSON node with a runtime primitive.
func jsonEquals(node, v any) bool {
	switch n := node.(type) {
	case nil:
		return v == nil
	case string:
		s, ok := v.(string)
		return ok && s == n
	case bool:
		b, ok := v.(bool)
		return ok && b == n
	case json.Number:
		if v == nil {
			return false
		}
		if i, ok := types.ToInt64(v); ok {
			j, err := strconv.ParseInt(string(n), 10, 64)
			return err == nil && i == j
		}
		if f, ok := types.ToFloat64(v); ok {
			g, err := n.Float64()
			return err == nil && f == g
		}
	}
	return false
}
