package openai

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// GenerateICP asks the model for a profile and validates it.
func (g *Generator) GenerateICP(ctx context.Context, req ai.ICPRequest) (ai.ICPResult, error) {
	if strings.TrimSpace(req.ProductDescription) == "" {
		return ai.ICPResult{}, fmt.Errorf("%w: a product description is required", ai.ErrInvalidInput)
	}
	var icp ai.ICP
	usage, err := g.complete(ctx, icpTask(req), &icp)
	res := ai.ICPResult{Generator: ai.GeneratorOpenAI, Usage: usage}
	if err != nil {
		return res, err
	}
	if err := validateICP(icp, req); err != nil {
		return res, err
	}
	res.ICP = icp
	return res, nil
}

// Draft asks the model for one email and validates it.
func (g *Generator) Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error) {
	if req.ICP == nil && strings.TrimSpace(req.ProductDescription) == "" {
		return ai.Draft{}, fmt.Errorf("%w: drafting needs an ICP or a product description", ai.ErrInvalidInput)
	}
	var out struct {
		Subject          string   `json:"subject"`
		Body             string   `json:"body"`
		RationaleBullets []string `json:"rationaleBullets"`
	}
	usage, err := g.complete(ctx, draftTask(req), &out)
	d := ai.Draft{Subject: strings.TrimSpace(out.Subject), Body: strings.TrimSpace(out.Body), RationaleBullets: out.RationaleBullets, Generator: ai.GeneratorOpenAI, Usage: usage}
	if err != nil {
		return ai.Draft{Generator: ai.GeneratorOpenAI, Usage: usage}, err
	}
	if err := validateDraft(d, req); err != nil {
		return ai.Draft{Generator: ai.GeneratorOpenAI, Usage: usage}, err
	}
	return d, nil
}

// Categorize asks the model for the category of every reply; see ai.WithRules.
func (g *Generator) Categorize(ctx context.Context, in ai.ReplyInput) (ai.Category, error) {
	var out struct {
		Category   string   `json:"category"`
		Confidence float64  `json:"confidence"`
		Reasons    []string `json:"reasons"`
	}
	usage, err := g.complete(ctx, categorizeTask(in), &out)
	c := ai.Category{Category: out.Category, Confidence: out.Confidence, Reasons: out.Reasons, Generator: ai.GeneratorOpenAI, Usage: usage}
	if err != nil {
		return ai.Category{Generator: ai.GeneratorOpenAI, Usage: usage}, err
	}
	if err := validateCategory(c); err != nil {
		return ai.Category{Generator: ai.GeneratorOpenAI, Usage: usage}, err
	}
	return c, nil
}

// SuggestReply asks the model for the next message. Without a category it categorises the
// last inbound message first (one more request; usage is summed).
func (g *Generator) SuggestReply(ctx context.Context, req ai.SuggestRequest) (ai.Suggestion, error) {
	last, ok := req.LastInbound()
	if !ok {
		return ai.Suggestion{}, fmt.Errorf("%w: the conversation has no inbound message", ai.ErrInvalidInput)
	}
	var spent ai.Usage
	category := req.Category
	if category == "" {
		c, err := g.Categorize(ctx, ai.ReplyInput{From: last.From, Subject: last.Subject, Body: last.Body, Headers: last.Headers})
		if err != nil {
			return ai.Suggestion{Generator: ai.GeneratorOpenAI, Usage: c.Usage}, err
		}
		category, spent = c.Category, c.Usage
	}
	if !ai.ValidCategory(category) {
		return ai.Suggestion{}, fmt.Errorf("%w: unknown category %q", ai.ErrInvalidInput, category)
	}
	var out struct {
		ShouldSend       bool     `json:"shouldSend"`
		Body             string   `json:"body"`
		Note             string   `json:"note"`
		RationaleBullets []string `json:"rationaleBullets"`
	}
	usage, err := g.complete(ctx, suggestTask(req, category), &out)
	usage = usage.Add(spent)
	if err != nil {
		return ai.Suggestion{Generator: ai.GeneratorOpenAI, Usage: usage}, err
	}
	s := ai.Suggestion{
		Category: category, ShouldSend: out.ShouldSend, Body: strings.TrimSpace(out.Body), Note: strings.TrimSpace(out.Note),
		RationaleBullets: out.RationaleBullets, Generator: ai.GeneratorOpenAI, Usage: usage,
	}
	if s.ShouldSend {
		s.Subject = replySubject(last.Subject)
	}
	if err := validateSuggestion(s, req); err != nil {
		return ai.Suggestion{Generator: ai.GeneratorOpenAI, Usage: usage}, err
	}
	return s, nil
}

// replySubject is "Re: " and the subject without earlier reply prefixes.
func replySubject(subject string) string {
	s := oneLine(ai.Clean(subject, ai.MaxFieldRunes))
	for {
		lower := strings.ToLower(s)
		trimmed := false
		for _, p := range []string{"re:", "aw:", "sv:", "fwd:", "fw:", "wg:"} {
			if strings.HasPrefix(lower, p) {
				s, trimmed = strings.TrimSpace(s[len(p):]), true
				break
			}
		}
		if !trimmed {
			break
		}
	}
	if s == "" {
		return ""
	}
	return "Re: " + s
}
