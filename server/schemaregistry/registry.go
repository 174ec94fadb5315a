// Package schemaregistry is Eddy's embedded schema registry: the subset of
// Confluent Schema Registry's REST API that ksqlDB and Kafka clients use
// (subjects, versions, schemas by id, lookup, compatibility config), kept in
// memory and, for a server, persisted in Pebble under the state dir.
//
// Registry also implements serde.SchemaRegistry, so that in-process users
// (tests, the conformance driver) need no HTTP round trip.
package schemaregistry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/hamba/avro/v2"

	"github.com/eddysql/eddy/executor/serde"
)

// Compatibility levels.
const (
	CompatNone     = "NONE"
	CompatBackward = "BACKWARD"
	// Others are accepted and stored; only BACKWARD (and its _TRANSITIVE
	// form, checked against the latest version only) is enforced.
	// TODO: FORWARD and FULL checks.
)

var validLevels = map[string]bool{"NONE": true, "BACKWARD": true, "BACKWARD_TRANSITIVE": true, "FORWARD": true,
	"FORWARD_TRANSITIVE": true, "FULL": true, "FULL_TRANSITIVE": true}

// Error is a registry error with Confluent's error code; the HTTP status is
// the code's first three digits.
type Error struct {
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Is makes a missing subject match serde.ErrSubjectNotFound and a missing
// version or schema serde.ErrSchemaNotFound.
func (e *Error) Is(target error) bool {
	switch target {
	case serde.ErrSubjectNotFound:
		return e.Code == 40401
	case serde.ErrSchemaNotFound:
		return e.Code == 40402 || e.Code == 40403
	}
	return false
}

// Status is the HTTP status of the error.
func (e *Error) Status() int {
	c := e.Code
	for c >= 1000 {
		c /= 10
	}
	return c
}

func errSubjectNotFound(s string) error {
	return &Error{40401, fmt.Sprintf("Subject '%s' not found.", s)}
}
func errVersionNotFound(v int) error { return &Error{40402, fmt.Sprintf("Version %d not found.", v)} }
func errSchemaNotFound() error       { return &Error{40403, "Schema not found"} }

// SubjectSchema is a registered schema version of a subject.
type SubjectSchema struct {
	Subject    string                  `json:"subject"`
	Version    int                     `json:"version"`
	ID         int                     `json:"id"`
	SchemaType string                  `json:"schemaType,omitempty"`
	Schema     string                  `json:"schema"`
	References []serde.SchemaReference `json:"references,omitempty"`
}

// state is what is persisted.
type state struct {
	NextID   int                             `json:"nextId"`
	Schemas  map[int]string                  `json:"schemas"` // id -> text
	Types    map[int]string                  `json:"types"`   // id -> schemaType ("" = AVRO)
	Refs     map[int][]serde.SchemaReference `json:"refs,omitempty"`
	Subjects map[string][]int                `json:"subjects"` // subject -> ids by version-1
	Global   string                          `json:"global"`
	Config   map[string]string
}

// Registry holds the schemas. It is safe for concurrent use.
type Registry struct {
	mu        sync.Mutex
	st        state
	canonical map[string]int // type + canonical form -> id
	db        *pebble.DB
}

// Option configures a Registry.
type Option func(*Registry)

// WithCompatibility sets the initial global compatibility level (default
// BACKWARD, as Confluent's).
func WithCompatibility(level string) Option {
	return func(r *Registry) { r.st.Global = strings.ToUpper(level) }
}

// NewMemory returns a registry kept in memory only.
func NewMemory(opts ...Option) *Registry {
	r := &Registry{st: state{NextID: 1, Schemas: map[int]string{}, Types: map[int]string{},
		Refs: map[int][]serde.SchemaReference{}, Subjects: map[string][]int{}, Global: CompatBackward, Config: map[string]string{}},
		canonical: map[string]int{}}
	for _, o := range opts {
		o(r)
	}
	return r
}

var stateKey = []byte("schemaregistry/state")

// Open returns a registry persisted in a Pebble database in dir.
func Open(dir string, opts ...Option) (*Registry, error) {
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietLogger{}})
	if err != nil {
		return nil, fmt.Errorf("opening schema registry store: %w", err)
	}
	r := NewMemory(opts...)
	r.db = db
	val, closer, err := db.Get(stateKey)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		return r, nil
	case err != nil:
		_ = db.Close()
		return nil, err
	}
	defer closer.Close()
	if err := json.Unmarshal(val, &r.st); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("reading schema registry store: %w", err)
	}
	if r.st.Config == nil {
		r.st.Config = map[string]string{}
	}
	if r.st.Refs == nil {
		r.st.Refs = map[int][]serde.SchemaReference{}
	}
	for id, text := range r.st.Schemas {
		r.canonical[canonicalKey(r.st.Types[id], text, r.st.Refs[id])] = id
	}
	return r, nil
}

// Close closes the store (a no-op for memory registries).
func (r *Registry) Close() error {
	if r.db == nil {
		return nil
	}
	return r.db.Close()
}

func (r *Registry) persist() error {
	if r.db == nil {
		return nil
	}
	b, err := json.Marshal(&r.st)
	if err != nil {
		return err
	}
	return r.db.Set(stateKey, b, pebble.Sync)
}

func normType(t string) string {
	t = strings.ToUpper(t)
	if t == "AVRO" {
		return ""
	}
	return t
}

// canonicalKey identifies equal schemas: Avro's parsing canonical form, or
// the compacted text for other types, with the references.
func canonicalKey(typ, text string, refs []serde.SchemaReference) string {
	suffix := ""
	if len(refs) > 0 {
		b, _ := json.Marshal(refs)
		suffix = "\x00" + string(b)
	}
	if typ == "" {
		if s, err := parseAvro(text); err == nil {
			return "AVRO\x00" + s.String() + suffix
		}
	}
	return typ + "\x00" + strings.TrimSpace(text) + suffix
}

func parseAvro(text string) (avro.Schema, error) {
	return avro.ParseWithCache(text, "", &avro.SchemaCache{})
}

// Compatibility returns the level of a subject ("" = the global level).
func (r *Registry) Compatibility(subject string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if subject == "" {
		return r.st.Global, true
	}
	l, ok := r.st.Config[subject]
	return l, ok
}

// SetCompatibility sets the level of a subject ("" = global).
func (r *Registry) SetCompatibility(subject, level string) error {
	level = strings.ToUpper(level)
	if !validLevels[level] {
		return &Error{42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if subject == "" {
		r.st.Global = level
	} else {
		r.st.Config[subject] = level
	}
	return r.persist()
}

func (r *Registry) level(subject string) string {
	if l, ok := r.st.Config[subject]; ok {
		return l
	}
	return r.st.Global
}

// RegisterSchema registers a schema of a type ("" or "AVRO", "PROTOBUF",
// "JSON") under a subject; an equal schema already in the subject keeps
// its version. It returns the global id.
func (r *Registry) RegisterSchema(subject, schemaType, text string) (int, error) {
	return r.RegisterSchemaWithID(subject, serde.RegistrySchema{Type: schemaType, Text: text}, 0)
}

// RegisterSchemaWithID registers a schema with its references. A positive
// wantID that is free becomes the schema's id even when an equal schema
// has another (as a registry in IMPORT mode does; tests use it to
// reproduce fixed ids).
func (r *Registry) RegisterSchemaWithID(subject string, rs serde.RegistrySchema, wantID int) (int, error) {
	typ, text := normType(rs.Type), rs.Text
	var parsed avro.Schema
	if typ == "" {
		var err error
		if parsed, err = parseAvro(text); err != nil {
			return 0, &Error{42201, "Invalid schema: " + err.Error()}
		}
	}
	key := canonicalKey(typ, text, rs.References)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ref := range rs.References {
		if ids := r.st.Subjects[ref.Subject]; ref.Version < 1 || ref.Version > len(ids) {
			return 0, &Error{42201, fmt.Sprintf("Invalid schema: reference %s: version %d of subject %s not found", ref.Name, ref.Version, ref.Subject)}
		}
	}
	id, known := r.canonical[key]
	if _, used := r.st.Schemas[wantID]; wantID > 0 && !used {
		known = false
	}
	versions := r.st.Subjects[subject]
	if known {
		for _, v := range versions {
			if v == id {
				return id, nil
			}
		}
	}
	if len(versions) > 0 && typ == "" && r.st.Types[versions[len(versions)-1]] == "" {
		switch r.level(subject) {
		case "BACKWARD", "BACKWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE":
			prev, err := parseAvro(r.st.Schemas[versions[len(versions)-1]])
			if err == nil {
				if err := avro.NewSchemaCompatibility().Compatible(parsed, prev); err != nil {
					return 0, &Error{409, "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\", details: " + err.Error()}
				}
			}
		}
	}
	if !known {
		if _, used := r.st.Schemas[wantID]; wantID > 0 && !used {
			id = wantID
		} else {
			// Ids given explicitly do not move the counter; it skips them.
			for r.st.Schemas[r.st.NextID] != "" {
				r.st.NextID++
			}
			id = r.st.NextID
			r.st.NextID++
		}
		r.st.Schemas[id] = text
		if typ != "" {
			r.st.Types[id] = typ
		}
		if len(rs.References) > 0 {
			r.st.Refs[id] = rs.References
		}
		r.canonical[key] = id
	}
	r.st.Subjects[subject] = append(versions, id)
	return id, r.persist()
}

// Register implements serde.SchemaRegistry.
func (r *Registry) Register(_ context.Context, subject string, s serde.RegistrySchema) (int, error) {
	return r.RegisterSchemaWithID(subject, s, 0)
}

// SchemaByID implements serde.SchemaRegistry.
func (r *Registry) SchemaByID(_ context.Context, id int) (serde.RegistrySchema, error) {
	rs, err := r.Schema(id)
	rs.Type = rs.TypeName()
	return rs, err
}

// SchemaByVersion implements serde.SchemaRegistry.
func (r *Registry) SchemaByVersion(_ context.Context, subject string, version int) (int, serde.RegistrySchema, error) {
	ss, err := r.Version(subject, version)
	rs := serde.RegistrySchema{Type: ss.SchemaType, Text: ss.Schema, References: ss.References}
	rs.Type = rs.TypeName()
	return ss.ID, rs, err
}

// Schema returns the schema of an id (its Type "" for AVRO, as stored).
func (r *Registry) Schema(id int) (serde.RegistrySchema, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	text, ok := r.st.Schemas[id]
	if !ok {
		return serde.RegistrySchema{}, errSchemaNotFound()
	}
	return serde.RegistrySchema{Type: r.st.Types[id], Text: text, References: r.st.Refs[id]}, nil
}

// Subjects lists the subjects, sorted.
func (r *Registry) Subjects() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.st.Subjects))
	for s := range r.st.Subjects {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Versions lists a subject's versions.
func (r *Registry) Versions(subject string) ([]int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids, ok := r.st.Subjects[subject]
	if !ok {
		return nil, errSubjectNotFound(subject)
	}
	out := make([]int, len(ids))
	for i := range ids {
		out[i] = i + 1
	}
	return out, nil
}

// Version returns a version of a subject; -1 is the latest.
func (r *Registry) Version(subject string, version int) (SubjectSchema, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids, ok := r.st.Subjects[subject]
	if !ok {
		return SubjectSchema{}, errSubjectNotFound(subject)
	}
	if version == -1 {
		version = len(ids)
	}
	if version < 1 || version > len(ids) {
		return SubjectSchema{}, errVersionNotFound(version)
	}
	id := ids[version-1]
	return SubjectSchema{Subject: subject, Version: version, ID: id, SchemaType: r.st.Types[id], Schema: r.st.Schemas[id],
		References: r.st.Refs[id]}, nil
}

// Lookup finds a schema in a subject.
func (r *Registry) Lookup(subject string, rs serde.RegistrySchema) (SubjectSchema, error) {
	typ := normType(rs.Type)
	key := canonicalKey(typ, rs.Text, rs.References)
	r.mu.Lock()
	defer r.mu.Unlock()
	ids, ok := r.st.Subjects[subject]
	if !ok {
		return SubjectSchema{}, errSubjectNotFound(subject)
	}
	id, known := r.canonical[key]
	if known {
		for i, v := range ids {
			if v == id {
				return SubjectSchema{Subject: subject, Version: i + 1, ID: id, SchemaType: typ, Schema: r.st.Schemas[id],
					References: r.st.Refs[id]}, nil
			}
		}
	}
	return SubjectSchema{}, errSchemaNotFound()
}

// SubjectVersion names one version of a subject.
type SubjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Usages lists the subject versions that use a schema id.
func (r *Registry) Usages(id int) ([]SubjectVersion, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.st.Schemas[id]; !ok {
		return nil, errSchemaNotFound()
	}
	out := []SubjectVersion{}
	subjects := make([]string, 0, len(r.st.Subjects))
	for s := range r.st.Subjects {
		subjects = append(subjects, s)
	}
	sort.Strings(subjects)
	for _, s := range subjects {
		for i, v := range r.st.Subjects[s] {
			if v == id {
				out = append(out, SubjectVersion{s, i + 1})
			}
		}
	}
	return out, nil
}

// quietLogger drops Pebble's informational logs.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any) {}
func (quietLogger) Errorf(format string, args ...any) {
	pebble.DefaultLogger.Infof(format, args...)
}
func (quietLogger) Fatalf(format string, args ...any) {
	pebble.DefaultLogger.Fatalf(format, args...)
}
