//go:build wasip1

// Command anomaly is an example Eddy user-defined function module: the
// ANOMALY(sensor_input) scoring function of the course and a few companions,
// compiled to a WebAssembly reactor module with //go:wasmexport.
//
// Build (see README.md):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags=-s -o anomaly.wasm .
package main

import (
	"math"
	"unsafe"
)

// The sensor's nominal behaviour: readings are expected around mean with
// the given standard deviation.
const (
	mean   = 20.0
	stddev = 5.0
)

func main() {}

// score is the absolute z-score of a reading against the nominal behaviour.
func score(x float64) float64 { return math.Abs(x-mean) / stddev }

func level(s float64) string {
	switch {
	case s < 2:
		return "normal"
	case s < 3:
		return "warning"
	}
	return "critical"
}

// anomaly implements ANOMALY(DOUBLE) -> DOUBLE.
//
//go:wasmexport anomaly
func anomaly(x float64) float64 { return score(x) }

// anomalyLevel implements ANOMALY_LEVEL(DOUBLE) -> STRING.
//
//go:wasmexport anomaly_level
func anomalyLevel(x float64) uint64 { return result(level(score(x))) }

// anomalyTag implements ANOMALY_TAG(STRING sensor, DOUBLE) -> STRING.
//
//go:wasmexport anomaly_tag
func anomalyTag(ptr, n uint32, x float64) uint64 {
	return result(arg(ptr, n) + ":" + level(score(x)))
}

// ANOMALY_MAX(DOUBLE) -> DOUBLE: the greatest score of a group (f64 state).
//
//go:wasmexport anomaly_max_init
func anomalyMaxInit() float64 { return 0 }

//go:wasmexport anomaly_max_add
func anomalyMaxAdd(acc, x float64) float64 { return math.Max(acc, score(x)) }

//go:wasmexport anomaly_max_merge
func anomalyMaxMerge(a, b float64) float64 { return math.Max(a, b) }

//go:wasmexport anomaly_max_result
func anomalyMaxResult(acc float64) float64 { return acc }

// ANOMALY_COUNT(DOUBLE) -> BIGINT: how many readings of a group are
// critical (i64 state; supports undo, so it also aggregates tables).
//
//go:wasmexport anomaly_count_init
func anomalyCountInit() int64 { return 0 }

//go:wasmexport anomaly_count_add
func anomalyCountAdd(acc int64, x float64) int64 {
	if score(x) >= 3 {
		acc++
	}
	return acc
}

//go:wasmexport anomaly_count_undo
func anomalyCountUndo(acc int64, x float64) int64 {
	if score(x) >= 3 {
		acc--
	}
	return acc
}

//go:wasmexport anomaly_count_merge
func anomalyCountMerge(a, b int64) int64 { return a + b }

//go:wasmexport anomaly_count_result
func anomalyCountResult(acc int64) int64 { return acc }

// The string ABI: the host calls alloc to get guest memory for each STRING
// or BYTES argument, writes the bytes there and passes (ptr, len); a STRING
// result is returned as ptr<<32 | len. The host calls dealloc for every
// argument and result buffer once it is done with it.

// pinned keeps buffers handed to the host alive until dealloc.
var pinned = map[uint32][]byte{}

//go:wasmexport alloc
func alloc(size uint32) uint32 {
	b := make([]byte, size+1) // +1: a distinct address even for size 0
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	pinned[p] = b
	return p
}

//go:wasmexport dealloc
func dealloc(ptr, _ uint32) { delete(pinned, ptr) }

// arg reads an argument buffer written by the host.
func arg(ptr, n uint32) string {
	b, ok := pinned[ptr]
	if !ok || uint32(len(b)) < n {
		panic("arg: unknown buffer")
	}
	return string(b[:n])
}

// result pins s and packs its address and length.
func result(s string) uint64 {
	p := alloc(uint32(len(s)))
	copy(pinned[p], s)
	return uint64(p)<<32 | uint64(len(s))
}
