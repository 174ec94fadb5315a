package conformance

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/planner/types"
)

// protoRowsAsText turns the rows of a Protobuf /query response into the
// text format of their messages, which is how ksqlDB's harness writes them
// in its expectations: {"row": {"protobufBytes": "..."}} becomes
// {"row": "FIELD: value\n..."}, read with the header's protoSchema.
func protoRowsAsText(resp any) (any, error) {
	items, ok := resp.([]any)
	if !ok {
		return resp, nil
	}
	var md protoreflect.MessageDescriptor
	out := make([]any, 0, len(items))
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			out = append(out, it)
			continue
		}
		if h, ok := m["header"].(map[string]any); ok {
			schema, _ := h["protoSchema"].(string)
			var err error
			if md, err = serde.ProtobufMessage(schema); err != nil {
				return nil, fmt.Errorf("compiling the protoSchema of a /query header: %w", err)
			}
			out = append(out, it)
			continue
		}
		row, ok := m["row"].(map[string]any)
		if !ok || md == nil {
			out = append(out, it)
			continue
		}
		b64, _ := row["protobufBytes"].(string)
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("a /query row's protobufBytes: %w", err)
		}
		msg := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(data, msg); err != nil {
			return nil, fmt.Errorf("decoding a /query row: %w", err)
		}
		var text strings.Builder
		printProtoText(&text, msg, "")
		out = append(out, map[string]any{"row": text.String()})
	}
	return out, nil
}

// printProtoText writes m as protobuf-java's TextFormat printer does: one
// "NAME: value" line per set field in field order, nested messages (map
// entries too) as "NAME {" ... "}" blocks indented by two spaces.
func printProtoText(b *strings.Builder, m protoreflect.Message, indent string) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if !m.Has(fd) {
			continue
		}
		v := m.Get(fd)
		switch {
		case fd.IsMap():
			entry := fd.Message()
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				e := dynamicpb.NewMessage(entry)
				e.Set(entry.Fields().ByNumber(1), k.Value())
				e.Set(entry.Fields().ByNumber(2), mv)
				printProtoField(b, fd, protoreflect.ValueOfMessage(e), indent)
				return true
			})
		case fd.IsList():
			for j := range v.List().Len() {
				printProtoField(b, fd, v.List().Get(j), indent)
			}
		default:
			printProtoField(b, fd, v, indent)
		}
	}
}

func printProtoField(b *strings.Builder, fd protoreflect.FieldDescriptor, v protoreflect.Value, indent string) {
	b.WriteString(indent)
	b.WriteString(string(fd.Name()))
	if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
		b.WriteString(" {\n")
		printProtoText(b, v.Message(), indent+"  ")
		b.WriteString(indent + "}\n")
		return
	}
	b.WriteString(": ")
	switch fd.Kind() {
	case protoreflect.StringKind:
		b.WriteString(`"` + escapeProtoBytes([]byte(v.String())) + `"`)
	case protoreflect.BytesKind:
		b.WriteString(`"` + escapeProtoBytes(v.Bytes()) + `"`)
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			b.WriteString(string(ev.Name()))
		} else {
			b.WriteString(strconv.Itoa(int(v.Enum())))
		}
	case protoreflect.DoubleKind, protoreflect.FloatKind:
		b.WriteString(javaDouble(v.Float()))
	default:
		b.WriteString(fmt.Sprint(v.Interface()))
	}
	b.WriteByte('\n')
}

// protoEscapes are the C escapes of TextFormat.escapeBytes.
var protoEscapes = map[byte]string{'\a': `\a`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`, '\v': `\v`,
	'\\': `\\`, '\'': `\'`, '"': `\"`}

// escapeProtoBytes escapes as TextFormat.escapeBytes: C escapes, printable
// ASCII as is, octal for other bytes.
func escapeProtoBytes(data []byte) string {
	var b strings.Builder
	for _, c := range data {
		switch e, ok := protoEscapes[c]; {
		case ok:
			b.WriteString(e)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, `\%03o`, c)
		}
	}
	return b.String()
}

// javaDouble prints a floating-point number as TextFormat does: Java's
// Double.toString, with nan and inf spelled as protobuf spells them.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return types.FormatDouble(f)
}
