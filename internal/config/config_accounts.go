package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// readAccountSettings reads the signup limits and the session lifetime.
func (c *Config) readAccountSettings(getenv func(string) string) error {
	c.SignupsPerIPHour, c.SignupsPerHour, c.SessionMaxAge = 20, 200, 30*24*time.Hour
	for _, s := range []struct {
		key string
		to  *int
	}{{"LEADBITZ_SIGNUPS_PER_IP_HOUR", &c.SignupsPerIPHour}, {"LEADBITZ_SIGNUPS_PER_HOUR", &c.SignupsPerHour}} {
		if v := strings.TrimSpace(getenv(s.key)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("%s: %q is not a whole number of signups of at least 1", s.key, v)
			}
			*s.to = n
		}
	}
	if v := strings.TrimSpace(getenv("LEADBITZ_SESSION_MAX_AGE")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return fmt.Errorf("LEADBITZ_SESSION_MAX_AGE: %q is not a duration of at least a minute (e.g. 720h)", v)
		}
		c.SessionMaxAge = d
	}
	return nil
}
