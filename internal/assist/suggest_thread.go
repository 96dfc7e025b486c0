package assist

import (
	"context"
	"errors"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SuggestForThread proposes a reply to a stored conversation: it gathers
// what Suggest writes from — the thread oldest first, the lead's fields, the
// campaign's ICP and the receiving mailbox's name — so the API and the web
// app ask the same way. Nothing is stored or sent.
func (s *Service) SuggestForThread(ctx context.Context, ws, userID string, t replies.Thread) (ai.Suggestion, error) {
	req := ai.SuggestRequest{Category: t.Category}
	for _, m := range t.Messages {
		body := m.Text
		if body == "" {
			body = m.Preview
		}
		req.Conversation = append(req.Conversation, ai.Message{Inbound: m.Direction == "inbound", From: m.From,
			Subject: m.Subject, Body: body})
	}
	q := s.store.InWorkspace(ws)
	if t.Lead != nil {
		l, err := q.Lead(ctx, t.Lead.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return ai.Suggestion{}, err
		}
		req.Lead = ai.LeadFields{FirstName: l.FirstName, LastName: l.LastName, Company: l.Company, Title: l.Title,
			Website: l.Website}
	}
	if t.Campaign != nil {
		var err error
		if req.ICP, req.ProductDescription, err = s.CampaignICP(ctx, ws, t.Campaign.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return ai.Suggestion{}, err
		}
	}
	if t.MailboxID != "" {
		if mailbox, err := q.Mailbox(ctx, t.MailboxID); err == nil {
			req.SenderName = mailbox.DisplayName
		} else if !errors.Is(err, store.ErrNotFound) {
			return ai.Suggestion{}, err
		}
	}
	return s.Suggest(ctx, ws, userID, req)
}
