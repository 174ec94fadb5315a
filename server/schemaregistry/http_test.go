package schemaregistry

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/types"
)

const (
	v1 = `{"type":"record","name":"R","fields":[{"name":"A","type":["null","int"],"default":null}]}`
	v2 = `{"type":"record","name":"R","fields":[{"name":"A","type":["null","int"],"default":null},{"name":"B","type":["null","string"],"default":null}]}`
	// bad drops nothing but adds a required field: not BACKWARD compatible.
	bad = `{"type":"record","name":"R","fields":[{"name":"A","type":["null","int"],"default":null},{"name":"C","type":"string"}]}`
)

func serve(t *testing.T, r *Registry) *sr.Client {
	t.Helper()
	srv, err := Serve(r, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func TestHTTPAPI(t *testing.T) {
	ctx := context.Background()
	cl := serve(t, NewMemory())
	avro := func(s string) sr.Schema { return sr.Schema{Schema: s, Type: sr.TypeAvro} }

	id1, err := cl.RegisterSchema(ctx, "t-value", avro(v1), -1, -1)
	if err != nil || id1 != 1 {
		t.Fatalf("register: %d %v", id1, err)
	}
	// Re-registering is idempotent; another subject reuses the id.
	if id, err := cl.RegisterSchema(ctx, "t-value", avro(v1), -1, -1); err != nil || id != id1 {
		t.Fatalf("re-register: %d %v", id, err)
	}
	if id, err := cl.RegisterSchema(ctx, "u-value", avro(v1), -1, -1); err != nil || id != id1 {
		t.Fatalf("other subject: %d %v", id, err)
	}
	ss, err := cl.CreateSchema(ctx, "t-value", avro(v2))
	if err != nil || ss.Version != 2 || ss.ID != 2 {
		t.Fatalf("v2: %+v %v", ss, err)
	}
	subjects, err := cl.Subjects(ctx)
	if err != nil || !slices.Equal(subjects, []string{"t-value", "u-value"}) {
		t.Fatalf("subjects: %v %v", subjects, err)
	}
	versions, err := cl.SubjectVersions(ctx, "t-value")
	if err != nil || !slices.Equal(versions, []int{1, 2}) {
		t.Fatalf("versions: %v %v", versions, err)
	}
	latest, err := cl.SchemaByVersion(ctx, "t-value", -1)
	if err != nil || latest.Version != 2 || latest.Schema.Schema != v2 {
		t.Fatalf("latest: %+v %v", latest, err)
	}
	first, err := cl.SchemaByVersion(ctx, "t-value", 1)
	if err != nil || first.ID != 1 {
		t.Fatalf("version 1: %+v %v", first, err)
	}
	byID, err := cl.SchemaByID(ctx, 2)
	if err != nil || byID.Schema != v2 {
		t.Fatalf("by id: %+v %v", byID, err)
	}
	found, err := cl.LookupSchema(ctx, "t-value", avro(v1))
	if err != nil || found.Version != 1 || found.ID != 1 {
		t.Fatalf("lookup: %+v %v", found, err)
	}

	// Errors carry Confluent's codes.
	_, err = cl.SchemaByID(ctx, 99)
	checkCode(t, err, 40403)
	_, err = cl.SubjectVersions(ctx, "nope")
	checkCode(t, err, 40401)
	_, err = cl.SchemaByVersion(ctx, "t-value", 7)
	checkCode(t, err, 40402)
	_, err = cl.LookupSchema(ctx, "t-value", avro(bad))
	checkCode(t, err, 40403)
	_, err = cl.RegisterSchema(ctx, "t-value", avro(`{"type":"nonsense"}`), -1, -1)
	checkCode(t, err, 42201)

	// Compatibility: BACKWARD by default, per subject and global config.
	_, err = cl.RegisterSchema(ctx, "t-value", avro(bad), -1, -1)
	checkCode(t, err, 409)
	if res := cl.Compatibility(ctx); res[0].Err != nil || res[0].Level != sr.CompatBackward {
		t.Fatalf("global config: %+v", res[0])
	}
	if res := cl.Compatibility(ctx, "t-value"); res[0].Err == nil {
		t.Fatalf("subject config without one: %+v", res[0])
	}
	if res := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "t-value"); res[0].Err != nil || res[0].Level != sr.CompatNone {
		t.Fatalf("set subject config: %+v", res[0])
	}
	if res := cl.Compatibility(ctx, "t-value"); res[0].Err != nil || res[0].Level != sr.CompatNone {
		t.Fatalf("subject config: %+v", res[0])
	}
	if _, err := cl.RegisterSchema(ctx, "t-value", avro(bad), -1, -1); err != nil {
		t.Fatalf("register with NONE: %v", err)
	}
	if res := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatFull}); res[0].Err != nil {
		t.Fatalf("set global: %+v", res[0])
	}
	if res := cl.Compatibility(ctx); res[0].Level != sr.CompatFull {
		t.Fatalf("global after set: %+v", res[0])
	}
}

func checkCode(t *testing.T, err error, code int) {
	t.Helper()
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != code {
		t.Errorf("want error code %d, got %v", code, err)
	}
}

func TestSerdeOverHTTP(t *testing.T) {
	ctx := context.Background()
	cl := serve(t, NewMemory())
	c := serde.NewSRClient(cl)
	id, err := c.Register(ctx, "x-key", serde.RegistrySchema{Text: `"int"`})
	if err != nil {
		t.Fatal(err)
	}
	want := serde.RegistrySchema{Type: serde.SchemaTypeAvro, Text: `"int"`}
	if s, err := c.SchemaByID(ctx, id); err != nil || !reflect.DeepEqual(s, want) {
		t.Fatalf("by id: %+v %v", s, err)
	}
	if lid, s, err := c.SchemaByVersion(ctx, "x-key", -1); err != nil || lid != id || !reflect.DeepEqual(s, want) {
		t.Fatalf("latest: %d %+v %v", lid, s, err)
	}
	proto := serde.RegistrySchema{Type: serde.SchemaTypeProtobuf, Text: `syntax = "proto3"; message M { int32 A = 1; }`}
	pid, err := c.Register(ctx, "p-value", proto)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := c.SchemaByID(ctx, pid); err != nil || !reflect.DeepEqual(s, proto) {
		t.Fatalf("protobuf by id: %+v %v", s, err)
	}
	if _, _, err := c.SchemaByVersion(ctx, "missing", -1); !errors.Is(err, serde.ErrSubjectNotFound) {
		t.Fatalf("missing subject: %v", err)
	}
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RegisterSchema("p-value", "", v1); err != nil {
		t.Fatal(err)
	}
	if err := r.SetCompatibility("p-value", "none"); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if ss, err := r.Version("p-value", -1); err != nil || ss.ID != 1 || ss.Schema != v1 {
		t.Fatalf("after reopen: %+v %v", ss, err)
	}
	if l, ok := r.Compatibility("p-value"); !ok || l != "NONE" {
		t.Fatalf("config after reopen: %q", l)
	}
	// Ids continue; equal schemas are still found.
	if id, err := r.RegisterSchema("q-value", "", v1); err != nil || id != 1 {
		t.Fatalf("dedupe after reopen: %d %v", id, err)
	}
	if id, err := r.RegisterSchema("q-value", "", v2); err != nil || id != 2 {
		t.Fatalf("next id after reopen: %d %v", id, err)
	}
}

// TestProtobufReferences registers a Protobuf schema that imports another
// over HTTP and reads it back through the serde, which resolves the import.
func TestProtobufReferences(t *testing.T) {
	ctx := context.Background()
	r := NewMemory()
	cl := serve(t, r)
	event := `syntax = "proto3"; package ev; message Event { int64 ts = 1; }`
	if _, err := cl.RegisterSchema(ctx, "event.proto", sr.Schema{Schema: event, Type: sr.TypeProtobuf}, -1, -1); err != nil {
		t.Fatal(err)
	}
	main := sr.Schema{Type: sr.TypeProtobuf, Schema: `syntax = "proto3"; import "event.proto"; message L { ev.Event event = 1; string id = 2; }`,
		References: []sr.SchemaReference{{Name: "event.proto", Subject: "event.proto", Version: 1}}}
	id, err := cl.RegisterSchema(ctx, "l-value", main, -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cl.SchemaByID(ctx, id)
	if err != nil || !reflect.DeepEqual(got.References, main.References) {
		t.Fatalf("references by id: %+v %v", got, err)
	}
	bad := sr.Schema{Type: sr.TypeProtobuf, Schema: main.Schema, References: []sr.SchemaReference{{Name: "x.proto", Subject: "nope", Version: 1}}}
	_, err = cl.RegisterSchema(ctx, "l-value", bad, -1, -1)
	checkCode(t, err, 42201)

	f := serde.NewProtobuf(serde.NewSRClient(cl))
	cols, err := f.InferColumns("l", serde.Props{})
	if err != nil {
		t.Fatal(err)
	}
	if s := (&types.Schema{Columns: cols}).String(); s != "`EVENT` STRUCT<`TS` BIGINT>, `ID` STRING" {
		t.Errorf("columns: %s", s)
	}
}

// TestExplicitIDs: a schema may be given an id; later ids skip it.
func TestExplicitIDs(t *testing.T) {
	r := NewMemory()
	if id, err := r.RegisterSchemaWithID("a", serde.RegistrySchema{Text: v1}, 2); err != nil || id != 2 {
		t.Fatalf("explicit id: %d %v", id, err)
	}
	if id, err := r.RegisterSchema("b", "", v2); err != nil || id != 1 {
		t.Fatalf("first free id: %d %v", id, err)
	}
	if id, err := r.RegisterSchema("c", "PROTOBUF", `syntax = "proto3"; message M {}`); err != nil || id != 3 {
		t.Fatalf("id after the explicit one: %d %v", id, err)
	}
	// An equal schema asked for under a free id gets that id.
	if id, err := r.RegisterSchemaWithID("d", serde.RegistrySchema{Text: v1}, 7); err != nil || id != 7 {
		t.Fatalf("equal schema with explicit id: %d %v", id, err)
	}
}
