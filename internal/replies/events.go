package replies

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
	"github.com/leadbitz/leadbitz/internal/store"
)

// noteEvents adds the events a stored message reports to the page's:
// email.bounced, email.complained, reply.received, reply.auto_received,
// lead.unsubscribed (a request in a reply) and lead.category_changed. They
// are written with the page (flushEvents), in its transaction.
func (p *pageState) noteEvents(it *item, mt match, row *store.Message, oldCategory string) {
	mailbox := event.Ref{ID: p.t.ID, Name: p.t.Email}
	var campaign *event.Ref
	var lead *event.Lead
	if mt.cl != nil {
		campaign = &event.Ref{ID: mt.cl.CampaignID, Name: mt.cl.Campaign.Name}
		lead = &event.Lead{ID: mt.cl.LeadID, Email: mt.cl.LeadEmail}
	} else if l, ok := p.leadsByAddr[mt.to]; ok && mt.to != "" {
		lead = &event.Lead{ID: l.ID, Email: l.Email}
	}
	email := mt.to
	if lead != nil {
		email = lead.Email
	}
	v := it.verdict
	switch v.Kind {
	case classify.KindBounce:
		if suppresses(v) && !mt.found() {
			return
		}
		p.events = append(p.events, event.Bounced{Campaign: campaign, Mailbox: mailbox, Lead: lead, Email: email,
			Hard: v.Hard, Status: v.Status, Diagnostic: v.Diagnostic})
	case classify.KindComplaint:
		if !mt.found() {
			return
		}
		p.events = append(p.events, event.Complained{Campaign: campaign, Mailbox: mailbox, Lead: lead, Email: email})
	case classify.KindUnsubscribe:
		if !mt.found() {
			return
		}
		p.events = append(p.events, event.Unsubscribed{Campaign: campaign, Lead: lead, Email: email, Source: "reply"})
	case classify.KindReply, classify.KindAutoReply:
		r := event.Reply{Campaign: campaign, Mailbox: mailbox, Lead: lead, ConversationID: row.ConversationID,
			MessageID: row.MessageID, From: row.From, Subject: row.Subject, Snippet: event.Snippet(row.Text)}
		if v.Kind == classify.KindAutoReply {
			r.AutoReply, r.ReturnDate = v.AutoReplyKind, v.ReturnDate
			if r.AutoReply == "" {
				r.AutoReply = "auto"
			}
		} else {
			r.Category, r.Text = it.category.Category, row.Text
		}
		p.events = append(p.events, r)
		if cat := it.category.Category; v.Kind == classify.KindReply && cat != "" && cat != oldCategory {
			p.events = append(p.events, event.CategoryChanged{Campaign: campaign, Lead: lead,
				ConversationID: row.ConversationID, Old: oldCategory, New: cat, By: "ai"})
		}
	}
}

// flushEvents writes the page's events.
func (p *pageState) flushEvents(ctx context.Context) error {
	return event.Record(ctx, p.tx.Queries, p.t.WorkspaceID, p.events...)
}

// categoryBefore is the category of the conversation a message joins
// before it ("" for a new one).
func (p *pageState) categoryBefore(it *item, mt match) string {
	if cs := p.findConversation(it, mt); cs != nil {
		return cs.c.Category
	}
	return ""
}

// leadRefOf is the lead of a conversation, when it has one.
func leadRefOf(c store.Conversation) *event.Lead {
	if c.LeadID == "" {
		return nil
	}
	return &event.Lead{ID: c.LeadID}
}
