package serde

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/eddysql/eddy/planner/types"
)

// This file maps ksqlDB columns to Protobuf schemas and back, as Confluent's
// ProtobufData does for ksqlDB: a row is a proto3 message named
// ConnectDefault1 with one field per column in column order, STRUCTs are
// nested messages (ConnectDefault2, ...), ARRAYs are repeated fields, MAPs
// are map fields with STRING keys, and the logical types use the well-known
// messages below.

// Full names of the messages with a meaning beyond STRUCT.
const (
	pbDecimal   = "confluent.type.Decimal"
	pbDate      = "google.type.Date"
	pbTimeOfDay = "google.type.TimeOfDay"
	pbTimestamp = "google.protobuf.Timestamp"
)

// pbWrappers maps the google/protobuf/wrappers.proto messages to SQL types.
var pbWrappers = map[protoreflect.FullName]*types.Type{
	"google.protobuf.BoolValue":   types.BooleanType,
	"google.protobuf.Int32Value":  types.IntType,
	"google.protobuf.Int64Value":  types.BigintType,
	"google.protobuf.UInt32Value": types.BigintType,
	"google.protobuf.UInt64Value": types.BigintType,
	"google.protobuf.FloatValue":  types.DoubleType,
	"google.protobuf.DoubleValue": types.DoubleType,
	"google.protobuf.StringValue": types.StringType,
	"google.protobuf.BytesValue":  types.BytesType,
}

// pbExtraImports are the imports Confluent's serializers resolve besides
// protobuf's own well-known types (which protocompile brings).
var pbExtraImports = map[string]string{
	"confluent/meta.proto": `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`,
	"confluent/type/decimal.proto": `syntax = "proto3";
package confluent.type;
import public "confluent/meta.proto";
message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
`,
	"google/type/date.proto": `syntax = "proto3";
package google.type;
message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
}
`,
	"google/type/timeofday.proto": `syntax = "proto3";
package google.type;
message TimeOfDay {
  int32 hours = 1;
  int32 minutes = 2;
  int32 seconds = 3;
  int32 nanos = 4;
}
`,
}

// pbFieldMetaNumber is the field number of confluent.field_meta.
const pbFieldMetaNumber = 1088

// compileProto compiles the text of one .proto file. refs are the texts of
// files it may import by name, besides the well-known ones.
func compileProto(text string, refs map[string]string) (protoreflect.FileDescriptor, error) {
	const name = "schema.proto"
	srcs := map[string]string{name: text}
	for k, v := range pbExtraImports {
		srcs[k] = v
	}
	for k, v := range refs {
		srcs[k] = v
	}
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(srcs),
		}),
	}
	files, err := c.Compile(context.Background(), name)
	if err != nil {
		return nil, err
	}
	return files[0], nil
}

// ProtobufNullable is how nullable primitives are written
// (KEY_/VALUE_PROTOBUF_NULLABLE_REPRESENTATION): plain proto3 fields (null
// becomes the default value), proto3 optional fields, or wrapper messages.
type ProtobufNullable string

// Nullable representations.
const (
	PBNullableDefault  ProtobufNullable = ""
	PBNullableOptional ProtobufNullable = "OPTIONAL"
	PBNullableWrapper  ProtobufNullable = "WRAPPER"
)

// pbSchemaText writes the proto3 schema of columns. mapEntries writes MAP
// columns as ksqlDB describes them to /query clients: repeated entry
// messages (key, value), which are encoded as map fields are.
func pbSchemaText(cols []types.Column, nullable ProtobufNullable, mapEntries bool) (string, error) {
	g := &pbGen{nullable: nullable, imports: map[string]bool{}, mapEntries: mapEntries}
	fields := make([]types.Field, len(cols))
	for i, c := range cols {
		fields[i] = types.Field{Name: c.Name, Type: c.Type}
	}
	body, err := g.message("ConnectDefault1", fields, "")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\n\n")
	for _, imp := range []string{"confluent/meta.proto", "confluent/type/decimal.proto", "google/protobuf/timestamp.proto",
		"google/protobuf/wrappers.proto", "google/type/date.proto", "google/type/timeofday.proto"} {
		if g.imports[imp] {
			fmt.Fprintf(&b, "import %q;\n", imp)
		}
	}
	if len(g.imports) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(body)
	return b.String(), nil
}

type pbGen struct {
	nullable   ProtobufNullable
	mapEntries bool
	imports    map[string]bool
	next       int // number of the last ConnectDefaultN message
}

func (g *pbGen) message(name string, fields []types.Field, indent string) (string, error) {
	g.next++
	var b, nested strings.Builder
	fmt.Fprintf(&b, "%smessage %s {\n", indent, name)
	for i, f := range fields {
		if !pbIdent(f.Name) {
			return "", fmt.Errorf("Schema is not compatible with Protobuf: %q is not a valid field name", f.Name)
		}
		typ, label, opts, err := g.fieldType(f.Type, &nested, indent+"  ")
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s  %s%s %s = %d%s;\n", indent, label, typ, f.Name, i+1, opts)
	}
	b.WriteString(nested.String())
	fmt.Fprintf(&b, "%s}\n", indent)
	return b.String(), nil
}

// fieldType returns the type, label and options of a field of type t;
// nested message definitions go to nested.
func (g *pbGen) fieldType(t *types.Type, nested *strings.Builder, indent string) (typ, label, opts string, err error) {
	switch t.Kind {
	case types.KindArray:
		if t.Elem.Kind == types.KindArray || t.Elem.Kind == types.KindMap {
			return "", "", "", fmt.Errorf("PROTOBUF does not support %s", t)
		}
		typ, _, opts, err = g.element(t.Elem, nested, indent)
		return typ, "repeated ", opts, err
	case types.KindMap:
		if t.Key.Kind != types.KindString {
			return "", "", "", fmt.Errorf("PROTOBUF format only supports MAP types with STRING keys")
		}
		if t.Value.Kind == types.KindArray || t.Value.Kind == types.KindMap {
			return "", "", "", fmt.Errorf("PROTOBUF does not support %s", t)
		}
		if g.mapEntries {
			name := "ConnectDefault" + strconv.Itoa(g.next+1) + "Entry"
			body, err := g.message(name, []types.Field{{Name: "key", Type: t.Key}, {Name: "value", Type: t.Value}}, indent)
			if err != nil {
				return "", "", "", err
			}
			nested.WriteString("\n" + body)
			return name, "repeated ", "", nil
		}
		vt, _, _, err := g.element(t.Value, nested, indent)
		return "map<string, " + vt + ">", "", "", err
	}
	typ, wrapper, opts, err := g.element(t, nested, indent)
	if err != nil {
		return "", "", "", err
	}
	if g.nullable == PBNullableWrapper && wrapper != "" {
		g.imports["google/protobuf/wrappers.proto"] = true
		return wrapper, "", opts, nil
	}
	if g.nullable == PBNullableOptional && wrapper != "" {
		return typ, "optional ", opts, nil
	}
	return typ, "", opts, nil
}

// element returns the proto type of a non-repeated value of type t and,
// for primitives, the wrapper message that makes it nullable.
func (g *pbGen) element(t *types.Type, nested *strings.Builder, indent string) (typ, wrapper, opts string, err error) {
	switch t.Kind {
	case types.KindBoolean:
		return "bool", "google.protobuf.BoolValue", "", nil
	case types.KindInt:
		return "int32", "google.protobuf.Int32Value", "", nil
	case types.KindBigint:
		return "int64", "google.protobuf.Int64Value", "", nil
	case types.KindDouble:
		return "double", "google.protobuf.DoubleValue", "", nil
	case types.KindString:
		return "string", "google.protobuf.StringValue", "", nil
	case types.KindBytes:
		return "bytes", "google.protobuf.BytesValue", "", nil
	case types.KindDecimal:
		g.imports["confluent/meta.proto"] = true
		g.imports["confluent/type/decimal.proto"] = true
		return pbDecimal, "", fmt.Sprintf(` [(confluent.field_meta) = { params: [{ key: "precision", value: "%d" }, { key: "scale", value: "%d" }] }]`, t.Precision, t.Scale), nil
	case types.KindDate:
		g.imports["google/type/date.proto"] = true
		return pbDate, "", "", nil
	case types.KindTime:
		g.imports["google/type/timeofday.proto"] = true
		return pbTimeOfDay, "", "", nil
	case types.KindTimestamp:
		g.imports["google/protobuf/timestamp.proto"] = true
		return pbTimestamp, "", "", nil
	case types.KindStruct:
		name := "ConnectDefault" + strconv.Itoa(g.next+1)
		body, err := g.message(name, t.Fields, indent)
		if err != nil {
			return "", "", "", err
		}
		nested.WriteString("\n" + body)
		return name, "", "", nil
	}
	return "", "", "", fmt.Errorf("PROTOBUF does not support %s", t)
}

func pbIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// pbCheckType is the planning-time check of a column type.
func pbCheckType(t *types.Type) error {
	g := &pbGen{imports: map[string]bool{}}
	var nested strings.Builder
	_, _, _, err := g.fieldType(t, &nested, "")
	return err
}

// ---- descriptors -> SQL types (schema inference) ----

// pbColumns returns the columns of a message: one per field, upper-cased
// unless keepNames (ksqlDB keeps the names of a schema given by id).
func pbColumns(md protoreflect.MessageDescriptor, keepNames bool) ([]types.Column, error) {
	t, err := (pbInfer{keepNames}).structType(md, nil)
	if err != nil {
		return nil, err
	}
	cols := make([]types.Column, len(t.Fields))
	for i, f := range t.Fields {
		cols[i] = types.Column{Name: f.Name, Type: f.Type}
	}
	return cols, nil
}

// pbInfer maps descriptors to SQL types.
type pbInfer struct{ keepNames bool }

func (in pbInfer) structType(md protoreflect.MessageDescriptor, seen []protoreflect.FullName) (*types.Type, error) {
	for _, s := range seen {
		if s == md.FullName() {
			return nil, fmt.Errorf("PROTOBUF schema with recursive message %s is not supported", md.FullName())
		}
	}
	seen = append(seen, md.FullName())
	fds := md.Fields()
	fields := make([]types.Field, 0, fds.Len())
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		t, err := in.fieldType(fd, seen)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fd.Name(), err)
		}
		name := string(fd.Name())
		if !in.keepNames {
			name = strings.ToUpper(name)
		}
		fields = append(fields, types.Field{Name: name, Type: t})
	}
	return types.StructOf(fields...), nil
}

func (in pbInfer) fieldType(fd protoreflect.FieldDescriptor, seen []protoreflect.FullName) (*types.Type, error) {
	if fd.IsMap() {
		if fd.MapKey().Kind() != protoreflect.StringKind {
			return nil, fmt.Errorf("PROTOBUF format only supports MAP types with STRING keys")
		}
		vt, err := in.valueType(fd.MapValue(), seen)
		if err != nil {
			return nil, err
		}
		return types.MapOf(types.StringType, vt), nil
	}
	t, err := in.valueType(fd, seen)
	if err != nil {
		return nil, err
	}
	if fd.IsList() {
		return types.ArrayOf(t), nil
	}
	return t, nil
}

// valueType is the SQL type of one value of a field (ignoring repetition).
func (in pbInfer) valueType(fd protoreflect.FieldDescriptor, seen []protoreflect.FullName) (*types.Type, error) {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return types.BooleanType, nil
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return types.IntType, nil
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return types.BigintType, nil
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return types.DoubleType, nil
	case protoreflect.StringKind, protoreflect.EnumKind:
		return types.StringType, nil
	case protoreflect.BytesKind:
		return types.BytesType, nil
	case protoreflect.MessageKind, protoreflect.GroupKind:
		md := fd.Message()
		if t, ok := pbWrappers[md.FullName()]; ok {
			return t, nil
		}
		switch md.FullName() {
		case pbDecimal:
			p, s, _ := pbDecimalParams(fd)
			return types.DecimalOf(p, s), nil
		case pbDate:
			return types.DateType, nil
		case pbTimeOfDay:
			return types.TimeType, nil
		case pbTimestamp:
			return types.TimestampType, nil
		}
		return in.structType(md, seen)
	}
	return nil, fmt.Errorf("PROTOBUF type %s is not supported", fd.Kind())
}

// pbDecimalParams reads precision and scale from a decimal field's
// confluent.field_meta params (ok tells whether the scale is given; the
// defaults are 64 and 0). The option is read from the options' wire form
// because the extension is only known to the compiled schema.
func pbDecimalParams(fd protoreflect.FieldDescriptor) (precision, scale int, ok bool) {
	precision, scale = 64, 0
	opts := fd.Options()
	if opts == nil {
		return
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil {
		return
	}
	params := map[string]string{}
	pbScan(b, func(num protowire.Number, v []byte) {
		if num != pbFieldMetaNumber {
			return
		}
		pbScan(v, func(num protowire.Number, entry []byte) {
			if num != 2 { // Meta.params
				return
			}
			var k, val string
			pbScan(entry, func(num protowire.Number, x []byte) {
				switch num {
				case 1:
					k = string(x)
				case 2:
					val = string(x)
				}
			})
			params[k] = val
		})
	})
	if n, err := strconv.Atoi(params["precision"]); err == nil && n > 0 {
		precision = n
	}
	if n, err := strconv.Atoi(params["scale"]); err == nil && n >= 0 {
		scale, ok = n, true
	}
	return
}

// pbScan calls fn for each length-delimited field of a message's wire form.
func pbScan(b []byte, fn func(protowire.Number, []byte)) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return
		}
		b = b[n:]
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return
			}
			fn(num, v)
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return
		}
		b = b[m:]
	}
}
