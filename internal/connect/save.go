package connect

import (
	"context"
	"errors"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Result is what a connect flow did.
type Result struct {
	MailboxID   string `json:"inboxId"`
	Email       string `json:"email"`
	Reconnected bool   `json:"reconnected"`
	// Released is how many held sends of a reconnected mailbox went back
	// to the send engine, with the leads of its campaigns that were left
	// without a mailbox while it was down.
	Released int `json:"released"`
}

// connection is what a finished connect flow saves.
type connection struct {
	provider    string
	email       string
	displayName string
	timezone    string
	settings    settings
	creds       credentials
	// mailboxID is the mailbox an OAuth reconnect was started for: the
	// account the user signed in with must be that mailbox's.
	mailboxID string
}

// actor is who connects: a principal's user (and API key), or the user an
// OAuth state names.
type actor struct {
	ws, userID, apiKeyID string
	meta                 account.Meta
}

func (a actor) audit(action, mailboxID string, data map[string]any) store.AuditEvent {
	return store.AuditEvent{WorkspaceID: a.ws, ActorUserID: a.userID, ActorAPIKey: a.apiKeyID, Action: action,
		TargetType: "inbox", TargetID: mailboxID, Data: data, IP: a.meta.IP, RequestID: a.meta.RequestID}
}

// save creates the mailbox, or reconnects the workspace's mailbox with the
// same provider and address: new credentials, active again (a mailbox a
// person paused stays paused), held work released, inbox.reconnected.
func (s *Service) save(ctx context.Context, a actor, c connection) (Result, error) {
	res := Result{Email: c.email}
	now := s.env.Now()
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(a.ws)
		existing, err := q.MailboxByAddress(ctx, c.provider, c.email)
		found := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if c.mailboxID != "" && (!found || existing.ID != c.mailboxID) {
			return problem.New(problem.Conflict, "wrong_account",
				"You signed in as %s, which is not the mailbox you are reconnecting.", c.email)
		}
		if found {
			return s.reconnect(ctx, tx, a, existing, c, now, &res)
		}
		return s.create(ctx, tx, a, c, now, &res)
	})
	if err != nil {
		return Result{}, err
	}
	if res.Reconnected {
		s.Forget(res.MailboxID)
	}
	return res, nil
}

func (s *Service) reconnect(ctx context.Context, tx *store.Tx, a actor, i store.Mailbox, c connection, now time.Time, res *Result) error {
	q := tx.InWorkspace(a.ws)
	cipher, err := s.seal(i.ID, c.creds)
	if err != nil {
		return err
	}
	status := store.MailboxActive
	if i.Status == store.MailboxPaused {
		status = store.MailboxPaused
	}
	if err := q.ReconnectMailbox(ctx, i.ID, cipher, c.settings.json(), status, now); err != nil {
		return err
	}
	released, err := q.ReleaseHeldJobsOfMailbox(ctx, i.ID, now)
	if err != nil {
		return err
	}
	// Leads that joined its campaigns while it was the only mailbox and
	// down have none: give them one now.
	campaigns, err := q.CampaignsUsingMailbox(ctx, i.ID)
	if err != nil {
		return err
	}
	for _, c := range campaigns {
		n, err := enrollment.Reassign(ctx, tx, a.ws, c, "", now)
		if err != nil {
			return err
		}
		released += n
	}
	res.MailboxID, res.Reconnected, res.Released = i.ID, true, released
	if err := event.Record(ctx, tx.Queries, a.ws, event.MailboxChanged{Type: event.MailboxConnected,
		Mailbox: event.Ref{ID: i.ID, Name: i.Email}, Reason: "reconnected"}); err != nil {
		return err
	}
	return tx.InsertAudit(ctx, a.audit("inbox.reconnected", i.ID, map[string]any{"provider": i.Provider,
		"previousStatus": i.Status, "jobsReleased": released}))
}

func (s *Service) create(ctx context.Context, tx *store.Tx, a actor, c connection, now time.Time, res *Result) error {
	q := tx.InWorkspace(a.ws)
	tz := c.timezone
	if tz == "" {
		tz = "UTC"
	}
	i := store.Mailbox{ID: store.NewID(), Provider: c.provider, Email: c.email, DisplayName: c.displayName,
		DailyCap: rules.DefaultDailyCap, RampStart: rules.DefaultRampStart, RampIncrement: rules.DefaultRampIncrement,
		MinGapSeconds: int(rules.DefaultMinGap / time.Second), Timezone: tz, RampStartedAt: now,
		Config: c.settings.json()}
	cipher, err := s.seal(i.ID, c.creds)
	if err != nil {
		return err
	}
	if err := q.CreateMailbox(ctx, &i); err != nil {
		return err
	}
	if err := q.SetMailboxCredentials(ctx, i.ID, cipher, i.Config); err != nil {
		return err
	}
	res.MailboxID = i.ID
	if err := event.Record(ctx, tx.Queries, a.ws, event.MailboxChanged{Type: event.MailboxConnected,
		Mailbox: event.Ref{ID: i.ID, Name: i.Email}, Reason: "connected"}); err != nil {
		return err
	}
	return tx.InsertAudit(ctx, a.audit("inbox.created", i.ID, map[string]any{"provider": c.provider}))
}
