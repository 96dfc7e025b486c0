package mailbox

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
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
	if !timezone.Valid(tz) {
		f.Add("timezone", "must be an IANA time zone such as Europe/Paris")
	}
	if err := f.Err(); err != nil {
		return View{}, err
	}
	i := store.Mailbox{Provider: store.ProviderSandbox, Email: email, DisplayName: strings.TrimSpace(in.DisplayName),
		DailyCap: rules.DefaultDailyCap, RampStart: rules.DefaultRampStart, RampIncrement: rules.DefaultRampIncrement,
		MinGapSeconds: int(rules.DefaultMinGap / time.Second), Timezone: tz, RampStartedAt: s.env.Now()}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		if err := q.CreateMailbox(ctx, &i); err != nil {
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
		if err := event.Record(ctx, tx.Queries, p.WorkspaceID, event.MailboxChanged{Type: event.MailboxConnected,
			Mailbox: event.Ref{ID: i.ID, Name: i.Email}, Reason: "sandbox mailbox created"}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "inbox.created", i.ID, map[string]any{"provider": i.Provider}))
	})
	if err != nil {
		return View{}, err
	}
	return s.view(i), nil
}

// sandboxMailbox returns the mailbox if it is a sandbox one.
func (s *Service) sandboxMailbox(ctx context.Context, ws, id string) (store.Mailbox, error) {
	i, err := s.st.InWorkspace(ws).Mailbox(ctx, id)
	if err != nil {
		return i, err
	}
	if i.Provider != store.ProviderSandbox {
		return i, problem.New(problem.Conflict, "not_sandbox", "This is a %s mailbox, not a sandbox one.", i.Provider)
	}
	return i, nil
}

// SandboxMessages lists a sandbox mailbox's messages newest first: by
// default what it has "sent", or folder "inbox" for what it received
// (sandbox.Mailbox.Messages).
func (s *Service) SandboxMessages(ctx context.Context, ws, id, folder, cursor string, limit int) ([]sandbox.Message, error) {
	if _, err := s.sandboxMailbox(ctx, ws, id); err != nil {
		return nil, err
	}
	return sandbox.New(s.st, ws, id).Messages(ctx, folder, cursor, limit)
}

// SandboxReceive delivers a message into a sandbox mailbox's inbox
// (sandbox.Mailbox.Receive); the next inbox sync reads it like any
// provider's mail.
func (s *Service) SandboxReceive(ctx context.Context, p account.Principal, id string, in sandbox.ReceiveInput) (sandbox.Message, error) {
	i, err := s.sandboxMailbox(ctx, p.WorkspaceID, id)
	if err != nil {
		return sandbox.Message{}, err
	}
	to := mail.Address{Name: i.DisplayName, Address: i.Email}
	return sandbox.New(s.st, p.WorkspaceID, id).Receive(ctx, to, in, s.env.Now())
}
