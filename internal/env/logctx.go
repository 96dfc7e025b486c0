package env

import (
	"context"
	"log/slog"
)

// trace is what a context says about the work it carries, for its log lines.
type trace struct {
	requestID, workspaceID, campaignID, jobID string
}

type traceKey struct{}

func traceOf(ctx context.Context) trace {
	t, _ := ctx.Value(traceKey{}).(trace)
	return t
}

func withTrace(ctx context.Context, change func(*trace)) context.Context {
	t := traceOf(ctx)
	change(&t)
	return context.WithValue(ctx, traceKey{}, t)
}

// WithRequestID marks ctx as serving the HTTP request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return withTrace(ctx, func(t *trace) { t.requestID = id })
}

// WithWorkspace marks ctx as working on one workspace's data.
func WithWorkspace(ctx context.Context, id string) context.Context {
	return withTrace(ctx, func(t *trace) { t.workspaceID = id })
}

// WithCampaign marks ctx as working on one campaign.
func WithCampaign(ctx context.Context, id string) context.Context {
	return withTrace(ctx, func(t *trace) { t.campaignID = id })
}

// WithJob marks ctx as working on one send job.
func WithJob(ctx context.Context, id string) context.Context {
	return withTrace(ctx, func(t *trace) { t.jobID = id })
}

// RequestID is the id of the HTTP request ctx serves, or "".
func RequestID(ctx context.Context) string { return traceOf(ctx).requestID }

// LogHandler adds request_id, workspace_id, campaign_id and job_id from the
// context of each record to the lines next writes, so a service logging with
// its request's or job's context is traceable without naming them itself.
// A line that names one of them itself keeps its own value.
func LogHandler(next slog.Handler) slog.Handler { return traceHandler{next} }

type traceHandler struct{ next slog.Handler }

func (h traceHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	t := traceOf(ctx)
	if t == (trace{}) {
		return h.next.Handle(ctx, r)
	}
	named := map[string]bool{}
	r.Attrs(func(a slog.Attr) bool { named[a.Key] = true; return true })
	for _, f := range [...]struct{ key, value string }{
		{"request_id", t.requestID}, {"workspace_id", t.workspaceID},
		{"campaign_id", t.campaignID}, {"job_id", t.jobID},
	} {
		if f.value != "" && !named[f.key] {
			r.AddAttrs(slog.String(f.key, f.value))
		}
	}
	return h.next.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceHandler{h.next.WithAttrs(attrs)}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.next.WithGroup(name)}
}
