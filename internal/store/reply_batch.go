package store

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"time"
)

// The queries below let inbox sync handle a page of messages in a few
// statements instead of several per message: a page of a hundred replies
// is a hundred leads to look up, stop and thread at once.

// ReplyTarget is a campaign lead as a reply acts on it: its progress, its
// lead's address and status, and its campaign's reply rules.
type ReplyTarget struct {
	CampaignLead
	LeadEmail  string
	LeadStatus string
	Campaign   ReplySettings
}

// ReplyTargets returns campaign leads by id with their lead and campaign,
// keyed by id; ids that do not exist are left out.
func (s Scope) ReplyTargets(ctx context.Context, ids []string) (map[string]ReplyTarget, error) {
	out := make(map[string]ReplyTarget, len(ids))
	err := paddedChunks(ids, func(part []string) error {
		rows, err := s.query(ctx, `SELECT `+campaignLeadColumns+`, l.email, l.status, k.name, k.stop_on_reply,
			k.stop_on_auto_reply, k.stop_on_company_reply FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id
			JOIN campaigns k ON k.id = cl.campaign_id WHERE cl.workspace_id = ? AND cl.id IN (`+marks(len(part))+`)`,
			append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t ReplyTarget
			if err := scanReplyTarget(rows, &t); err != nil {
				return err
			}
			out[t.ID] = t
		}
		return rows.Err()
	})
	return out, err
}

func scanReplyTarget(rows interface{ Scan(...any) error }, t *ReplyTarget) error {
	var refs string
	var sent, replied sql.NullTime
	c := &t.CampaignLead
	err := rows.Scan(&c.ID, &c.CampaignID, &c.LeadID, &c.MailboxID, &c.Status, &c.StatusReason, &c.LastStepSent,
		&c.ThreadID, &c.FirstMessageID, &c.LastMessageID, &refs, &c.FirstSubject, &sent, &replied, &c.CreatedAt,
		&c.UpdatedAt, &t.LeadEmail, &t.LeadStatus, &t.Campaign.Name, &t.Campaign.StopOnReply,
		&t.Campaign.StopOnAutoReply, &t.Campaign.StopOnCompanyReply)
	c.References = splitRefs(refs)
	c.LastSentAt, c.RepliedAt = timePtr(sent), timePtr(replied)
	return err
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// LatestMessagesOfThreads returns, per provider thread of a mailbox, the
// latest message that belongs to a campaign lead or a conversation.
func (s Scope) LatestMessagesOfThreads(ctx context.Context, mailboxID string, threadIDs []string) (map[string]Message, error) {
	out := map[string]Message{}
	err := paddedChunks(threadIDs, func(part []string) error {
		list, err := s.messages(ctx, `SELECT `+messageColumns+` FROM messages m WHERE `+s.d.notIndexed("m.workspace_id")+` = ?
			AND m.inbox_id = ? AND m.thread_id IN (`+marks(len(part))+`) AND (m.campaign_lead_id IS NOT NULL OR m.conversation_id IS NOT NULL)
			ORDER BY m.occurred_at, m.id`, append([]any{s.ws, mailboxID}, anys(part)...)...)
		for _, m := range list {
			out[m.ThreadID] = m // oldest first: the latest wins
		}
		return err
	})
	return out, err
}

// LatestSentOfThreads returns, per provider thread of a mailbox, the latest
// message the mailbox sent on it: what a report or an unsubscribe request
// that names no Message-ID of ours may still be about.
func (s Scope) LatestSentOfThreads(ctx context.Context, mailboxID string, threadIDs []string) (map[string]Message, error) {
	out := map[string]Message{}
	err := paddedChunks(threadIDs, func(part []string) error {
		list, err := s.messages(ctx, `SELECT `+messageColumns+` FROM messages m WHERE `+s.d.notIndexed("m.workspace_id")+` = ?
			AND m.inbox_id = ? AND m.thread_id IN (`+marks(len(part))+`) AND m.direction = 'outbound'
			ORDER BY m.occurred_at, m.id`, append([]any{s.ws, mailboxID}, anys(part)...)...)
		for _, m := range list {
			out[m.ThreadID] = m // oldest first: the latest wins
		}
		return err
	})
	return out, err
}

// LatestCampaignLeadsInMailbox returns, per lead, the lead's campaign lead
// assigned to a mailbox that was written to last.
func (s Scope) LatestCampaignLeadsInMailbox(ctx context.Context, mailboxID string, leadIDs []string) (map[string]string, error) {
	out := map[string]string{}
	err := paddedChunks(leadIDs, func(part []string) error {
		rows, err := s.query(ctx, `SELECT id, lead_id FROM campaign_leads WHERE workspace_id = ? AND `+s.d.notIndexed("inbox_id")+` = ?
			AND lead_id IN (`+marks(len(part))+`) ORDER BY last_sent_at IS NOT NULL, last_sent_at, id`,
			append([]any{s.ws, mailboxID}, anys(part)...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, lead string
			if err := rows.Scan(&id, &lead); err != nil {
				return err
			}
			out[lead] = id // ordered oldest first: the latest wins
		}
		return rows.Err()
	})
	return out, err
}

// ActiveCampaignLeadsOfLeads lists the active campaign leads of leads, in
// every campaign: whom "stop this person everywhere" stops.
func (s Scope) ActiveCampaignLeadsOfLeads(ctx context.Context, leadIDs []string) ([]CampaignLead, error) {
	var out []CampaignLead
	err := paddedChunks(leadIDs, func(part []string) error {
		rows, err := s.query(ctx, `SELECT `+campaignLeadColumns+` FROM campaign_leads cl WHERE cl.workspace_id = ?
			AND `+s.d.notIndexed("cl.status")+` = 'active' AND cl.lead_id IN (`+marks(len(part))+`) ORDER BY cl.id`,
			append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCampaignLead(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// ConversationsOfCampaignLeads returns, per campaign lead, its latest
// conversation in a mailbox.
func (s Scope) ConversationsOfCampaignLeads(ctx context.Context, mailboxID string, ids []string) (map[string]Conversation, error) {
	return s.conversationsBy(ctx, s.d.notIndexed("c.inbox_id")+` = ? AND c.campaign_lead_id`, mailboxID, ids,
		func(c Conversation) string { return c.CampaignLeadID })
}

// ConversationsOfThreads returns, per provider thread, the latest
// conversation of a mailbox on it.
func (s Scope) ConversationsOfThreads(ctx context.Context, mailboxID string, threadIDs []string) (map[string]Conversation, error) {
	return s.conversationsBy(ctx, `c.inbox_id = ? AND c.thread_id`, mailboxID, threadIDs,
		func(c Conversation) string { return c.ThreadID })
}

// ConversationsByID returns conversations by id.
func (s Scope) ConversationsByID(ctx context.Context, ids []string) (map[string]Conversation, error) {
	return s.conversationsBy(ctx, `c.id`, nil, ids, func(c Conversation) string { return c.ID })
}

func (s Scope) conversationsBy(ctx context.Context, cond string, mailboxID any, values []string, key func(Conversation) string) (map[string]Conversation, error) {
	out := map[string]Conversation{}
	err := paddedChunks(values, func(part []string) error {
		args := []any{s.ws}
		if mailboxID != nil {
			args = append(args, mailboxID)
		}
		rows, err := s.query(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE `+
			s.d.notIndexed("c.workspace_id")+` = ? AND `+cond+` IN (`+marks(len(part))+`) ORDER BY c.id`,
			append(args, anys(part)...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanConversation(rows)
			if err != nil {
				return err
			}
			out[key(c)] = c // ordered oldest first: the latest wins
		}
		return rows.Err()
	})
	return out, err
}

// InsertConversations inserts new conversations in multi-row statements.
func (s Scope) InsertConversations(ctx context.Context, list []*Conversation) error {
	t := s.now()
	err := chunks(list, insertRows, func(part []*Conversation) error {
		args := make([]any, 0, len(part)*15)
		for _, c := range part {
			if c.ID == "" {
				c.ID = NewID()
			}
			c.CreatedAt, c.UpdatedAt = t, t
			args = append(args, c.ID, s.ws, nullString(c.MailboxID), nullString(c.LeadID), nullString(c.CampaignID),
				nullString(c.CampaignLeadID), c.ThreadID, c.Subject, c.Category, c.CategorySource, c.Unread,
				c.LastInboundID, c.LastMessageAt, c.CreatedAt, c.UpdatedAt)
		}
		row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + s.d.timeParam() + ", " + s.d.timeParam() + ", " + s.d.timeParam() + ")"
		_, err := s.exec(ctx, `INSERT INTO conversations (id, workspace_id, inbox_id, lead_id, campaign_id,
			campaign_lead_id, thread_id, subject, category, category_source, unread, last_inbound_id, last_message_at,
			created_at, updated_at) VALUES `+repeatRow(row, len(part)), args...)
		return s.d.translate(err)
	})
	if err != nil {
		return err
	}
	return s.recreditLeads(ctx, conversationLeads(list)) // analytics_counts.go
}

// conversationLeads are the campaign leads of conversations.
func conversationLeads(list []*Conversation) []string {
	var ids []string
	for _, c := range list {
		if c.CampaignLeadID != "" {
			ids = append(ids, c.CampaignLeadID)
		}
	}
	return ids
}

// insertRows is how many rows one multi-row INSERT of the reply loop
// carries. Full chunks share one statement text, which pgx prepares once
// and reuses; a statement of every size would be parsed and planned anew.
const insertRows = 100

// paddedChunks is chunks for id lists that go into "IN (…)": each part is
// padded to a power of two (at least 8) by repeating its last id, which
// changes no result and lets lists of any length share a few statement
// texts that pgx prepares once.
func paddedChunks(items []string, fn func([]string) error) error {
	return chunks(items, batchChunk, func(part []string) error {
		n := 8
		for n < len(part) {
			n *= 2
		}
		if n == len(part) || n > batchChunk {
			return fn(part)
		}
		padded := make([]string, n)
		copy(padded, part)
		for i := len(part); i < n; i++ {
			padded[i] = part[len(part)-1]
		}
		return fn(padded)
	})
}

// InsertMessages stores messages in multi-row statements; one whose
// mailbox already has its Message-ID is skipped. It returns how many were
// inserted.
func (s Scope) InsertMessages(ctx context.Context, list []*Message) (int, error) {
	t := s.now()
	inserted := 0
	err := chunks(list, insertRows, func(part []*Message) error {
		args := make([]any, 0, len(part)*22)
		for _, m := range part {
			if m.ID == "" {
				m.ID = NewID()
			}
			m.CreatedAt = t
			args = append(args, m.ID, s.ws, nullString(m.ConversationID), nullString(m.MailboxID),
				nullString(m.CampaignLeadID), nullString(m.SendJobID), m.Direction, m.MessageID, m.InReplyTo,
				strings.Join(m.References, " "), m.ProviderMessageID, m.ThreadID, m.From, m.To, m.Subject, m.Text, m.HTML,
				orJSON(m.Classification), m.OccurredAt, m.CreatedAt, m.SendStatus, nullString(m.AuthorUserID))
		}
		tp := s.d.timeParam()
		row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + tp + ", " + tp + ", ?, ?)"
		res, err := s.exec(ctx, `INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, campaign_lead_id,
			send_job_id, direction, message_id, in_reply_to, references_ids, provider_message_id, thread_id, from_addr,
			to_addr, subject, text_body, html_body, classification, occurred_at, created_at, send_status, author_user_id)
			VALUES `+repeatRow(row, len(part))+` ON CONFLICT (workspace_id, inbox_id, message_id) DO NOTHING`, args...)
		if err != nil {
			return s.d.translate(err)
		}
		n, err := res.RowsAffected()
		inserted += int(n)
		return err
	})
	return inserted, err
}

// MarkCampaignLeadsReplied records when campaign leads first replied
// (campaign lead id → time); an earlier time is kept.
func (s Scope) MarkCampaignLeadsReplied(ctx context.Context, at map[string]time.Time) error {
	ids, times := idTimesOf(at)
	err := s.eachIDTime(ids, times, func(src string, args []any) error {
		_, err := s.exec(ctx, `UPDATE campaign_leads AS cl SET replied_at = COALESCE(cl.replied_at, v.at), updated_at = ?
			FROM `+src+` WHERE cl.workspace_id = ? AND cl.id = v.row_id`, append(append([]any{s.now()}, args...), s.ws)...)
		return err
	})
	if err != nil {
		return err
	}
	return s.recreditLeads(ctx, ids) // analytics_counts.go
}

// PauseCampaignLeads holds active campaign leads' next steps until a time
// each (campaign lead id → until, an out-of-office's return date): their
// paused_until is set and their pending jobs (scheduled or held) become due
// no earlier than then. The send engine decides a job from its due time, so
// nothing goes before the person is back; the sequence then continues where
// it was.
func (s Scope) PauseCampaignLeads(ctx context.Context, until map[string]time.Time) error {
	ids, times := idTimesOf(until)
	return s.eachIDTime(ids, times, func(src string, args []any) error {
		t := s.now()
		if _, err := s.exec(ctx, `UPDATE campaign_leads AS cl SET paused_until = v.at, updated_at = ?
			FROM `+src+` WHERE cl.workspace_id = ? AND cl.id = v.row_id AND cl.status = 'active'`,
			append(append([]any{t}, args...), s.ws)...); err != nil {
			return err
		}
		_, err := s.exec(ctx, `UPDATE send_jobs AS j SET due_at = CASE WHEN j.due_at < v.at THEN v.at ELSE j.due_at END,
			run_at = CASE WHEN j.run_at < v.at THEN v.at ELSE j.run_at END, defer_reason = 'out_of_office', updated_at = ?
			FROM `+src+` WHERE j.workspace_id = ? AND j.campaign_lead_id = v.row_id
			AND `+s.d.notIndexed("j.status")+` IN ('scheduled', 'held')`, append(append([]any{t}, args...), s.ws)...)
		return err
	})
}

// idTimesOf lists a map's ids in order with their times, for eachIDTime.
func idTimesOf(m map[string]time.Time) (ids []string, times []*time.Time) {
	ids = slices.Sorted(maps.Keys(m))
	times = make([]*time.Time, len(ids))
	for i, id := range ids {
		t := m[id]
		times[i] = &t
	}
	return ids, times
}

// eachIDTime runs an UPDATE … FROM over (id, time) pairs, each row getting
// its own time in one statement instead of a "CASE id WHEN … THEN …" that
// grows with, and is searched for, every row. fn gets the row source
// "v (row_id, at)" (Dialect.idTimes) and its arguments: once on Postgres (two
// arrays), once per chunk of valuesRows on SQLite. A nil time is NULL. Ids
// in order make Postgres lock the rows in id order, as everywhere.
func (s Scope) eachIDTime(ids []string, times []*time.Time, fn func(src string, args []any) error) error {
	if len(ids) == 0 {
		return nil
	}
	if s.d.arrayBatches() {
		utc := make([]*time.Time, len(times))
		for i, t := range times {
			if t != nil {
				u := t.UTC().Truncate(time.Microsecond)
				utc[i] = &u
			}
		}
		return fn(s.d.idTimes(len(ids)), []any{ids, utc})
	}
	return eachChunk(len(ids), func(lo, hi int) error {
		args := make([]any, 0, 2*(hi-lo))
		for i := lo; i < hi; i++ {
			args = append(args, ids[i], times[i])
		}
		return fn(s.d.idTimes(hi-lo), args)
	})
}

// SetLeadsStatus changes the status of active leads (bounced,
// unsubscribed); leads in any other status keep theirs.
func (s Scope) SetLeadsStatus(ctx context.Context, ids []string, status string) error {
	return paddedChunks(ids, func(part []string) error {
		_, err := s.exec(ctx, `UPDATE leads SET status = ?, updated_at = ? WHERE workspace_id = ? AND status = 'active'
			AND id IN (`+marks(len(part))+`)`, append([]any{status, s.now(), s.ws}, anys(part)...)...)
		return err
	})
}
