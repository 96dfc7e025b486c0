package assist_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
)

// rateLimited asserts err is a 429 problem of the given scope with a usable Retry-After.
func rateLimited(t *testing.T, err error, scope string, maxRetry time.Duration) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.RateLimited || p.Code != "rate_limited" || p.Details["scope"] != scope {
		t.Fatalf("err %v (%+v), want rate_limited for scope %s", err, p, scope)
	}
	if p.RetryAfter <= 0 || p.RetryAfter > maxRetry {
		t.Fatalf("RetryAfter %v, want in (0, %v]", p.RetryAfter, maxRetry)
	}
}

var interested = ai.ReplyInput{From: "anna@acme.example", Subject: "Re: payroll", Body: "Sounds interesting, what does it cost for 3 locations?"}

var bounce = ai.ReplyInput{From: "MAILER-DAEMON@mx.example", Subject: "Undelivered Mail Returned to Sender",
	Body:    "This is the mail system. The following address failed: 550 5.1.1 user unknown",
	Headers: map[string]string{"Content-Type": "multipart/report; report-type=delivery-status", "X-Failed-Recipients": "gone@acme.example"}}

func TestLimits(t *testing.T) {
	for name, newLimiter := range limiters(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("per user, across workspaces", func(t *testing.T) {
				w := newWorld(t, newLimiter(t))
				s := w.service(&stub{}, func(c *assist.Config) {
					c.Limits = assist.Limits{PerUser: ratelimit.Limit{Count: 2, Per: time.Minute}}
				})
				ctx := context.Background()
				for i := range 2 {
					if _, err := s.Categorize(ctx, w.wsA, w.ann.User.ID, interested); err != nil {
						t.Fatalf("call %d: %v", i+1, err)
					}
				}
				// The user limit follows the person into another workspace.
				_, err := s.Categorize(ctx, w.wsB, w.ann.User.ID, interested)
				rateLimited(t, err, assist.ScopeUser, time.Minute)
				// Bob in the same workspace, and the system (no user), are not limited by Ann.
				if _, err := s.Categorize(ctx, w.wsA, w.bob.User.ID, interested); err != nil {
					t.Fatalf("Bob: %v", err)
				}
				if _, err := s.Categorize(ctx, w.wsA, "", interested); err != nil {
					t.Fatalf("system: %v", err)
				}
			})
			t.Run("per workspace, across users", func(t *testing.T) {
				w := newWorld(t, newLimiter(t))
				s := w.service(&stub{}, func(c *assist.Config) {
					c.Limits = assist.Limits{PerWorkspace: ratelimit.Limit{Count: 3, Per: time.Minute}}
				})
				ctx := context.Background()
				for _, user := range []string{w.ann.User.ID, w.bob.User.ID, ""} {
					if _, err := s.Categorize(ctx, w.wsA, user, interested); err != nil {
						t.Fatal(err)
					}
				}
				_, err := s.Categorize(ctx, w.wsA, w.bob.User.ID, interested)
				rateLimited(t, err, assist.ScopeWorkspace, time.Minute)
				if _, err := s.Categorize(ctx, w.wsB, w.carol.User.ID, interested); err != nil {
					t.Fatalf("another workspace is limited by A: %v", err)
				}
			})
			t.Run("daily model budget counts only model calls", func(t *testing.T) {
				w := newWorld(t, newLimiter(t))
				ctx := context.Background()
				limits := assist.Limits{ModelPerWorkspace: ratelimit.Limit{Count: 2, Per: 24 * time.Hour}}
				offline := w.service(&stub{}, func(c *assist.Config) { c.Limits = limits })
				for range 3 {
					if _, err := offline.Categorize(ctx, w.wsA, w.ann.User.ID, interested); err != nil {
						t.Fatalf("offline answers spend no model budget: %v", err)
					}
				}
				model := &stub{name: ai.GeneratorOpenAI, usage: ai.Usage{PromptTokens: 10, CompletionTokens: 2}}
				online := w.service(model, func(c *assist.Config) { c.Limits = limits })
				for range 3 {
					// A bounce is decided by the rules: no model, no budget.
					if c, err := online.Categorize(ctx, w.wsA, w.ann.User.ID, bounce); err != nil || c.Category != ai.CategoryBounce {
						t.Fatalf("bounce: %+v, %v", c, err)
					}
				}
				for range 2 {
					if _, err := online.Categorize(ctx, w.wsA, w.ann.User.ID, interested); err != nil {
						t.Fatal(err)
					}
				}
				calls := model.callCount()
				_, err := online.Draft(ctx, w.bob, assist.DraftInput{})
				if p, ok := problem.As(err); !ok || p.Code != "icp_required" {
					t.Fatalf("draft without a profile: %v", err) // checked before any limit is taken
				}
				_, err = online.Categorize(ctx, w.wsA, w.bob.User.ID, interested)
				rateLimited(t, err, assist.ScopeWorkspaceModel, 24*time.Hour)
				if model.callCount() != calls {
					t.Fatal("the model was called past the daily budget")
				}
			})
		})
	}
}

type failingLimiter struct{ ratelimit.Limiter }

func (failingLimiter) Allow(context.Context, string, ratelimit.Limit) (ratelimit.Result, error) {
	return ratelimit.Result{}, errors.New("redis: connection refused")
}

func TestLimiterOutageRefusesInsteadOfAllowingEverything(t *testing.T) {
	w := newWorld(t, failingLimiter{})
	gen := &stub{}
	_, err := w.service(gen, nil).Categorize(context.Background(), w.wsA, w.ann.User.ID, interested)
	if p, ok := problem.As(err); !ok || p.Kind != problem.Unavailable || p.Code != "rate_limiter_unavailable" {
		t.Fatalf("err %v, want 503 rate_limiter_unavailable", err)
	}
	if gen.callCount() != 0 {
		t.Fatal("the generator ran without a rate-limit decision")
	}
}
