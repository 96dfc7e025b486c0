package assist_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/problem"
)

func TestGeneratorErrorsBecomeProblems(t *testing.T) {
	cases := []struct {
		err       error
		kind      problem.Kind
		code      string
		field     string
		tokensRec int64 // prompt tokens recorded for the failed call
	}{
		{fmt.Errorf("%w: a product description is required", ai.ErrInvalidInput), problem.Invalid, "validation_failed", "productDescription", 0},
		{fmt.Errorf("%w: I can't help with that", ai.ErrRefused), problem.Invalid, "ai_refused", "", 7},
		{fmt.Errorf("%w: field \"x\" is missing", ai.ErrInvalidOutput), problem.Unavailable, "ai_invalid_output", "", 7},
		{fmt.Errorf("%w: provider error (HTTP 500) after 2 retries", ai.ErrUnavailable), problem.Unavailable, "ai_unavailable", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			w := newWorld(t, nil)
			usage := ai.Usage{PromptTokens: tc.tokensRec}
			s := w.service(&stub{name: ai.GeneratorOpenAI, err: tc.err, usage: usage}, nil)
			_, err := s.GenerateICP(context.Background(), w.ann, w.meta, assist.GenerateICPInput{ProductDescription: restaurantPayroll})
			p, ok := problem.As(err)
			if !ok || p.Kind != tc.kind || p.Code != tc.code {
				t.Fatalf("err %v (%+v), want kind %d code %s", err, p, tc.kind, tc.code)
			}
			if tc.field != "" && p.Fields[tc.field] != "a product description is required" {
				t.Fatalf("fields %v, want the reason on %s", p.Fields, tc.field)
			}
			if tc.field == "" && (p.Details["reason"] == "" || p.Details["generator"] != ai.GeneratorOpenAI) {
				t.Fatalf("details %v lack the reason and generator", p.Details)
			}
			// Nothing was stored, but tokens spent on a rejected answer are counted.
			if list, _ := s.Profiles(context.Background(), w.wsA, "", 10); len(list) != 0 {
				t.Fatalf("a profile was stored after an error: %+v", list)
			}
			rep, err := s.Usage(context.Background(), w.wsA)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Total.PromptTokens != tc.tokensRec || (tc.tokensRec == 0) != (rep.Total.Requests == 0) {
				t.Fatalf("usage %+v, want %d prompt tokens recorded", rep.Total, tc.tokensRec)
			}
		})
	}
}

func TestSlowProviderIsCutOffAt503(t *testing.T) {
	w := newWorld(t, nil)
	s := w.service(&stub{name: ai.GeneratorOpenAI, hang: true}, func(c *assist.Config) { c.CallTimeout = 150 * time.Millisecond })
	start := time.Now()
	_, err := s.Categorize(context.Background(), w.wsA, w.ann.User.ID, interested)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v with a 150ms bound", d)
	}
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.Unavailable || p.Code != "ai_unavailable" || !strings.Contains(p.Message, "in time") {
		t.Fatalf("err %v, want 503 ai_unavailable saying it took too long", err)
	}
}
