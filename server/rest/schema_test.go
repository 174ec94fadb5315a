package rest

import (
	"testing"

	"github.com/eddysql/eddy/planner/types"
)

func TestSchemaStringHeaders(t *testing.T) {
	cols := []Column{
		{Name: "K", Type: types.IntType, Key: true},
		{Name: "TEXT", Type: types.StringType},
		{Name: "HEADER", Type: types.BytesType, Header: true, HeaderKey: "abc"},
	}
	want := "`K` INTEGER KEY, `HEADER` BYTES HEADER('abc'), `TEXT` STRING"
	if got := schemaString(cols, true); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Without header columns the order is the projection's.
	cols = []Column{{Name: "COUNT", Type: types.BigintType}, {Name: "ID", Type: types.DoubleType, Key: true}}
	if got, want := schemaString(cols, true), "`COUNT` BIGINT, `ID` DOUBLE KEY"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
