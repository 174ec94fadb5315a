package server

import (
	"fmt"
	"path/filepath"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/eddysql/eddy/executor/serde"
	"github.com/eddysql/eddy/server/config"
	"github.com/eddysql/eddy/server/engine"
	"github.com/eddysql/eddy/server/schemaregistry"
)

// startSchemaRegistry returns the engine option that connects the serdes
// to a schema registry: the one at ksql.schema.registry.url, or else an
// embedded registry persisted under the state dir and served over HTTP on
// loopback (a development registry, like the embedded broker).
func (s *Server) startSchemaRegistry(stateDir string) (engine.Option, error) {
	url := s.cfg.Get(config.SchemaRegistryURL, "")
	if url == "" {
		reg, err := schemaregistry.Open(filepath.Join(stateDir, "schema-registry"))
		if err != nil {
			return nil, err
		}
		srv, err := schemaregistry.Serve(reg, "127.0.0.1:0", s.log)
		if err != nil {
			_ = reg.Close()
			return nil, err
		}
		s.stopRegistry = func() {
			_ = srv.Close()
			_ = reg.Close()
		}
		url = srv.URL
		s.log.Info("started the embedded development schema registry", "url", url)
	}
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		s.closeSchemaRegistry()
		return nil, fmt.Errorf("schema registry client: %w", err)
	}
	s.registryURL = url
	return engine.WithSchemaRegistry(serde.NewSRClient(cl)), nil
}

// SchemaRegistryURL is the URL of the registry the server uses.
func (s *Server) SchemaRegistryURL() string { return s.registryURL }

func (s *Server) closeSchemaRegistry() {
	if s.stopRegistry != nil {
		s.stopRegistry()
		s.stopRegistry = nil
	}
}
