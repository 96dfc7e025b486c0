// Package inbox holds the rules of mailboxes ("Mailboxes" in the UI) that
// do not depend on their provider: listing them with today's usage, their
// limits and status, deleting one without losing its leads' work, and
// creating the sandbox mailbox that lets a new user run the whole loop
// locally (the sandbox itself, its messages and deliveries, is
// internal/provider/sandbox). Real providers (Gmail, Microsoft, SMTP/IMAP)
// add their own connect flows.
package mailbox

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// Service implements the mailbox rules.
type Service struct {
	st  *store.Store
	env env.Env
	// deleted is told a mailbox's id once its deletion committed, so the
	// provider client open for it closes at once (connect.Service.Forget).
	deleted func(mailboxID string)
}

// OnDelete sets what is told of each deleted mailbox.
func (s *Service) OnDelete(fn func(mailboxID string)) { s.deleted = fn }

// New returns a Service reading the time from e.
func New(st *store.Store, e env.Env) *Service {
	return &Service{st: st, env: e}
}

// View is a mailbox as GET /api/inboxes shows it. SentToday and TodayLimit
// come from the same rules the tick applies (rules.TodayLimit and the usage
// counter in the mailbox's own day).
type View struct {
	ID            string     `json:"id"`
	Provider      string     `json:"provider"`
	Email         string     `json:"email"`
	DisplayName   string     `json:"displayName"`
	Status        string     `json:"status"`
	StatusReason  string     `json:"statusReason"`
	DailyCap      int        `json:"dailyCap"`
	RampStart     int        `json:"rampStart"`
	RampIncrement int        `json:"rampIncrement"`
	MinGapSeconds int        `json:"minGapSeconds"`
	Signature     string     `json:"signature"`
	Timezone      string     `json:"timezone"`
	SentToday     int        `json:"sentToday"`
	TodayLimit    int        `json:"todayLimit"`
	RampDay       int        `json:"rampDay"`  // "day N of M" of the ramp; 0 when off
	RampDays      int        `json:"rampDays"` // M
	LastSentAt    *time.Time `json:"lastSentAt"`
	CreatedAt     time.Time  `json:"createdAt"`
	// Health of the inbox sync: the last good pass, the provider's last
	// answer when a pass failed, and how many failed in a row.
	LastSyncAt          *time.Time `json:"lastSyncAt"`
	LastError           string     `json:"lastError"`
	ConsecutiveFailures int        `json:"consecutiveFailures"`
	// An SMTP mailbox's copies to Sent: why the last one given up failed
	// ("" while they are stored), and when a copy last failed.
	SentCopyError    string     `json:"sentCopyError,omitempty"`
	SentCopyFailedAt *time.Time `json:"sentCopyFailedAt,omitempty"`
}

func withHealth(v View, h store.MailboxHealth) View {
	v.LastSyncAt, v.LastError, v.ConsecutiveFailures = h.LastSyncAt, h.LastError, h.ConsecutiveFailures
	return v
}

func (s *Service) view(i store.Mailbox) View {
	v := View{ID: i.ID, Provider: i.Provider, Email: i.Email, DisplayName: i.DisplayName, Status: i.Status,
		StatusReason: i.StatusReason, DailyCap: i.DailyCap, RampStart: i.RampStart, RampIncrement: i.RampIncrement,
		MinGapSeconds: i.MinGapSeconds, Signature: i.Signature, Timezone: i.Timezone, LastSentAt: i.LastSentAt,
		CreatedAt: i.CreatedAt, SentCopyError: i.SentCopyError, SentCopyFailedAt: i.SentCopyFailedAt}
	now := s.env.Now()
	if side, err := input.MailboxSide(i, now); err == nil {
		v.SentToday = side.Usage.SentToday
		v.TodayLimit = rules.TodayLimit(side.Limits, now)
		v.RampDay, v.RampDays = rules.RampProgress(side.Limits, now)
	}
	return v
}

// List returns the workspace's mailboxes.
func (s *Service) List(ctx context.Context, ws string) ([]View, error) {
	list, err := s.st.InWorkspace(ws).Mailboxes(ctx)
	if err != nil {
		return nil, err
	}
	health, err := s.st.InWorkspace(ws).MailboxHealth(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]View, len(list))
	for i, x := range list {
		out[i] = withHealth(s.view(x), health[x.ID])
	}
	return out, nil
}

// Get returns one mailbox.
func (s *Service) Get(ctx context.Context, ws, id string) (View, error) {
	i, err := s.st.InWorkspace(ws).Mailbox(ctx, id)
	if err != nil {
		return View{}, err
	}
	health, err := s.st.InWorkspace(ws).MailboxHealth(ctx)
	if err != nil {
		return View{}, err
	}
	return withHealth(s.view(i), health[id]), nil
}

// Patch is the body of PATCH /api/inboxes/{id}; every field is optional.
type Patch struct {
	DisplayName   *string `json:"displayName"`
	DailyCap      *int    `json:"dailyCap"`
	RampStart     *int    `json:"rampStart"`
	RampIncrement *int    `json:"rampIncrement"`
	MinGapSeconds *int    `json:"minGapSeconds"`
	Signature     *string `json:"signature"`
	Timezone      *string `json:"timezone"`
	Status        *string `json:"status"`
}

// Bounds of the limits a user may set.
const (
	MaxDailyCap  = 5000
	MaxGap       = 24 * 60 * 60
	MaxSignature = 5000
)

// Update changes a mailbox's settings. Status may be set to active or
// paused; disconnected and error are the providers' to set (reconnecting is
// their flow). Work held for this mailbox is released so the tick decides it
// again under the new settings.
func (s *Service) Update(ctx context.Context, p account.Principal, id string, in Patch, m account.Meta) (View, error) {
	var out store.Mailbox
	err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		i, err := q.MailboxForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := applyPatch(&i, in); err != nil {
			return err
		}
		if err := q.UpdateMailboxSettings(ctx, &i); err != nil {
			return err
		}
		if _, err := q.ReleaseHeldJobsOfMailbox(ctx, id, s.env.Now()); err != nil {
			return err
		}
		out = i
		return tx.InsertAudit(ctx, audit(p, m, "inbox.updated", id, map[string]any{"status": i.Status}))
	})
	if err != nil {
		return View{}, err
	}
	return s.view(out), nil
}

func applyPatch(i *store.Mailbox, in Patch) error {
	f := problem.Fields{}
	if in.DisplayName != nil {
		if len(*in.DisplayName) > 200 {
			f.Add("displayName", "must be at most 200 characters")
		}
		i.DisplayName = *in.DisplayName
	}
	bound := func(name string, v *int, lo, hi int, dst *int) {
		if v == nil {
			return
		}
		if *v < lo || *v > hi {
			f.Add(name, "must be %d to %d", lo, hi)
		}
		*dst = *v
	}
	bound("dailyCap", in.DailyCap, 0, MaxDailyCap, &i.DailyCap)
	bound("rampStart", in.RampStart, 0, MaxDailyCap, &i.RampStart)
	bound("rampIncrement", in.RampIncrement, 0, MaxDailyCap, &i.RampIncrement)
	bound("minGapSeconds", in.MinGapSeconds, 0, MaxGap, &i.MinGapSeconds)
	if in.Signature != nil {
		if len(*in.Signature) > MaxSignature {
			f.Add("signature", "must be at most %d characters", MaxSignature)
		}
		i.Signature = *in.Signature
	}
	if in.Timezone != nil {
		if !timezone.Valid(*in.Timezone) {
			f.Add("timezone", "must be an IANA time zone such as Europe/Paris")
		}
		i.Timezone = *in.Timezone
	}
	if in.Status != nil {
		switch *in.Status {
		case store.MailboxActive, store.MailboxPaused:
			if *in.Status != i.Status {
				i.Status, i.StatusReason = *in.Status, ""
			}
		default:
			f.Add("status", "must be active or paused")
		}
	}
	return f.Err()
}

// Delete removes a mailbox. Its campaigns' leads move to the campaigns'
// other mailboxes (or wait, held, for a new one); nothing scheduled is
// lost. A mailbox in the middle of a send answers 409: try again in a
// moment.
func (s *Service) Delete(ctx context.Context, p account.Principal, id string, m account.Meta) error {
	// Locks are taken in the engine's order (campaign leads and jobs, then
	// the mailbox): once the mailbox row is locked no tick can claim for
	// it, so the busy check is final; a busy mailbox rolls everything back.
	err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		i, err := q.Mailbox(ctx, id)
		if err != nil {
			return err
		}
		campaigns, err := q.CampaignsUsingMailbox(ctx, id)
		if err != nil {
			return err
		}
		moved := 0
		for _, c := range campaigns {
			n, err := enrollment.Reassign(ctx, tx, p.WorkspaceID, c, id, s.env.Now())
			if err != nil {
				return err
			}
			moved += n
		}
		if _, err := q.MailboxForUpdate(ctx, id); err != nil {
			return err
		}
		busy, err := q.MailboxBusy(ctx, id)
		if err != nil {
			return err
		}
		if busy {
			return problem.New(problem.Conflict, "inbox_busy", "The mailbox is sending right now; try again in a minute.")
		}
		if err := q.DeleteMailbox(ctx, id); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "inbox.deleted", id, map[string]any{"provider": i.Provider,
			"leadsReassigned": moved}))
	})
	if err == nil && s.deleted != nil {
		s.deleted(id)
	}
	return err
}

func audit(p account.Principal, m account.Meta, action, targetID string, data map[string]any) store.AuditEvent {
	return store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID,
		Action: action, TargetType: "inbox", TargetID: targetID, Data: data, IP: m.IP, RequestID: m.RequestID}
}
