module github.com/eddysql/eddy/examples/udf/anomaly

go 1.26.0
