package wasm

// The test module and the example module are committed; rebuild them with
// `go generate ./udf/wasm` after changing their sources.
//go:generate sh -c "cd testdata/guest && GOOS=wasip1 GOARCH=wasm go build -trimpath -buildmode=c-shared -ldflags='-s -w' -o ../guest.wasm ."
//go:generate sh -c "cd ../../examples/udf/anomaly && GOOS=wasip1 GOARCH=wasm go build -trimpath -buildmode=c-shared -ldflags='-s -w' -o anomaly.wasm ."
