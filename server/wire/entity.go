package wire

import (
	"bytes"
	"encoding/json"
)

// Entity is one element of a /ksql response: a statement's result. Every
// entity marshals as a JSON object that starts with "@type" and
// "statementText", then its own fields, and ends with "warnings", as ksqlDB
// writes them. Implementations are the pointer types of this package
// (*CommandStatusEntity, *StreamsList, ...); they get SetStatementText and
// AddWarnings from the embedded EntityMeta.
type Entity interface {
	// EntityType is the entity's "@type", e.g. "currentStatus".
	EntityType() string
	// SetStatementText sets the text of the statement the entity answers.
	SetStatementText(text string)
	// AddWarnings appends warnings to the entity.
	AddWarnings(w ...Warning)
	// Meta returns the statement text and warnings.
	Meta() *EntityMeta
	json.Marshaler
}

// EntityMeta holds what every entity has: the statement text and warnings.
// Embed it (it is not marshalled by the default encoder: entities marshal
// through marshalEntity, which places these fields as ksqlDB does).
type EntityMeta struct {
	StatementText string    `json:"-"`
	Warnings      []Warning `json:"-"`
}

// SetStatementText implements Entity.
func (m *EntityMeta) SetStatementText(text string) { m.StatementText = text }

// AddWarnings implements Entity.
func (m *EntityMeta) AddWarnings(w ...Warning) { m.Warnings = append(m.Warnings, w...) }

// Meta implements Entity.
func (m *EntityMeta) Meta() *EntityMeta { return m }

// Warning is a statement warning: {"message": "..."}.
type Warning struct {
	Message string `json:"message"`
}

// NullString is a string that marshals as JSON null when empty, for the
// optional fields ksqlDB writes as null (queryId, windowType, ...).
type NullString string

// MarshalJSON implements json.Marshaler.
func (s NullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return AppendString(nil, string(s)), nil
}

// UnmarshalJSON implements json.Unmarshaler (null reads as "").
func (s *NullString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = NullString(v)
	return nil
}

// marshalEntity writes {"@type":T,"statementText":S,<fields of body>,"warnings":[...]}.
// body must be a value whose default JSON encoding is an object holding the
// entity's own fields (an alias type of the entity, without its methods).
func marshalEntity(e Entity, body any) ([]byte, error) {
	m := e.Meta()
	buf := make([]byte, 0, 256)
	buf = append(buf, `{"@type":`...)
	buf = AppendString(buf, e.EntityType())
	buf = append(buf, `,"statementText":`...)
	buf = AppendString(buf, m.StatementText)
	b, err := Marshal(body)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if len(b) > 2 { // "{...}" with fields
		buf = append(buf, ',')
		buf = append(buf, b[1:len(b)-1]...)
	}
	buf = append(buf, `,"warnings":`...)
	w := m.Warnings
	if w == nil {
		w = []Warning{}
	}
	wb, err := Marshal(w)
	if err != nil {
		return nil, err
	}
	buf = append(buf, wb...)
	return append(buf, '}'), nil
}

// Marshal is json.Marshal without HTML escaping (ksqlDB writes '<', '>' and
// '&' as they are) and without a trailing newline.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// AppendEntities appends a JSON array of entities ([] when empty; nil
// entries are skipped).
func AppendEntities(buf []byte, entities []Entity) ([]byte, error) {
	buf = append(buf, '[')
	first := true
	for _, e := range entities {
		if e == nil {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		b, err := e.MarshalJSON()
		if err != nil {
			return nil, err
		}
		buf = append(buf, b...)
	}
	return append(buf, ']'), nil
}

// EntityList is a /ksql response body; it marshals as a JSON array.
type EntityList []Entity

// MarshalJSON implements json.Marshaler.
func (l EntityList) MarshalJSON() ([]byte, error) { return AppendEntities(nil, l) }

// nonNil returns s, or an empty slice when s is nil, so that lists marshal as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
