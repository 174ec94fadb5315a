package rest

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/eddysql/eddy/server/wire"
)

// recorder remembers the status a handler wrote. It forwards Flush and
// exposes the wrapped writer through Unwrap, so http.ResponseController
// (flush, full duplex) works through it.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (h *handler) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		h.cfg.logger.Debug("request", "method", r.Method, "path", r.URL.Path, "proto", r.Proto,
			"status", rec.status, "bytes", rec.bytes, "duration", time.Since(start))
	})
}

// recoverer turns a handler panic into a 500 JSON error, or, when the
// response has started, aborts the response; the server keeps running.
func (h *handler) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := w.(*recorder)
		if !ok {
			rec = &recorder{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.cfg.logger.Error("panic in handler", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec.status != 0 {
				panic(http.ErrAbortHandler)
			}
			writeError(rec, wire.ServerError(fmt.Sprintf("internal server error: %v", v)))
		}()
		next.ServeHTTP(rec, r)
	})
}
