package inbox

import (
	"context"
	"errors"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SandboxInput is the body of POST /api/inboxes/sandbox.
type SandboxInput struct {
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	Timezone    string `json:"timezone"` // optional, default UTC: where its daily cap resets
}

// CreateSandbox adds a sandbox mailbox with the safe defaults every new
// mailbox gets (rules.DefaultDailyCap, a slow ramp, minutes between sends).
func (s *Service) CreateSandbox(ctx context.Context, p account.Principal, in SandboxInput, m account.Meta) (View, error) {
	f := problem.Fields{}
	email, err := account.NormalizeEmail(in.Email)
	if err != nil {
		f.Add("email", "%s", err)
	}
	if len(in.DisplayName) > 200 {
		f.Add("displayName", "must be at most 200 characters")
	}
	tz := strings.TrimSpace(in.Timezone)
	if tz == "" {
		tz = "UTC"
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		f.Add("timezone", "must be an IANA time zone such as Europe/Paris")
	}
	if err := f.Err(); err != nil {
		return View{}, err
	}
	i := store.Inbox{Provider: store.ProviderSandbox, Email: email, DisplayName: strings.TrimSpace(in.DisplayName),
		DailyCap: rules.DefaultDailyCap, RampStart: rules.DefaultRampStart, RampIncrement: rules.DefaultRampIncrement,
		MinGapSeconds: int(rules.DefaultMinGap / time.Second), Timezone: tz, RampStartedAt: s.clock()}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		if err := q.CreateInbox(ctx, &i); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return &problem.Error{Kind: problem.Conflict, Code: "inbox_exists",
					Message: "This workspace already has a sandbox mailbox with this address.",
					Fields:  map[string]string{"email": "is already a sandbox mailbox here"}}
			}
			return err
		}
		if err := q.CreateSandboxMailbox(ctx, i.ID); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "inbox.created", i.ID, map[string]any{"provider": i.Provider}))
	})
	if err != nil {
		return View{}, err
	}
	return s.view(i), nil
}

// SandboxMessage is a message in a sandbox mailbox as the API shows it.
type SandboxMessage struct {
	ID        string            `json:"id"`
	Folder    string            `json:"folder"`
	MessageID string            `json:"messageId"`
	ThreadID  string            `json:"threadId"`
	From      string            `json:"from"`
	To        string            `json:"to"`
	Subject   string            `json:"subject"`
	Body      string            `json:"body"`
	Headers   map[string]string `json:"headers"`
	SentAt    time.Time         `json:"sentAt"`
	Seq       int64             `json:"-"`
}

func sandboxView(m store.SandboxMessage) SandboxMessage {
	v := SandboxMessage{ID: m.ID, Folder: m.Folder, MessageID: m.MessageID, ThreadID: m.ThreadID, SentAt: m.CreatedAt,
		Seq: m.Seq, Headers: map[string]string{}}
	in, err := mailmsg.Parse(m.Raw)
	if err != nil {
		return v
	}
	for _, f := range in.Header {
		if _, ok := v.Headers[f.Key]; !ok {
			v.Headers[f.Key] = in.Header.Text(f.Key)
		}
	}
	v.From = in.From.Address
	if len(in.To) > 0 {
		v.To = in.To[0].Address
	}
	v.Subject, v.Body = in.Subject, in.Text
	return v
}

// sandboxInbox returns the mailbox if it is a sandbox one.
func (s *Service) sandboxInbox(ctx context.Context, ws, id string) (store.Inbox, error) {
	i, err := s.st.InWorkspace(ws).Inbox(ctx, id)
	if err != nil {
		return i, err
	}
	if i.Provider != store.ProviderSandbox {
		return i, problem.New(problem.Conflict, "not_sandbox", "This is a %s mailbox, not a sandbox one.", i.Provider)
	}
	return i, nil
}

// SandboxMessages lists a sandbox mailbox's messages newest first: by
// default what it has "sent", or folder "inbox" for what it received. The
// cursor is the last message's sequence number.
func (s *Service) SandboxMessages(ctx context.Context, ws, id, folder, cursor string, limit int) ([]SandboxMessage, error) {
	if _, err := s.sandboxInbox(ctx, ws, id); err != nil {
		return nil, err
	}
	switch folder {
	case "", store.SandboxSent:
		folder = store.SandboxSent
	case store.SandboxInbox:
	default:
		return nil, problem.InvalidField("folder", "must be sent or inbox")
	}
	var before int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, problem.InvalidField("cursor", "is not a cursor this list returned")
		}
		before = n
	}
	list, err := s.st.InWorkspace(ws).SandboxMessagesBefore(ctx, id, folder, before, limit)
	if err != nil {
		return nil, err
	}
	out := make([]SandboxMessage, len(list))
	for i, m := range list {
		out[i] = sandboxView(m)
	}
	return out, nil
}

// ReceiveInput is the body of POST /api/inboxes/{id}/sandbox/receive.
type ReceiveInput struct {
	From      string            `json:"from"`
	Subject   string            `json:"subject"`
	Body      string            `json:"body"`
	InReplyTo string            `json:"inReplyTo"`
	Headers   map[string]string `json:"headers"`
}

// SandboxReceive delivers a message into a sandbox mailbox's inbox, as a
// person replying (or a mail server bouncing) would; the next inbox sync
// reads it like any provider's mail.
func (s *Service) SandboxReceive(ctx context.Context, p account.Principal, id string, in ReceiveInput) (SandboxMessage, error) {
	i, err := s.sandboxInbox(ctx, p.WorkspaceID, id)
	if err != nil {
		return SandboxMessage{}, err
	}
	f := problem.Fields{}
	from, err := mail.ParseAddress(in.From)
	if err != nil {
		f.Add("from", "must be an email address")
	}
	if len(in.Body) > 1<<20 {
		f.Add("body", "must be at most 1 MB")
	}
	if err := f.Err(); err != nil {
		return SandboxMessage{}, err
	}
	out := mailmsg.Outgoing{MessageID: mailmsg.NewMessageID(mailmsg.Domain(from.Address)), Date: s.clock(),
		From: *from, To: []mail.Address{{Name: i.DisplayName, Address: i.Email}}, Subject: in.Subject, Text: in.Body}
	if ids := mailmsg.ParseMsgIDs(in.InReplyTo); len(ids) > 0 {
		out.InReplyTo, out.References = ids[0], ids
	}
	names := make([]string, 0, len(in.Headers))
	for k := range in.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out.Extra = append(out.Extra, mailmsg.Field{Key: k, Value: in.Headers[k]})
	}
	raw, err := mailmsg.Build(out)
	if err != nil {
		return SandboxMessage{}, problem.InvalidField("message", "cannot be built: "+err.Error())
	}
	msg, err := sandbox.New(s.st, p.WorkspaceID, id).Deliver(ctx, raw)
	if err != nil {
		return SandboxMessage{}, err
	}
	return sandboxView(msg), nil
}
