package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every secret setting can come from a file: the value read, one trailing
// newline dropped.
func TestSecretFromFile(t *testing.T) {
	key := "dGhpcnR5LXR3by1ieXRlcy1vZi1rZXktbWF0ZXJpYWwhIQ=="
	field := map[string]func(Config) string{
		"LEADBITZ_SECRET_KEY":     func(c Config) string { return c.SecretKey },
		"DATABASE_URL":            func(c Config) string { return c.DatabaseURL },
		"REDIS_URL":               func(c Config) string { return c.RedisURL },
		"CRON_SECRET":             func(c Config) string { return c.CronSecret },
		"LEADBITZ_METRICS_TOKEN":  func(c Config) string { return c.MetricsToken },
		"OPENAI_API_KEY":          func(c Config) string { return c.OpenAIAPIKey },
		"GOOGLE_CLIENT_SECRET":    func(c Config) string { return c.GoogleClientSecret },
		"MICROSOFT_CLIENT_SECRET": func(c Config) string { return c.MicrosoftClientSecret },
	}
	value := map[string]string{
		"LEADBITZ_SECRET_KEY": key,
		"DATABASE_URL":        "postgres://leadbitz:pw@db:5432/leadbitz",
		"REDIS_URL":           "redis://:pw@redis:6379/0",
	}
	if len(field) != len(secretSettings) {
		t.Fatalf("the test covers %d settings, secretSettings lists %d", len(field), len(secretSettings))
	}
	for _, name := range secretSettings {
		for _, ending := range []string{"", "\n", "\r\n"} {
			t.Run(name+"/"+strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(ending), func(t *testing.T) {
				want := value[name]
				if want == "" {
					want = "s3cret-" + strings.ToLower(name)
				}
				path := filepath.Join(t.TempDir(), "secret")
				if err := os.WriteFile(path, []byte(want+ending), 0o600); err != nil {
					t.Fatal(err)
				}
				get := field[name]
				if get == nil {
					t.Fatalf("no field for %s", name)
				}
				c, err := FromEnv(env(map[string]string{name + "_FILE": path}))
				if err != nil {
					t.Fatal(err)
				}
				if got := get(c); got != want {
					t.Fatalf("%s from a file = %q, want %q", name, got, want)
				}
			})
		}
	}
}

func TestSecretFileErrors(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "token")
	if err := os.WriteFile(full, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		env  map[string]string
		want []string // every one in the error
	}{
		{"both set", map[string]string{"CRON_SECRET": "inline", "CRON_SECRET_FILE": full},
			[]string{"CRON_SECRET and CRON_SECRET_FILE are both set"}},
		{"missing file", map[string]string{"OPENAI_API_KEY_FILE": filepath.Join(dir, "nope")},
			[]string{"OPENAI_API_KEY_FILE", "nope"}},
		{"empty file", map[string]string{"LEADBITZ_METRICS_TOKEN_FILE": empty},
			[]string{"LEADBITZ_METRICS_TOKEN_FILE", "is empty"}},
		{"a directory", map[string]string{"REDIS_URL_FILE": dir},
			[]string{"REDIS_URL_FILE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromEnv(env(c.env))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "inline") {
				t.Errorf("error %q shows a secret", err)
			}
		})
	}
}
