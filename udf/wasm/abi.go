package wasm

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero/api"

	"github.com/eddysql/eddy/planner/types"
)

// nullPacked is the STRING/BYTES result meaning SQL NULL.
const nullPacked = ^uint64(0)

// encodeArgs appends the wasm values of SQL arguments. STRING and BYTES
// values are copied into buffers the guest allocates with alloc; their
// addresses are appended to bufs for release after the call.
func encodeArgs(ctx context.Context, in *instance, ts []*types.Type, args []any, dst []uint64, bufs *[][2]uint32) ([]uint64, error) {
	for i, t := range ts {
		v := args[i]
		switch t.Kind {
		case types.KindInt:
			x, ok := v.(int32)
			if !ok {
				return nil, badArg(i, t, v)
			}
			dst = append(dst, api.EncodeI32(x))
		case types.KindBigint:
			x, ok := v.(int64)
			if !ok {
				return nil, badArg(i, t, v)
			}
			dst = append(dst, api.EncodeI64(x))
		case types.KindDouble:
			x, ok := v.(float64)
			if !ok {
				return nil, badArg(i, t, v)
			}
			dst = append(dst, api.EncodeF64(x))
		case types.KindBoolean:
			x, ok := v.(bool)
			if !ok {
				return nil, badArg(i, t, v)
			}
			var b uint64
			if x {
				b = 1
			}
			dst = append(dst, b)
		case types.KindString, types.KindBytes:
			var b []byte
			switch x := v.(type) {
			case string:
				b = []byte(x)
			case []byte:
				b = x
			default:
				return nil, badArg(i, t, v)
			}
			ptr, err := writeBuf(ctx, in, b)
			if err != nil {
				return nil, err
			}
			*bufs = append(*bufs, [2]uint32{ptr, uint32(len(b))})
			dst = append(dst, uint64(ptr), uint64(len(b)))
		default:
			return nil, fmt.Errorf("%w: unsupported argument type %s", errABI, t)
		}
	}
	return dst, nil
}

func badArg(i int, t *types.Type, v any) error {
	return fmt.Errorf("%w: argument %d: expected a %s value, got %T", errABI, i+1, t, v)
}

func writeBuf(ctx context.Context, in *instance, b []byte) (uint32, error) {
	if in.alloc == nil {
		return 0, fmt.Errorf("%w: the module does not export alloc(size i32) -> i32, needed for STRING and BYTES arguments", errABI)
	}
	res, err := in.alloc.Call(ctx, uint64(len(b)))
	if err != nil {
		return 0, err
	}
	ptr := uint32(res[0])
	if !in.mod.Memory().Write(ptr, b) {
		return 0, fmt.Errorf("%w: alloc(%d) returned %d, outside the module's memory", errABI, len(b), ptr)
	}
	return ptr, nil
}

// release gives buffers back to the guest (when it exports dealloc).
func release(ctx context.Context, in *instance, bufs [][2]uint32) error {
	if in.dealloc == nil {
		return nil
	}
	for _, b := range bufs {
		if _, err := in.dealloc.Call(ctx, uint64(b[0]), uint64(b[1])); err != nil {
			return err
		}
	}
	return nil
}

// decodeResult turns a wasm result into the SQL value of type t.
func decodeResult(in *instance, t *types.Type, r uint64, bufs *[][2]uint32) (any, error) {
	switch t.Kind {
	case types.KindInt:
		return api.DecodeI32(r), nil
	case types.KindBigint:
		return int64(r), nil
	case types.KindDouble:
		return api.DecodeF64(r), nil
	case types.KindBoolean:
		return uint32(r) != 0, nil
	case types.KindString, types.KindBytes:
		if r == nullPacked {
			return nil, nil
		}
		ptr, n := uint32(r>>32), uint32(r)
		b, ok := in.mod.Memory().Read(ptr, n)
		if !ok {
			return nil, fmt.Errorf("%w: result (%d, %d) lies outside the module's memory", errABI, ptr, n)
		}
		*bufs = append(*bufs, [2]uint32{ptr, n})
		if t.Kind == types.KindString {
			return string(b), nil // copies out of guest memory
		}
		return append([]byte(nil), b...), nil
	}
	return nil, fmt.Errorf("%w: unsupported result type %s", errABI, t)
}

// invoke calls export with SQL arguments (after the raw leading values)
// and decodes its single result as type ret (nil: the raw value, a uint64).
func invoke(ctx context.Context, in *instance, export string, lead []uint64, ts []*types.Type, args []any, ret *types.Type) (any, error) {
	var bufs [][2]uint32
	params, err := encodeArgs(ctx, in, ts, args, append(make([]uint64, 0, len(lead)+2*len(ts)), lead...), &bufs)
	if err != nil {
		return nil, err
	}
	res, err := in.fn(export).Call(ctx, params...)
	if err != nil {
		return nil, err
	}
	var v any = res[0]
	if ret != nil {
		if v, err = decodeResult(in, ret, res[0], &bufs); err != nil {
			return nil, err
		}
	}
	if err := release(ctx, in, bufs); err != nil {
		return nil, err
	}
	return v, nil
}
