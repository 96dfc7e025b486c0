package replies

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/mailhtml"
	"github.com/leadbitz/leadbitz/internal/store"
)

// ConversationView is a conversation as GET /api/replies lists it.
type ConversationView struct {
	ID             string         `json:"id"`
	MailboxID      string         `json:"inboxId"`
	Subject        string         `json:"subject"`
	Category       string         `json:"category"` // "" until decided
	CategorySource string         `json:"categorySource"`
	Unread         bool           `json:"unread"`
	LastMessageAt  time.Time      `json:"lastMessageAt"`
	Lead           *LeadBrief     `json:"lead"`     // null for mail that matched no lead ("Others")
	Campaign       *CampaignBrief `json:"campaign"` // null when not from a campaign
	CampaignLeadID string         `json:"campaignLeadId,omitempty"`
	LatestMessage  *MessageView   `json:"latestMessage"` // the latest inbound message
}

// LeadBrief names the person of a conversation.
type LeadBrief struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Company   string `json:"company"`
}

// CampaignBrief names the campaign a conversation came from.
type CampaignBrief struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// MessageView is one message of a thread.
type MessageView struct {
	ID        string `json:"id"`
	Direction string `json:"direction"` // inbound or outbound
	MessageID string `json:"messageId"`
	From      string `json:"from"`
	FromName  string `json:"fromName,omitempty"`
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Text      string `json:"text,omitempty"`
	Preview   string `json:"preview,omitempty"`
	HTML      string `json:"html,omitempty"` // sanitised (mailhtml.Sanitize)
	// HeldImages counts the remote images HTML shows as placeholders
	// (GET /api/replies/{id}?images=1 keeps them).
	HeldImages int       `json:"heldImages,omitempty"`
	OccurredAt time.Time `json:"occurredAt"`
	// Kind is the classifier's verdict (reply, bounce, auto_reply…) and
	// Classification the whole record: reasons, category, what was done.
	Kind           string  `json:"kind,omitempty"`
	Classification *Record `json:"classification,omitempty"`
	// SendStatus is set on replies written in the conversation: queued,
	// sending, sent or failed, with the provider's answer in SendError.
	SendStatus    string     `json:"sendStatus,omitempty"`
	SendError     string     `json:"sendError,omitempty"`
	NextAttemptAt *time.Time `json:"nextAttemptAt,omitempty"`
	Step          bool       `json:"fromSequence,omitempty"` // sent by the campaign's sequence
}

// previewRunes is how much of a message the list shows.
const previewRunes = 200

func conversationView(c store.Conversation) ConversationView {
	return ConversationView{ID: c.ID, MailboxID: c.MailboxID, Subject: c.Subject, Category: c.Category,
		CategorySource: c.CategorySource, Unread: c.Unread, LastMessageAt: c.LastMessageAt,
		CampaignLeadID: c.CampaignLeadID}
}

func rowView(r store.ConversationRow) ConversationView {
	v := conversationView(r.Conversation)
	if r.LeadID != "" {
		v.Lead = &LeadBrief{ID: r.LeadID, Email: r.LeadEmail, FirstName: r.LeadFirstName, LastName: r.LeadLastName,
			Company: r.LeadCompany}
	}
	if r.CampaignID != "" {
		v.Campaign = &CampaignBrief{ID: r.CampaignID, Name: r.CampaignName}
	}
	if r.Latest != nil {
		m := messageView(*r.Latest, false, false)
		m.Preview, m.Text = preview(m.Text), ""
		v.LatestMessage = &m
	}
	return v
}

// messageView turns a stored message into its view; full includes the
// bodies, the HTML sanitised as the Replies page shows it, its remote
// images held back unless loadImages.
func messageView(m store.Message, full, loadImages bool) MessageView {
	v := MessageView{ID: m.ID, Direction: m.Direction, MessageID: m.MessageID, From: m.From, To: m.To,
		Subject: m.Subject, Text: m.Text, OccurredAt: m.OccurredAt, SendStatus: m.SendStatus, SendError: m.SendError,
		Step: m.SendJobID != ""}
	if m.SendStatus == store.SendQueued {
		v.NextAttemptAt = m.NextAttemptAt
	}
	if full && m.HTML != "" {
		v.HTML, v.HeldImages = mailhtml.Sanitize(m.HTML, loadImages)
	}
	if m.Direction == store.DirectionInbound && m.Classification != "" && m.Classification != "{}" {
		var r Record
		if json.Unmarshal([]byte(m.Classification), &r) == nil {
			v.Kind, v.FromName, v.Classification = string(r.Verdict.Kind), r.FromName, &r
		}
	}
	return v
}

// preview is the start of a message's fresh text on one line.
func preview(text string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, ">") || line == "" {
			continue
		}
		if isQuoteHeader(line) {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(line)
		if utf8.RuneCountInString(b.String()) >= previewRunes {
			break
		}
	}
	s := b.String()
	if utf8.RuneCountInString(s) > previewRunes {
		s = string([]rune(s)[:previewRunes-1]) + "…"
	}
	return s
}

// isQuoteHeader spots the line mail programs put above a quoted message
// ("On Mon, 3 Mar 2025, Ann wrote:").
func isQuoteHeader(line string) bool {
	return strings.HasPrefix(line, "On ") && strings.HasSuffix(line, "wrote:") ||
		strings.HasPrefix(line, "-----Original Message-----")
}
