package ai

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestConfigNeverPrintsKey(t *testing.T) {
	const key = "sk-test-SECRET-123"
	c := Config{APIKey: key, Model: "m"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("ai", "config", c)
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), buf.String()} {
		if strings.Contains(s, key) {
			t.Fatalf("API key printed: %s", s)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		in          Config
		wantRetries int
	}{
		{Config{}, DefaultMaxRetries},
		{Config{MaxRetries: -1}, 0},
		{Config{MaxRetries: 3}, 3},
		{Config{MaxRetries: 50}, 5},
	}
	for _, tt := range tests {
		got := tt.in.WithDefaults()
		if got.MaxRetries != tt.wantRetries || got.Model != DefaultModel || got.Timeout != DefaultTimeout {
			t.Errorf("%v.WithDefaults() = %v", tt.in, got)
		}
	}
	if got := (Config{Model: "x", Timeout: time.Second}).WithDefaults(); got.Model != "x" || got.Timeout != time.Second {
		t.Errorf("explicit values overwritten: %v", got)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"OPENAI_API_KEY": " k ", "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_MODEL": "llama3"}
	c := ConfigFromEnv(func(k string) string { return env[k] })
	if c.APIKey != "k" || c.BaseURL != env["OPENAI_BASE_URL"] || c.Model != "llama3" {
		t.Fatalf("ConfigFromEnv = %+v", c)
	}
}
