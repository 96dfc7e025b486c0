package replies

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/leadbitz/leadbitz/internal/inbound"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Size limits of what a stored message keeps.
const (
	maxSubject = 1000
	maxText    = 256 << 10
	maxHTML    = 1 << 20
)

// pageState is one page's transaction with what it has looked up, so a
// page of replies to one campaign reads each campaign, lead and
// conversation once.
type pageState struct {
	tx  *store.Tx
	q   store.Scope
	t   store.SyncTarget
	now time.Time
	// byMessageID holds the stored messages named by the page (its own
	// Message-IDs and every id they reply to), plus the ones stored so far.
	byMessageID   map[string][]store.Message
	campaignLeads map[string]store.CampaignLead
	leads         map[string]store.Lead
	settings      map[string]store.ReplySettings
	convOfCL      map[string]string // campaign lead id → conversation id in this mailbox
}

// commitPage stores a page's messages and acts on them in one transaction
// that first moves the cursor from `from` to `to`, so the cursor never runs
// ahead of the messages it covers. It returns how many messages were new
// and how many were skipped (already stored, or our own).
func (s *Service) commitPage(ctx context.Context, t store.SyncTarget, from, to string, items []item) (stored, skipped int, err error) {
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		stored, skipped = 0, 0
		p := &pageState{tx: tx, q: tx.InWorkspace(t.WorkspaceID), t: t, now: s.clock(),
			campaignLeads: map[string]store.CampaignLead{}, leads: map[string]store.Lead{},
			settings: map[string]store.ReplySettings{}, convOfCL: map[string]string{}}
		moved, err := p.q.AdvanceSyncCursor(ctx, t.ID, from, to, p.now)
		if err != nil {
			return err
		}
		if !moved {
			return errCursorMoved
		}
		if len(items) == 0 {
			return nil
		}
		if err := p.prefetch(ctx, items); err != nil {
			return err
		}
		for i := range items {
			ok, err := s.ingest(ctx, p, &items[i])
			if err != nil {
				return err
			}
			if ok {
				stored++
			} else {
				skipped++
			}
		}
		return nil
	})
	return stored, skipped, err
}

// prefetch reads, in one query, every stored message the page names.
func (p *pageState) prefetch(ctx context.Context, items []item) error {
	var ids []string
	for i := range items {
		ids = append(ids, items[i].messageID)
		ids = append(ids, candidates(&items[i])...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	found, err := p.q.MessagesByMessageID(ctx, ids)
	if err != nil {
		return err
	}
	p.byMessageID = make(map[string][]store.Message, len(found))
	for _, m := range found {
		p.byMessageID[m.MessageID] = append(p.byMessageID[m.MessageID], m)
	}
	return nil
}

// candidates are the Message-IDs a message may answer, most telling first:
// the original a bounce or complaint returns, In-Reply-To, then References
// from the newest.
func candidates(it *item) []string {
	var ids []string
	if it.verdict.OriginalMessageID != "" {
		ids = append(ids, it.verdict.OriginalMessageID)
	}
	ids = append(ids, it.msg.InReplyTo...)
	for i := len(it.msg.References) - 1; i >= 0; i-- {
		ids = append(ids, it.msg.References[i])
	}
	return ids
}

// known reports whether the message is stored already (in any of the
// workspace's mailboxes: one reply copied to two of them is one reply) or
// is one we sent.
func (p *pageState) known(it *item) bool {
	return len(p.byMessageID[it.messageID]) > 0
}

// ingest stores one message in its conversation and acts on it. It
// reports false for a message skipped as already stored or our own.
func (s *Service) ingest(ctx context.Context, p *pageState, it *item) (bool, error) {
	if p.known(it) {
		return false, nil
	}
	mt, err := p.match(ctx, it)
	if err != nil {
		return false, err
	}
	row := store.Message{ID: store.NewID(), InboxID: p.t.ID, Direction: store.DirectionInbound,
		MessageID: it.messageID, References: it.msg.References, ProviderMessageID: it.fetched.ProviderID,
		ThreadID: it.fetched.ThreadID, From: clean(it.msg.From.Address, 320), Subject: clean(it.msg.Subject, maxSubject),
		Text: clean(it.msg.Text, maxText), HTML: clean(it.msg.HTML, maxHTML), OccurredAt: it.occurredAt}
	if len(it.msg.InReplyTo) > 0 {
		row.InReplyTo = it.msg.InReplyTo[0]
	}
	if len(it.msg.To) > 0 {
		row.To = clean(it.msg.To[0].Address, 320)
	}
	if mt.cl != nil {
		row.CampaignLeadID = mt.cl.ID
	}
	if row.ConversationID, err = p.conversation(ctx, it, mt, row.ID); err != nil {
		return false, err
	}
	actions, err := s.act(ctx, p, it, mt)
	if err != nil {
		return false, err
	}
	if mt.cl != nil {
		delete(p.campaignLeads, mt.cl.ID) // its status may have changed
	}
	row.Classification = record(it, mt, actions)
	inserted, err := p.q.InsertMessage(ctx, &row)
	if err != nil || !inserted {
		return false, err
	}
	p.byMessageID[row.MessageID] = append(p.byMessageID[row.MessageID], row)
	return true, nil
}

// match is what a message was found to answer.
type match struct {
	by             string              // how: original_message, in_reply_to, references, thread, sender; "" for none
	cl             *store.CampaignLead // the campaign lead it is about, if any
	leadID         string              // the lead, also when no campaign lead is known
	conversationID string              // the conversation of the message it answers, if any
}

// match finds what a message answers: one of our stored messages named by
// its headers, then the provider thread, then a lead with the sender's (or
// the bounced) address that this mailbox writes to.
func (p *pageState) match(ctx context.Context, it *item) (match, error) {
	for i, id := range candidates(it) {
		for _, m := range p.byMessageID[id] {
			if m.CampaignLeadID == "" && m.ConversationID == "" {
				continue
			}
			return p.matchMessage(ctx, m, matchedBy(it, i))
		}
	}
	if th := it.fetched.ThreadID; th != "" {
		m, err := p.q.MessageOfThread(ctx, p.t.ID, th)
		if err == nil {
			return p.matchMessage(ctx, m, "thread")
		}
		if !errors.Is(err, store.ErrNotFound) {
			return match{}, err
		}
	}
	return p.matchSender(ctx, it)
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

func (p *pageState) matchMessage(ctx context.Context, m store.Message, by string) (match, error) {
	mt := match{by: by, conversationID: m.ConversationID}
	if m.CampaignLeadID == "" && m.ConversationID != "" {
		c, err := p.q.Conversation(ctx, m.ConversationID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return mt, err
		}
		mt.leadID, m.CampaignLeadID = c.LeadID, c.CampaignLeadID
	}
	if m.CampaignLeadID != "" {
		cl, err := p.campaignLead(ctx, m.CampaignLeadID)
		if errors.Is(err, store.ErrNotFound) {
			return mt, nil // the campaign was deleted since
		}
		if err != nil {
			return mt, err
		}
		mt.cl, mt.leadID = &cl, cl.LeadID
	}
	return mt, nil
}

// matchSender matches mail that names none of our messages by address:
// the sender for a reply, the failed recipient for a bounce or complaint.
func (p *pageState) matchSender(ctx context.Context, it *item) (match, error) {
	addr := it.msg.From.Address
	if k := it.verdict.Kind; k == inbound.KindBounce || k == inbound.KindComplaint {
		addr = ""
		if len(it.verdict.Recipients) > 0 {
			addr = it.verdict.Recipients[0]
		}
	}
	lead, err := p.leadByEmail(ctx, addr)
	if errors.Is(err, store.ErrNotFound) {
		return match{}, nil
	}
	if err != nil {
		return match{}, err
	}
	mt := match{by: "sender", leadID: lead.ID}
	cls, err := p.q.CampaignLeadsOfLeadInInbox(ctx, lead.ID, p.t.ID)
	if err != nil || len(cls) == 0 {
		return mt, err
	}
	p.campaignLeads[cls[0].ID] = cls[0]
	mt.cl = &cls[0]
	return mt, nil
}

// conversation finds or starts the conversation a message joins and
// records the message's arrival in it.
func (p *pageState) conversation(ctx context.Context, it *item, mt match, rowID string) (string, error) {
	activity := store.Activity{MessageID: rowID, Inbound: true, ThreadID: it.fetched.ThreadID, At: it.occurredAt,
		Category: it.category.Category, CategorySource: categorySource(it.category)}
	id, err := p.findConversation(ctx, it, mt)
	if err != nil {
		return "", err
	}
	if id != "" {
		return id, p.q.AddToConversation(ctx, id, activity)
	}
	c := store.Conversation{InboxID: p.t.ID, LeadID: mt.leadID, ThreadID: it.fetched.ThreadID,
		Subject: clean(it.msg.Subject, maxSubject), Category: activity.Category, CategorySource: activity.CategorySource,
		Unread: true, LastInboundID: rowID, LastMessageAt: it.occurredAt}
	if mt.cl != nil {
		c.CampaignID, c.CampaignLeadID = mt.cl.CampaignID, mt.cl.ID
	}
	if err := p.q.CreateConversation(ctx, &c); err != nil {
		return "", err
	}
	if mt.cl != nil {
		p.convOfCL[mt.cl.ID] = c.ID
		if err := p.q.AttachCampaignLeadMessages(ctx, mt.cl.ID, c.ID); err != nil {
			return "", err
		}
	}
	return c.ID, nil
}

func (p *pageState) findConversation(ctx context.Context, it *item, mt match) (string, error) {
	var c store.Conversation
	var err error
	switch {
	case mt.cl != nil:
		if id, ok := p.convOfCL[mt.cl.ID]; ok {
			return id, nil
		}
		c, err = p.q.ConversationOfCampaignLead(ctx, p.t.ID, mt.cl.ID)
		if err == nil {
			p.convOfCL[mt.cl.ID] = c.ID
		}
	case mt.conversationID != "":
		return mt.conversationID, nil
	case it.fetched.ThreadID != "":
		c, err = p.q.ConversationOfThread(ctx, p.t.ID, it.fetched.ThreadID)
	default:
		return "", nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return c.ID, err
}

func (p *pageState) campaignLead(ctx context.Context, id string) (store.CampaignLead, error) {
	if cl, ok := p.campaignLeads[id]; ok {
		return cl, nil
	}
	cl, err := p.q.CampaignLead(ctx, id)
	if err == nil {
		p.campaignLeads[id] = cl
	}
	return cl, err
}

func (p *pageState) lead(ctx context.Context, id string) (store.Lead, error) {
	if l, ok := p.leads[id]; ok {
		return l, nil
	}
	l, err := p.q.Lead(ctx, id)
	if err == nil {
		p.leads[id] = l
	}
	return l, err
}

func (p *pageState) leadByEmail(ctx context.Context, addr string) (store.Lead, error) {
	addr = normalizeAddr(addr)
	if addr == "" {
		return store.Lead{}, store.ErrNotFound
	}
	l, err := p.q.LeadByEmail(ctx, addr)
	if err == nil {
		p.leads[l.ID] = l
	}
	return l, err
}

func (p *pageState) replySettings(ctx context.Context, campaignID string) (store.ReplySettings, error) {
	if r, ok := p.settings[campaignID]; ok {
		return r, nil
	}
	r, err := p.q.CampaignReplySettings(ctx, campaignID)
	if err == nil {
		p.settings[campaignID] = r
	}
	return r, err
}

// Record is what the reply loop keeps about an inbound message (the
// messages.classification column): the classifier's verdict, the category,
// how the message was matched and what was done about it.
type Record struct {
	Verdict         inbound.Verdict `json:"verdict"`
	Category        string          `json:"category"`
	CategorySource  string          `json:"categorySource"`
	Confidence      float64         `json:"confidence,omitempty"`
	CategoryReasons []string        `json:"categoryReasons,omitempty"`
	MatchedBy       string          `json:"matchedBy,omitempty"`
	Actions         []string        `json:"actions,omitempty"`
	FromName        string          `json:"fromName,omitempty"`
}

func record(it *item, mt match, actions []string) string {
	r := Record{Verdict: it.verdict, Category: it.category.Category, CategorySource: categorySource(it.category),
		Confidence: it.category.Confidence, CategoryReasons: it.category.Reasons, MatchedBy: mt.by, Actions: actions,
		FromName: clean(it.msg.From.Name, 200)}
	b, err := json.Marshal(r)
	if err != nil {
		return "{}"
	}
	return string(b)
}
