package connect

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/store"
)

// guard is a mailbox that disconnects itself when the provider says its
// credentials no longer work.
type guard struct {
	provider.Mailbox
	s       *Service
	ws      string
	mailbox store.Mailbox
}

func (g *guard) Send(ctx context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	sent, err := g.Mailbox.Send(ctx, m)
	return sent, g.check(ctx, err)
}

func (g *guard) FindSent(ctx context.Context, messageID string) (provider.SentMessage, bool, error) {
	sent, ok, err := g.Mailbox.FindSent(ctx, messageID)
	return sent, ok, g.check(ctx, err)
}

// Flush passes provider.Flusher through the guard.
func (g *guard) Flush(ctx context.Context) error {
	if f, ok := g.Mailbox.(provider.Flusher); ok {
		return f.Flush(ctx)
	}
	return nil
}

func (g *guard) Fetch(ctx context.Context, cursor string) (provider.Page, error) {
	p, err := g.Mailbox.Fetch(ctx, cursor)
	return p, g.check(ctx, err)
}

func (g *guard) check(ctx context.Context, err error) error {
	if err == nil || !provider.IsAuth(err) || provider.IsContextError(err) {
		return err
	}
	if derr := g.s.Disconnect(context.WithoutCancel(ctx), g.ws, g.mailbox, err); derr != nil {
		g.s.env.Log().ErrorContext(ctx, "mark mailbox disconnected", "inbox_id", g.mailbox.ID, "err", derr)
	}
	return err
}

// Disconnect marks a mailbox disconnected because of a provider
// authentication failure, with a reason a person can act on, and audits
// inbox.disconnected; nothing happens when it already is. Its campaigns'
// jobs are then held by the send engine until it is reconnected.
func (s *Service) Disconnect(ctx context.Context, ws string, i store.Mailbox, cause error) error {
	reason := disconnectReason(i.Provider, cause)
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		changed, err := tx.InWorkspace(ws).DisconnectMailboxOnce(ctx, i.ID, reason, s.env.Now())
		if err != nil || !changed {
			return err
		}
		if err := event.Record(ctx, tx.Queries, ws, event.MailboxChanged{Type: event.MailboxDisconnected,
			Mailbox: event.Ref{ID: i.ID, Name: i.Email}, Reason: reason}); err != nil {
			return err
		}
		s.env.Log().WarnContext(ctx, "mailbox disconnected", "inbox_id", i.ID, "workspace_id", ws, "provider", i.Provider,
			"code", errorCode(cause))
		return tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: ws, Action: "inbox.disconnected", TargetType: "inbox",
			TargetID: i.ID, Data: map[string]any{"provider": i.Provider, "code": errorCode(cause), "by": "provider"}})
	})
}

// disconnectReason says why in plain words, with the provider's own
// answer (never a credential: provider errors carry none).
func disconnectReason(kind string, err error) string {
	name := map[string]string{store.ProviderGmail: "Google", store.ProviderMicrosoft: "Microsoft",
		store.ProviderSMTP: "The mail server"}[kind]
	if name == "" {
		name = "The provider"
	}
	detail := err.Error()
	var pe *provider.Error
	if errors.As(err, &pe) {
		detail = pe.Message
		if pe.Code != "" {
			detail = pe.Code + ": " + pe.Message
		}
	}
	return clip(name+" refused the mailbox's credentials ("+detail+"). Reconnect it to resume its campaigns.", 500)
}

func errorCode(err error) string {
	var pe *provider.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
