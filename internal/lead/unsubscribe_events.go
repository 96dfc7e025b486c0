package lead

import (
	"context"
	"errors"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/store"
)

// The lead.unsubscribed events of what a person of the workspace does by
// hand (source "manual"); the other sources are the unsubscribe link
// (internal/sending/unsubscribe.go: "one-click", "link") and a reply
// asking to be removed (internal/replies/events.go: "reply").

// recordManualUnsubscribe reports a lead a user marks unsubscribed (from
// another status), in the transaction of the change.
func recordManualUnsubscribe(ctx context.Context, tx *store.Tx, ws string, l store.Lead, status string) error {
	if status != store.LeadUnsubscribed || l.Status == store.LeadUnsubscribed {
		return nil
	}
	return event.Record(ctx, tx.Queries, ws, event.Unsubscribed{Lead: &event.Lead{ID: l.ID, Email: l.Email},
		Email: l.Email, Source: "manual"})
}

// recordSuppressedUnsubscribe reports an address a user suppresses with
// the reason "unsubscribe", with its lead when the workspace has one.
func recordSuppressedUnsubscribe(ctx context.Context, tx *store.Tx, ws string, sup store.Suppression) error {
	if sup.Kind != store.SuppressEmail || sup.Reason != store.ReasonUnsubscribe {
		return nil
	}
	d := event.Unsubscribed{Email: sup.Value, Source: "manual"}
	l, err := tx.InWorkspace(ws).LeadByEmail(ctx, sup.Value)
	switch {
	case err == nil:
		d.Lead = &event.Lead{ID: l.ID, Email: l.Email}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return event.Record(ctx, tx.Queries, ws, d)
}
