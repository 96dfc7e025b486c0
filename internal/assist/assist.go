// Package assist is the app's use of AI: it turns workspace data (ICP profiles, leads,
// campaigns, replies) into requests for the ai.Generator, and wraps every call in the same
// rules:
//
//   - rate limits per user and per workspace on every call, and a daily cap per workspace
//     on calls that reach a model (Limits; shared across replicas when the limiter is Redis);
//   - a bound on how long one call may take, retries included (Config.CallTimeout), so a
//     slow provider answers 503 instead of holding the request;
//   - token usage recorded per workspace in ai_usage, for every answer (zero tokens offline);
//   - errors mapped to problems a user can act on: ai.ErrInvalidInput is 422 on the field,
//     ai.ErrRefused is 422 ai_refused (the same input would be refused again),
//     ai.ErrUnavailable is 503 ai_unavailable and ai.ErrInvalidOutput is 503
//     ai_invalid_output (both may work on a retry); rate limits are 429 rate_limited;
//   - audit events for what changes data (icp.created, icp.updated).
//
// HTTP handlers call GenerateICP, Profiles, Profile, PatchProfile, Draft and Usage. The
// replies inbox calls Categorize and Suggest (and CampaignICP for context); see their docs.
package assist

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
)

// DefaultCallTimeout bounds one AI answer, the provider's retries included. It is shorter
// than the time a browser or proxy usually waits, so the user sees a clear 503 instead of a
// dropped connection.
const DefaultCallTimeout = 45 * time.Second

// Tasks, as recorded in ai_usage and reported by Usage.
const (
	TaskICP        = "icp"
	TaskDraft      = "draft"
	TaskCategorize = "categorize"
	TaskSuggest    = "suggest"
)

// Config is what a Service needs. Store, Limiter and Generator are required.
type Config struct {
	Store     *store.Store
	Limiter   ratelimit.Limiter
	Generator ai.Generator
	// Model is the model name recorded with answers that came from it ("" offline).
	Model string
	// Limits: zero fields take the values of DefaultLimits.
	Limits Limits
	// CallTimeout bounds one AI call; zero means DefaultCallTimeout.
	CallTimeout time.Duration
	Env         env.Env // the clock and the logger
}

// Service applies the rules above around an ai.Generator. It is safe for concurrent use.
type Service struct {
	store   *store.Store
	limiter ratelimit.Limiter
	gen     ai.Generator
	model   string
	limits  Limits
	timeout time.Duration
	env     env.Env
}

// New returns a Service for cfg.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, limiter: cfg.Limiter, gen: cfg.Generator, model: cfg.Model,
		limits: cfg.Limits.withDefaults(), timeout: cfg.CallTimeout, env: cfg.Env}
	if s.timeout <= 0 {
		s.timeout = DefaultCallTimeout
	}
	return s
}

// GeneratorName is the generator answering now: "openai" or "offline".
func (s *Service) GeneratorName() string { return s.gen.Name() }

// online reports whether answers may come from a model (and cost tokens).
func (s *Service) online() bool { return s.gen.Name() == ai.GeneratorOpenAI }

// Limits returns the limits in force.
func (s *Service) Limits() Limits { return s.limits }

// audit builds an audit event for a change made by p.
func audit(p account.Principal, m account.Meta, action, targetID string, data map[string]any) store.AuditEvent {
	return store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID,
		Action: action, TargetType: "icp_profile", TargetID: targetID, Data: data, IP: m.IP, RequestID: m.RequestID}
}

// call runs one generator call under the rate limits and the call timeout, records its
// usage and maps its error. field names the request field an ai.ErrInvalidInput is about.
func call[T any](ctx context.Context, s *Service, ws, userID, task, field string, model bool,
	run func(context.Context) (T, error), meta func(T) (generator string, usage ai.Usage)) (T, error) {
	var zero T
	if err := s.allow(ctx, ws, userID, model); err != nil {
		return zero, err
	}
	callCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	out, err := run(callCtx)
	gen, usage := meta(out)
	if err == nil || usage.Total() > 0 {
		// Tokens spent on an answer that was then rejected still cost money.
		s.recordUsage(ctx, ws, userID, task, gen, usage)
	}
	if err != nil {
		return zero, s.problemFor(ctx, ws, task, field, err)
	}
	return out, nil
}
