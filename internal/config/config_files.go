package config

import (
	"fmt"
	"os"
	"strings"
)

// secretSettings are the settings that hold a secret. Each may instead be
// given as NAME_FILE, the path of a file holding the value: what Docker and
// Kubernetes secrets mount (/run/secrets/…), so the value never sits in the
// process's environment or in a compose file.
var secretSettings = []string{
	"LEADBITZ_SECRET_KEY",
	"DATABASE_URL",
	"REDIS_URL",
	"CRON_SECRET",
	"LEADBITZ_METRICS_TOKEN",
	"OPENAI_API_KEY",
	"GOOGLE_CLIENT_SECRET",
	"MICROSOFT_CLIENT_SECRET",
}

// withSecretFiles returns a getenv that answers each secret setting from its
// _FILE variant when that is set. Setting both is an error naming both; so
// is a file that cannot be read or is empty. One trailing newline (what
// `echo` and editors add) is dropped. Errors name the setting and the path,
// never the file's content.
func withSecretFiles(getenv func(string) string) (func(string) string, error) {
	fromFiles := map[string]string{}
	for _, key := range secretSettings {
		path := strings.TrimSpace(getenv(key + "_FILE"))
		if path == "" {
			continue
		}
		if strings.TrimSpace(getenv(key)) != "" {
			return nil, fmt.Errorf("%s and %s_FILE are both set: set one of them", key, key)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s_FILE: %w", key, err)
		}
		value := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
		if strings.TrimSpace(value) == "" {
			return nil, fmt.Errorf("%s_FILE: %s is empty", key, path)
		}
		fromFiles[key] = value
	}
	if len(fromFiles) == 0 {
		return getenv, nil
	}
	return func(key string) string {
		if v, ok := fromFiles[key]; ok {
			return v
		}
		return getenv(key)
	}, nil
}
