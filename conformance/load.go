package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// StripComments removes `//` line comments and `/* */` block comments that
// occur outside JSON strings. Newlines are kept so that decoder error offsets
// still point at the right line.
func StripComments(src []byte) []byte {
	out := make([]byte, 0, len(src))
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			out = append(out, c)
			switch c {
			case '\\':
				if i+1 < len(src) {
					i++
					out = append(out, src[i])
				}
			case '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
			out = append(out, c)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			if i < len(src) {
				out = append(out, '\n')
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			i += 2
			for i < len(src) && !(src[i] == '*' && i+1 < len(src) && src[i+1] == '/') {
				if src[i] == '\n' {
					out = append(out, '\n')
				}
				i++
			}
			i++ // skip the '/' of "*/" (loop increment skips past it)
		default:
			out = append(out, c)
		}
	}
	return out
}

// DecodeJSON decodes JSON (comments allowed) keeping numbers as json.Number.
func DecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(StripComments(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON document")
	}
	return v, nil
}

// LoadDir loads and expands every *.json file of dir, sorted by file name.
func LoadDir(dir string, kind Kind) ([]*Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no *.json files in %s", dir)
	}
	sort.Strings(paths)
	var all []*Case
	for _, p := range paths {
		cs, err := LoadFile(p, kind)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
}

// LoadFile loads and expands one corpus file.
func LoadFile(path string, kind Kind) ([]*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFile(filepath.Base(path), data, kind)
}

// ParseFile parses a corpus file's content and expands its variants. Names
// that repeat within a file get a " (2)", " (3)"... suffix so IDs are unique.
func ParseFile(file string, data []byte, kind Kind) ([]*Case, error) {
	doc, err := DecodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: top level is not an object", file)
	}
	tests, ok := root["tests"].([]any)
	if !ok {
		return nil, fmt.Errorf("%s: missing \"tests\" array", file)
	}
	var out []*Case
	seen := map[string]int{}
	for i, t := range tests {
		obj, ok := t.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: test %d is not an object", file, i)
		}
		cs, err := expandTest(file, i, obj, kind)
		if err != nil {
			return nil, fmt.Errorf("%s: test %d (%v): %w", file, i, obj["name"], err)
		}
		for _, c := range cs {
			seen[c.Name]++
			if n := seen[c.Name]; n > 1 {
				c.Name = fmt.Sprintf("%s (%d)", c.Name, n)
			}
		}
		out = append(out, cs...)
	}
	return out, nil
}

// expandTest builds one Case per (format, config) combination.
func expandTest(file string, index int, t map[string]any, kind Kind) ([]*Case, error) {
	name, _ := t["name"].(string)
	if name == "" {
		return nil, fmt.Errorf("missing name")
	}
	formats, err := stringList(t["format"])
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	var configs []any
	if v, ok := t["config"]; ok && v != nil {
		l, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("config is not a list")
		}
		configs = l
	}

	type variant struct {
		format    string
		config    any
		configIdx int
	}
	var vars []variant
	fs := formats
	if len(fs) == 0 {
		fs = []string{""}
	}
	for _, f := range fs {
		if len(configs) == 0 {
			vars = append(vars, variant{format: f, configIdx: -1})
			continue
		}
		for ci, cv := range configs {
			vars = append(vars, variant{format: f, config: cv, configIdx: ci})
		}
	}

	var out []*Case
	for _, v := range vars {
		c, err := buildCase(file, index, name, t, kind, v.format, v.config, v.configIdx)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func buildCase(file string, index int, name string, t map[string]any, kind Kind, format string, config any, configIdx int) (*Case, error) {
	var parts []string
	if format != "" {
		parts = append(parts, format)
	}
	if configIdx >= 0 {
		parts = append(parts, configString(config))
	}
	variant := strings.Join(parts, " - ")
	c := &Case{
		Kind:        kind,
		File:        file,
		BaseName:    name,
		Name:        name,
		Variant:     variant,
		Format:      format,
		Config:      config,
		ConfigIndex: configIdx,
		Index:       index,
		Enabled:     true,
		Raw:         t,
	}
	if variant != "" {
		c.Name = name + " - " + variant
	}
	if e, ok := t["enabled"].(bool); ok {
		c.Enabled = e
	}

	stmts, err := stringList(t["statements"])
	if err != nil {
		return nil, fmt.Errorf("statements: %w", err)
	}
	for i, s := range stmts {
		stmts[i] = substFormat(s, format)
	}
	c.Statements = stmts

	if c.Inputs, err = records(t["inputs"]); err != nil {
		return nil, fmt.Errorf("inputs: %w", err)
	}
	if c.Outputs, err = records(t["outputs"]); err != nil {
		return nil, fmt.Errorf("outputs: %w", err)
	}
	if c.Topics, err = topics(t["topics"], format); err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}

	if p, ok := t["properties"].(map[string]any); ok {
		c.Properties = make(map[string]any, len(p))
		for k, v := range p {
			if s, ok := v.(string); ok {
				if s == "{CONFIG}" && configIdx >= 0 {
					v = config
				} else {
					v = substFormat(s, format)
				}
			}
			c.Properties[k] = v
		}
	}

	if e, ok := t["expectedException"].(map[string]any); ok {
		c.Expected = &ExpectedException{
			Type:    str(e["type"]),
			Message: substFormat(str(e["message"]), format),
		}
	}
	if e, ok := t["expectedError"].(map[string]any); ok {
		c.ExpectedError = &ExpectedError{
			Type:    str(e["type"]),
			Message: substFormat(str(e["message"]), format),
		}
		if n, ok := e["status"].(json.Number); ok {
			s, _ := strconv.Atoi(n.String())
			c.ExpectedError.Status = s
		}
	}
	if p, ok := t["post"].(map[string]any); ok {
		if c.Post, err = post(p, format); err != nil {
			return nil, fmt.Errorf("post: %w", err)
		}
	}
	if rs, ok := t["responses"].([]any); ok {
		for _, r := range rs {
			b, err := json.Marshal(r)
			if err != nil {
				return nil, fmt.Errorf("responses: %w", err)
			}
			c.Responses = append(c.Responses, b)
		}
	}
	return c, nil
}

func configString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func substFormat(s, format string) string {
	if format == "" {
		return s
	}
	return strings.ReplaceAll(s, "{FORMAT}", format)
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

func stringList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("not a list")
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("entry %v is not a string", e)
		}
		out = append(out, s)
	}
	return out, nil
}

func int64Of(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	if err != nil {
		return 0, false
	}
	return int64(f), true
}

func records(v any) ([]Record, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("not a list")
	}
	out := make([]Record, 0, len(l))
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("record %d is not an object", i)
		}
		r := Record{Topic: str(m["topic"]), Key: m["key"], Value: m["value"]}
		if ts, ok := m["timestamp"]; ok && ts != nil {
			n, ok := int64Of(ts)
			if !ok {
				return nil, fmt.Errorf("record %d: bad timestamp %v", i, ts)
			}
			r.Timestamp = &n
		}
		if w, ok := m["window"].(map[string]any); ok {
			s, _ := int64Of(w["start"])
			en, _ := int64Of(w["end"])
			r.Window = &Window{Start: s, End: en, Type: str(w["type"])}
		}
		if hs, ok := m["headers"].([]any); ok {
			r.Headers = []Header{}
			for _, h := range hs {
				hm, ok := h.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("record %d: header is not an object", i)
				}
				hdr := Header{Key: str(firstOf(hm, "KEY", "key"))}
				if hv := firstOf(hm, "VALUE", "value"); hv != nil {
					b, err := base64.StdEncoding.DecodeString(str(hv))
					if err != nil {
						return nil, fmt.Errorf("record %d: header %q: %w", i, hdr.Key, err)
					}
					hdr.Value = b
				}
				r.Headers = append(r.Headers, hdr)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func firstOf(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return nil
}

// formatName returns the format name of a keyFormat/valueFormat entry, which
// is either a string or an object {"format": ...}.
func formatName(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		return str(x["format"])
	}
	return ""
}

func topics(v any, format string) ([]Topic, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("not a list")
	}
	var out []Topic
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("topic %d is not an object", i)
		}
		t := Topic{
			Name:        str(m["name"]),
			KeyFormat:   substFormat(formatName(m["keyFormat"]), format),
			ValueFormat: substFormat(formatName(firstOf(m, "valueFormat", "format")), format),
			KeySchema:   m["keySchema"],
			ValueSchema: firstOf(m, "valueSchema", "schema"),
			Raw:         m,
		}
		if n, ok := int64Of(m["partitions"]); ok {
			t.Partitions = int(n)
		}
		t.KeySchemaReferences = schemaReferences(m["keySchemaReferences"])
		t.ValueSchemaReferences = schemaReferences(m["valueSchemaReferences"])
		if n, ok := int64Of(m["keySchemaId"]); ok {
			t.KeySchemaID = int(n)
		}
		if n, ok := int64Of(m["valueSchemaId"]); ok {
			t.ValueSchemaID = int(n)
		}
		if n, ok := int64Of(m["replicas"]); ok {
			t.Replicas = int(n)
		}
		out = append(out, t)
	}
	return out, nil
}

func schemaReferences(v any) []SchemaReference {
	l, _ := v.([]any)
	var out []SchemaReference
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, SchemaReference{Name: str(m["name"]), Format: str(m["format"]), Schema: m["schema"]})
		}
	}
	return out
}

func post(p map[string]any, format string) (*Post, error) {
	out := &Post{}
	if ss, ok := p["sources"].([]any); ok {
		for i, s := range ss {
			m, ok := s.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("source %d is not an object", i)
			}
			ps := PostSource{
				Name:        str(m["name"]),
				Type:        str(m["type"]),
				Schema:      str(m["schema"]),
				KeyFormat:   substFormat(formatName(m["keyFormat"]), format),
				ValueFormat: substFormat(formatName(m["valueFormat"]), format),
				Raw:         m,
			}
			if fm, ok := m["keyFormat"].(map[string]any); ok {
				ps.WindowType = str(fm["windowType"])
				if n, ok := int64Of(fm["windowSize"]); ok {
					ps.WindowSize = &n
				}
				if fl, err := stringList(fm["features"]); err == nil && fl != nil {
					ps.KeyFeatures = fl
				}
			}
			if fm, ok := m["valueFormat"].(map[string]any); ok {
				if fl, err := stringList(fm["features"]); err == nil && fl != nil {
					ps.ValueFeatures = fl
				}
			}
			if fl, err := stringList(m["keyFeatures"]); err == nil && fl != nil {
				ps.KeyFeatures = fl
			}
			if fl, err := stringList(m["valueFeatures"]); err == nil && fl != nil {
				ps.ValueFeatures = fl
			}
			if b, ok := m["isSource"].(bool); ok {
				ps.IsSource = &b
			}
			out.Sources = append(out.Sources, ps)
		}
	}
	if tm, ok := p["topics"].(map[string]any); ok {
		pt := &PostTopics{Blacklist: str(tm["blacklist"])}
		ts, err := topics(tm["topics"], format)
		if err != nil {
			return nil, err
		}
		pt.Topics = ts
		out.Topics = pt
	}
	return out, nil
}
