package udf

import (
	"net/url"
	"strconv"
	"strings"
)

func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, errf("URL input has invalid syntax: %s", s)
	}
	return u, nil
}

// urlPart registers a URL_EXTRACT_* function returning NULL for empty parts.
func (r *Registry) urlPart(name, desc string, part func(*url.URL) string, e Example) {
	r.scalar(name, desc, sigs(sig(pStr, func(a []any) (any, error) {
		u, err := parseURL(a[0].(string))
		if err != nil {
			return nil, err
		}
		if p := part(u); p != "" || name == "URL_EXTRACT_PATH" {
			return p, nil
		}
		return nil, nil
	}, pStr)), e)
}

func registerURL(r *Registry) {
	r.scalar("URL_ENCODE_PARAM", "Encodes a string for use as a URL query parameter.", sigs(
		sig(pStr, func(a []any) (any, error) { return url.QueryEscape(a[0].(string)), nil }, pStr),
	), ex("URL_ENCODE_PARAM('?foo $bar')", "%3Ffoo+%24bar", "?foo $bar"))
	r.scalar("URL_DECODE_PARAM", "Decodes a URL query parameter.", sigs(
		sig(pStr, func(a []any) (any, error) { return url.QueryUnescape(a[0].(string)) }, pStr),
	), ex("URL_DECODE_PARAM('%3Ffoo+%24bar')", "?foo $bar", "%3Ffoo+%24bar"))
	r.urlPart("URL_EXTRACT_FRAGMENT", "Fragment of a URL, NULL when none.", func(u *url.URL) string { return u.Fragment },
		ex("URL_EXTRACT_FRAGMENT('http://www.test.com/?query#fragment')", "fragment", "http://www.test.com/?query#fragment"))
	r.urlPart("URL_EXTRACT_HOST", "Host of a URL.", func(u *url.URL) string { return u.Hostname() },
		ex("URL_EXTRACT_HOST('http://test@confluent.io:8080')", "confluent.io", "http://test@confluent.io:8080"))
	r.urlPart("URL_EXTRACT_PATH", "Path of a URL.", func(u *url.URL) string { return u.Path },
		ex("URL_EXTRACT_PATH('http://www.test.com/path?query')", "/path", "http://www.test.com/path?query"))
	r.urlPart("URL_EXTRACT_PROTOCOL", "Protocol (scheme) of a URL, NULL when none.", func(u *url.URL) string { return u.Scheme },
		ex("URL_EXTRACT_PROTOCOL('https://confluent.io')", "https", "https://confluent.io"))
	r.urlPart("URL_EXTRACT_QUERY", "Decoded query of a URL, NULL when none.", func(u *url.URL) string {
		q, err := url.QueryUnescape(u.RawQuery)
		if err != nil {
			return u.RawQuery
		}
		return q
	}, ex("URL_EXTRACT_QUERY('http://www.test.com/path?q1&q2')", "q1&q2", "http://www.test.com/path?q1&q2"))
	r.scalar("URL_EXTRACT_PORT", "Port of a URL, NULL when none.", sigs(sig(pInt, func(a []any) (any, error) {
		u, err := parseURL(a[0].(string))
		if err != nil {
			return nil, err
		}
		p, err := strconv.Atoi(u.Port())
		if err != nil {
			return nil, nil
		}
		return int32(p), nil
	}, pStr)), ex("URL_EXTRACT_PORT('http://test@confluent.io:8080/nested')", "8080", "http://test@confluent.io:8080/nested"))
	r.scalar("URL_EXTRACT_PARAMETER", "Decoded value of the first query parameter with the name, NULL when absent.", sigs(sig(pStr, func(a []any) (any, error) {
		u, err := parseURL(a[0].(string))
		if err != nil {
			return nil, err
		}
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if dk, err := url.QueryUnescape(k); err == nil && dk == a[1].(string) {
				dv, err := url.QueryUnescape(v)
				if err != nil {
					return v, nil
				}
				return dv, nil
			}
		}
		return nil, nil
	}, pStr, pStr)), ex("URL_EXTRACT_PARAMETER('http://www.test.com/?one=a&two=b', 'two')", "b", "http://www.test.com/?one=a&two=b", "two"))
}
