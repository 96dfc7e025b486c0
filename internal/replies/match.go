package replies

import (
	"context"
	"slices"

	"github.com/leadbitz/leadbitz/internal/replies/classify"
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
	// sent is set when the message answers one this mailbox sent (by
	// Message-ID or thread), and to is that message's recipient: the one a
	// report or an unsubscribe request acts on (see proven).
	sent bool
	to   string
}

// resolve matches every message of the page to what it answers, most
// certain first: one of our stored messages named by its headers (or an
// earlier message of the same page), then the provider thread, then a lead
// with the sender's address that this mailbox writes to. It reads in a
// handful of queries whatever the page's size.
//
// A bounce, complaint or unsubscribe request suppresses and stops someone,
// so it is matched only to a message this mailbox sent (bySent, byThread):
// anybody can write a "bounce" from a postmaster address listing any
// addresses, but only the recipient of our message and the mail systems on
// its way know its Message-ID (160 random bits: mailmsg.NewMessageID). An
// unsubscribe request may also come from a lead this mailbox has written to
// (proven): the List-Unsubscribe mailto (internal/sending/compose.go) sends
// one that names nothing of ours. Anything else is an Other.
func (p *pageState) resolve(ctx context.Context, todo []*item) error {
	p.matches = make([]match, len(todo))
	pageIndex := make(map[string]int, len(todo))
	for i, it := range todo {
		if suppresses(it.verdict) {
			p.matches[i] = p.bySent(it)
		} else {
			p.matches[i] = p.byHeaders(it, pageIndex)
		}
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
	if err := p.loadTargets(ctx); err != nil {
		return err
	}
	for i, it := range todo {
		if suppresses(it.verdict) && !p.matches[i].proven() {
			p.matches[i] = match{}
		}
	}
	return nil
}

// proven reports whether a report or request is about someone this
// mailbox sent to: it answers one of our messages, or (an unsubscribe
// request) comes from a lead whose campaign in this mailbox has sent.
func (m match) proven() bool {
	return m.sent || m.by == "sender" && m.cl != nil && m.cl.LastSentAt != nil
}

// bySenderToo reports whether a message may be matched by its sender's
// address: replies and automatic answers, and unsubscribe requests (then
// proven decides); never a report, whose From is a mail system.
func bySenderToo(v classify.Verdict) bool {
	return !suppresses(v) || v.Kind == classify.KindUnsubscribe
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

// bySent matches by the Message-IDs a message names, to a message this
// mailbox sent only.
func (p *pageState) bySent(it *item) match {
	for j, id := range candidates(it) {
		for _, m := range p.byMessageID[id] {
			if p.sentHere(m) {
				return sentMatch(matchedBy(it, j), m)
			}
		}
	}
	return match{}
}

// sentHere reports whether a stored message is one this mailbox sent.
func (p *pageState) sentHere(m store.Message) bool {
	return m.Direction == store.DirectionOutbound && m.MailboxID == p.t.ID
}

func sentMatch(by string, m store.Message) match {
	return match{by: by, clID: m.CampaignLeadID, conversationID: m.ConversationID, sent: true, to: normalizeAddr(m.To)}
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

// byThread matches the rest by provider thread id: to the thread's latest
// message, or for reports and unsubscribe requests to the latest message
// this mailbox sent on it.
func (p *pageState) byThread(ctx context.Context, todo []*item) error {
	var threads, sentThreads []string
	for i, it := range todo {
		switch {
		case p.matches[i].found() || it.fetched.ThreadID == "":
		case suppresses(it.verdict):
			sentThreads = append(sentThreads, it.fetched.ThreadID)
		default:
			threads = append(threads, it.fetched.ThreadID)
		}
	}
	found, err := p.q.LatestMessagesOfThreads(ctx, p.t.ID, unique(threads))
	if err != nil {
		return err
	}
	sent, err := p.q.LatestSentOfThreads(ctx, p.t.ID, unique(sentThreads))
	if err != nil {
		return err
	}
	for i, it := range todo {
		if p.matches[i].found() || it.fetched.ThreadID == "" {
			continue
		}
		if suppresses(it.verdict) {
			if m, ok := sent[it.fetched.ThreadID]; ok {
				p.matches[i] = sentMatch("thread", m)
			}
		} else if m, ok := found[it.fetched.ThreadID]; ok {
			p.matches[i] = match{by: "thread", clID: m.CampaignLeadID, conversationID: m.ConversationID}
		}
	}
	return nil
}

// bySender matches the rest by the sender's address, except reports (see
// bySenderToo), and reads the leads of the recipients of our messages that
// reports and requests answer outside any campaign.
func (p *pageState) bySender(ctx context.Context, todo []*item) error {
	var addrs []string
	for i, it := range todo {
		switch mt := p.matches[i]; {
		case mt.sent && mt.clID == "":
			addrs = append(addrs, mt.to)
		case !mt.found() && bySenderToo(it.verdict):
			addrs = append(addrs, sender(it))
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
		if l, ok := p.leadsByAddr[sender(it)]; ok && !p.matches[i].found() && bySenderToo(it.verdict) {
			leadIDs = append(leadIDs, l.ID)
		}
	}
	if len(leadIDs) == 0 {
		return nil
	}
	latest, err := p.q.LatestCampaignLeadsInMailbox(ctx, p.t.ID, unique(leadIDs))
	if err != nil {
		return err
	}
	for i, it := range todo {
		if l, ok := p.leadsByAddr[sender(it)]; ok && !p.matches[i].found() && bySenderToo(it.verdict) {
			p.matches[i] = match{by: "sender", clID: latest[l.ID], leadID: l.ID}
		}
	}
	return nil
}

// sender is the address a message is about when its headers name nothing
// of ours.
func sender(it *item) string { return normalizeAddr(it.msg.From.Address) }

// suppresses reports whether a verdict can write suppressions.
func suppresses(v classify.Verdict) bool {
	switch v.Kind {
	case classify.KindBounce, classify.KindComplaint, classify.KindUnsubscribe:
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
