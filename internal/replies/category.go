package replies

import (
	"context"
	"errors"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
	"github.com/leadbitz/leadbitz/internal/store"
)

// rulesCategorizer is a Categorizer of Config.Fallback: rules alone, no
// model, no cost, instant, never an error.
type rulesCategorizer func(ai.ReplyInput) ai.Category

func (f rulesCategorizer) Categorize(_ context.Context, _, _ string, in ai.ReplyInput) (ai.Category, error) {
	return f(in), nil
}

// categorySource is how a category was decided, as conversations record it.
func categorySource(c ai.Category) string {
	if c.Generator == ai.GeneratorOpenAI {
		return store.CategoryAI
	}
	return store.CategoryRules
}

// verdictCategory is the category the inbound verdict settles without any
// model: delivery failures, complaints, unsubscribe requests, absences.
func verdictCategory(v classify.Verdict) (string, bool) {
	switch {
	case v.Kind == classify.KindBounce:
		return ai.CategoryBounce, true
	case v.Kind == classify.KindComplaint, v.Kind == classify.KindUnsubscribe:
		return ai.CategoryUnsubscribe, true
	case v.Kind == classify.KindAutoReply && v.AutoReplyKind == classify.AutoReplyOutOfOffice:
		return ai.CategoryOutOfOffice, true
	}
	return "", false
}

// replyInput is what a categorizer reads of a message: sender, subject,
// body and the headers (first value of each).
func replyInput(m *mailmsg.Inbound, ourLast string) ai.ReplyInput {
	h := make(map[string]string, len(m.Header))
	for _, f := range m.Header {
		k := strings.ToLower(f.Key)
		if _, ok := h[k]; !ok {
			h[k] = f.Value
		}
	}
	from := m.From.Address
	if m.From.Name != "" {
		from = m.From.Name + " <" + m.From.Address + ">"
	}
	return ai.ReplyInput{From: from, Subject: m.Subject, Body: m.Text, Headers: h, OurLastMessage: ourLast}
}

// categorize decides a category: the verdict first, then the categorizer
// c, which runs the certain rules (ai.CategorizeByRules) before anything
// else; the fallback rules when c is nil or fails, so a rate-limited or
// unreachable model never leaves a reply without one.
func (s *Service) categorize(ctx context.Context, c Categorizer, ws, userID string, v classify.Verdict, in ai.ReplyInput) (ai.Category, error) {
	if cat, ok := verdictCategory(v); ok {
		return ai.Category{Category: cat, Confidence: 1, Reasons: v.Reasons, Generator: ai.GeneratorRules}, nil
	}
	if c == nil {
		c = s.fallback
	}
	cat, err := c.Categorize(ctx, ws, userID, in)
	if err == nil && ai.ValidCategory(cat.Category) {
		return cat, nil
	}
	if ctx.Err() != nil {
		return ai.Category{}, ctx.Err()
	}
	fallback, _ := s.fallback.Categorize(ctx, ws, userID, in)
	if err == nil {
		err = errors.New("categorizer answered an unknown category")
	}
	return fallback, err
}
