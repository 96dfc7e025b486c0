package replies

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
	"github.com/leadbitz/leadbitz/internal/store"
)

// item is one fetched message, read and judged before the transaction
// that stores it: parsing, classifying and categorising hold no lock.
type item struct {
	fetched    provider.InboundMessage
	msg        *mailmsg.Inbound
	verdict    classify.Verdict
	category   ai.Category
	messageID  string // the Message-ID, or one derived from the provider id
	occurredAt time.Time
}

// prepare parses, classifies and categorises a page's messages, on every
// CPU at once. Our own sent copies (the sent folder) and unreadable
// messages are left out; the rest keep their order.
func (s *Service) prepare(ctx context.Context, t store.SyncTarget, msgs []provider.InboundMessage) []item {
	prepared := make([]*item, len(msgs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(msgs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(msgs); i = int(next.Add(1) - 1) {
				prepared[i] = s.prepareOne(ctx, t, msgs[i])
			}
		})
	}
	wg.Wait()
	items := make([]item, 0, len(msgs))
	for _, it := range prepared {
		if it != nil {
			items = append(items, *it)
		}
	}
	return items
}

func (s *Service) prepareOne(ctx context.Context, t store.SyncTarget, m provider.InboundMessage) *item {
	if m.Folder == provider.FolderSent {
		return nil
	}
	if limit := s.cfg.MaxInboundBytes; int64(len(m.Raw)) > limit {
		m.Raw, m.Truncated = m.Raw[:limit], true // a provider that does not bound what it reads
	}
	in, err := mailmsg.Parse(m.Raw)
	if err != nil {
		s.env.Log().WarnContext(ctx, "inbox sync: unreadable message skipped", "inbox_id", t.ID,
			"provider_id", m.ProviderID, "err", err)
		return nil
	}
	it := &item{fetched: m, msg: in, verdict: classify.Classify(in), messageID: in.MessageID}
	if it.messageID == "" {
		// Stable across fetches, so a message without a Message-ID is
		// still stored once.
		it.messageID = "<" + cleanID(m.ProviderID) + "@" + t.ID + ".sync.invalid>"
	}
	it.occurredAt = m.ReceivedAt
	if it.occurredAt.IsZero() {
		it.occurredAt = in.Date
	}
	if it.occurredAt.IsZero() {
		it.occurredAt = s.env.Now()
	}
	it.occurredAt = it.occurredAt.UTC().Truncate(time.Microsecond)
	cat, err := s.categorize(ctx, s.autoCat, t.WorkspaceID, "", it.verdict, replyInput(in, ""))
	if err != nil && ctx.Err() == nil {
		s.env.Log().WarnContext(ctx, "inbox sync: categorizer failed, offline rules used", "inbox_id", t.ID, "err", err)
	}
	it.category = cat
	return it
}

// cleanID keeps the characters of a provider id that are safe in a
// Message-ID's left part.
func cleanID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_=+", r) {
			return r
		}
		return '_'
	}, s)
}

// clean makes text storable in both databases: valid UTF-8, no NUL bytes
// (Postgres refuses both), at most max bytes.
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return clip(s, max)
}

// clip cuts s to at most max bytes without splitting a character.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
