package smtpimap

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// detectLooks is how many times DetectServerSentCopy looks in Sent.
const detectLooks = 5

// DetectServerSentCopy finds out whether the server files submitted mail
// in Sent by itself (Gmail, Exchange Online and others do), in which case
// the copy Leadbitz appends would be a duplicate and SkipSentCopy should be
// offered. It sends one test message from the mailbox to itself without
// appending a copy, then looks for its Message-ID in Sent up to five
// times, calling wait between looks (nil waits two seconds). The test
// message stays in the mailbox's INBOX and, when the server files it,
// in Sent.
func DetectServerSentCopy(ctx context.Context, cfg Config, wait func(context.Context) error) (bool, error) {
	cfg.SkipSentCopy = true
	m, err := New(cfg)
	if err != nil {
		return false, err
	}
	defer m.Close()
	if wait == nil {
		wait = func(ctx context.Context) error {
			t := time.NewTimer(2 * time.Second)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	id := "<sent-copy-test-" + hex.EncodeToString(b[:]) + "@leadbitz.invalid>"
	raw := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: Leadbitz connection test: does this server file sent mail?\r\n"+
		"Message-ID: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Leadbitz sent this message to itself to learn whether the server keeps a copy of submitted mail in Sent.\r\nYou can delete it.\r\n",
		cfg.Address, cfg.Address, id, m.cfg.Now().UTC().Format(time.RFC1123Z))
	if _, err := m.Send(ctx, provider.OutgoingMessage{From: cfg.Address, To: cfg.Address, MessageID: id, Raw: []byte(raw)}); err != nil {
		return false, err
	}
	for look := 0; ; look++ {
		_, found, err := m.FindSent(ctx, id)
		if err != nil || found {
			return found, err
		}
		if look == detectLooks-1 {
			return false, nil
		}
		if err := wait(ctx); err != nil {
			return false, err
		}
	}
}
