package config

import (
	"fmt"
	"strings"
	"time"
)

// DefaultShutdownTimeout is how long a stopping server waits for requests
// and background work in flight (a send tick's sends) before it cancels them.
const DefaultShutdownTimeout = 30 * time.Second

// readShutdownTimeout reads LEADBITZ_SHUTDOWN_TIMEOUT (a Go duration: 45s, 2m).
func (c *Config) readShutdownTimeout(getenv func(string) string) error {
	c.ShutdownTimeout = DefaultShutdownTimeout
	v := strings.TrimSpace(getenv("LEADBITZ_SHUTDOWN_TIMEOUT"))
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("LEADBITZ_SHUTDOWN_TIMEOUT: %q is not a positive duration such as 30s or 2m", v)
	}
	c.ShutdownTimeout = d
	return nil
}
