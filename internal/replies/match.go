package replies

import (
	"context"
	"slices"

	"github.com/leadbitz/leadbitz/internal/inbound"
	"github.com/leadbitz/leadbitz/internal/store"
)

// match is what a message was found to answer.
type match struct {
	by             string             // how: original_message, in_reply_to, references, thread, sender; "" for none
	clID           string             // the campaign lead it is about, if any
	cl             *store.ReplyTarget // that campaign lead, loaded
	leadID         string             // the lead, also when no campaign lead is known
	conversationID string             // the conversation of the message it answers, if any
	inherit        int                // 1 + index of an earlier message of the page it answers, until resolved
	from           int                // 1 + index of the earlier message of the page it answers
}

// resolve matches every message of the page to what it answers, most
// certain first: one of our stored messages named by its headers (or an
// earlier message of the same page), then the provider thread, then a lead
// with the sender's address (the failed recipient's for a bounce or
// complaint) that this mailbox writes to. It reads in a handful of queries
// whatever the page's size.
func (p *pageState) resolve(ctx context.Context, todo []*item) error {
	p.matches = make([]match, len(todo))
	pageIndex := make(map[string]int, len(todo))
	for i, it := range todo {
		p.matches[i] = p.byHeaders(it, pageIndex)
		pageIndex[it.messageID] = i
	}
	if err := p.byThread(ctx, todo); err != nil {
		return err
	}
	if err := p.bySender(ctx, todo); err != nil {
		return err
	}
	for i := range p.matches {
		if k := p.matches[i].inherit; k > 0 {
			m := p.matches[k-1]
			m.by, m.inherit, m.from = p.matches[i].by, 0, k
			p.matches[i] = m
		}
	}
	return p.loadTargets(ctx)
}

// byHeaders matches by the Message-IDs a message names.
func (p *pageState) byHeaders(it *item, pageIndex map[string]int) match {
	for j, id := range candidates(it) {
		for _, m := range p.byMessageID[id] {
			if m.CampaignLeadID != "" || m.ConversationID != "" {
				return match{by: matchedBy(it, j), clID: m.CampaignLeadID, conversationID: m.ConversationID}
			}
		}
		if k, ok := pageIndex[id]; ok {
			return match{by: matchedBy(it, j), inherit: k + 1}
		}
	}
	return match{}
}

func matchedBy(it *item, i int) string {
	if it.verdict.OriginalMessageID != "" {
		if i == 0 {
			return "original_message"
		}
		i--
	}
	if i < len(it.msg.InReplyTo) {
		return "in_reply_to"
	}
	return "references"
}

func (m match) found() bool { return m.by != "" }

// byThread matches the rest by provider thread id.
func (p *pageState) byThread(ctx context.Context, todo []*item) error {
	var threads []string
	for i, it := range todo {
		if !p.matches[i].found() && it.fetched.ThreadID != "" {
			threads = append(threads, it.fetched.ThreadID)
		}
	}
	if len(threads) == 0 {
		return nil
	}
	found, err := p.q.LatestMessagesOfThreads(ctx, p.t.ID, unique(threads))
	if err != nil {
		return err
	}
	for i, it := range todo {
		if m, ok := found[it.fetched.ThreadID]; ok && !p.matches[i].found() && it.fetched.ThreadID != "" {
			p.matches[i] = match{by: "thread", clID: m.CampaignLeadID, conversationID: m.ConversationID}
		}
	}
	return nil
}

// sender is the address a message is about when its headers name nothing
// of ours: the sender, or the failed recipient of a report.
func sender(it *item) string {
	if k := it.verdict.Kind; k == inbound.KindBounce || k == inbound.KindComplaint {
		if len(it.verdict.Recipients) > 0 {
			return normalizeAddr(it.verdict.Recipients[0])
		}
		return ""
	}
	return normalizeAddr(it.msg.From.Address)
}

// bySender matches the rest by address, and reads the leads of every
// address the page's reports and unsubscribe requests name.
func (p *pageState) bySender(ctx context.Context, todo []*item) error {
	var addrs []string
	for i, it := range todo {
		if !p.matches[i].found() {
			addrs = append(addrs, sender(it))
		}
		if suppresses(it.verdict) {
			for _, a := range it.verdict.Recipients {
				addrs = append(addrs, normalizeAddr(a))
			}
		}
	}
	addrs = slices.DeleteFunc(unique(addrs), func(a string) bool { return a == "" })
	if len(addrs) == 0 {
		p.leadsByAddr = map[string]store.Lead{}
		return nil
	}
	var err error
	if p.leadsByAddr, err = p.q.LeadsWithEmails(ctx, addrs); err != nil {
		return err
	}
	var leadIDs []string
	for i, it := range todo {
		if l, ok := p.leadsByAddr[sender(it)]; ok && !p.matches[i].found() {
			leadIDs = append(leadIDs, l.ID)
		}
	}
	if len(leadIDs) == 0 {
		return nil
	}
	latest, err := p.q.LatestCampaignLeadsInInbox(ctx, p.t.ID, unique(leadIDs))
	if err != nil {
		return err
	}
	for i, it := range todo {
		if l, ok := p.leadsByAddr[sender(it)]; ok && !p.matches[i].found() {
			p.matches[i] = match{by: "sender", clID: latest[l.ID], leadID: l.ID}
		}
	}
	return nil
}

// suppresses reports whether a verdict can write suppressions.
func suppresses(v inbound.Verdict) bool {
	switch v.Kind {
	case inbound.KindBounce, inbound.KindComplaint, inbound.KindUnsubscribe:
		return true
	}
	return false
}

// loadTargets reads the conversations named only by id and the campaign
// leads the page is about.
func (p *pageState) loadTargets(ctx context.Context) error {
	p.convByID, p.convByCL, p.convByThr = map[string]*convState{}, map[string]*convState{}, map[string]*convState{}
	var convIDs []string
	for _, m := range p.matches {
		if m.clID == "" && m.conversationID != "" {
			convIDs = append(convIDs, m.conversationID)
		}
	}
	if len(convIDs) > 0 {
		convs, err := p.q.ConversationsByID(ctx, unique(convIDs))
		if err != nil {
			return err
		}
		for _, c := range convs {
			p.register(&convState{c: c})
		}
		for i, m := range p.matches {
			if c, ok := convs[m.conversationID]; ok && m.clID == "" {
				p.matches[i].clID, p.matches[i].leadID = c.CampaignLeadID, c.LeadID
			}
		}
	}
	var ids []string
	for _, m := range p.matches {
		if m.clID != "" {
			ids = append(ids, m.clID)
		}
	}
	targets, err := p.q.ReplyTargets(ctx, unique(ids))
	if err != nil {
		return err
	}
	p.targets = make(map[string]*store.ReplyTarget, len(targets))
	for id, t := range targets {
		p.targets[id] = &t
	}
	for i, m := range p.matches {
		if t := p.targets[m.clID]; t != nil {
			p.matches[i].cl, p.matches[i].leadID = t, t.LeadID
		}
	}
	return nil
}

// loadConversations reads the existing conversations the page's messages
// may join: by campaign lead, and by provider thread for the others.
func (p *pageState) loadConversations(ctx context.Context, todo []*item) error {
	var cls, threads []string
	for i, m := range p.matches {
		if m.cl != nil {
			cls = append(cls, m.cl.ID)
		} else if th := todo[i].fetched.ThreadID; th != "" {
			threads = append(threads, th)
		}
	}
	byCL, err := p.q.ConversationsOfCampaignLeads(ctx, p.t.ID, unique(cls))
	if err != nil {
		return err
	}
	byThread, err := p.q.ConversationsOfThreads(ctx, p.t.ID, unique(threads))
	if err != nil {
		return err
	}
	for _, group := range []map[string]store.Conversation{byCL, byThread} {
		for _, c := range group {
			if p.convByID[c.ID] == nil {
				p.register(&convState{c: c})
			}
		}
	}
	return nil
}

func unique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
