package connect

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/store"
)

// entry is one built mailbox, kept while its credentials stay the same.
type entry struct {
	mb        provider.Mailbox
	cipher    string // the stored credentials it was built from
	lastUsed  time.Time
	checkedAt time.Time // when cipher was last compared with the stored one
}

// Openers are the provider kinds this registry opens, for the send engine
// and the reply loop (both take a map of provider.Opener).
func (s *Service) Openers() map[string]provider.Opener {
	return map[string]provider.Opener{
		store.ProviderGmail:     s.Open,
		store.ProviderMicrosoft: s.Open,
		store.ProviderSMTP:      s.Open,
	}
}

// Open returns the mailbox of a mailbox row, built once and reused while its
// stored credentials are unchanged. The returned Mailbox's Close does
// nothing: the registry closes it when it is idle, rebuilt or forgotten.
//
// The stored credentials are compared at most every CredentialsCheck: this
// process's own changes (a reconnect, a refreshed token) reach the cached
// mailbox at once, another replica's within that time.
func (s *Service) Open(ctx context.Context, ws string, i store.Mailbox) (provider.Mailbox, error) {
	now := s.env.Now()
	s.mu.Lock()
	stale := s.sweepLocked(now)
	if e, ok := s.open[i.ID]; ok && now.Sub(e.checkedAt) < s.cfg.CredentialsCheck {
		e.lastUsed = now
		s.mu.Unlock()
		closeAll(stale)
		return shared{e.mb}, nil
	}
	s.mu.Unlock()
	closeAll(stale)
	cipher, err := s.st.InWorkspace(ws).MailboxCredentials(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	stale = nil
	e, ok := s.open[i.ID]
	if ok && e.cipher != cipher {
		stale = append(stale, e.mb)
		delete(s.open, i.ID)
		ok = false
	}
	if ok {
		e.lastUsed, e.checkedAt = now, now
	}
	s.mu.Unlock()
	closeAll(stale)
	if ok {
		return shared{e.mb}, nil
	}

	mb, err := s.build(ws, i, cipher)
	if err != nil {
		return nil, err
	}
	guarded := &guard{Mailbox: mb, s: s, ws: ws, mailbox: i}
	s.mu.Lock()
	if cur, ok := s.open[i.ID]; ok && cur.cipher == cipher {
		// Another caller built the same mailbox meanwhile: use theirs.
		cur.lastUsed, cur.checkedAt = now, now
		s.mu.Unlock()
		_ = mb.Close()
		return shared{cur.mb}, nil
	} else if ok {
		stale = []provider.Mailbox{cur.mb}
	}
	s.open[i.ID] = &entry{mb: guarded, cipher: cipher, lastUsed: now, checkedAt: now}
	s.mu.Unlock()
	closeAll(stale)
	return shared{guarded}, nil
}

// Forget closes a mailbox's client (deleted, or reconnected with new
// credentials); the next Open builds a new one.
func (s *Service) Forget(mailboxID string) {
	s.mu.Lock()
	e, ok := s.open[mailboxID]
	delete(s.open, mailboxID)
	s.mu.Unlock()
	if ok {
		_ = e.mb.Close()
	}
}

// Prune closes the clients of mailboxes that were deleted, paused or
// disconnected since they were opened, and reports how many it closed.
// The app runs it every minute.
func (s *Service) Prune(ctx context.Context) (int, error) {
	s.mu.Lock()
	ids := make([]string, 0, len(s.open))
	for id := range s.open {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	active, err := s.st.ActiveMailboxIDs(ctx, ids)
	if err != nil {
		return 0, err
	}
	keep := make(map[string]bool, len(active))
	for _, id := range active {
		keep[id] = true
	}
	closed := 0
	for _, id := range ids {
		if !keep[id] {
			s.Forget(id)
			closed++
		}
	}
	return closed, nil
}

// Close closes every open mailbox.
func (s *Service) Close() error {
	s.mu.Lock()
	var all []provider.Mailbox
	for id, e := range s.open {
		all = append(all, e.mb)
		delete(s.open, id)
	}
	s.mu.Unlock()
	closeAll(all)
	return nil
}

// OpenCount is how many mailboxes are built and kept.
func (s *Service) OpenCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

func (s *Service) sweepLocked(now time.Time) []provider.Mailbox {
	var idle []provider.Mailbox
	for id, e := range s.open {
		if now.Sub(e.lastUsed) > s.cfg.IdleClose {
			idle = append(idle, e.mb)
			delete(s.open, id)
		}
	}
	return idle
}

func closeAll(list []provider.Mailbox) {
	for _, mb := range list {
		_ = mb.Close()
	}
}

// shared hides Close from the engine and the reply loop, which close what
// they open after each batch: the registry keeps the mailbox (and its
// connections) for the next one. Close still flushes (provider.Flusher):
// the engine records a batch's sends after closing its mailboxes, and the
// record must not come before the sends' copies are in Sent.
type shared struct{ provider.Mailbox }

// flushTimeout bounds the wait for a mailbox's background work at Close.
const flushTimeout = 2 * time.Minute

func (s shared) Close() error {
	if f, ok := s.Mailbox.(provider.Flusher); ok {
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		defer cancel()
		return f.Flush(ctx)
	}
	return nil
}

// errNotConfigured is returned when a mailbox's provider has no OAuth app
// configured in this deployment.
var errNotConfigured = errors.New("connect: the provider's OAuth app is not configured")

func (s *Service) build(ws string, i store.Mailbox, cipher string) (provider.Mailbox, error) {
	creds, err := s.unseal(i.ID, cipher)
	if err != nil {
		return nil, err
	}
	switch i.Provider {
	case store.ProviderSMTP:
		return s.buildSMTP(ws, i, creds)
	case store.ProviderGmail:
		if s.cfg.Google.ClientID == "" {
			return nil, fmt.Errorf("gmail mailbox %s: %w", i.ID, errNotConfigured)
		}
		return gmail.New(gmail.Config{BaseURL: s.cfg.Google.APIBaseURL, OAuth: s.googleOAuth(), Token: creds.Token,
			SaveToken: s.tokenSaver(ws, i.ID), HTTPClient: s.hc, Logger: s.env.Log(), MaxMessageBytes: s.cfg.MaxInboundBytes})
	case store.ProviderMicrosoft:
		if s.cfg.Microsoft.ClientID == "" {
			return nil, fmt.Errorf("microsoft mailbox %s: %w", i.ID, errNotConfigured)
		}
		return microsoft.New(microsoft.Config{GraphURL: s.cfg.Microsoft.APIBaseURL, OAuth: s.microsoftOAuth(),
			Token: creds.Token, SaveToken: s.tokenSaver(ws, i.ID), HTTPClient: s.hc, Logger: s.env.Log(),
			MaxMessageBytes: s.cfg.MaxInboundBytes})
	}
	return nil, fmt.Errorf("connect: no provider %q", i.Provider)
}

func (s *Service) buildSMTP(ws string, i store.Mailbox, creds credentials) (provider.Mailbox, error) {
	st, err := readSettings(i.Config)
	if err != nil || st.SMTP == nil || st.IMAP == nil {
		return nil, fmt.Errorf("smtp mailbox %s: unreadable server settings", i.ID)
	}
	cfg := s.smtpConfig(i.Email, st, creds)
	cfg.CopiesStored = s.sentCopyHealth(ws, i.ID)
	return smtpimap.New(cfg)
}

// sentCopyHealth records on the mailbox row whether its copies to Sent
// fail, each time that changes (and once per process, to clear what an
// earlier one recorded): the mailbox page and the alert strip show it.
// Writes happen only on a change, so a healthy mailbox costs none.
func (s *Service) sentCopyHealth(ws, mailboxID string) func(error) {
	var state atomic.Int32 // 0 not known yet, 1 stored, 2 failing
	return func(err error) {
		now, msg := int32(1), ""
		if err != nil {
			now, msg = 2, clip(err.Error(), 300)
		}
		if state.Swap(now) == now {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.st.InWorkspace(ws).SetSentCopyError(ctx, mailboxID, msg, s.env.Now()); err != nil {
			state.Store(0) // try again after the next batch
			s.env.Log().Warn("connect: could not record the copies to Sent", "mailbox", mailboxID, "error", err)
		}
	}
}

func (s *Service) smtpConfig(address string, st settings, creds credentials) smtpimap.Config {
	server := func(x *serverSettings, password string) smtpimap.Server {
		return smtpimap.Server{Host: x.Host, Port: x.Port, Username: x.Username, Password: password,
			Security: smtpimap.Security(x.Security)}
	}
	return smtpimap.Config{Address: address, SMTP: server(st.SMTP, creds.SMTPPassword),
		IMAP: server(st.IMAP, creds.IMAPPassword), TLSConfig: s.tlsConfig(), Timeout: s.cfg.SMTPTimeout, Logger: s.env.Log(),
		SkipSentCopy: st.SkipSentCopy, MaxMessageBytes: s.cfg.MaxInboundBytes, Guard: s.cfg.Guard}
}

// tokenSaver encrypts and stores a refreshed token, and tells the cached
// entry its new ciphertext so the mailbox is not rebuilt for it.
func (s *Service) tokenSaver(ws, mailboxID string) provider.TokenSaver {
	return func(ctx context.Context, tok *oauth2.Token) error {
		cipher, err := s.seal(mailboxID, credentials{Token: tok})
		if err != nil {
			return err
		}
		if err := s.st.InWorkspace(ws).SaveMailboxToken(ctx, mailboxID, cipher); err != nil {
			return fmt.Errorf("save refreshed token of mailbox %s: %w", mailboxID, err)
		}
		s.mu.Lock()
		if e, ok := s.open[mailboxID]; ok {
			e.cipher = cipher
		}
		s.mu.Unlock()
		return nil
	}
}
