package replies

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Query is what GET /api/replies filters on.
type Query struct {
	Category   string // one of ai.Categories()
	MailboxID  string
	CampaignID string
	Unread     *bool
	Others     bool   // only mail that matched no lead
	Cursor     string // from the previous page
	Limit      int
}

// Page is one page of conversations; Next is "" on the last one.
type Page struct {
	Items []ConversationView
	Next  string
}

// List returns the workspace's conversations, the most recent activity
// first, each with its latest inbound message, lead and campaign.
func (s *Service) List(ctx context.Context, ws string, q Query) (Page, error) {
	if q.Category != "" && !ai.ValidCategory(q.Category) {
		return Page{}, problem.InvalidField("category", "must be one of "+strings.Join(ai.Categories(), ", "))
	}
	sq := store.ConversationQuery{Category: q.Category, MailboxID: q.MailboxID, CampaignID: q.CampaignID, Unread: q.Unread,
		Others: q.Others, Limit: q.Limit}
	if q.Cursor != "" {
		at, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return Page{}, problem.InvalidField("cursor", "is not a cursor this list returned")
		}
		sq.AfterAt, sq.AfterID = at, id
	}
	rows, err := s.st.InWorkspace(ws).Conversations(ctx, sq)
	if err != nil {
		return Page{}, err
	}
	var p Page
	for i, r := range rows {
		if i == q.Limit {
			last := rows[i-1]
			p.Next = encodeCursor(last.LastMessageAt, last.ID)
			break
		}
		p.Items = append(p.Items, rowView(r))
	}
	return p, nil
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", err
	}
	ts, id, ok := strings.Cut(string(b), "|")
	if !ok || id == "" {
		return time.Time{}, "", errors.New("cursor without an id")
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	return at, id, err
}

// Thread is a conversation with all its messages, oldest first, and where
// the lead's sequence stands.
type Thread struct {
	ConversationView
	Sequence *SequenceState `json:"sequence"` // null when not from a campaign
	Messages []MessageView  `json:"messages"`
}

// SequenceState says where the lead's sequence stands: "stopped: replied",
// or paused by an out-of-office until a date.
type SequenceState struct {
	Status       string     `json:"status"` // active, replied, bounced, unsubscribed, stopped…
	StatusReason string     `json:"statusReason,omitempty"`
	StepsSent    int        `json:"stepsSent"`
	PausedUntil  *time.Time `json:"pausedUntil,omitempty"`
	RepliedAt    *time.Time `json:"repliedAt,omitempty"`
}

// Thread returns a conversation's whole thread, HTML bodies with their
// remote images held back unless loadImages. Reading changes nothing:
// MarkRead clears the unread mark, on a POST of its own.
func (s *Service) Thread(ctx context.Context, ws, id string, loadImages bool) (Thread, error) {
	q := s.st.InWorkspace(ws)
	c, err := q.Conversation(ctx, id)
	if err != nil {
		return Thread{}, err
	}
	return threadOf(ctx, q, c, s.env.Now(), loadImages)
}

// MarkRead clears a conversation's unread mark (POST /api/replies/{id}/read
// and the Replies page's form) and returns the conversation.
func (s *Service) MarkRead(ctx context.Context, ws, id string) (ConversationView, error) {
	q := s.st.InWorkspace(ws)
	if err := q.MarkConversationRead(ctx, id); err != nil {
		return ConversationView{}, err
	}
	c, err := q.Conversation(ctx, id)
	if err != nil {
		return ConversationView{}, err
	}
	return conversationView(c), nil
}

// MarkUnread puts a conversation's unread mark back (the Replies page's
// "Mark unread").
func (s *Service) MarkUnread(ctx context.Context, ws, id string) error {
	return s.st.InWorkspace(ws).MarkConversationUnread(ctx, id)
}

func threadOf(ctx context.Context, q store.Scope, c store.Conversation, now time.Time, loadImages bool) (Thread, error) {
	t := Thread{ConversationView: conversationView(c), Messages: []MessageView{}}
	if c.LeadID != "" {
		l, err := q.Lead(ctx, c.LeadID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return t, err
		}
		if err == nil {
			t.Lead = &LeadBrief{ID: l.ID, Email: l.Email, FirstName: l.FirstName, LastName: l.LastName, Company: l.Company}
		}
	}
	if c.CampaignID != "" {
		set, err := q.CampaignReplySettings(ctx, c.CampaignID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return t, err
		}
		if err == nil {
			t.Campaign = &CampaignBrief{ID: c.CampaignID, Name: set.Name}
		}
	}
	if c.CampaignLeadID != "" {
		cl, err := q.CampaignLead(ctx, c.CampaignLeadID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return t, err
		}
		if err == nil {
			st := &SequenceState{Status: cl.Status, StatusReason: cl.StatusReason, StepsSent: cl.LastStepSent,
				RepliedAt: cl.RepliedAt}
			if cl.Status == store.CampaignLeadActive {
				until, err := q.CampaignLeadPausedUntil(ctx, cl.ID)
				if err != nil {
					return t, err
				}
				if until != nil && until.After(now) {
					st.PausedUntil = until
				}
			}
			t.Sequence = st
		}
	}
	msgs, err := q.ConversationMessages(ctx, c)
	if err != nil {
		return t, err
	}
	for _, m := range msgs {
		v := messageView(m, true, loadImages)
		t.Messages = append(t.Messages, v)
		if m.ID == c.LastInboundID {
			latest := v
			t.LatestMessage = &latest
		}
	}
	return t, nil
}
