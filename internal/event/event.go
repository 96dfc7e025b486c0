// Package event is the one home of the events Leadbitz reports to
// webhooks and the event feed (docs/webhooks.md): their types, the shape of
// each one's data, and Record, which writes them to the events outbox in
// the transaction of the change they report.
//
// An event exists if and only if its change committed: callers pass the
// Queries of the transaction that makes the change, never the Store.
package event

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// APIVersion is the version of the envelope and data shapes. A field may
// be added within a version; a field removed or changed is a new version.
const APIVersion = "2026-12-01"

// Type names an event ("email.sent").
type Type string

// The event types.
const (
	EmailSent            Type = "email.sent"
	EmailBounced         Type = "email.bounced"
	EmailComplained      Type = "email.complained"
	ReplyReceived        Type = "reply.received"
	ReplyAutoReceived    Type = "reply.auto_received"
	LeadCategoryChanged  Type = "lead.category_changed"
	LeadUnsubscribed     Type = "lead.unsubscribed"
	LeadSuppressed       Type = "lead.suppressed"
	LeadSequenceFinished Type = "lead.sequence_finished"
	LeadRouteEntered     Type = "lead.route_entered"
	CampaignLaunched     Type = "campaign.launched"
	CampaignPaused       Type = "campaign.paused"
	CampaignResumed      Type = "campaign.resumed"
	CampaignCompleted    Type = "campaign.completed"
	MailboxConnected     Type = "mailbox.connected"
	MailboxDisconnected  Type = "mailbox.disconnected"
	MailboxLimitReached  Type = "mailbox.limit_reached"
	ImportCompleted      Type = "import.completed"
	WebhookTest          Type = "webhook.test"
)

// Types are the types a subscription may name, in the order the docs list
// them. (webhook.test is sent only by "send a test" and is not listed.)
var Types = []Type{EmailSent, EmailBounced, EmailComplained, ReplyReceived, ReplyAutoReceived,
	LeadCategoryChanged, LeadUnsubscribed, LeadSuppressed, LeadSequenceFinished, LeadRouteEntered, CampaignLaunched,
	CampaignPaused, CampaignResumed, CampaignCompleted, MailboxConnected, MailboxDisconnected,
	MailboxLimitReached, ImportCompleted}

// Known reports whether t is a type a subscription or the feed may name.
func Known(t string) bool {
	for _, k := range Types {
		if string(k) == t {
			return true
		}
	}
	return false
}

// Data is the data object of one event type.
type Data interface {
	// EventType is the event's type.
	EventType() Type
	// campaignID is the campaign the event is about ("" none), by which
	// subscriptions filter.
	campaignID() string
}

// Ref names an object: its id and its name (a campaign's name, a mailbox's
// address).
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Lead is the lead an event is about. Callers name it by ID (and Email);
// Record fills in the rest from the lead as the transaction sees it, so
// every lead-carrying event holds the lead with its custom fields as they
// were when it happened.
type Lead struct {
	ID          string            `json:"id"`
	Email       string            `json:"email"`
	FirstName   string            `json:"firstName,omitempty"`
	LastName    string            `json:"lastName,omitempty"`
	Company     string            `json:"company,omitempty"`
	Title       string            `json:"title,omitempty"`
	Website     string            `json:"website,omitempty"`
	LinkedinURL string            `json:"linkedinUrl,omitempty"`
	Phone       string            `json:"phone,omitempty"`
	Timezone    string            `json:"timezone,omitempty"`
	Country     string            `json:"country,omitempty"`
	Status      string            `json:"status,omitempty"`
	Custom      map[string]string `json:"custom,omitempty"`
	full        bool              // made by LeadOf: Record need not read the lead
}

// LeadOf is the full lead of l. A caller that holds the lead (the send
// engine has it from its claim) passes it so, and Record does not read it
// again.
func LeadOf(l store.Lead) Lead {
	return Lead{ID: l.ID, Email: l.Email, FirstName: l.FirstName, LastName: l.LastName, Company: l.Company,
		Title: l.Title, Website: l.Website, LinkedinURL: l.LinkedinURL, Phone: l.Phone, Timezone: l.Timezone,
		Country: l.Country, Status: l.Status, Custom: l.Custom, full: true}
}

// leadToRead is the lead an event's data names and Record must read
// ("" for none, or one given whole with LeadOf).
func leadToRead(d Data) string {
	if l := leadIn(d); l != nil && !l.full {
		return l.ID
	}
	return ""
}

// leadIn is the lead an event's data names (nil for none).
func leadIn(d Data) *Lead {
	var l *Lead
	switch x := d.(type) {
	case Sent:
		l = &x.Lead
	case SequenceFinished:
		l = &x.Lead
	case RouteEntered:
		l = &x.Lead
	case Bounced:
		l = x.Lead
	case Complained:
		l = x.Lead
	case Reply:
		l = x.Lead
	case CategoryChanged:
		l = x.Lead
	case Unsubscribed:
		l = x.Lead
	}
	return l
}

// withLead is d with its lead replaced by l.
func withLead(d Data, l Lead) Data {
	switch x := d.(type) {
	case Sent:
		x.Lead = l
		return x
	case SequenceFinished:
		x.Lead = l
		return x
	case RouteEntered:
		x.Lead = l
		return x
	case Bounced:
		x.Lead = &l
		return x
	case Complained:
		x.Lead = &l
		return x
	case Reply:
		x.Lead = &l
		return x
	case CategoryChanged:
		x.Lead = &l
		return x
	case Unsubscribed:
		x.Lead = &l
		return x
	}
	return d
}

// withLeads fills the leads data names from the store, in one query.
func withLeads(ctx context.Context, q store.Queries, ws string, data []Data) ([]Data, error) {
	var ids []string
	for _, d := range data {
		if id := leadToRead(d); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return data, nil
	}
	leads, err := q.InWorkspace(ws).LeadsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Data, len(data))
	for i, d := range data {
		out[i] = d
		if l, ok := leads[leadToRead(d)]; ok {
			out[i] = withLead(d, LeadOf(l))
		}
	}
	return out, nil
}

// Sent is email.sent: a step of a sequence went out.
type Sent struct {
	Campaign        Ref    `json:"campaign"`
	Step            int    `json:"step"`
	Variant         string `json:"variant"`
	Mailbox         Ref    `json:"mailbox"`
	Lead            Lead   `json:"lead"`
	FirstInSequence bool   `json:"firstInSequence"`
	MessageID       string `json:"messageId"`
	Subject         string `json:"subject"`
}

// Bounced is email.bounced.
type Bounced struct {
	Campaign   *Ref   `json:"campaign,omitempty"`
	Mailbox    Ref    `json:"mailbox"`
	Lead       *Lead  `json:"lead,omitempty"`
	Email      string `json:"email"`
	Hard       bool   `json:"hard"`
	Status     string `json:"status,omitempty"`
	Diagnostic string `json:"diagnostic,omitempty"`
}

// Complained is email.complained: a spam complaint came back.
type Complained struct {
	Campaign *Ref   `json:"campaign,omitempty"`
	Mailbox  Ref    `json:"mailbox"`
	Lead     *Lead  `json:"lead,omitempty"`
	Email    string `json:"email"`
}

// Reply is reply.received (a person's reply) and reply.auto_received (an
// automatic one: AutoReply is set).
type Reply struct {
	Campaign       *Ref       `json:"campaign,omitempty"`
	Mailbox        Ref        `json:"mailbox"`
	Lead           *Lead      `json:"lead,omitempty"`
	ConversationID string     `json:"conversationId"`
	MessageID      string     `json:"messageId"`
	From           string     `json:"from"`
	Subject        string     `json:"subject"`
	Category       string     `json:"category,omitempty"`
	Snippet        string     `json:"snippet"`
	Text           string     `json:"text,omitempty"`
	AutoReply      string     `json:"autoReplyKind,omitempty"`
	ReturnDate     *time.Time `json:"returnDate,omitempty"`
}

// CategoryChanged is lead.category_changed: a conversation's category
// (the lead's latest reply) changed, by the AI or the rules ("ai") or a
// person ("user").
type CategoryChanged struct {
	Campaign       *Ref   `json:"campaign,omitempty"`
	Lead           *Lead  `json:"lead,omitempty"`
	ConversationID string `json:"conversationId"`
	Old            string `json:"old"`
	New            string `json:"new"`
	By             string `json:"by"`
}

// Unsubscribed is lead.unsubscribed. Source: one-click, link, reply, manual.
type Unsubscribed struct {
	Campaign *Ref   `json:"campaign,omitempty"`
	Lead     *Lead  `json:"lead,omitempty"`
	Email    string `json:"email"`
	Source   string `json:"source"`
}

// Suppressed is lead.suppressed: an address or domain joined the
// suppression list.
type Suppressed struct {
	Kind   string `json:"kind"` // email or domain
	Value  string `json:"value"`
	Reason string `json:"reason"`
	Source string `json:"source,omitempty"`
}

// SequenceFinished is lead.sequence_finished: a lead's last step went out
// (or an edit removed the steps it had left: internal/campaign/edit.go).
type SequenceFinished struct {
	Campaign Ref  `json:"campaign"`
	Lead     Lead `json:"lead"`
}

// RouteEntered is lead.route_entered: a reply sent a lead into one of the
// campaign's reply routes (by its category or a keyword, or a person's
// recategorisation). Left is the route the lead left for it, if any.
type RouteEntered struct {
	Campaign Ref       `json:"campaign"`
	Lead     Lead      `json:"lead"`
	Route    RouteRef  `json:"route"`
	Left     *RouteRef `json:"left,omitempty"`
	Reason   string    `json:"reason"`
}

// RouteRef names a reply route: its number in the campaign's list (1-based)
// and its name.
type RouteRef struct {
	Number int    `json:"number"`
	Name   string `json:"name"`
}

// CampaignChanged is campaign.launched, paused, resumed and completed.
type CampaignChanged struct {
	Type     Type   `json:"-"`
	Campaign Ref    `json:"campaign"`
	Reason   string `json:"reason,omitempty"`
}

// MailboxChanged is mailbox.connected, disconnected and limit_reached.
// For limit_reached, Reason is inbox_daily_cap (the mailbox's daily cap)
// or ramp_limit (the lower limit of a warm-up day), Limit the sends the
// day allows and Day the mailbox's local day.
type MailboxChanged struct {
	Type    Type   `json:"-"`
	Mailbox Ref    `json:"mailbox"`
	Reason  string `json:"reason,omitempty"`
	Limit   int    `json:"limit,omitempty"`
	Day     string `json:"day,omitempty"`
}

// ImportDone is import.completed.
type ImportDone struct {
	ImportID string `json:"importId"`
	FileName string `json:"fileName,omitempty"`
	Status   string `json:"status"`
	Rows     int    `json:"rows"`
	Created  int    `json:"created"`
	Updated  int    `json:"updated"`
	Skipped  int    `json:"skipped"`
	Failed   int    `json:"failed"`
}

// Test is webhook.test, sent by "send a test".
type Test struct {
	WebhookID string `json:"webhookId"`
	Message   string `json:"message"`
}

func (Sent) EventType() Type       { return EmailSent }
func (Bounced) EventType() Type    { return EmailBounced }
func (Complained) EventType() Type { return EmailComplained }
func (r Reply) EventType() Type {
	if r.AutoReply != "" {
		return ReplyAutoReceived
	}
	return ReplyReceived
}
func (CategoryChanged) EventType() Type  { return LeadCategoryChanged }
func (Unsubscribed) EventType() Type     { return LeadUnsubscribed }
func (Suppressed) EventType() Type       { return LeadSuppressed }
func (SequenceFinished) EventType() Type { return LeadSequenceFinished }
func (RouteEntered) EventType() Type     { return LeadRouteEntered }
func (c CampaignChanged) EventType() Type {
	return c.Type
}
func (m MailboxChanged) EventType() Type { return m.Type }
func (ImportDone) EventType() Type       { return ImportCompleted }
func (Test) EventType() Type             { return WebhookTest }

func (d Sent) campaignID() string             { return d.Campaign.ID }
func (d Bounced) campaignID() string          { return refID(d.Campaign) }
func (d Complained) campaignID() string       { return refID(d.Campaign) }
func (d Reply) campaignID() string            { return refID(d.Campaign) }
func (d CategoryChanged) campaignID() string  { return refID(d.Campaign) }
func (d Unsubscribed) campaignID() string     { return refID(d.Campaign) }
func (Suppressed) campaignID() string         { return "" }
func (d SequenceFinished) campaignID() string { return d.Campaign.ID }
func (d RouteEntered) campaignID() string     { return d.Campaign.ID }
func (d CampaignChanged) campaignID() string  { return d.Campaign.ID }
func (MailboxChanged) campaignID() string     { return "" }
func (ImportDone) campaignID() string         { return "" }
func (Test) campaignID() string               { return "" }

func refID(r *Ref) string {
	if r == nil {
		return ""
	}
	return r.ID
}

// CampaignsCompleted are the campaign.completed events of campaigns that
// store.Scope.CompleteCampaignsIfDone completed.
func CampaignsCompleted(done []store.CampaignName) []Data {
	out := make([]Data, len(done))
	for i, c := range done {
		out[i] = CampaignChanged{Type: CampaignCompleted, Campaign: Ref{ID: c.ID, Name: c.Name}, Reason: "every lead is done"}
	}
	return out
}

// SuppressionsAdded are the lead.suppressed events of new suppression
// list entries.
func SuppressionsAdded(list []store.Suppression) []Data {
	out := make([]Data, len(list))
	for i, s := range list {
		out[i] = Suppressed{Kind: s.Kind, Value: s.Value, Reason: s.Reason, Source: s.Source}
	}
	return out
}

// New builds the outbox row of one event of workspace ws.
func New(ws string, d Data) (store.Event, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return store.Event{}, fmt.Errorf("event %s: %w", d.EventType(), err)
	}
	return store.Event{WorkspaceID: ws, Type: string(d.EventType()), CampaignID: d.campaignID(), Data: string(b)}, nil
}

// Record writes events of workspace ws on q, which must be the transaction
// of the change they report. The leads the events name are read on q, one
// query for all of them, and written in full into their data.
func Record(ctx context.Context, q store.Queries, ws string, data ...Data) error {
	if len(data) == 0 {
		return nil
	}
	data, err := withLeads(ctx, q, ws, data)
	if err != nil {
		return fmt.Errorf("record events: %w", err)
	}
	rows := make([]store.Event, 0, len(data))
	for _, d := range data {
		e, err := New(ws, d)
		if err != nil {
			return err
		}
		rows = append(rows, e)
	}
	if err := q.InsertEvents(ctx, rows); err != nil {
		return fmt.Errorf("record events: %w", err)
	}
	return nil
}

// Envelope is what a webhook delivery's body and the feed carry.
type Envelope struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	CreatedAt   time.Time       `json:"createdAt"`
	WorkspaceID string          `json:"workspaceId"`
	APIVersion  string          `json:"apiVersion"`
	Data        json.RawMessage `json:"data"`
}

// Wrap is the envelope of a stored event. baseURL (LEADBITZ_BASE_URL)
// gives data its appUrl: the page of the object the event is about.
func Wrap(e store.Event, baseURL string) Envelope {
	data := json.RawMessage(e.Data)
	if u := appURL(e, baseURL); u != "" {
		data = withField(data, "appUrl", u)
	}
	return Envelope{ID: e.ID, Type: e.Type, CreatedAt: e.CreatedAt.UTC(), WorkspaceID: e.WorkspaceID,
		APIVersion: APIVersion, Data: data}
}

// appURL is the web page an event links to: the conversation of a reply,
// else the lead, the campaign or the mailbox it is about.
func appURL(e store.Event, baseURL string) string {
	var ids struct {
		ConversationID string `json:"conversationId"`
		Lead           *Lead  `json:"lead"`
		Campaign       *Ref   `json:"campaign"`
		Mailbox        *Ref   `json:"mailbox"`
		ImportID       string `json:"importId"`
	}
	if json.Unmarshal([]byte(e.Data), &ids) != nil {
		return ""
	}
	base := strings.TrimSuffix(baseURL, "/")
	switch {
	case ids.ConversationID != "":
		return base + "/replies/" + ids.ConversationID
	case ids.Lead != nil && ids.Lead.ID != "":
		return base + "/leads/" + ids.Lead.ID
	case ids.Campaign != nil && ids.Campaign.ID != "":
		return base + "/campaigns/" + ids.Campaign.ID
	case ids.Mailbox != nil && ids.Mailbox.ID != "":
		return base + "/mailboxes/" + ids.Mailbox.ID
	case ids.ImportID != "":
		return base + "/leads/imports/" + ids.ImportID
	}
	return ""
}

// withField adds one string field to a JSON object.
func withField(obj json.RawMessage, name, value string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return obj
	}
	v, _ := json.Marshal(value)
	m[name] = v
	b, err := json.Marshal(m)
	if err != nil {
		return obj
	}
	return b
}

// Snippet is the first characters of a reply's text, on one line.
func Snippet(text string) string {
	s := strings.Join(strings.Fields(text), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
