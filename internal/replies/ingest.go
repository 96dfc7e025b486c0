package replies

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Size limits of what a stored message keeps.
const (
	maxSubject = 1000
	maxText    = 256 << 10
	maxHTML    = 1 << 20
)

// pageState is one page's transaction. A page is handled in a few
// statements whatever its size: what it names is read at once (stored
// messages, campaign leads, conversations), each message is then decided
// in order in memory, and the outcome is written at once (conversations,
// messages, suppressions, stops). Decisions read the page's own earlier
// outcomes, so the result is the one message-by-message handling gives.
type pageState struct {
	tx  *store.Tx
	q   store.Scope
	t   store.SyncTarget
	now time.Time

	byMessageID map[string][]store.Message    // stored messages the page names
	targets     map[string]*store.ReplyTarget // campaign leads the page is about
	convByCL    map[string]*convState         // by campaign lead, in this mailbox
	convByID    map[string]*convState         // every conversation the page knows, by id
	convByThr   map[string]*convState         // by provider thread, in this mailbox
	matches     []match                       // per item
	itemConv    []string                      // per item: the conversation it joined
	newConvs    []*store.Conversation         // started by this page
	rows        []*store.Message              // messages to store
	kinds       []string                      // their verdicts, for metrics
	effects                                   // what the messages do to leads
	seen        map[string]bool               // Message-IDs handled in this page
	leadsByAddr map[string]store.Lead         // leads found by address
	events      []event.Data                  // what the page reports (events.go)
}

// convState is a conversation the page adds to.
type convState struct {
	c        store.Conversation
	isNew    bool
	activity *store.Activity // the latest inbound message, for an existing conversation
}

// commitPage stores a page's messages and acts on them in one transaction
// that also moves the cursor from `from` to `to`, so the cursor never runs
// ahead of the messages it covers. It returns how many messages were new
// and how many were skipped (already stored, or our own).
func (s *Service) commitPage(ctx context.Context, t store.SyncTarget, from, to string, items []item) (stored, skipped int, err error) {
	var kinds []string
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		p := &pageState{tx: tx, q: tx.InWorkspace(t.WorkspaceID), t: t, now: s.env.Now(), seen: map[string]bool{}}
		stored, skipped = 0, 0
		if len(items) > 0 {
			if err := p.prefetch(ctx, items); err != nil {
				return err
			}
			todo := p.fresh(items)
			skipped = len(items) - len(todo)
			if err := p.resolve(ctx, todo); err != nil {
				return err
			}
			if err := p.loadConversations(ctx, todo); err != nil {
				return err
			}
			p.itemConv = make([]string, len(todo))
			for i, it := range todo {
				if err := s.ingest(ctx, p, i, it); err != nil {
					return err
				}
			}
			var err error
			if stored, err = p.flush(ctx); err != nil {
				return err
			}
			kinds = p.kinds
		}
		// The cursor moves last, compare-and-set, so the mailbox row is
		// locked only for the commit (the send engine locks it too, after
		// jobs: taking it first would risk a deadlock). A second sync of
		// the same page waits on the first one's messages (unique per
		// mailbox and Message-ID), stores none of them, then finds the
		// cursor moved here and rolls back whatever it did.
		moved, err := p.q.AdvanceSyncCursor(ctx, t.ID, from, to, p.now)
		if err != nil {
			return err
		}
		if !moved {
			return errCursorMoved
		}
		return nil
	})
	if err == nil {
		for _, k := range kinds {
			s.metrics.stored(k)
		}
	}
	return stored, skipped, err
}

// prefetch reads, in one query, every stored message the page names: its
// own Message-IDs (to skip what is stored or ours) and those it answers.
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

// fresh leaves out messages already stored (in any of the workspace's
// mailboxes: one reply copied to two of them is one reply), ours, and
// repeats within the page.
func (p *pageState) fresh(items []item) []*item {
	var todo []*item
	for i := range items {
		it := &items[i]
		if len(p.byMessageID[it.messageID]) > 0 || p.seen[it.messageID] {
			continue
		}
		p.seen[it.messageID] = true
		todo = append(todo, it)
	}
	return todo
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

// ingest decides one message: its conversation, what it does, and its
// stored row.
func (s *Service) ingest(ctx context.Context, p *pageState, i int, it *item) error {
	mt := p.matches[i]
	row := &store.Message{ID: store.NewID(), MailboxID: p.t.ID, Direction: store.DirectionInbound,
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
	oldCategory := p.categoryBefore(it, mt)
	row.ConversationID = p.conversation(it, mt, row.ID)
	p.itemConv[i] = row.ConversationID
	actions, err := s.act(ctx, p, it, mt)
	if err != nil {
		return err
	}
	row.Classification = record(it, mt, actions)
	p.noteEvents(it, mt, row, oldCategory)
	p.rows = append(p.rows, row)
	p.kinds = append(p.kinds, string(it.verdict.Kind))
	return nil
}

// flush writes what the page decided: new conversations, the latest
// activity of the existing ones, the messages, and their effects. It
// returns how many messages were stored. (What the sequence sent before a
// reply joins its conversation through the campaign lead:
// ConversationMessages.)
func (p *pageState) flush(ctx context.Context) (int, error) {
	for _, cs := range p.convByID {
		if cs.isNew {
			p.newConvs = append(p.newConvs, &cs.c)
		}
	}
	slices.SortFunc(p.newConvs, func(a, b *store.Conversation) int { return strings.Compare(a.ID, b.ID) })
	if err := p.q.InsertConversations(ctx, p.newConvs); err != nil {
		return 0, err
	}
	for _, cs := range p.convByID {
		if !cs.isNew && cs.activity != nil {
			if err := p.q.AddToConversation(ctx, cs.c.ID, *cs.activity); err != nil {
				return 0, err
			}
		}
	}
	n, err := p.q.InsertMessages(ctx, p.rows)
	if err != nil {
		return 0, err
	}
	if err := p.flushEffects(ctx); err != nil {
		return 0, err
	}
	if err := p.flushRoutes(ctx); err != nil {
		return 0, err
	}
	return n, p.flushEvents(ctx)
}

// conversation finds or starts the conversation a message joins and notes
// the message's arrival in it.
func (p *pageState) conversation(it *item, mt match, rowID string) string {
	cs := p.findConversation(it, mt)
	if cs == nil {
		c := &store.Conversation{ID: store.NewID(), MailboxID: p.t.ID, LeadID: mt.leadID, ThreadID: it.fetched.ThreadID,
			Subject: clean(it.msg.Subject, maxSubject), LastMessageAt: it.occurredAt}
		if mt.cl != nil {
			c.CampaignID, c.CampaignLeadID = mt.cl.CampaignID, mt.cl.ID
		}
		cs = &convState{c: *c, isNew: true}
		p.register(cs)
	}
	cat, src := it.category.Category, categorySource(it.category)
	if cs.isNew {
		c := &cs.c
		c.LastMessageAt = later(c.LastMessageAt, it.occurredAt)
		c.LastInboundID, c.Unread, c.Category, c.CategorySource = rowID, true, cat, src
		if c.ThreadID == "" {
			c.ThreadID = it.fetched.ThreadID
		}
		return c.ID
	}
	at := it.occurredAt
	if cs.activity != nil {
		at = later(at, cs.activity.At)
	}
	cs.activity = &store.Activity{MessageID: rowID, Inbound: true, ThreadID: it.fetched.ThreadID, At: at,
		Category: cat, CategorySource: src}
	return cs.c.ID
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (p *pageState) findConversation(it *item, mt match) *convState {
	switch {
	case mt.cl != nil:
		return p.convByCL[mt.cl.ID]
	case mt.conversationID != "":
		if cs := p.convByID[mt.conversationID]; cs != nil {
			return cs
		}
	case mt.from > 0:
		return p.convByID[p.itemConv[mt.from-1]] // it answers an earlier message of the page
	}
	if mt.cl == nil && it.fetched.ThreadID != "" {
		cs := p.convByThr[it.fetched.ThreadID]
		if cs != nil && cs.c.LeadID != "" && suppresses(it.verdict) && !mt.found() {
			return nil // a report about none of our messages is an Other, whatever its thread
		}
		return cs
	}
	return nil
}

// register makes a conversation findable by the page's later messages.
func (p *pageState) register(cs *convState) {
	c := &cs.c
	p.convByID[c.ID] = cs
	if c.MailboxID != p.t.ID {
		return // a conversation of another mailbox is joined only by its id
	}
	if c.CampaignLeadID != "" {
		if cur := p.convByCL[c.CampaignLeadID]; cur == nil || cur.c.ID < c.ID {
			p.convByCL[c.CampaignLeadID] = cs
		}
	} else if c.ThreadID != "" {
		if cur := p.convByThr[c.ThreadID]; cur == nil || cur.c.ID < c.ID {
			p.convByThr[c.ThreadID] = cs
		}
	}
}

// Record is what the reply loop keeps about an inbound message (the
// messages.classification column): the classifier's verdict, the category,
// how the message was matched and what was done about it.
type Record struct {
	Verdict         classify.Verdict `json:"verdict"`
	Category        string           `json:"category"`
	CategorySource  string           `json:"categorySource"`
	Confidence      float64          `json:"confidence,omitempty"`
	CategoryReasons []string         `json:"categoryReasons,omitempty"`
	MatchedBy       string           `json:"matchedBy,omitempty"`
	Actions         []string         `json:"actions,omitempty"`
	FromName        string           `json:"fromName,omitempty"`
	// Truncated: the message was larger than LEADBITZ_MAX_INBOUND_BYTES and
	// only its beginning was read; Size is its whole size when the
	// provider reported it.
	Truncated bool  `json:"truncated,omitempty"`
	Size      int64 `json:"size,omitempty"`
}

func record(it *item, mt match, actions []string) string {
	r := Record{Verdict: it.verdict, Category: it.category.Category, CategorySource: categorySource(it.category),
		Confidence: it.category.Confidence, CategoryReasons: it.category.Reasons, MatchedBy: mt.by, Actions: actions,
		FromName: clean(it.msg.From.Name, 200), Truncated: it.fetched.Truncated}
	if r.Truncated {
		r.Size = it.fetched.Size
	}
	b, err := json.Marshal(r)
	if err != nil {
		return "{}"
	}
	return string(b)
}
