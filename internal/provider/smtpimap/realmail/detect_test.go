package realmail_test

import (
	"context"
	"testing"

	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/realmail"
)

// TestRealServerDoesNotFileSentMail: Postfix and Dovecot do not put
// submitted mail in Sent, so the detection says so (and Leadbitz keeps its
// own copy); its test message reaches the mailbox's INBOX and leaves Sent
// empty.
func TestRealServerDoesNotFileSentMail(t *testing.T) {
	srv := realmail.Require(t, realmail.Options{Users: map[string]string{"erin@example.test": "erin-password"}})
	ctx := ctxFor(t)
	looks := 0
	files, err := smtpimap.DetectServerSentCopy(ctx, srv.Config("erin@example.test"), func(context.Context) error {
		looks++
		return nil
	})
	if err != nil || files {
		t.Fatalf("DetectServerSentCopy = %v, %v; want false", files, err)
	}
	if looks != 4 {
		t.Errorf("waited %d times between looks, want 4", looks)
	}
	if _, err := srv.WaitFor(ctx, "erin@example.test", "INBOX", "does this server file sent mail?"); err != nil {
		t.Fatalf("the test message did not arrive: %v", err)
	}
	sent, err := srv.Messages(ctx, "erin@example.test", "Sent")
	if err != nil || len(sent) != 0 {
		t.Fatalf("Sent holds %d messages (%v), want none", len(sent), err)
	}
}
