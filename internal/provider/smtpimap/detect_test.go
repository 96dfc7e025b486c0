package smtpimap_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
)

func TestDetectServerSentCopy(t *testing.T) {
	t.Run("server files submitted mail", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		waits := 0
		// The fake server files what it received in Sent during the
		// first wait, as a server that does this would.
		wait := func(context.Context) error {
			waits++
			if waits == 1 {
				got := e.smtp.Messages()
				if len(got) != 1 {
					t.Fatalf("the test message was not sent: %d messages", len(got))
				}
				if _, err := e.imap.Append("Sent", got[0].Data, time.Time{}); err != nil {
					t.Fatal(err)
				}
			}
			return nil
		}
		found, err := smtpimap.DetectServerSentCopy(ctx, e.cfg, wait)
		if err != nil || !found {
			t.Fatalf("found = %v, %v; want true", found, err)
		}
		if waits != 1 {
			t.Errorf("waited %d times, want 1", waits)
		}
	})
	t.Run("server does not", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		waits := 0
		found, err := smtpimap.DetectServerSentCopy(ctx, e.cfg, func(context.Context) error { waits++; return nil })
		if err != nil || found {
			t.Fatalf("found = %v, %v; want false", found, err)
		}
		if waits != 4 || e.smtp.Count() != 1 || len(e.folder(t, "Sent")) != 0 {
			t.Errorf("waits %d, sent %d, Sent holds %d; want 4, 1 and no copy of ours", waits, e.smtp.Count(), len(e.folder(t, "Sent")))
		}
	})
}
