package ai

import (
	"context"
	"fmt"
)

// WithRules wraps a model-backed Generator so Categorize answers from CategorizeByRules when
// the rules are certain and only asks g for the rest, which saves tokens on the many bounces
// and auto-replies a campaign gets. SuggestReply without a category goes through the same
// path. The offline generator already works this way and does not need wrapping.
func WithRules(g Generator) Generator { return rulesFirst{g} }

type rulesFirst struct{ Generator }

func (r rulesFirst) Categorize(ctx context.Context, in ReplyInput) (Category, error) {
	if c, ok := CategorizeByRules(in); ok {
		return c, nil
	}
	return r.Generator.Categorize(ctx, in)
}

func (r rulesFirst) SuggestReply(ctx context.Context, req SuggestRequest) (Suggestion, error) {
	var spent Usage
	if req.Category == "" {
		last, ok := req.LastInbound()
		if !ok {
			return Suggestion{}, fmt.Errorf("%w: the conversation has no inbound message", ErrInvalidInput)
		}
		c, err := r.Categorize(ctx, ReplyInput{From: last.From, Subject: last.Subject, Body: last.Body, Headers: last.Headers})
		if err != nil {
			return Suggestion{}, err
		}
		req.Category, spent = c.Category, c.Usage
	}
	s, err := r.Generator.SuggestReply(ctx, req)
	s.Usage = s.Usage.Add(spent)
	return s, err
}
