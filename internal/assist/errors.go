package assist

import (
	"context"
	"errors"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// problemFor maps a generator error to what the user is told. The generators' error text
// never holds the API key or the data sent (package ai promises it), so the reason may be
// shown; it is also logged once here, because the API does not log problems.
func (s *Service) problemFor(ctx context.Context, ws, task, field string, err error) error {
	var p *problem.Error
	switch {
	case errors.Is(err, ai.ErrInvalidInput):
		return problem.InvalidField(field, reason(err, ai.ErrInvalidInput))
	case errors.Is(err, ai.ErrRefused):
		p = &problem.Error{Kind: problem.Invalid, Code: "ai_refused",
			Message: "The AI model declined this request. Change the wording of what you sent and try again."}
	case errors.Is(err, ai.ErrInvalidOutput):
		p = &problem.Error{Kind: problem.Unavailable, Code: "ai_invalid_output",
			Message: "The AI model's answer failed our format and safety checks, so it was discarded. Try again."}
	case errors.Is(err, ai.ErrUnavailable):
		p = &problem.Error{Kind: problem.Unavailable, Code: "ai_unavailable",
			Message: "The AI provider is not answering right now. Try again in a minute."}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			p.Message = "The AI provider did not answer in time. Try again in a minute."
		}
	default:
		return err
	}
	p.Details = map[string]any{"reason": reason(err, nil), "generator": s.gen.Name()}
	s.env.Log().WarnContext(ctx, "ai call failed", "task", task, "workspace_id", ws, "code", p.Code, "err", err)
	return p
}

// reason is the error text without the sentinel's own prefix, capped for display.
func reason(err, sentinel error) string {
	msg := err.Error()
	if sentinel != nil {
		msg = strings.TrimPrefix(msg, sentinel.Error()+": ")
	} else {
		for _, e := range []error{ai.ErrInvalidInput, ai.ErrRefused, ai.ErrInvalidOutput, ai.ErrUnavailable} {
			msg = strings.TrimPrefix(msg, e.Error()+": ")
		}
	}
	return ai.Truncate(msg, 300)
}
