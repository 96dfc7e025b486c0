package config

import (
	"fmt"
	"strings"
	"time"
)

// DefaultEventRetention is how long the event feed keeps events.
const DefaultEventRetention = 30 * 24 * time.Hour

// readEventSettings reads LEADBITZ_EVENT_RETENTION: how long events stay in
// the feed (GET /api/events) before the upkeep removes them.
func (c *Config) readEventSettings(getenv func(string) string) error {
	c.EventRetention = DefaultEventRetention
	if v := strings.TrimSpace(getenv("LEADBITZ_EVENT_RETENTION")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Hour {
			return fmt.Errorf("LEADBITZ_EVENT_RETENTION: %q is not a duration of at least an hour (e.g. 720h)", v)
		}
		c.EventRetention = d
	}
	return nil
}
