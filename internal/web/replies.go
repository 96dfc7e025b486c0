package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/sending/plan"
	"github.com/leadbitz/leadbitz/internal/store"
)

// repliesPageSize is how many conversations one page of the list shows.
const repliesPageSize = 25

// replyFilters are the Replies list's filters, all in the query string so
// a filtered inbox can be shared and reloaded (docs/ui.md §1, §4).
type replyFilters struct {
	View     string // "" (all), "unread" or "others" (mail that matched no lead)
	Category string
	Campaign string
	Mailbox  string
	Cursor   string
}

func filtersOf(q url.Values) replyFilters {
	f := replyFilters{View: q.Get("view"), Category: q.Get("category"), Campaign: q.Get("campaign"),
		Mailbox: q.Get("mailbox"), Cursor: q.Get("cursor")}
	if f.View != "unread" && f.View != "others" {
		f.View = ""
	}
	if f.Category != "" && !ai.ValidCategory(f.Category) {
		f.Category = ""
	}
	return f
}

// Query is the filters as a query string, without the page cursor.
func (f replyFilters) Query() string {
	v := url.Values{}
	for k, s := range map[string]string{"view": f.View, "category": f.Category, "campaign": f.Campaign, "mailbox": f.Mailbox} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

// With is the query string with one filter changed (the view tabs).
func (f replyFilters) With(key, value string) string {
	switch key {
	case "view":
		f.View = value
	case "category":
		f.Category = value
	}
	if q := f.Query(); q != "" {
		return "?" + q
	}
	return ""
}

// Suffix is "?filters" for links that keep the list as it is.
func (f replyFilters) Suffix() string {
	if q := f.Query(); q != "" {
		return "?" + q
	}
	return ""
}

// Active reports whether any filter narrows the list.
func (f replyFilters) Active() bool { return f.Query() != "" }

func (f replyFilters) serviceQuery() replies.Query {
	q := replies.Query{Category: f.Category, MailboxID: f.Mailbox, CampaignID: f.Campaign, Cursor: f.Cursor,
		Limit: repliesPageSize, Others: f.View == "others"}
	if f.View == "unread" {
		unread := true
		q.Unread = &unread
	}
	return q
}

// replyRow is one conversation in the list.
type replyRow struct {
	replies.ConversationView
	Step     int // steps the lead was sent before replying (0 = unknown)
	Selected bool
}

// Sender is who wrote: the lead's name, else the sender's name or address.
func (r replyRow) Sender() string {
	if r.Lead != nil {
		if n := leadBriefName(*r.Lead); n != "" {
			return n
		}
	}
	if m := r.LatestMessage; m != nil {
		if m.FromName != "" {
			return m.FromName
		}
		return m.From
	}
	return "Unknown sender"
}

// Chip is the row's category chip.
func (r replyRow) Chip() categoryOption { return categoryChip(r.Category) }

// AutoReply reports an out-of-office or other automatic answer.
func (r replyRow) AutoReply() bool {
	return r.LatestMessage != nil && r.LatestMessage.Kind == "auto_reply"
}

func leadBriefName(l replies.LeadBrief) string {
	switch {
	case l.FirstName != "" && l.LastName != "":
		return l.FirstName + " " + l.LastName
	case l.FirstName != "":
		return l.FirstName
	case l.LastName != "":
		return l.LastName
	}
	return l.Email
}

// repliesData is the Replies page: the filtered list and, on /replies/{id},
// the open thread.
type repliesData struct {
	Filters   replyFilters
	Rows      []replyRow
	Next      string // the next page's URL, "" on the last
	Campaigns []store.Campaign
	Mailboxes []mailbox.View
	Thread    *threadData
	AI        bool // suggested replies are available
}

// Categories are the category filter's and selector's options.
func (repliesData) Categories() []categoryOption { return categoryOptions }

type categoryOption struct{ Value, Label, Level string }

// categoryOptions name the reply categories in words, each with its chip's
// colour (never the colour alone).
var categoryOptions = []categoryOption{
	{ai.CategoryInterested, "Interested", "success"},
	{ai.CategoryMeetingRequest, "Meeting request", "success"},
	{ai.CategoryNotInterested, "Not interested", "neutral"},
	{ai.CategoryOutOfOffice, "Out of office", "info"},
	{ai.CategoryUnsubscribe, "Do not contact", "warn"},
	{ai.CategoryWrongPerson, "Wrong person", "neutral"},
	{ai.CategoryBounce, "Bounce", "danger"},
	{ai.CategoryOther, "Other", "neutral"},
}

// replies is the unified inbox: every mailbox's conversations, newest
// first, with the filter bar.
func (w *Web) replies(rw http.ResponseWriter, r *http.Request, v *view) error {
	data, err := w.loadReplies(v, "")
	if err != nil {
		return err
	}
	v.Data = data
	return v.render(rw, http.StatusOK)
}

// replyThread is the inbox with one conversation open beside the list (on
// a phone, the thread alone with a link back).
func (w *Web) replyThread(rw http.ResponseWriter, r *http.Request, v *view) error {
	data, err := w.loadReplies(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Data = data
	if v.Form == nil {
		v.Form = emptyForm(nil)
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadReplies(v *view, open string) (*repliesData, error) {
	if w.Replies == nil {
		return nil, errors.New("web: no replies service")
	}
	ctx := v.r.Context()
	ws := v.P.WorkspaceID
	f := filtersOf(v.r.URL.Query())
	data := &repliesData{Filters: f, AI: w.Assist != nil}
	v.Title, v.Nav = "Replies", "replies"
	var err error
	if open != "" {
		// The thread first: a missing one fails before the list is read.
		if data.Thread, err = w.loadThread(ctx, v, open); err != nil {
			return nil, err
		}
		v.Title = data.Thread.Subject + " · Replies"
	}
	page, err := w.Replies.List(ctx, ws, f.serviceQuery())
	if err != nil {
		// A stale cursor or filter: show the first page rather than fail.
		if f.Cursor == "" {
			return nil, err
		}
		f.Cursor = ""
		data.Filters = f
		if page, err = w.Replies.List(ctx, ws, f.serviceQuery()); err != nil {
			return nil, err
		}
	}
	var clIDs []string
	for _, c := range page.Items {
		if c.CampaignLeadID != "" {
			clIDs = append(clIDs, c.CampaignLeadID)
		}
	}
	steps, err := w.Store.InWorkspace(ws).CampaignLeadSteps(ctx, clIDs)
	if err != nil {
		return nil, err
	}
	for _, c := range page.Items {
		data.Rows = append(data.Rows, replyRow{ConversationView: c, Step: steps[c.CampaignLeadID], Selected: c.ID == open})
	}
	if page.Next != "" {
		q := v.r.URL.Query()
		q.Set("cursor", page.Next)
		data.Next = "/replies?" + q.Encode()
	}
	if data.Campaigns, err = w.Store.InWorkspace(ws).Campaigns(ctx, "", "", 200); err != nil {
		return nil, err
	}
	if data.Mailboxes, err = w.Mailboxes.List(ctx, ws); err != nil {
		return nil, err
	}
	return data, nil
}

// threadData is the open conversation: its messages, where the lead's
// sequence stands, and the composer's fixed sender.
type threadData struct {
	replies.Thread
	Step        int    // steps sent before the reply
	NextSend    string // the sequence's next send in words, or why there is none
	Mailbox     *mailbox.View
	ReplyTo     string
	Messages    []messageData
	HeldImages  int  // remote images held back across the thread
	LoadImages  bool // the user asked to load them
	CanStop     bool // the lead's sequence is running and can be stopped
	Suggestion  *ai.Suggestion
	ManualLabel bool // the category was set by a person
}

// Chip is the conversation's category chip.
func (t threadData) Chip() categoryOption { return categoryChip(t.Category) }

// messageData is one message of the thread as the page shows it.
type messageData struct {
	replies.MessageView
	HTMLURL string // the sandboxed frame of its HTML body, "" for text only
}

// Inbound reports a message the lead (or their mail system) sent.
func (m messageData) Inbound() bool { return m.Direction == store.DirectionInbound }

func (w *Web) loadThread(ctx context.Context, v *view, id string) (*threadData, error) {
	ws := v.P.WorkspaceID
	load := v.r.URL.Query().Get("images") == "1"
	t, err := w.Replies.Thread(ctx, ws, id, load)
	if err != nil {
		return nil, err
	}
	td := &threadData{Thread: t, LoadImages: load, ManualLabel: t.CategorySource == store.CategoryManual}
	for _, m := range t.Messages {
		md := messageData{MessageView: m}
		if m.HTML != "" {
			td.HeldImages += m.HeldImages
			md.HTMLURL = "/replies/" + t.ID + "/messages/" + m.ID + "/html"
			if load {
				md.HTMLURL += "?images=1"
			}
		}
		td.Messages = append(td.Messages, md)
	}
	if t.LatestMessage != nil {
		td.ReplyTo = t.LatestMessage.From
	}
	if t.MailboxID != "" {
		mb, err := w.Mailboxes.Get(ctx, ws, t.MailboxID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			td.Mailbox = &mb
		}
	}
	if s := t.Sequence; s != nil {
		td.Step = s.StepsSent
		td.CanStop = s.Status == store.CampaignLeadActive
		td.NextSend, err = w.nextSendWords(ctx, ws, t)
		if err != nil {
			return nil, err
		}
	}
	return td, nil
}

// nextSendWords says what the lead's sequence does next: "stopped:
// replied", paused by an out-of-office until a date, or the send engine's
// own answer for its next step.
func (w *Web) nextSendWords(ctx context.Context, ws string, t replies.Thread) (string, error) {
	s := t.Sequence
	switch {
	case s.Status == store.CampaignLeadReplied:
		return "Stopped: replied", nil
	case s.Status != store.CampaignLeadActive:
		msg := "Stopped: " + s.Status
		if s.StatusReason != "" {
			msg += " (" + s.StatusReason + ")"
		}
		return msg, nil
	case s.PausedUntil != nil:
		return "Paused until " + formatTime(*s.PausedUntil) + " (out of office)", nil
	case t.Campaign == nil || t.Lead == nil:
		return "Running", nil
	}
	x, err := w.Campaigns.Explain(ctx, ws, t.Campaign.ID, t.Lead.ID)
	if errors.Is(err, store.ErrNotFound) {
		return "Running", nil
	}
	if err != nil {
		return "", err
	}
	return explainWords(x), nil
}

func explainWords(x plan.Explanation) string {
	switch {
	case x.NextStep == 0:
		return "No step left to send"
	case x.CanSendNow:
		return "Step " + formatInt(x.NextStep) + " goes out at the next tick"
	case x.NotBefore != nil:
		return "Step " + formatInt(x.NextStep) + " at " + formatTime(*x.NotBefore) + ". " + x.Detail
	default:
		return "Step " + formatInt(x.NextStep) + " waits: " + x.Detail
	}
}
