package env

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"
)

func TestLogHandlerAddsTheContextsIDs(t *testing.T) {
	tests := []struct {
		name string
		ctx  func(context.Context) context.Context
		args []any
		want map[string]string
	}{
		{"nothing in ctx", func(c context.Context) context.Context { return c }, nil, map[string]string{}},
		{"request", func(c context.Context) context.Context { return WithRequestID(c, "r1") }, nil,
			map[string]string{"request_id": "r1"}},
		{"all four", func(c context.Context) context.Context {
			return WithJob(WithCampaign(WithWorkspace(WithRequestID(c, "r1"), "w1"), "c1"), "j1")
		}, nil, map[string]string{"request_id": "r1", "workspace_id": "w1", "campaign_id": "c1", "job_id": "j1"}},
		{"inner value wins", func(c context.Context) context.Context {
			return WithWorkspace(WithWorkspace(c, "w1"), "w2")
		}, nil, map[string]string{"workspace_id": "w2"}},
		{"the line's own value is kept", func(c context.Context) context.Context { return WithWorkspace(c, "w1") },
			[]any{"workspace_id", "w9"}, map[string]string{"workspace_id": "w9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil)))
			log.InfoContext(tt.ctx(context.Background()), "hello", tt.args...)
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("%s: %v", buf.String(), err)
			}
			for _, k := range []string{"request_id", "workspace_id", "campaign_id", "job_id"} {
				got, _ := line[k].(string)
				if got != tt.want[k] {
					t.Errorf("%s = %q, want %q (line %s)", k, got, tt.want[k], buf.String())
				}
			}
			if bytes.Count(buf.Bytes(), []byte(`"workspace_id"`)) > 1 {
				t.Errorf("workspace_id twice: %s", buf.String())
			}
		})
	}
}

func TestNowIsUTCAtMicroseconds(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.FixedZone("X", 3600))
	got := New(nil, func() time.Time { return at }).Now()
	if want := time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Fatalf("Now() = %v, want %v in UTC", got, want)
	}
}

func TestZeroEnvPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a zero Env's Now did not panic")
		}
	}()
	Env{}.Now()
}
