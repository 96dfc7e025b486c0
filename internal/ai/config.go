package ai

import (
	"cmp"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Defaults for Config.
const (
	// DefaultModel is a current small, inexpensive model that supports structured outputs.
	DefaultModel      = "gpt-5.4-mini"
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 2
	// maxRetriesCap bounds retries so a struggling provider cannot hold a request for long.
	maxRetriesCap = 5
)

// Config selects and configures the AI provider. With an empty APIKey the offline generator
// answers. Config never prints its APIKey (see String and LogValue).
type Config struct {
	APIKey string
	// BaseURL points at any OpenAI-compatible server (Ollama, vLLM, a proxy); empty means
	// OpenAI itself.
	BaseURL string
	// Model defaults to DefaultModel.
	Model string
	// Timeout bounds each attempt; defaults to DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is the number of retries on 429, 5xx and connection errors: 0 means
	// DefaultMaxRetries, a negative value disables retries, values above 5 are capped.
	MaxRetries int
}

// ConfigFromEnv reads OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL (pass os.Getenv).
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		APIKey:  strings.TrimSpace(getenv("OPENAI_API_KEY")),
		BaseURL: strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		Model:   strings.TrimSpace(getenv("OPENAI_MODEL")),
	}
}

// WithDefaults fills unset fields and normalises MaxRetries to the number actually used.
func (c Config) WithDefaults() Config {
	c.Model = cmp.Or(c.Model, DefaultModel)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	case c.MaxRetries > maxRetriesCap:
		c.MaxRetries = maxRetriesCap
	}
	return c
}

// String describes the configuration with the API key redacted.
func (c Config) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("ai.Config{APIKey:%s BaseURL:%q Model:%q Timeout:%s MaxRetries:%d}",
		key, c.BaseURL, c.Model, c.Timeout, c.MaxRetries)
}

// GoString keeps %#v from printing the API key.
func (c Config) GoString() string { return c.String() }

// LogValue keeps slog from printing the API key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("apiKeySet", c.APIKey != ""),
		slog.String("baseURL", c.BaseURL),
		slog.String("model", c.Model),
		slog.Duration("timeout", c.Timeout),
		slog.Int("maxRetries", c.MaxRetries),
	)
}
