// Package cli is Eddy's interactive shell (`eddy shell`): a ksqlDB-style
// CLI over the REST API. It holds the REST client, the renderer of /ksql
// entities and query rows, and the read-eval-print loop.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/eddysql/eddy/server/wire"
)

// Client talks to an Eddy (or ksqlDB) server over its REST API.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client for the server at base, e.g.
// "http://localhost:8088". hc nil means a default client without timeout
// (queries stream for as long as they run; contexts bound requests).
func NewClient(base string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &Client{base: strings.TrimRight(base, "/"), http: hc}
}

// Server is the server's base URL.
func (c *Client) Server() string { return c.base }

// Error is an error answer of the server: the decoded ksqlDB error body.
// Its text is the server's message.
type Error struct {
	Status int
	Body   wire.ErrorBody
}

func (e *Error) Error() string {
	if e.Body.Message != "" {
		return e.Body.Message
	}
	return fmt.Sprintf("server answered %d", e.Status)
}

// UnreachableError is a failure to reach the server at all.
type UnreachableError struct {
	Server string
	Err    error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("could not reach the server at %s: %v", e.Server, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Info returns the server description of GET /info.
func (c *Client) Info(ctx context.Context) (wire.ServerInfo, error) {
	resp, err := c.do(ctx, http.MethodGet, "/info", nil)
	if err != nil {
		return wire.ServerInfo{}, err
	}
	defer resp.Body.Close()
	var info wire.ServerInfoResponse
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return wire.ServerInfo{}, fmt.Errorf("decoding /info: %w", err)
	}
	return info.KsqlServerInfo, nil
}

// Ksql runs statements with POST /ksql and returns the raw entities.
func (c *Client) Ksql(ctx context.Context, req wire.KsqlRequest) ([]json.RawMessage, error) {
	resp, err := c.do(ctx, http.MethodPost, "/ksql", req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("decoding /ksql answer: %w", err)
	}
	return out, nil
}

// Query starts a SELECT or PRINT with POST /query (classic format). The
// stream ends with ctx: cancelling it closes the connection, which ends the
// query on the server.
func (c *Client) Query(ctx context.Context, req wire.KsqlRequest) (*QueryStream, error) {
	resp, err := c.do(ctx, http.MethodPost, "/query", req)
	if err != nil {
		return nil, err
	}
	return newQueryStream(resp.Body), nil
}

// CloseQuery ends a push query with POST /close-query.
func (c *Client) CloseQuery(ctx context.Context, queryID string) error {
	resp, err := c.do(ctx, http.MethodPost, "/close-query", wire.CloseQueryArgs{QueryID: queryID})
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// do sends a request; a non-2xx answer becomes an *Error.
func (c *Client) do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &UnreachableError{Server: c.base, Err: unwrapURLError(err)}
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &Error{Status: resp.StatusCode}
	if json.Unmarshal(b, &e.Body) != nil || e.Body.Message == "" {
		e.Body.Message = strings.TrimSpace(fmt.Sprintf("%s %s: %s %s", method, path, resp.Status, b))
	}
	return nil, e
}

func unwrapURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
