module github.com/eddysql/eddy/udf/wasm/testdata/guest

go 1.26.0
