// Package sandbox is a mailbox that lives in the database: what the engine
// "sends" is stored in its sent folder, and what a user delivers with
// POST /api/inboxes/{id}/sandbox/receive lands in its inbox folder, where
// the next sync reads it like any other provider's mail. A new user can run
// the whole loop (launch, follow-ups, replies, unsubscribe) before connecting
// a real mailbox, and tests run it without a network.
//
// It implements provider.Mailbox faithfully rather than conveniently: a
// message sent twice is stored twice, as a real provider would deliver it
// twice, so tests that count its messages catch duplicate sends.
//
// All of the sandbox's Go code outside the store lives here: the mailbox,
// Deliver, and what the API and the web app show and do (Messages, Receive
// and the Message view). Its SQL is internal/store/mailbox_sandbox.go;
// creating a sandbox mailbox row, with the defaults every new mailbox gets,
// and checking that a row is a sandbox one before listing or receiving are
// the mailbox rules' (internal/mailbox/sandbox.go).
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/store"
)

// PageSize is how many messages one Fetch returns at most.
const PageSize = 100

// Mailbox is one sandbox mailbox.
type Mailbox struct {
	st        *store.Store
	ws        string
	mailboxID string
}

var _ provider.Mailbox = (*Mailbox)(nil)

// New returns the sandbox mailbox of a mailbox row.
func New(st *store.Store, workspaceID, mailboxID string) *Mailbox {
	return &Mailbox{st: st, ws: workspaceID, mailboxID: mailboxID}
}

// Opener opens the sandbox mailbox of a row, for the send engine's and the
// reply loop's map of openers (key store.ProviderSandbox).
func Opener(st *store.Store) provider.Opener {
	return func(_ context.Context, ws string, i store.Mailbox) (provider.Mailbox, error) {
		return New(st, ws, i.ID), nil
	}
}

// Send stores m in the sent folder. A message continuing a thread keeps the
// thread id it names; a first message starts a new thread.
func (b *Mailbox) Send(ctx context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	if len(m.Raw) == 0 || m.MessageID == "" {
		return provider.SentMessage{}, &provider.Error{Kind: provider.Permanent, Code: "invalid_message",
			Message: "the message has no content or no Message-ID"}
	}
	threadID := m.ThreadID
	if threadID == "" {
		threadID = "sbx-" + store.NewID()
	}
	msg := store.SandboxMessage{MailboxID: b.mailboxID, Folder: store.SandboxSent, MessageID: m.MessageID,
		ThreadID: threadID, Raw: m.Raw}
	if err := b.append(ctx, &msg); err != nil {
		return provider.SentMessage{}, err
	}
	return provider.SentMessage{ProviderID: msg.ID, ThreadID: threadID, MessageID: m.MessageID}, nil
}

// FindSent looks for our Message-ID in the sent folder.
func (b *Mailbox) FindSent(ctx context.Context, messageID string) (provider.SentMessage, bool, error) {
	msg, err := b.st.InWorkspace(b.ws).SandboxMessageByMessageID(ctx, b.mailboxID, store.SandboxSent, messageID)
	if errors.Is(err, store.ErrNotFound) {
		return provider.SentMessage{}, false, nil
	}
	if err != nil {
		return provider.SentMessage{}, false, transient(err)
	}
	return provider.SentMessage{ProviderID: msg.ID, ThreadID: msg.ThreadID, MessageID: msg.MessageID}, true, nil
}

// Fetch returns both folders' messages after the cursor (a seq number),
// oldest first; the sync loop tells our own sent copies apart.
func (b *Mailbox) Fetch(ctx context.Context, cursor string) (provider.Page, error) {
	var after int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n < 0 {
			return provider.Page{}, &provider.Error{Kind: provider.CursorExpired, Code: "bad_cursor",
				Message: fmt.Sprintf("sandbox cursor %q is not a sequence number", cursor)}
		}
		after = n
	}
	list, err := b.st.InWorkspace(b.ws).SandboxMessagesAfter(ctx, b.mailboxID, after, PageSize)
	if err != nil {
		return provider.Page{}, transient(err)
	}
	page := provider.Page{Cursor: strconv.FormatInt(after, 10), More: len(list) == PageSize}
	for _, m := range list {
		folder := provider.FolderInbox
		if m.Folder == store.SandboxSent {
			folder = provider.FolderSent
		}
		page.Messages = append(page.Messages, provider.InboundMessage{ProviderID: m.ID, ThreadID: m.ThreadID,
			Raw: m.Raw, ReceivedAt: m.CreatedAt, Folder: folder})
		page.Cursor = strconv.FormatInt(m.Seq, 10)
	}
	return page, nil
}

// Close releases nothing: the sandbox holds no connection of its own.
func (b *Mailbox) Close() error { return nil }

// Deliver puts a message into the mailbox's inbox folder, threaded with the
// message it replies to when In-Reply-To or References names one of the
// mailbox's messages.
func (b *Mailbox) Deliver(ctx context.Context, raw []byte) (store.SandboxMessage, error) {
	in, err := mailmsg.Parse(raw)
	if err != nil {
		return store.SandboxMessage{}, err
	}
	msg := store.SandboxMessage{MailboxID: b.mailboxID, Folder: store.SandboxMailbox, MessageID: in.MessageID, Raw: raw}
	s := b.st.InWorkspace(b.ws)
	for _, id := range append(append([]string{}, in.InReplyTo...), in.References...) {
		parent, err := s.SandboxMessageByMessageID(ctx, b.mailboxID, "", id)
		if err == nil {
			msg.ThreadID = parent.ThreadID
			break
		}
		if !errors.Is(err, store.ErrNotFound) {
			return msg, err
		}
	}
	if msg.ThreadID == "" {
		msg.ThreadID = "sbx-" + store.NewID()
	}
	return msg, b.append(ctx, &msg)
}

func (b *Mailbox) append(ctx context.Context, m *store.SandboxMessage) error {
	err := b.st.InTx(ctx, func(tx *store.Tx) error {
		return tx.InWorkspace(b.ws).AppendSandboxMessage(ctx, m)
	})
	if errors.Is(err, store.ErrNotFound) {
		return &provider.Error{Kind: provider.Auth, Code: "no_mailbox", Message: "the sandbox mailbox no longer exists"}
	}
	if err != nil {
		return transient(err)
	}
	return nil
}

// transient classifies a database failure: the message was not stored, so
// trying again later is safe.
func transient(err error) error {
	return &provider.Error{Kind: provider.Transient, Code: "database", Message: "the sandbox database failed", Err: err}
}
