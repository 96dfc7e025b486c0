package replies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SendInput is the body of POST /api/replies/{id}/send.
type SendInput struct {
	Body string `json:"body"`
}

// Limits of replies written in a conversation.
const (
	maxReplyBody = 100 << 10
	// maxReplyAttempts is how many failed attempts (outages, throttling)
	// a reply gets, about six hours of backoff, before it is marked failed
	// for a person to see; it is never dropped silently.
	maxReplyAttempts = 12
	replyBatch       = 100
)

// SendReply answers a conversation from the mailbox that received it, in
// its thread (In-Reply-To, References, "Re:" subject, the provider's
// thread id). The reply is stored as a queued outbound message of the
// conversation before anything else, then one attempt is made at once; if
// the provider fails, the reply stays queued and the periodic pass tries
// again (DeliverDue). The answer is the stored message with its send status.
func (s *Service) SendReply(ctx context.Context, p account.Principal, id string, in SendInput, m account.Meta) (MessageView, error) {
	body := strings.TrimRight(in.Body, " \t\r\n")
	switch {
	case strings.TrimSpace(body) == "":
		return MessageView{}, problem.InvalidField("body", "must not be empty")
	case len(body) > maxReplyBody:
		return MessageView{}, problem.InvalidField("body", fmt.Sprintf("must be at most %d bytes", maxReplyBody))
	}
	var out store.OutboxReply
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.queueReply(ctx, tx, p, id, body, m)
		return err
	})
	if err != nil {
		return MessageView{}, err
	}
	if err := s.deliver(ctx, out); err != nil && ctx.Err() == nil {
		s.env.Log().WarnContext(ctx, "reply not sent yet, it stays queued", "message_id", out.ID, "err", err)
	}
	stored, err := s.st.InWorkspace(p.WorkspaceID).Message(context.WithoutCancel(ctx), out.ID)
	if err != nil {
		return MessageView{}, err
	}
	return messageView(stored, true, false), nil
}

// queueReply builds the reply and stores it queued, in tx.
func (s *Service) queueReply(ctx context.Context, tx *store.Tx, p account.Principal, id, body string, m account.Meta) (store.OutboxReply, error) {
	q := tx.InWorkspace(p.WorkspaceID)
	c, err := q.Conversation(ctx, id)
	if err != nil {
		return store.OutboxReply{}, err
	}
	gone := problem.New(problem.Conflict, "mailbox_gone",
		"The mailbox that received this conversation was deleted; a reply can only come from it.")
	if c.MailboxID == "" {
		return store.OutboxReply{}, gone
	}
	ib, err := q.Mailbox(ctx, c.MailboxID)
	if errors.Is(err, store.ErrNotFound) {
		return store.OutboxReply{}, gone
	}
	if err != nil {
		return store.OutboxReply{}, err
	}
	msgs, err := q.ConversationMessages(ctx, c)
	if err != nil {
		return store.OutboxReply{}, err
	}
	var latest *store.Message
	for i := range msgs {
		if msgs[i].ID == c.LastInboundID {
			latest = &msgs[i]
		}
	}
	var lead *store.Lead
	if c.LeadID != "" {
		l, err := q.Lead(ctx, c.LeadID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return store.OutboxReply{}, err
		}
		if err == nil {
			lead = &l
		}
	}
	to := replyTo(latest, lead)
	if _, err := mail.ParseAddress(to); to == "" || err != nil {
		return store.OutboxReply{}, problem.New(problem.Conflict, "no_recipient", "This conversation has no address to reply to.")
	}
	sup, suppressed, err := q.Suppressed(ctx, to)
	if err != nil {
		return store.OutboxReply{}, err
	}
	if suppressed {
		return store.OutboxReply{}, problem.New(problem.Conflict, "suppressed",
			"%s is on the suppression list (%s); Leadbitz does not write to it.", to, sup.Reason)
	}
	now := s.env.Now()
	parent := parentOf(msgs)
	subject := c.Subject
	if parent != nil && parent.Subject != "" {
		subject = parent.Subject
	}
	text := body
	if sig := strings.TrimSpace(ib.Signature); sig != "" {
		text += "\n\n" + sig
	}
	msg := mailmsg.Outgoing{MessageID: mailmsg.NewMessageID(mailmsg.Domain(ib.Email)), Date: now,
		From: mail.Address{Name: ib.DisplayName, Address: ib.Email}, To: []mail.Address{{Address: to}},
		Subject: mailmsg.ReplySubject(subject), Text: text + quote(parent)}
	if parent != nil {
		msg.InReplyTo, msg.References = parent.MessageID, replyReferences(parent)
	}
	raw, err := mailmsg.Build(msg)
	if err != nil {
		return store.OutboxReply{}, fmt.Errorf("build reply: %w", err)
	}
	row := store.Message{ConversationID: c.ID, MailboxID: c.MailboxID, CampaignLeadID: c.CampaignLeadID,
		Direction: store.DirectionOutbound, MessageID: msg.MessageID, InReplyTo: msg.InReplyTo, References: msg.References,
		ThreadID: c.ThreadID, From: ib.Email, To: to, Subject: msg.Subject, Text: text, OccurredAt: now,
		AuthorUserID: p.User.ID}
	if err := q.QueueReply(ctx, &row, raw, now); err != nil {
		return store.OutboxReply{}, err
	}
	if err := q.AddToConversation(ctx, c.ID, store.Activity{MessageID: row.ID, At: now}); err != nil {
		return store.OutboxReply{}, err
	}
	if err := q.MarkConversationRead(ctx, c.ID); err != nil {
		return store.OutboxReply{}, err
	}
	err = tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID,
		Action: "reply.sent", TargetType: "conversation", TargetID: c.ID, Data: map[string]any{"messageId": row.ID},
		IP: m.IP, RequestID: m.RequestID})
	return store.OutboxReply{Message: row, WorkspaceID: p.WorkspaceID, Raw: raw}, err
}

// DeliverDue makes one attempt for every reply whose next attempt has
// come (and for those an attempt left mid-send), across workspaces. It
// returns how many went out.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	now := s.env.Now()
	due, err := s.st.DueReplies(ctx, now, now.Add(-2*s.cfg.SendTimeout), replyBatch)
	if err != nil {
		return 0, fmt.Errorf("due replies: %w", err)
	}
	sent := 0
	for _, r := range due {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		err := s.deliver(ctx, r)
		if err == nil {
			sent++
		} else if !errors.Is(err, errNotAttempted) {
			s.env.Log().WarnContext(ctx, "reply not sent yet", "message_id", r.ID, "err", err)
		}
	}
	return sent, nil
}

// errNotAttempted means deliver left a reply for later without calling the
// provider: its mailbox waits for a person, or another attempt holds it.
var errNotAttempted = errors.New("replies: reply not attempted now")

// deliver makes one attempt to hand a queued reply to its mailbox's
// provider and records the outcome. A reply whose earlier attempt may have
// gone out is first looked for in the provider's sent mail, so a retry
// never sends it twice.
func (s *Service) deliver(ctx context.Context, r store.OutboxReply) error {
	rctx := context.WithoutCancel(ctx) // outcomes are recorded even if the caller leaves
	now := s.env.Now()
	q := s.st.InWorkspace(r.WorkspaceID)
	ib, err := q.Mailbox(ctx, r.MailboxID)
	if errors.Is(err, store.ErrNotFound) || r.MailboxID == "" {
		if ok, err := q.ClaimReply(rctx, r.ID, now, now.Add(-2*s.cfg.SendTimeout)); err != nil || !ok {
			return errors.Join(errNotAttempted, err)
		}
		return q.RecordReplyFailed(rctx, r.ID, "the mailbox was deleted before the reply could go")
	}
	if err != nil {
		return err
	}
	if ib.Status == store.MailboxDisconnected || ib.Status == store.MailboxError {
		return errNotAttempted // held until the mailbox is reconnected
	}
	claimed, err := q.ClaimReply(rctx, r.ID, now, now.Add(-2*s.cfg.SendTimeout))
	if err != nil || !claimed {
		return errors.Join(errNotAttempted, err)
	}
	attempts := r.SendAttempts + 1
	open, ok := s.providers[ib.Provider]
	if !ok {
		return s.recordReplyOutcome(rctx, r, ib, attempts, provider.SentMessage{}, ErrProviderUnavailable)
	}
	mb, err := open(ctx, r.WorkspaceID, ib)
	if err != nil {
		return s.recordReplyOutcome(rctx, r, ib, attempts, provider.SentMessage{}, err)
	}
	defer mb.Close()
	sctx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	defer cancel()
	if attempts > 1 {
		sent, found, err := mb.FindSent(sctx, r.MessageID)
		if err != nil {
			return s.recordReplyOutcome(rctx, r, ib, attempts, provider.SentMessage{}, err)
		}
		if found {
			return s.recordReplyOutcome(rctx, r, ib, attempts, sent, nil)
		}
	}
	sent, err := mb.Send(sctx, provider.OutgoingMessage{From: ib.Email, To: r.To, MessageID: r.MessageID, Raw: r.Raw,
		ThreadID: r.ThreadID, InReplyTo: r.InReplyTo})
	return s.recordReplyOutcome(rctx, r, ib, attempts, sent, err)
}

// recordReplyOutcome writes what an attempt came to: sent (and the
// thread id joins the conversation), failed for good, or queued again with
// backoff. An authentication failure also disconnects the mailbox, which
// holds the reply until it is reconnected. It returns the attempt's error.
func (s *Service) recordReplyOutcome(ctx context.Context, r store.OutboxReply, ib store.Mailbox, attempts int, sent provider.SentMessage, sendErr error) error {
	now := s.env.Now()
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(r.WorkspaceID)
		if sendErr == nil {
			if err := q.RecordReplySent(ctx, r.ID, sent.ProviderID, sent.ThreadID, now); err != nil {
				return err
			}
			if r.ConversationID == "" {
				return nil
			}
			return q.AddToConversation(ctx, r.ConversationID, store.Activity{MessageID: r.ID, ThreadID: sent.ThreadID, At: now})
		}
		reason := failureText(sendErr)
		switch {
		case provider.IsPermanent(sendErr):
			return q.RecordReplyFailed(ctx, r.ID, reason)
		case provider.IsAuth(sendErr):
			if err := q.RecordReplyRetry(ctx, r.ID, now, reason); err != nil {
				return err
			}
			if cur, err := q.Mailbox(ctx, ib.ID); err != nil || cur.Status != store.MailboxActive {
				return err // already disconnected (and audited) by the provider registry
			}
			if err := tx.DisconnectMailbox(ctx, ib.ID, reason, now); err != nil {
				return err
			}
			if err := event.Record(ctx, tx.Queries, r.WorkspaceID, event.MailboxChanged{Type: event.MailboxDisconnected,
				Mailbox: event.Ref{ID: ib.ID, Name: ib.Email}, Reason: reason}); err != nil {
				return err
			}
			return tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: r.WorkspaceID, Action: "inbox.disconnected",
				TargetType: "inbox", TargetID: ib.ID, Data: map[string]any{"provider": ib.Provider, "by": "reply_send",
					"code": providerCode(sendErr)}})
		case attempts >= maxReplyAttempts:
			return q.RecordReplyFailed(ctx, r.ID, fmt.Sprintf("gave up after %d attempts: %s", attempts, reason))
		default:
			return q.RecordReplyRetry(ctx, r.ID, now.Add(replyBackoff(attempts, provider.RetryAfter(sendErr))), reason)
		}
	})
	switch {
	case err != nil:
	case sendErr == nil:
		s.metrics.reply("sent")
	case provider.IsPermanent(sendErr) || attempts >= maxReplyAttempts:
		s.metrics.reply("failed")
	default:
		s.metrics.reply("retry")
	}
	return errors.Join(sendErr, err)
}

// replyBackoff is the wait before attempt n+1: 30 s doubling up to an
// hour, or longer when the provider asked for it.
func replyBackoff(n int, asked time.Duration) time.Duration {
	d := 30 * time.Second << min(n-1, 7)
	d = min(d, time.Hour)
	return max(d, asked)
}

// replyTo is whom a reply goes to: the sender of the latest inbound
// message, else the conversation's lead. A bounce or complaint comes from a
// mail system, never the person: the reply goes to the lead.
func replyTo(latest *store.Message, lead *store.Lead) string {
	if latest != nil && latest.From != "" && !fromMailSystem(latest) {
		return latest.From
	}
	if lead != nil {
		return lead.Email
	}
	return ""
}

// parentOf is the message a reply answers: the latest inbound one, else
// the latest message of the thread.
func parentOf(msgs []store.Message) *store.Message {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == store.DirectionInbound {
			return &msgs[i]
		}
	}
	if len(msgs) > 0 {
		return &msgs[len(msgs)-1]
	}
	return nil
}

// quote renders the parent's text as a quoted block under a reply.
func quote(parent *store.Message) string {
	if parent == nil || strings.TrimSpace(parent.Text) == "" {
		return ""
	}
	who := parent.From
	var b strings.Builder
	b.WriteString("\n\nOn " + parent.OccurredAt.UTC().Format("Mon, 2 Jan 2006 15:04 MST") + ", " + who + " wrote:\n")
	for line := range strings.SplitSeq(clip(strings.TrimRight(parent.Text, "\n"), 20000), "\n") {
		b.WriteString(">")
		if line != "" && !strings.HasPrefix(line, ">") {
			b.WriteByte(' ')
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// replyReferences are the References of a reply to parent.
func replyReferences(parent *store.Message) []string {
	refs := parent.References
	if len(refs) == 0 && parent.InReplyTo != "" {
		refs = []string{parent.InReplyTo}
	}
	return mailmsg.ReplyReferences(parent.MessageID, refs)
}

// fromMailSystem reports whether an inbound message was a delivery or
// complaint report.
func fromMailSystem(m *store.Message) bool {
	var r Record
	if json.Unmarshal([]byte(m.Classification), &r) != nil {
		return false
	}
	return r.Verdict.Kind == classify.KindBounce || r.Verdict.Kind == classify.KindComplaint
}
