// Package config reads the server's settings: a Java-style properties
// file, KSQL_* environment variables and command-line overrides, in that
// order of increasing precedence, as ksqlDB does.
package config

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Well-known keys.
const (
	BootstrapServers   = "bootstrap.servers"
	Listeners          = "listeners"
	ServiceID          = "ksql.service.id"
	StateDir           = "ksql.streams.state.dir"
	QueriesFile        = "ksql.queries.file"
	SchemaRegistryURL  = "ksql.schema.registry.url"
	InternalReplicas   = "ksql.internal.topic.replicas"
	ProcessingGuarante = "ksql.streams.processing.guarantee"
	AutoOffsetReset    = "ksql.streams.auto.offset.reset"
	EmbeddedBrokerPort = "eddy.embedded.broker.port"
)

// Config is a flat property map.
type Config map[string]string

// Defaults returns the embedded defaults.
func Defaults() Config {
	return Config{
		Listeners:          "http://0.0.0.0:8088",
		ServiceID:          "default_",
		StateDir:           "eddy-data",
		EmbeddedBrokerPort: "9092",
	}
}

// Get returns a value or def.
func (c Config) Get(key, def string) string {
	if v, ok := c[key]; ok && v != "" {
		return v
	}
	return def
}

// LoadFile merges a properties file (key=value or key: value lines, #
// and ! comments, backslash line continuations).
func (c Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading config %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var pending string
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if pending != "" {
			line = pending + line
			pending = ""
		}
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			pending = strings.TrimSuffix(line, "\\")
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			return fmt.Errorf("reading config %s line %d: expected key=value", path, n)
		}
		c[strings.TrimSpace(line[:i])] = strings.TrimSpace(line[i+1:])
	}
	return sc.Err()
}

// LoadEnv merges KSQL_* variables: KSQL_KSQL_SERVICE_ID -> ksql.service.id,
// KSQL_BOOTSTRAP_SERVERS -> bootstrap.servers (ksqlDB's docker mapping:
// strip KSQL_, lower-case, '_' -> '.').
func (c Config) LoadEnv(environ []string) {
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "KSQL_") || k == "KSQL_OPTS" || k == "KSQL_HEAP_OPTS" {
			continue
		}
		key := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, "KSQL_"), "_", "."))
		c[key] = v
	}
}

// KsqlProperties returns the ksql.* and streams settings engines expose in
// SHOW PROPERTIES.
func (c Config) KsqlProperties() map[string]string {
	out := map[string]string{}
	for k, v := range c {
		if strings.HasPrefix(k, "ksql.") || k == BootstrapServers {
			out[k] = v
		}
	}
	return out
}
