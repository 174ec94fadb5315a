//go:build wasip1

// Command guest is the test module of package udf/wasm: functions that
// misbehave (trap, spin, hog memory, try the file system) next to
// well-behaved ones. Rebuild with `go generate ./udf/wasm` (see gen.go).
package main

import (
	"os"
	"unsafe"
)

func main() {}

//go:wasmexport add
func add(a, b int64) int64 { return a + b }

//go:wasmexport div
func div(a, b int32) int32 { return a / b } // b == 0 traps (Go panics, the module exits)

//go:wasmexport negate
func negate(b int32) int32 { return 1 - b }

var sink int64

//go:wasmexport spin
func spin(n int64) int64 {
	for {
		sink += n // never returns: the call's deadline must stop it
	}
}

var hogs [][]byte

//go:wasmexport hog
func hog(mib int32) int32 {
	for i := int32(0); i < mib; i++ {
		b := make([]byte, 1<<20)
		for j := range b {
			b[j] = byte(j)
		}
		hogs = append(hogs, b)
	}
	return int32(len(hogs))
}

// readfile returns the length of the named file, or -1 when it cannot be
// read (the sandbox mounts no file system).
//
//go:wasmexport readfile
func readfile(ptr, n uint32) int64 {
	b, err := os.ReadFile(arg(ptr, n))
	if err != nil {
		return -1
	}
	return int64(len(b))
}

//go:wasmexport echo
func echo(ptr, n uint32) uint64 { return result("<" + arg(ptr, n) + ">") }

var pinned = map[uint32][]byte{}

//go:wasmexport alloc
func alloc(size uint32) uint32 {
	b := make([]byte, size+1)
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	pinned[p] = b
	return p
}

//go:wasmexport dealloc
func dealloc(ptr, _ uint32) { delete(pinned, ptr) }

//go:wasmexport pinned_count
func pinnedCount() int32 { return int32(len(pinned)) }

func arg(ptr, n uint32) string { return string(pinned[ptr][:n]) }

func result(s string) uint64 {
	p := alloc(uint32(len(s)))
	copy(pinned[p], s)
	return uint64(p)<<32 | uint64(len(s))
}
