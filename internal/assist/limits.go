package assist

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
)

// Limits are the AI rate limits. Each is a sliding window (see package ratelimit).
type Limits struct {
	// PerUser counts every AI call one user makes, in any workspace.
	PerUser ratelimit.Limit
	// PerWorkspace counts every AI call made in one workspace, by anyone (and by the
	// system, for replies categorised during sync).
	PerWorkspace ratelimit.Limit
	// ModelPerWorkspace counts the calls of one workspace that reach a model: it caps the
	// daily spend. Offline answers and categories the certain rules decide do not count.
	ModelPerWorkspace ratelimit.Limit
}

// DefaultLimits are generous for a person at work and tight for a script: drafting for a
// whole campaign one lead at a time takes a few minutes, not a few seconds.
var DefaultLimits = Limits{
	PerUser:           ratelimit.Limit{Count: 20, Per: time.Minute},
	PerWorkspace:      ratelimit.Limit{Count: 60, Per: time.Minute},
	ModelPerWorkspace: ratelimit.Limit{Count: 1000, Per: 24 * time.Hour},
}

func (l Limits) withDefaults() Limits {
	pick := func(v, def ratelimit.Limit) ratelimit.Limit {
		if v.Count == 0 && v.Per == 0 {
			return def
		}
		return ratelimit.Limit{Count: cmp.Or(v.Count, def.Count), Per: cmp.Or(v.Per, def.Per)}
	}
	return Limits{
		PerUser:           pick(l.PerUser, DefaultLimits.PerUser),
		PerWorkspace:      pick(l.PerWorkspace, DefaultLimits.PerWorkspace),
		ModelPerWorkspace: pick(l.ModelPerWorkspace, DefaultLimits.ModelPerWorkspace),
	}
}

// Limit scopes, as named in the details of a 429.
const (
	ScopeUser           = "user"
	ScopeWorkspace      = "workspace"
	ScopeWorkspaceModel = "workspace_model_daily"
)

// allow takes one slot of each limit that applies, in order: the user's, the workspace's,
// then, for a call that reaches a model, the workspace's daily model budget. The short
// windows come first so that a refused call wastes at most a per-minute slot, never a slot
// of the daily budget. userID "" (work the system does on its own) skips the user limit.
func (s *Service) allow(ctx context.Context, ws, userID string, model bool) error {
	type check struct {
		scope, key string
		limit      ratelimit.Limit
	}
	var checks []check
	if userID != "" {
		checks = append(checks, check{ScopeUser, "ai:user:" + userID, s.limits.PerUser})
	}
	checks = append(checks, check{ScopeWorkspace, "ai:workspace:" + ws, s.limits.PerWorkspace})
	if model {
		checks = append(checks, check{ScopeWorkspaceModel, "ai:model:workspace:" + ws, s.limits.ModelPerWorkspace})
	}
	for _, c := range checks {
		res, err := s.limiter.Allow(ctx, c.key, c.limit)
		if err != nil {
			s.env.Log().ErrorContext(ctx, "ai rate limiter failed", "scope", c.scope, "err", err)
			return problem.New(problem.Unavailable, "rate_limiter_unavailable",
				"AI features are paused because the rate limiter is not answering. Try again shortly.")
		}
		if !res.Allowed {
			return limited(c.scope, c.limit, res.RetryAfter)
		}
	}
	return nil
}

func limited(scope string, l ratelimit.Limit, retry time.Duration) *problem.Error {
	who := map[string]string{
		ScopeUser:           "You have made",
		ScopeWorkspace:      "This workspace has made",
		ScopeWorkspaceModel: "This workspace has made",
	}[scope]
	what := "AI requests"
	if scope == ScopeWorkspaceModel {
		what = "AI model requests"
	}
	seconds := int(math.Ceil(retry.Seconds()))
	return &problem.Error{Kind: problem.RateLimited, Code: "rate_limited",
		Message: fmt.Sprintf("%s %d %s in %s, the most allowed. Try again in %d seconds.",
			who, l.Count, what, window(l.Per), seconds),
		RetryAfter: retry,
		Details:    map[string]any{"scope": scope, "limit": l.Count, "windowSeconds": int(l.Per.Seconds())}}
}

// window says a limit's period in words.
func window(d time.Duration) string {
	switch d {
	case time.Minute:
		return "the last minute"
	case time.Hour:
		return "the last hour"
	case 24 * time.Hour:
		return "the last 24 hours"
	}
	return "the last " + d.String()
}
