package replies

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Categorizer sorts a reply into one of ai.Categories(). The app's AI
// service (rate limited per workspace and user) implements it; userID is ""
// when inbox sync asks.
type Categorizer interface {
	Categorize(ctx context.Context, workspaceID, userID string, in ai.ReplyInput) (ai.Category, error)
}

// Config is what a Service needs. Store, Providers and Fallback are
// required.
type Config struct {
	Store *store.Store
	// Providers opens a mailbox by provider kind: the send engine's
	// openers, so sync and sending reach a mailbox the same way.
	Providers map[string]provider.Opener
	// Fallback categorises a reply by rules alone and cannot fail: the app
	// gives offline.Classify (internal/ai/offline). It answers when a
	// categorizer is nil, fails or names no known category, so a
	// rate-limited or unreachable model never leaves a reply without one.
	Fallback func(ai.ReplyInput) ai.Category
	// Categorizer decides categories that the certain rules leave open;
	// nil uses Fallback (no model, no cost).
	Categorizer Categorizer
	// AutoCategorizer is asked during sync; nil means Fallback, so a sync
	// never spends model calls unless the app chooses to.
	AutoCategorizer Categorizer
	Env             env.Env  // the clock and the logger
	Metrics         *Metrics // optional
	// Concurrency is how many mailboxes SyncAll reads at once; default 8.
	Concurrency int
	// MaxPages bounds the pages one Sync of a mailbox reads, so one busy
	// mailbox cannot hold a pass; the rest waits for the next pass.
	// Default 50.
	MaxPages int
	// MaxInboundBytes is LEADBITZ_MAX_INBOUND_BYTES, the most of one
	// message a provider reads (the app gives the providers the same
	// value); a message a provider returns longer is cut to it here too.
	// A sync keeps at most four times this much fetched mail waiting to be
	// stored, and stores a batch of pages of at most that many bytes.
	// Default provider.DefaultMaxMessageBytes.
	MaxInboundBytes int64
	// OutOfOfficePause is how long an out-of-office without a stated
	// return date pauses a lead; default 7 days.
	OutOfOfficePause time.Duration
	// SendTimeout bounds one provider call of a reply; an attempt older
	// than twice this is taken as dead. Default 1 minute.
	SendTimeout time.Duration
}

// Service is the reply loop: sync, the Replies list, categories and
// replies sent from a conversation.
type Service struct {
	st        *store.Store
	providers map[string]provider.Opener
	cat       Categorizer
	autoCat   Categorizer
	fallback  rulesCategorizer
	env       env.Env
	metrics   *Metrics
	cfg       Config
	running   sync.Map // mailbox id → struct{}: syncs in progress in this process
}

// New checks cfg and applies defaults.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Providers == nil || cfg.Fallback == nil {
		return nil, errors.New("replies: Store, Providers and Fallback are required")
	}
	cfg.Concurrency = cmp.Or(cfg.Concurrency, 8)
	cfg.MaxPages = cmp.Or(cfg.MaxPages, 50)
	if cfg.MaxInboundBytes <= 0 {
		cfg.MaxInboundBytes = provider.DefaultMaxMessageBytes
	}
	cfg.OutOfOfficePause = cmp.Or(cfg.OutOfOfficePause, 7*24*time.Hour)
	cfg.SendTimeout = cmp.Or(cfg.SendTimeout, time.Minute)
	s := &Service{st: cfg.Store, providers: cfg.Providers, cat: cfg.Categorizer, autoCat: cfg.AutoCategorizer,
		fallback: cfg.Fallback, env: cfg.Env, metrics: cfg.Metrics, cfg: cfg}
	return s, nil
}

// batchBytes bounds the fetched bytes of a sync that wait to be stored,
// and so the bytes of one stored batch.
func (s *Service) batchBytes() int64 { return 4 * s.cfg.MaxInboundBytes }
