package assist_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/problem"
)

func TestCategorizeAndSuggestRecordUsage(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	model := &stub{name: ai.GeneratorOpenAI, usage: ai.Usage{PromptTokens: 100, CompletionTokens: 20}}
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	s := w.service(model, func(c *assist.Config) { c.Env = env.New(nil, func() time.Time { return now }) })

	c, err := s.Categorize(ctx, w.wsA, "", interested)
	if err != nil || c.Generator != ai.GeneratorOpenAI || c.Category != ai.CategoryInterested {
		t.Fatalf("category %+v, %v", c, err)
	}
	if c, err := s.Categorize(ctx, w.wsA, w.ann.User.ID, bounce); err != nil || c.Generator != ai.GeneratorRules {
		t.Fatalf("bounce %+v, %v", c, err)
	}
	conv := []ai.Message{{Inbound: false, Body: "Hi Anna, quick question about payroll."}, {Inbound: true, From: interested.From, Body: interested.Body}}
	sug, err := s.Suggest(ctx, w.wsA, w.ann.User.ID, ai.SuggestRequest{Conversation: conv, SenderName: "Ann"})
	if err != nil || sug.Generator != ai.GeneratorOpenAI || !sug.ShouldSend || sug.Body == "" {
		t.Fatalf("suggestion %+v, %v", sug, err)
	}
	_, err = s.Suggest(ctx, w.wsA, w.ann.User.ID, ai.SuggestRequest{Conversation: conv[:1]})
	if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields["conversation"] == "" {
		t.Fatalf("conversation without an inbound message: %v, want 422 on conversation", err)
	}

	rep, err := s.Usage(ctx, w.wsA)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Generator != "openai" || rep.Model != "test-model" || !rep.To.Equal(now) || !rep.From.Equal(now.Add(-30*24*time.Hour)) {
		t.Fatalf("report header %+v", rep)
	}
	want := []assist.TaskUsage{
		{Task: "icp"},
		{Task: "draft"},
		{Task: "categorize", Requests: 2, ModelRequests: 1, PromptTokens: 100, CompletionTokens: 20, TotalTokens: 120},
		{Task: "suggest", Requests: 1, ModelRequests: 1, PromptTokens: 100, CompletionTokens: 20, TotalTokens: 120},
	}
	if len(rep.Tasks) != len(want) {
		t.Fatalf("tasks %+v", rep.Tasks)
	}
	for i := range want {
		if rep.Tasks[i] != want[i] {
			t.Errorf("task %d: %+v, want %+v", i, rep.Tasks[i], want[i])
		}
	}
	if rep.Total.Requests != 3 || rep.Total.TotalTokens != 240 || rep.Limits.PerUser.Count != 20 || rep.Limits.ModelPerWorkspace.WindowSeconds != 86400 {
		t.Fatalf("total %+v limits %+v", rep.Total, rep.Limits)
	}
	if other, err := s.Usage(ctx, w.wsB); err != nil || other.Total.Requests != 0 {
		t.Fatalf("B sees A's usage: %+v, %v", other.Total, err)
	}
}
