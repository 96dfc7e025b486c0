package assist

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// Categorize sorts one inbound reply into a category, for the replies inbox.
//
// The certain rules (ai.CategorizeByRules: bounces, marked auto-replies, explicit
// unsubscribe requests) answer first and never reach a model; the rest go to the
// generator (the model when one is configured, else the offline classifier). A category a
// person set by hand always wins: do not call Categorize for a conversation that has one,
// and never overwrite it with the answer.
//
// userID is the person who asked, or "" when the system categorises on its own during
// sync; "" skips the per-user limit, the workspace limits still apply. Errors are
// *problem.Error ready for the API: 429 rate_limited (with RetryAfter), 503 ai_unavailable
// or ai_invalid_output, 422 ai_refused. A background caller that must not leave a reply
// uncategorised can fall back to offline.Classify(in), which never fails. Writing the
// category and its audit event (reply.category_set) is the caller's job.
func (s *Service) Categorize(ctx context.Context, ws, userID string, in ai.ReplyInput) (ai.Category, error) {
	_, certain := ai.CategorizeByRules(in)
	c, err := call(ctx, s, ws, userID, TaskCategorize, "body", s.online() && !certain,
		func(ctx context.Context) (ai.Category, error) { return s.gen.Categorize(ctx, in) },
		func(c ai.Category) (string, ai.Usage) { return c.Generator, c.Usage })
	if err != nil {
		return ai.Category{}, err
	}
	if c.Reasons == nil {
		c.Reasons = []string{}
	}
	return c, nil
}

// Suggest proposes the next message of a conversation (req.Conversation oldest first; the
// last inbound message is answered). Leave req.Category empty to have the generator
// categorise first (usage is summed), or pass the stored category, a manual one included.
// Fill req.ICP and req.ProductDescription from CampaignICP for better answers, and
// req.SenderName with the mailbox's display name. Limits, usage and errors are as for
// Categorize; a conversation without an inbound message is 422 on "conversation".
// Nothing is stored or sent.
func (s *Service) Suggest(ctx context.Context, ws, userID string, req ai.SuggestRequest) (ai.Suggestion, error) {
	sug, err := call(ctx, s, ws, userID, TaskSuggest, "conversation", s.online(),
		func(ctx context.Context) (ai.Suggestion, error) { return s.gen.SuggestReply(ctx, req) },
		func(g ai.Suggestion) (string, ai.Usage) { return g.Generator, g.Usage })
	if err != nil {
		return ai.Suggestion{}, err
	}
	if sug.RationaleBullets == nil {
		sug.RationaleBullets = []string{}
	}
	return sug, nil
}

// CampaignICP returns the ICP profile of a campaign and its product description, the
// context Suggest and Draft write from. It returns nil and "" when the campaign has no
// profile, and an error wrapping store.ErrNotFound for a campaign that is not the workspace's.
func (s *Service) CampaignICP(ctx context.Context, ws, campaignID string) (*ai.ICP, string, error) {
	sc := s.store.InWorkspace(ws)
	c, err := sc.Campaign(ctx, campaignID)
	if err != nil || c.ICPProfileID == "" {
		return nil, "", err
	}
	row, err := sc.ICPProfile(ctx, c.ICPProfileID)
	if err != nil {
		return nil, "", err
	}
	p, err := profileOf(row)
	if err != nil {
		return nil, "", err
	}
	return &p.ICP, p.ProductDescription, nil
}
