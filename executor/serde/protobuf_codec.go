package serde

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/eddysql/eddy/planner/types"
)

// This file converts between Protobuf messages and the generic values of
// avro_codec.go (nil, bool, int32/int64, float64, string, []byte, []any,
// map[string]any, decimal.Decimal, types.Date/Time/Timestamp), which
// fromGeneric and toGeneric turn into and out of rows. Encoding is lenient
// (json.Number, base64 strings for bytes, case-insensitive field names) so
// that test data in JSON form can be written with any writer schema.
//
// Nulls follow proto3: a field without presence cannot be null, so a null
// is written as the field's default and read back as it (0, "", false, an
// empty list or map); message fields (STRUCTs, wrappers, the logical types)
// and proto3 optional fields keep nulls.

// pbMarshal is deterministic so that equal rows give equal bytes (keys are
// compared as bytes).
var pbMarshal = proto.MarshalOptions{Deterministic: true}

// pbEncode writes a record (a map of field values) as a message of md.
func pbEncode(b []byte, md protoreflect.MessageDescriptor, v map[string]any) ([]byte, error) {
	m := dynamicpb.NewMessage(md)
	if err := pbFill(m, v); err != nil {
		return nil, err
	}
	return pbMarshal.MarshalAppend(b, m)
}

func pbFill(m protoreflect.Message, v map[string]any) error {
	fds := m.Descriptor().Fields()
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		fv, _ := lookupField(v, string(fd.Name()))
		if fv == nil {
			continue
		}
		if err := pbSetField(m, fd, fv); err != nil {
			return fmt.Errorf("field %s: %w", fd.Name(), err)
		}
	}
	return nil
}

func pbSetField(m protoreflect.Message, fd protoreflect.FieldDescriptor, v any) error {
	switch {
	case fd.IsMap():
		mv, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("expected a map, got %T", v)
		}
		pm := m.Mutable(fd).Map()
		for k, e := range mv {
			key, err := pbScalar(fd.MapKey(), k)
			if err != nil {
				return err
			}
			val, err := pbElement(pm.NewValue, fd.MapValue(), e)
			if err != nil {
				return err
			}
			pm.Set(key.MapKey(), val)
		}
		return nil
	case fd.IsList():
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("expected an array, got %T", v)
		}
		l := m.Mutable(fd).List()
		for _, e := range arr {
			val, err := pbElement(l.NewElement, fd, e)
			if err != nil {
				return err
			}
			l.Append(val)
		}
		return nil
	}
	val, err := pbElement(func() protoreflect.Value { return m.NewField(fd) }, fd, v)
	if err != nil {
		return err
	}
	m.Set(fd, val)
	return nil
}

// pbElement converts one value (not a list or map) of field fd; newMsg
// makes an empty message for message-typed fields. A null element (of a
// list or map) becomes the default value.
func pbElement(newMsg func() protoreflect.Value, fd protoreflect.FieldDescriptor, v any) (protoreflect.Value, error) {
	if fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind {
		if v == nil {
			return fd.Default(), nil
		}
		return pbScalar(fd, v)
	}
	mv := newMsg()
	if v == nil {
		return mv, nil
	}
	if err := pbFillSpecial(fd, mv.Message(), v); err != nil {
		return protoreflect.Value{}, err
	}
	return mv, nil
}

// pbFillSpecial fills a message from a value: wrappers, decimals, dates,
// times and timestamps from their SQL values, other messages from records.
func pbFillSpecial(fd protoreflect.FieldDescriptor, m protoreflect.Message, v any) error {
	md := m.Descriptor()
	fields := md.Fields()
	if _, ok := pbWrappers[md.FullName()]; ok {
		fd := fields.ByNumber(1)
		val, err := pbScalar(fd, v)
		if err != nil {
			return err
		}
		m.Set(fd, val)
		return nil
	}
	setInt := func(num protowire.Number, n int64) {
		if fd := fields.ByNumber(num); fd != nil && n != 0 {
			if fd.Kind() == protoreflect.Int64Kind {
				m.Set(fd, protoreflect.ValueOfInt64(n))
			} else {
				m.Set(fd, protoreflect.ValueOfInt32(int32(n)))
			}
		}
	}
	switch md.FullName() {
	case pbDecimal:
		d, err := toDecimal(v)
		if err != nil {
			return err
		}
		_, scale, ok := pbDecimalParams(fd)
		if !ok {
			scale = max(0, int(-d.Exponent()))
		}
		m.Set(fields.ByNumber(1), protoreflect.ValueOfBytes(decimalBytes(d, scale)))
		setInt(3, int64(scale))
		return nil
	case pbDate:
		days, err := toLong(v, "")
		if err != nil {
			return err
		}
		t := time.Unix(days*86400, 0).UTC()
		setInt(1, int64(t.Year()))
		setInt(2, int64(t.Month()))
		setInt(3, int64(t.Day()))
		return nil
	case pbTimeOfDay:
		ms, err := toLong(v, "")
		if err != nil {
			return err
		}
		setInt(1, ms/3_600_000)
		setInt(2, ms/60_000%60)
		setInt(3, ms/1000%60)
		setInt(4, ms%1000*1_000_000)
		return nil
	case pbTimestamp:
		ms, err := toLong(v, "")
		if err != nil {
			return err
		}
		secs, rest := ms/1000, ms%1000
		if rest < 0 {
			secs, rest = secs-1, rest+1000
		}
		setInt(1, secs)
		setInt(2, rest*1_000_000)
		return nil
	}
	rec, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("expected a record for %s, got %T", md.FullName(), v)
	}
	return pbFill(m, rec)
}

// pbScalar converts a value to a scalar field's kind.
func pbScalar(fd protoreflect.FieldDescriptor, v any) (protoreflect.Value, error) {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		switch x := v.(type) {
		case bool:
			return protoreflect.ValueOfBool(x), nil
		case string:
			b, err := strconv.ParseBool(x)
			return protoreflect.ValueOfBool(b), err
		}
		return protoreflect.Value{}, fmt.Errorf("expected a boolean, got %T", v)
	case protoreflect.StringKind:
		if s, ok := v.(string); ok {
			return protoreflect.ValueOfString(s), nil
		}
		return protoreflect.ValueOfString(fmt.Sprint(v)), nil
	case protoreflect.BytesKind:
		b, err := toBytes(v)
		return protoreflect.ValueOfBytes(b), err
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		f, err := toDouble(v)
		if fd.Kind() == protoreflect.FloatKind {
			return protoreflect.ValueOfFloat32(float32(f)), err
		}
		return protoreflect.ValueOfFloat64(f), err
	case protoreflect.EnumKind:
		if s, ok := v.(string); ok {
			ev := fd.Enum().Values().ByName(protoreflect.Name(s))
			if ev == nil {
				return protoreflect.Value{}, fmt.Errorf("%q is not a value of enum %s", s, fd.Enum().FullName())
			}
			return protoreflect.ValueOfEnum(ev.Number()), nil
		}
		n, err := toLong(v, "")
		return protoreflect.ValueOfEnum(protoreflect.EnumNumber(n)), err
	}
	var n int64
	var err error
	if s, ok := v.(string); ok {
		n, err = strconv.ParseInt(s, 10, 64)
	} else {
		n, err = toLong(v, "")
	}
	if err != nil {
		return protoreflect.Value{}, err
	}
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return protoreflect.Value{}, fmt.Errorf("%d does not fit %s", n, fd.Kind())
		}
		return protoreflect.ValueOfInt32(int32(n)), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		if n < 0 || n > math.MaxUint32 {
			return protoreflect.Value{}, fmt.Errorf("%d does not fit %s", n, fd.Kind())
		}
		return protoreflect.ValueOfUint32(uint32(n)), nil
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(n)), nil
	}
	return protoreflect.ValueOfInt64(n), nil
}

// ---- decoding ----

// pbDecode reads a message of md as a record.
func pbDecode(md protoreflect.MessageDescriptor, data []byte) (map[string]any, error) {
	m := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(data, m); err != nil {
		return nil, err
	}
	return pbRecord(m), nil
}

func pbRecord(m protoreflect.Message) map[string]any {
	fds := m.Descriptor().Fields()
	out := make(map[string]any, fds.Len())
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		out[string(fd.Name())] = pbField(m, fd)
	}
	return out
}

func pbField(m protoreflect.Message, fd protoreflect.FieldDescriptor) any {
	switch {
	case fd.IsMap():
		pm := m.Get(fd).Map()
		out := make(map[string]any, pm.Len())
		pm.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			out[k.String()] = pbValue(fd.MapValue(), v)
			return true
		})
		return out
	case fd.IsList():
		l := m.Get(fd).List()
		out := make([]any, l.Len())
		for i := range out {
			out[i] = pbValue(fd, l.Get(i))
		}
		return out
	}
	if fd.HasPresence() && !m.Has(fd) {
		return nil
	}
	return pbValue(fd, m.Get(fd))
}

// pbValue converts one value (not a list or map) of field fd.
func pbValue(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return v.Bool()
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return int32(v.Int())
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return v.Int()
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return int64(v.Uint())
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return v.Float()
	case protoreflect.StringKind:
		return v.String()
	case protoreflect.BytesKind:
		if b := v.Bytes(); len(b) > 0 || fd.HasPresence() || fd.IsList() || fd.IsMap() {
			return b
		}
		return nil // ksqlDB reads unset (empty) bytes as NULL
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return strconv.Itoa(int(v.Enum()))
	}
	return pbMessageValue(fd, v.Message())
}

func pbMessageValue(fd protoreflect.FieldDescriptor, m protoreflect.Message) any {
	md := m.Descriptor()
	fields := md.Fields()
	if _, ok := pbWrappers[md.FullName()]; ok {
		f := fields.ByNumber(1)
		return pbValue(f, m.Get(f))
	}
	num := func(n protowire.Number) int64 {
		if f := fields.ByNumber(n); f != nil {
			return m.Get(f).Int()
		}
		return 0
	}
	switch md.FullName() {
	case pbDecimal:
		_, scale, _ := pbDecimalParams(fd)
		if f := fields.ByNumber(3); f != nil && m.Has(f) {
			scale = int(m.Get(f).Int())
		}
		return decimalFromBytes(m.Get(fields.ByNumber(1)).Bytes(), scale)
	case pbDate:
		t := time.Date(int(num(1)), time.Month(num(2)), int(num(3)), 0, 0, 0, 0, time.UTC)
		return types.Date(t.Unix() / 86400)
	case pbTimeOfDay:
		return types.Time(num(1)*3_600_000 + num(2)*60_000 + num(3)*1000 + num(4)/1_000_000)
	case pbTimestamp:
		return types.Timestamp(num(1)*1000 + num(2)/1_000_000)
	}
	return pbRecord(m)
}

// ---- Confluent framing ----

// pbAppendIndexes writes the message-index path that Confluent's Protobuf
// serializer puts after the schema id: zig-zag varints, a count then the
// indexes, with the path [0] (the first message) written as a single 0.
func pbAppendIndexes(b []byte, path []int) []byte {
	if len(path) == 1 && path[0] == 0 {
		return append(b, 0)
	}
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(len(path))))
	for _, i := range path {
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(i)))
	}
	return b
}

// pbReadIndexes reads a message-index path and returns it with the rest.
func pbReadIndexes(b []byte) ([]int, []byte, error) {
	next := func() (int, error) {
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return 0, errors.New("bad message indexes")
		}
		b = b[n:]
		return int(protowire.DecodeZigZag(v)), nil
	}
	count, err := next()
	if err != nil {
		return nil, nil, err
	}
	if count == 0 {
		return []int{0}, b, nil
	}
	if count < 0 || count > 64 {
		return nil, nil, fmt.Errorf("bad message index count %d", count)
	}
	path := make([]int, count)
	for i := range path {
		if path[i], err = next(); err != nil {
			return nil, nil, err
		}
	}
	return path, b, nil
}

// pbMessageAt finds the message of an index path in a file.
func pbMessageAt(fd protoreflect.FileDescriptor, path []int) (protoreflect.MessageDescriptor, error) {
	msgs := fd.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range path {
		if i < 0 || i >= msgs.Len() {
			return nil, fmt.Errorf("message index %v not in schema", path)
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	if md == nil {
		return nil, errors.New("schema has no messages")
	}
	return md, nil
}

// pbPathOf is the index path of a message in its file.
func pbPathOf(md protoreflect.MessageDescriptor) []int {
	var path []int
	for d := protoreflect.Descriptor(md); ; {
		path = append([]int{d.Index()}, path...)
		parent := d.Parent()
		if _, ok := parent.(protoreflect.MessageDescriptor); !ok {
			break
		}
		d = parent
	}
	return path
}
