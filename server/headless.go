package server

import (
	"context"
	"fmt"
	"os"

	"github.com/eddysql/eddy/server/rest"
)

// runQueriesFile runs a headless server's statements: the whole file is
// validated before anything runs, so a bad statement starts nothing.
func (s *Server) runQueriesFile(ctx context.Context, path string) error {
	sql, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading queries file: %w", err)
	}
	ents, err := s.engine.Execute(ctx, rest.StatementRequest{KSQL: string(sql)})
	if err != nil {
		return fmt.Errorf("queries file %s: %w", path, err)
	}
	s.log.Info("headless mode: queries file applied", "file", path, "statements", len(ents))
	return nil
}
