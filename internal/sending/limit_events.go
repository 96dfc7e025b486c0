package sending

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// recordLimitReached reports mailbox.limit_reached, in the claim's
// transaction, when the slots it reserved fill the mailbox's limit for its
// local day: its daily cap, or the lower limit of a ramp-up day. It is
// reported once per mailbox per local day (store.Scope.MarkMailboxLimitReached),
// even when a failed send gives a slot back and the limit is reached again.
func recordLimitReached(ctx context.Context, q store.Queries, mailbox store.WorkspaceMailbox, usage *store.MailboxUsage, now time.Time) error {
	if usage == nil {
		return nil
	}
	limits, err := input.Limits(mailbox.Mailbox)
	if err != nil {
		return nil // decideMailbox held its jobs: nothing was reserved
	}
	limit := rules.TodayLimit(limits, now)
	if limit <= 0 || usage.SentToday < limit {
		return nil
	}
	s := q.InWorkspace(mailbox.WorkspaceID)
	if first, err := s.MarkMailboxLimitReached(ctx, mailbox.ID, usage.Date); err != nil || !first {
		return err
	}
	reason := string(rules.ReasonMailboxDailyCap)
	if limit < limits.DailyCap {
		reason = string(rules.ReasonRampLimit)
	}
	return event.Record(ctx, q, mailbox.WorkspaceID, event.MailboxChanged{Type: event.MailboxLimitReached,
		Mailbox: event.Ref{ID: mailbox.ID, Name: mailbox.Email}, Reason: reason, Limit: limit, Day: usage.Date})
}
