package connect

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SentCopy is a mailbox's copy to Sent: whether the server was seen filing
// submitted mail itself (after a detection) and whether Leadbitz skips its
// own copy.
type SentCopy struct {
	// ServerFilesSent is the detection's answer (absent when none ran).
	ServerFilesSent *bool `json:"serverFilesSent,omitempty"`
	SkipSentCopy    bool  `json:"skipSentCopy"`
	// Changed is true when the call changed SkipSentCopy.
	Changed bool `json:"changed"`
}

// DetectSentCopy sends a test message from an SMTP mailbox to itself and
// watches its Sent folder (smtpimap.DetectServerSentCopy): a server that
// files submitted mail itself would hold two copies of each campaign
// message. With apply, a detected server has the mailbox skip its own copy
// from now on. The check dials the user's servers, so it counts against
// the workspace's connection checks.
func (s *Service) DetectSentCopy(ctx context.Context, p account.Principal, mailboxID string, apply bool, m account.Meta) (SentCopy, error) {
	i, st, creds, err := s.smtpMailbox(ctx, p.WorkspaceID, mailboxID)
	if err != nil {
		return SentCopy{}, err
	}
	if err := s.allowCheck(ctx, p.WorkspaceID); err != nil {
		return SentCopy{}, err
	}
	files, err := smtpimap.DetectServerSentCopy(ctx, s.smtpConfig(i.Email, st, creds), s.cfg.SentCopyWait)
	if err != nil {
		s.env.Log().InfoContext(ctx, "sent copy detection failed", "inbox", mailboxID, "error", err)
		return SentCopy{}, connectionFailed(err)
	}
	res := SentCopy{ServerFilesSent: &files, SkipSentCopy: st.SkipSentCopy}
	if files && apply && !st.SkipSentCopy {
		return s.setSkipSentCopy(ctx, p, i, st, creds, true, files, m)
	}
	return res, nil
}

// SetSkipSentCopy turns the mailbox's own copy to Sent off (skip) or on.
func (s *Service) SetSkipSentCopy(ctx context.Context, p account.Principal, mailboxID string, skip bool, m account.Meta) (SentCopy, error) {
	i, st, creds, err := s.smtpMailbox(ctx, p.WorkspaceID, mailboxID)
	if err != nil {
		return SentCopy{}, err
	}
	if st.SkipSentCopy == skip {
		return SentCopy{SkipSentCopy: skip}, nil
	}
	return s.setSkipSentCopy(ctx, p, i, st, creds, skip, false, m)
}

// setSkipSentCopy stores the option with freshly sealed credentials: every
// replica compares the ciphertext (Open), so each rebuilds the mailbox with
// the new option within CredentialsCheck, this one at once.
func (s *Service) setSkipSentCopy(ctx context.Context, p account.Principal, i store.Mailbox, st settings, creds credentials, skip, detected bool, m account.Meta) (SentCopy, error) {
	st.SkipSentCopy = skip
	cipher, err := s.seal(i.ID, creds)
	if err != nil {
		return SentCopy{}, err
	}
	a := actor{ws: p.WorkspaceID, userID: p.User.ID, apiKeyID: p.APIKeyID, meta: m}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(p.WorkspaceID).SetMailboxCredentials(ctx, i.ID, cipher, st.json()); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, a.audit("inbox.sent_copy_changed", i.ID, map[string]any{"skipSentCopy": skip}))
	})
	if err != nil {
		return SentCopy{}, err
	}
	s.Forget(i.ID)
	res := SentCopy{SkipSentCopy: skip, Changed: true}
	if detected {
		res.ServerFilesSent = &detected
	}
	return res, nil
}

// smtpMailbox reads an SMTP mailbox of the workspace with its settings and
// credentials; another provider's is a 409.
func (s *Service) smtpMailbox(ctx context.Context, ws, id string) (store.Mailbox, settings, credentials, error) {
	sc := s.st.InWorkspace(ws)
	i, err := sc.Mailbox(ctx, id)
	if err != nil {
		return i, settings{}, credentials{}, err
	}
	if i.Provider != store.ProviderSMTP {
		return i, settings{}, credentials{}, problem.New(problem.Conflict, "not_smtp",
			"Only an SMTP mailbox has a copy to Sent to skip; Gmail and Microsoft 365 file sent mail themselves.")
	}
	st, err := readSettings(i.Config)
	if err != nil || st.SMTP == nil || st.IMAP == nil {
		return i, st, credentials{}, problem.New(problem.Conflict, "unreadable_settings", "The mailbox's server settings cannot be read; connect it again.")
	}
	cipher, err := sc.MailboxCredentials(ctx, id)
	if err != nil {
		return i, st, credentials{}, err
	}
	creds, err := s.unseal(i.ID, cipher)
	return i, st, creds, err
}

// SkipsSentCopy reads the option from a mailbox's stored settings
// (store.Mailbox.Config), for pages that show it.
func SkipsSentCopy(config string) bool {
	st, _ := readSettings(config)
	return st.SkipSentCopy
}
