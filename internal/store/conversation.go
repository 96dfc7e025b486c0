package store

import (
	"context"
	"database/sql"
	"time"
)

// Category sources: who set a conversation's category. A manual category
// is never replaced by an automatic one.
const (
	CategoryManual = "manual"
	CategoryRules  = "rules"
	CategoryAI     = "ai"
)

// Conversation is one thread of the Replies page: the messages exchanged
// with one person in one mailbox. LeadID and CampaignLeadID are "" for mail
// that matched none of our messages ("Others").
type Conversation struct {
	ID             string
	MailboxID      string
	LeadID         string
	CampaignID     string
	CampaignLeadID string
	ThreadID       string // the provider's thread id, "" when it has none
	Subject        string
	Category       string
	CategorySource string
	Unread         bool
	LastInboundID  string // messages.id of the latest inbound message
	LastMessageAt  time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const conversationColumns = `c.id, COALESCE(c.inbox_id, ''), COALESCE(c.lead_id, ''), COALESCE(c.campaign_id, ''),
	COALESCE(c.campaign_lead_id, ''), c.thread_id, c.subject, c.category, c.category_source, c.unread,
	c.last_inbound_id, c.last_message_at, c.created_at, c.updated_at`

func scanConversation(row interface{ Scan(...any) error }) (Conversation, error) {
	var c Conversation
	err := row.Scan(&c.ID, &c.MailboxID, &c.LeadID, &c.CampaignID, &c.CampaignLeadID, &c.ThreadID, &c.Subject,
		&c.Category, &c.CategorySource, &c.Unread, &c.LastInboundID, &c.LastMessageAt, &c.CreatedAt, &c.UpdatedAt)
	return c, notFound(err)
}

// CreateConversation inserts a conversation; LastMessageAt is the caller's.
func (s Scope) CreateConversation(ctx context.Context, c *Conversation) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	c.CreatedAt, c.UpdatedAt = s.now(), s.now()
	_, err := s.exec(ctx, `INSERT INTO conversations (id, workspace_id, inbox_id, lead_id, campaign_id, campaign_lead_id,
		thread_id, subject, category, category_source, unread, last_inbound_id, last_message_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, s.ws, nullString(c.MailboxID), nullString(c.LeadID), nullString(c.CampaignID), nullString(c.CampaignLeadID),
		c.ThreadID, c.Subject, c.Category, c.CategorySource, c.Unread, c.LastInboundID, c.LastMessageAt,
		c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return s.d.translate(err)
	}
	return s.recreditLeads(ctx, conversationLeads([]*Conversation{c})) // analytics_counts.go
}

// Conversation returns one conversation of the workspace.
func (s Scope) Conversation(ctx context.Context, id string) (Conversation, error) {
	return scanConversation(s.queryRow(ctx, `SELECT `+conversationColumns+` FROM conversations c
		WHERE c.id = ? AND c.workspace_id = ?`, id, s.ws))
}

// Activity is a message joining a conversation.
type Activity struct {
	MessageID string // messages.id
	Inbound   bool
	ThreadID  string
	At        time.Time
	// Category and CategorySource, when set, are the automatic category of
	// an inbound message; they never replace a manual one.
	Category       string
	CategorySource string
}

// AddToConversation records that a message joined a conversation: the
// latest time only moves forward, an inbound message becomes the one the
// list shows, marks the conversation unread and brings its category (unless
// a person set one), and a thread id is kept once known.
func (s Scope) AddToConversation(ctx context.Context, id string, a Activity) error {
	inboundID := ""
	if a.Inbound {
		inboundID = a.MessageID
	}
	err := s.execOne(ctx, `UPDATE conversations SET
		last_message_at = CASE WHEN last_message_at < ? THEN ? ELSE last_message_at END,
		last_inbound_id = CASE WHEN ? <> '' THEN ? ELSE last_inbound_id END,
		unread = CASE WHEN ? THEN TRUE ELSE unread END,
		thread_id = CASE WHEN thread_id = '' THEN ? ELSE thread_id END,
		category = CASE WHEN ? = '' OR category_source = 'manual' THEN category ELSE ? END,
		category_source = CASE WHEN ? = '' OR category_source = 'manual' THEN category_source ELSE ? END,
		updated_at = ? WHERE id = ? AND workspace_id = ?`,
		a.At, a.At, inboundID, inboundID, a.Inbound, a.ThreadID, a.Category, a.Category, a.Category, a.CategorySource,
		s.now(), id, s.ws)
	if err != nil || a.Category == "" {
		return err
	}
	return s.recreditConversations(ctx, []string{id}) // analytics_counts.go
}

// SetConversationCategory sets the category. An automatic source (rules,
// ai) never replaces a manual category: it reports false then.
func (s Scope) SetConversationCategory(ctx context.Context, id, category, source string) (bool, error) {
	q := `UPDATE conversations SET category = ?, category_source = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`
	if source != CategoryManual {
		q += ` AND category_source <> 'manual'`
	}
	res, err := s.exec(ctx, q, category, source, s.now(), id, s.ws)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	return true, s.recreditConversations(ctx, []string{id}) // analytics_counts.go
}

// MarkConversationRead clears the unread mark.
func (s Scope) MarkConversationRead(ctx context.Context, id string) error {
	return s.execOne(ctx, `UPDATE conversations SET unread = FALSE WHERE id = ? AND workspace_id = ?`, id, s.ws)
}

// ConversationQuery selects conversations for the Replies list, newest
// activity first. The cursor is the last row of the previous page.
type ConversationQuery struct {
	Category   string
	MailboxID  string
	CampaignID string
	Unread     *bool
	Others     bool // only conversations that matched no lead
	AfterAt    time.Time
	AfterID    string
	Limit      int
}

// ConversationRow is a conversation with what the list shows beside it.
type ConversationRow struct {
	Conversation
	LeadEmail, LeadFirstName, LeadLastName, LeadCompany string
	CampaignName                                        string
	Latest                                              *Message // the latest inbound message
}

// Conversations lists conversations, up to Limit+1 so the caller knows
// whether a next page exists.
func (s Scope) Conversations(ctx context.Context, q ConversationQuery) ([]ConversationRow, error) {
	where, args := `c.workspace_id = ?`, []any{s.ws}
	add := func(cond string, v ...any) {
		where += ` AND ` + cond
		args = append(args, v...)
	}
	if q.Category != "" {
		add(`c.category = ?`, q.Category)
	}
	if q.MailboxID != "" {
		add(`c.inbox_id = ?`, q.MailboxID)
	}
	if q.CampaignID != "" {
		add(`c.campaign_id = ?`, q.CampaignID)
	}
	if q.Unread != nil {
		add(`c.unread = ?`, *q.Unread)
	}
	if q.Others {
		add(`c.lead_id IS NULL`)
	}
	if q.AfterID != "" {
		add(`(c.last_message_at < ? OR (c.last_message_at = ? AND c.id < ?))`, q.AfterAt, q.AfterAt, q.AfterID)
	}
	args = append(args, q.Limit+1)
	rows, err := s.query(ctx, `SELECT `+conversationColumns+`, COALESCE(l.email, ''), COALESCE(l.first_name, ''),
		COALESCE(l.last_name, ''), COALESCE(l.company, ''), COALESCE(k.name, ''), m.id, COALESCE(m.message_id, ''),
		COALESCE(m.from_addr, ''), COALESCE(m.to_addr, ''), COALESCE(m.subject, ''), COALESCE(m.text_body, ''),
		COALESCE(m.classification, ''), m.occurred_at
		FROM conversations c
		LEFT JOIN leads l ON l.id = c.lead_id
		LEFT JOIN campaigns k ON k.id = c.campaign_id
		LEFT JOIN messages m ON m.id = c.last_inbound_id
		WHERE `+where+` ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []ConversationRow
	for rows.Next() {
		var r ConversationRow
		c := &r.Conversation
		var mid sql.NullString
		var at sql.NullTime
		var m Message
		if err := rows.Scan(&c.ID, &c.MailboxID, &c.LeadID, &c.CampaignID, &c.CampaignLeadID, &c.ThreadID, &c.Subject,
			&c.Category, &c.CategorySource, &c.Unread, &c.LastInboundID, &c.LastMessageAt, &c.CreatedAt, &c.UpdatedAt,
			&r.LeadEmail, &r.LeadFirstName, &r.LeadLastName, &r.LeadCompany, &r.CampaignName, &mid, &m.MessageID,
			&m.From, &m.To, &m.Subject, &m.Text, &m.Classification, &at); err != nil {
			return nil, err
		}
		if mid.Valid {
			m.ID, m.Direction, m.ConversationID, m.MailboxID = mid.String, DirectionInbound, c.ID, c.MailboxID
			if at.Valid {
				m.OccurredAt = at.Time
			}
			r.Latest = &m
		}
		list = append(list, r)
	}
	return list, rows.Err()
}
