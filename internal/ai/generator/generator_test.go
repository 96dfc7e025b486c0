package generator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/leadbitz/leadbitz/internal/ai"
)

func TestNewPicksByKey(t *testing.T) {
	g, err := New(ai.Config{})
	if err != nil || g.Name() != ai.GeneratorOffline {
		t.Fatalf("no key: %v %v", g, err)
	}
	if _, err := New(ai.Config{APIKey: "k", BaseURL: "not a url"}); err == nil {
		t.Fatal("bad base URL accepted")
	}

	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, `{"error":{"message":"down","type":"server_error"}}`, http.StatusInternalServerError)
	}))
	defer srv.Close()
	g, err = New(ai.Config{APIKey: "k", BaseURL: srv.URL, MaxRetries: -1})
	if err != nil || g.Name() != ai.GeneratorOpenAI {
		t.Fatalf("with key: %v %v", g, err)
	}
	// The rules answer a bounce without asking the model.
	c, err := g.Categorize(context.Background(), ai.ReplyInput{From: "MAILER-DAEMON@x.example", Subject: "Undeliverable: hi"})
	if err != nil || c.Category != ai.CategoryBounce || calls.Load() != 0 {
		t.Fatalf("bounce: %+v %v, server calls %d", c, err, calls.Load())
	}
}
