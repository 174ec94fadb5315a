package schemaregistry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/eddysql/eddy/executor/serde"
)

const contentType = "application/vnd.schemaregistry.v1+json"

// Handler serves the registry's REST API:
//
//	POST /subjects/{s}/versions          register      -> {"id": N}
//	POST /subjects/{s}                   lookup        -> {subject, version, id, schema}
//	GET  /subjects                       subjects
//	GET  /subjects/{s}/versions          versions
//	GET  /subjects/{s}/versions/{v}      v = N | latest
//	GET  /subjects/{s}/versions/{v}/schema
//	GET  /schemas/ids/{id}               -> {"schema": "..."}
//	GET  /schemas/ids/{id}/versions      -> [{subject, version}]
//	GET  /schemas/types
//	GET|PUT /config, /config/{s}         compatibility
func (r *Registry) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /subjects/{subject}/versions", r.handleRegister)
	mux.HandleFunc("POST /subjects/{subject}", r.handleLookup)
	mux.HandleFunc("GET /subjects", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, r.Subjects()) })
	mux.HandleFunc("GET /subjects/{subject}/versions", func(w http.ResponseWriter, req *http.Request) {
		vs, err := r.Versions(req.PathValue("subject"))
		reply(w, vs, err)
	})
	mux.HandleFunc("GET /subjects/{subject}/versions/{version}", func(w http.ResponseWriter, req *http.Request) {
		ss, err := r.versionOf(req)
		reply(w, ss, err)
	})
	mux.HandleFunc("GET /subjects/{subject}/versions/{version}/schema", func(w http.ResponseWriter, req *http.Request) {
		ss, err := r.versionOf(req)
		if err != nil {
			reply(w, nil, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write([]byte(ss.Schema))
	})
	mux.HandleFunc("GET /schemas/ids/{id}", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(req.PathValue("id"))
		if err != nil {
			reply(w, nil, errSchemaNotFound())
			return
		}
		rs, err := r.Schema(id)
		reply(w, struct {
			SchemaType string                  `json:"schemaType,omitempty"`
			Schema     string                  `json:"schema"`
			References []serde.SchemaReference `json:"references,omitempty"`
		}{rs.Type, rs.Text, rs.References}, err)
	})
	mux.HandleFunc("GET /schemas/ids/{id}/versions", func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.Atoi(req.PathValue("id"))
		if err != nil {
			reply(w, nil, errSchemaNotFound())
			return
		}
		uses, err := r.Usages(id)
		reply(w, uses, err)
	})
	mux.HandleFunc("GET /schemas/types", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, []string{"JSON", "PROTOBUF", "AVRO"})
	})
	mux.HandleFunc("GET /config", func(w http.ResponseWriter, _ *http.Request) { r.getConfig(w, "", false) })
	mux.HandleFunc("GET /config/{subject}", func(w http.ResponseWriter, req *http.Request) {
		r.getConfig(w, req.PathValue("subject"), req.URL.Query().Get("defaultToGlobal") == "true")
	})
	mux.HandleFunc("PUT /config", func(w http.ResponseWriter, req *http.Request) { r.putConfig(w, req, "") })
	mux.HandleFunc("PUT /config/{subject}", func(w http.ResponseWriter, req *http.Request) {
		r.putConfig(w, req, req.PathValue("subject"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, &Error{404, "HTTP 404 Not Found"})
	})
	return mux
}

func (r *Registry) versionOf(req *http.Request) (SubjectSchema, error) {
	v := req.PathValue("version")
	n := -1
	if v != "latest" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return SubjectSchema{}, &Error{42202, "The specified version '" + v + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""}
		}
	}
	return r.Version(req.PathValue("subject"), n)
}

type schemaRequest struct {
	Schema     string                  `json:"schema"`
	SchemaType string                  `json:"schemaType"`
	References []serde.SchemaReference `json:"references"`
}

func (b schemaRequest) registrySchema() serde.RegistrySchema {
	return serde.RegistrySchema{Type: b.SchemaType, Text: b.Schema, References: b.References}
}

func readSchema(req *http.Request) (schemaRequest, error) {
	var body schemaRequest
	if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
		return body, &Error{400, "Unrecognized request body: " + err.Error()}
	}
	if body.Schema == "" {
		return body, &Error{42201, "Empty schema"}
	}
	switch normType(body.SchemaType) {
	case "", "PROTOBUF", "JSON":
	default:
		return body, &Error{42201, "Invalid schema type " + body.SchemaType}
	}
	return body, nil
}

func (r *Registry) handleRegister(w http.ResponseWriter, req *http.Request) {
	body, err := readSchema(req)
	if err != nil {
		reply(w, nil, err)
		return
	}
	id, err := r.RegisterSchemaWithID(req.PathValue("subject"), body.registrySchema(), 0)
	reply(w, map[string]int{"id": id}, err)
}

func (r *Registry) handleLookup(w http.ResponseWriter, req *http.Request) {
	body, err := readSchema(req)
	if err != nil {
		reply(w, nil, err)
		return
	}
	ss, err := r.Lookup(req.PathValue("subject"), body.registrySchema())
	reply(w, ss, err)
}

func (r *Registry) getConfig(w http.ResponseWriter, subject string, defaultToGlobal bool) {
	level, ok := r.Compatibility(subject)
	if !ok && defaultToGlobal {
		level, ok = r.Compatibility("")
	}
	if !ok {
		reply(w, nil, &Error{40408, fmt.Sprintf("Subject '%s' does not have subject-level compatibility configured", subject)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"compatibilityLevel": level})
}

func (r *Registry) putConfig(w http.ResponseWriter, req *http.Request, subject string) {
	var body struct {
		Compatibility string `json:"compatibility"`
	}
	if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
		reply(w, nil, &Error{400, "Unrecognized request body: " + err.Error()})
		return
	}
	err := r.SetCompatibility(subject, body.Compatibility)
	level, _ := r.Compatibility(subject)
	reply(w, map[string]string{"compatibility": level}, err)
}

func reply(w http.ResponseWriter, v any, err error) {
	if err != nil {
		var re *Error
		if !errors.As(err, &re) {
			re = &Error{50001, "Error in the backend data store: " + err.Error()}
		}
		writeJSON(w, re.Status(), re)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Server is the registry served over HTTP.
type Server struct {
	URL  string
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// Serve serves r's API on addr (e.g. "127.0.0.1:0") until Close.
func Serve(r *Registry, addr string, log *slog.Logger) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("schema registry listener: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln, done: make(chan struct{}),
		srv: &http.Server{Handler: r.Handler(), ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
			log.Error("schema registry stopped", "error", err)
		}
	}()
	return s, nil
}

// Close stops serving.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
