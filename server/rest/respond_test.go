package rest

import (
	"net/http"
	"testing"
)

// The first type a client accepts that an endpoint knows decides its
// answer; Protobuf rows are for /query only.
func TestAcceptedMediaTypes(t *testing.T) {
	for _, c := range []struct {
		accept           string
		delimited, proto bool
		classic          string
	}{
		{"", false, false, mediaJSON},
		{"application/vnd.ksql.v1+json", false, false, mediaKsqlV1},
		{"application/vnd.ksql.v1+protobuf", false, true, mediaJSON},
		{"application/vnd.ksql.v1+protobuf, */*", false, true, mediaJSON},
		{"application/json, application/vnd.ksql.v1+protobuf", false, false, mediaJSON},
		{"*/*", true, false, mediaJSON},
		{"application/vnd.ksqlapi.delimited.v1", true, false, mediaJSON},
	} {
		r, _ := http.NewRequest(http.MethodPost, "/query", nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		if got := wantsDelimited(r); got != c.delimited {
			t.Errorf("%q: delimited %v, want %v", c.accept, got, c.delimited)
		}
		if got := wantsProtobuf(r); got != c.proto {
			t.Errorf("%q: protobuf %v, want %v", c.accept, got, c.proto)
		}
		if got := classicContentType(r); got != c.classic {
			t.Errorf("%q: content type %s, want %s", c.accept, got, c.classic)
		}
	}
}
