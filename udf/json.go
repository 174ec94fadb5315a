package udf

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/eddysql/eddy/planner/types"
	"github.com/shopspring/decimal"
)

// jnode is a parsed JSON value keeping object key order and number text:
// nil, bool, json.Number, string, []any (of jnode values), *jobject.
type jobject struct {
	keys []string
	vals []any
}

// parseJSON parses the first JSON value of s (trailing text is ignored, as
// Jackson does).
func parseJSON(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	return readJSON(d)
}

func readJSON(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			arr := []any{}
			for d.More() {
				v, err := readJSON(d)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := d.Token()
			return arr, err
		case '{':
			obj := &jobject{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := readJSON(d)
				if err != nil {
					return nil, err
				}
				obj.keys = append(obj.keys, k.(string))
				obj.vals = append(obj.vals, v)
			}
			_, err := d.Token()
			return obj, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

// writeJSON serialises a jnode compactly, like Jackson's toString.
func writeJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		b.WriteString(string(x))
	case string:
		writeJSONString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case *jobject:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, x.vals[i])
		}
		b.WriteByte('}')
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode adds a newline
}

func jsonText(v any) string {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.String()
}

// jsonPath evaluates a simple JSONPath ($.a.b[0], $['a'], $["a"]).
func jsonPath(root any, path string) (any, bool, error) {
	p := strings.TrimSpace(path)
	if !strings.HasPrefix(p, "$") {
		return nil, false, fmt.Errorf("Invalid JSON path: %s", path)
	}
	p = p[1:]
	cur := root
	for len(p) > 0 {
		switch {
		case p[0] == '.':
			p = p[1:]
			n := strings.IndexAny(p, ".[")
			if n < 0 {
				n = len(p)
			}
			key := p[:n]
			p = p[n:]
			obj, ok := cur.(*jobject)
			if !ok {
				return nil, false, nil
			}
			if cur, ok = obj.get(key); !ok {
				return nil, false, nil
			}
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, false, fmt.Errorf("Invalid JSON path: %s", path)
			}
			in := strings.TrimSpace(p[1:end])
			p = p[end+1:]
			if len(in) >= 2 && (in[0] == '\'' || in[0] == '"') {
				obj, ok := cur.(*jobject)
				if !ok {
					return nil, false, nil
				}
				if cur, ok = obj.get(in[1 : len(in)-1]); !ok {
					return nil, false, nil
				}
				continue
			}
			i, err := strconv.Atoi(in)
			if err != nil {
				return nil, false, fmt.Errorf("Invalid JSON path: %s", path)
			}
			arr, ok := cur.([]any)
			if !ok || i < 0 || i >= len(arr) {
				return nil, false, nil
			}
			cur = arr[i]
		default:
			return nil, false, fmt.Errorf("Invalid JSON path: %s", path)
		}
	}
	return cur, true, nil
}

func (o *jobject) get(k string) (any, bool) {
	for i, key := range o.keys {
		if key == k {
			return o.vals[i], true
		}
	}
	return nil, false
}

// toJSON serialises a runtime value of type t as ksqlDB's TO_JSON_STRING.
func toJSON(b *bytes.Buffer, v any, t *types.Type) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch x := v.(type) {
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(types.FormatDouble(x))
	case decimal.Decimal:
		b.WriteString(types.DecimalString(x))
	case string:
		writeJSONString(b, x)
	case []byte:
		writeJSONString(b, base64.StdEncoding.EncodeToString(x))
	case types.Date, types.Time, types.Timestamp:
		writeJSONString(b, fmt.Sprint(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			toJSON(b, e, elemType(t))
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			var vt *types.Type
			if t != nil && t.Kind == types.KindMap {
				vt = t.Value
			}
			toJSON(b, x[k], vt)
		}
		b.WriteByte('}')
	case types.StructValue:
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			name, ft := fmt.Sprintf("F%d", i), (*types.Type)(nil)
			if t != nil && i < len(t.Fields) {
				name, ft = t.Fields[i].Name, t.Fields[i].Type
			}
			writeJSONString(b, name)
			b.WriteByte(':')
			toJSON(b, e, ft)
		}
		b.WriteByte('}')
	default:
		writeJSONString(b, fmt.Sprint(x))
	}
}

func elemType(t *types.Type) *types.Type {
	if t != nil && t.Kind == types.KindArray {
		return t.Elem
	}
	return nil
}
