// Package provider defines what the app needs from a mailbox it sends from and
// reads replies in: send one message into a thread, tell whether a Message-ID
// already went out, and list what arrived since a cursor. The Gmail API,
// Microsoft Graph and SMTP+IMAP implementations live in subpackages; each
// classifies its failures as *Error so the send engine and the sync loop can
// decide between retrying, holding the inbox and failing one message.
package provider

import (
	"context"
	"time"
)

// OutgoingMessage is a complete RFC 5322 message built by the app plus what a
// provider needs to thread it.
type OutgoingMessage struct {
	From, To  string // bare addresses (envelope sender and recipient)
	MessageID string // our Message-ID including <>, also present in Raw
	Raw       []byte // the whole message with CRLF line endings
	ThreadID  string // provider thread/conversation id of the conversation, "" for a first message
	InReplyTo string // Message-ID we reply to, "" for a first message
}

// SentMessage identifies a message that went out.
type SentMessage struct {
	ProviderID string // the provider's id of our copy; "" when the provider gives none
	ThreadID   string // provider thread/conversation id; "" when the provider has none
	// MessageID is the Message-ID that actually went out, read back where the
	// provider may rewrite it. Replies are matched against this value.
	MessageID string
}

// Folders an InboundMessage can come from.
const (
	FolderInbox = "inbox"
	FolderSent  = "sent"
)

// InboundMessage is one message found by Fetch.
type InboundMessage struct {
	ProviderID string // stable id within the mailbox; callers dedupe on it
	ThreadID   string // provider thread/conversation id, "" when the provider has none
	Raw        []byte // the whole RFC 5322 message as stored by the provider
	ReceivedAt time.Time
	Folder     string // FolderInbox or FolderSent
	// Size is the whole message's size as the provider reports it (IMAP
	// RFC822.SIZE, Gmail sizeEstimate), 0 when it reports none.
	Size int64
	// Truncated reports that the message was larger than the mailbox's
	// limit and Raw holds only its beginning (the header and the start of
	// the body): enough to thread and classify it, never the whole of it.
	Truncated bool
}

// DefaultMaxMessageBytes is how much of one inbound message a provider
// reads when it is not told otherwise (LEADBITZ_MAX_INBOUND_BYTES): larger
// messages are fetched only up to it and marked Truncated.
const DefaultMaxMessageBytes = 10 << 20

// Page is one step of a sync.
//
// Delivery is at least once: persist Cursor only after Messages are committed,
// so a crash repeats a page instead of losing it, and dedupe on ProviderID.
type Page struct {
	Messages []InboundMessage // oldest first
	Cursor   string           // where the next Fetch starts
	More     bool             // call Fetch again with Cursor right away
	// Reset reports that the stored cursor had expired (or was unusable) and
	// Messages come from a bounded rescan, so they may repeat earlier ones.
	Reset bool
}

// Mailbox is one connected inbox. Implementations are safe for concurrent use.
type Mailbox interface {
	// Send submits m. A Transient error may come after the provider accepted
	// the message (a timeout or 5xx on the submission), so call FindSent
	// before sending the same message again; RateLimited, Auth and Permanent
	// errors mean it was not sent.
	Send(ctx context.Context, m OutgoingMessage) (SentMessage, error)
	// FindSent answers "did our Message-ID already go out?" after a crash
	// between send and record.
	FindSent(ctx context.Context, messageID string) (SentMessage, bool, error)
	// Fetch returns messages that arrived since cursor ("" = initial bounded
	// scan), oldest first. An expired cursor is handled inside Fetch by a
	// bounded rescan (Page.Reset).
	Fetch(ctx context.Context, cursor string) (Page, error)
	// Close releases connections. The Mailbox must not be used afterwards.
	Close() error
}

// Flusher is a Mailbox that finishes part of a send after Send returns
// (smtpimap appends the Sent copy in the background). Flush waits until
// everything sent so far is complete: FindSent would find it. A caller
// that keeps a Mailbox open across batches flushes where it would have
// closed it, before the sends are recorded.
type Flusher interface {
	Flush(ctx context.Context) error
}
