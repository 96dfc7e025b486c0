package config

import (
	"strings"
	"testing"
	"time"
)

func TestEventRetention(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.EventRetention != 30*24*time.Hour {
		t.Fatalf("default: %v, %v", c.EventRetention, err)
	}
	c, err = FromEnv(env(map[string]string{"LEADBITZ_EVENT_RETENTION": "168h"}))
	if err != nil || c.EventRetention != 7*24*time.Hour {
		t.Fatalf("168h: %v, %v", c.EventRetention, err)
	}
	for _, v := range []string{"30", "10m", "soon"} {
		if _, err := FromEnv(env(map[string]string{"LEADBITZ_EVENT_RETENTION": v})); err == nil ||
			!strings.Contains(err.Error(), "LEADBITZ_EVENT_RETENTION") {
			t.Errorf("%q: error %v should name the variable", v, err)
		}
	}
}
