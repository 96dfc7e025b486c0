package sandbox

import (
	"context"
	"net/mail"
	"sort"
	"strconv"
	"time"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Message is a message in a sandbox mailbox as the API shows it.
type Message struct {
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

func view(m store.SandboxMessage) Message {
	v := Message{ID: m.ID, Folder: m.Folder, MessageID: m.MessageID, ThreadID: m.ThreadID, SentAt: m.CreatedAt,
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

// Messages lists the mailbox's messages newest first: by default what it
// has "sent", or folder "inbox" for what it received. The cursor is the
// last message's sequence number.
func (b *Mailbox) Messages(ctx context.Context, folder, cursor string, limit int) ([]Message, error) {
	switch folder {
	case "", store.SandboxSent:
		folder = store.SandboxSent
	case store.SandboxMailbox:
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
	list, err := b.st.InWorkspace(b.ws).SandboxMessagesBefore(ctx, b.mailboxID, folder, before, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Message, len(list))
	for i, m := range list {
		out[i] = view(m)
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

// Receive builds the message in and delivers it into the mailbox's inbox
// (to is the mailbox's own address, date the message's Date), as a person
// replying (or a mail server bouncing) would; the next inbox sync reads it
// like any provider's mail.
func (b *Mailbox) Receive(ctx context.Context, to mail.Address, in ReceiveInput, date time.Time) (Message, error) {
	f := problem.Fields{}
	from, err := mail.ParseAddress(in.From)
	if err != nil {
		f.Add("from", "must be an email address")
	}
	if len(in.Body) > 1<<20 {
		f.Add("body", "must be at most 1 MB")
	}
	if err := f.Err(); err != nil {
		return Message{}, err
	}
	out := mailmsg.Outgoing{MessageID: mailmsg.NewMessageID(mailmsg.Domain(from.Address)), Date: date,
		From: *from, To: []mail.Address{to}, Subject: in.Subject, Text: in.Body}
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
		return Message{}, problem.InvalidField("message", "cannot be built: "+err.Error())
	}
	msg, err := b.Deliver(ctx, raw)
	if err != nil {
		return Message{}, err
	}
	return view(msg), nil
}
