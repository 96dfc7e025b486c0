package smtpimap_test

import (
	"bytes"
	"fmt"
	"net/mail"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

func TestSentFolderDiscovery(t *testing.T) {
	tests := []struct {
		name       string
		folders    map[string][]imap.MailboxAttr
		noExtended bool
		override   string
		want       string
	}{
		{"special-use wins over the usual name", map[string][]imap.MailboxAttr{
			"Sent": nil, "[Gmail]/Sent Mail": {imap.MailboxAttrSent}}, false, "", "[Gmail]/Sent Mail"},
		{"fallback name without the extension", map[string][]imap.MailboxAttr{"Sent Items": nil, "Archive": nil}, true, "", "Sent Items"},
		{"dotted namespace", map[string][]imap.MailboxAttr{"INBOX.Sent": nil}, true, "", "INBOX.Sent"},
		{"created when missing", map[string][]imap.MailboxAttr{"Archive": nil}, false, "", "Sent"},
		{"configured folder", map[string][]imap.MailboxAttr{"Outbox copies": nil, "Sent": {imap.MailboxAttrSent}}, false, "Outbox copies", "Outbox copies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{imap: smtpimapfake.IMAPOptions{Folders: tt.folders, NoListExtended: tt.noExtended}})
			m := e.mailbox(t, func(c *smtpimap.Config) { c.SentFolder = tt.override })
			msg := outgoing(lead, "<d@leadbitz.test>")
			if _, err := m.Send(ctx, msg); err != nil {
				t.Fatal(err)
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if got := e.folder(t, tt.want); len(got) != 1 || !bytes.Equal(got[0], msg.Raw) {
				t.Errorf("%s holds %d messages, want the sent copy", tt.want, len(got))
			}
			if _, ok, err := m.FindSent(ctx, "<d@leadbitz.test>"); err != nil || !ok {
				t.Errorf("FindSent = %v, %v", ok, err)
			}
		})
	}
}

func TestFindSent(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t)
	sent, err := m.Send(ctx, outgoing(lead, "<find-me@leadbitz.test>"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// A longer id containing ours must not match (HEADER search is a substring match).
	if _, err := e.imap.Append("Sent", rawMessage(me, lead, "x", "<xfind-me@leadbitz.test.other>"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.imap.Deliver(rawMessage(lead, me, "Re: Hi", "<inbound@x.test>"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id    string
		found bool
	}{
		{"<find-me@leadbitz.test>", true},
		{"find-me@leadbitz.test", true},
		{"<find-me@leadbitz.tes>", false},
		{"<inbound@x.test>", false}, // in INBOX, not sent
	}
	for _, tt := range tests {
		got, ok, err := m.FindSent(ctx, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		// FindSent waits for the copy Send queued; the copy is the
		// first message of Sent.
		if ok != tt.found || ok && (!strings.HasSuffix(got.ProviderID, ":1") || got.MessageID != sent.MessageID || got.MessageID != "<find-me@leadbitz.test>") {
			t.Errorf("FindSent(%s) = %+v %v, want found=%v like %+v", tt.id, got, ok, tt.found, sent)
		}
	}
}

func subjects(msgs []provider.InboundMessage) string {
	var out []string
	for _, m := range msgs {
		pm, err := mail.ReadMessage(bytes.NewReader(m.Raw))
		if err != nil {
			out = append(out, "unparseable")
			continue
		}
		out = append(out, pm.Header.Get("Subject"))
	}
	return fmt.Sprint(out)
}

func deliver(t *testing.T, e env, subject string, at time.Time) {
	t.Helper()
	if _, err := e.imap.Deliver(rawMessage(lead, me, subject, "<"+subject+"@x.test>"), at); err != nil {
		t.Fatal(err)
	}
}

func TestFetchByUID(t *testing.T) {
	e := newEnv(t, envOptions{})
	now := time.Now()
	m := e.mailbox(t, func(c *smtpimap.Config) { c.Now = func() time.Time { return now } })
	deliver(t, e, "old", now.Add(-20*24*time.Hour))
	deliver(t, e, "a", now.Add(-2*time.Hour))
	deliver(t, e, "b", now.Add(-time.Hour))

	page, err := m.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if subjects(page.Messages) != "[a b]" || page.More || page.Reset {
		t.Errorf("initial = %v more %v reset %v", subjects(page.Messages), page.More, page.Reset)
	}
	validity, last, _ := strings.Cut(page.Cursor, ":")
	if last != "3" || validity == "" || validity == "0" {
		t.Errorf("cursor = %q, want <uidvalidity>:3", page.Cursor)
	}
	msg := page.Messages[0]
	if msg.ProviderID != validity+":2" || msg.Folder != provider.FolderInbox || !msg.ReceivedAt.Equal(now.Add(-2*time.Hour).Truncate(time.Second).UTC()) {
		t.Errorf("message = %+v", msg)
	}

	deliver(t, e, "c", now)
	deliver(t, e, "d", now)
	next, err := m.Fetch(ctx, page.Cursor)
	if err != nil || subjects(next.Messages) != "[c d]" || next.Cursor != validity+":5" {
		t.Errorf("incremental = %v cursor %q err %v", subjects(next.Messages), next.Cursor, err)
	}
	quiet, err := m.Fetch(ctx, next.Cursor)
	if err != nil || len(quiet.Messages) != 0 || quiet.Cursor != next.Cursor {
		t.Errorf("quiet = %+v, %v", quiet, err)
	}
}

func TestFetchFiltersStarQuirk(t *testing.T) {
	// Without UIDNEXT the client must search "n:*", which returns the
	// highest message even when it is older than n.
	e := newEnv(t, envOptions{imap: smtpimapfake.IMAPOptions{NoUIDNext: true}})
	m := e.mailbox(t)
	deliver(t, e, "a", time.Now())
	page, err := m.Fetch(ctx, "")
	if err != nil || subjects(page.Messages) != "[a]" {
		t.Fatalf("initial = %v, %v", subjects(page.Messages), err)
	}
	again, err := m.Fetch(ctx, page.Cursor)
	if err != nil || len(again.Messages) != 0 {
		t.Errorf("second fetch returned %v (the n:* quirk leaked through), %v", subjects(again.Messages), err)
	}
	deliver(t, e, "b", time.Now())
	next, err := m.Fetch(ctx, again.Cursor)
	if err != nil || subjects(next.Messages) != "[b]" {
		t.Errorf("after a new message = %v, %v", subjects(next.Messages), err)
	}
}

func TestFetchUIDValidityChangeRescans(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t)
	deliver(t, e, "before", time.Now())
	page, err := m.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.imap.ResetMailbox(); err != nil {
		t.Fatal(err)
	}
	deliver(t, e, "rebuilt", time.Now())
	next, err := m.Fetch(ctx, page.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if !next.Reset || subjects(next.Messages) != "[rebuilt]" {
		t.Errorf("after UIDVALIDITY change: reset %v messages %v", next.Reset, subjects(next.Messages))
	}
	oldValidity, _, _ := strings.Cut(page.Cursor, ":")
	newValidity, last, _ := strings.Cut(next.Cursor, ":")
	if newValidity == oldValidity || last != "1" {
		t.Errorf("cursor %q after %q", next.Cursor, page.Cursor)
	}
}

func TestFetchPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t, func(c *smtpimap.Config) { c.PageSize = 2 })
	for i := range 5 {
		deliver(t, e, "m"+strconv.Itoa(i), time.Now())
	}
	var all []provider.InboundMessage
	cursor, pages := "", 0
	for {
		page, err := m.Fetch(ctx, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, page.Messages...)
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	if pages != 3 || subjects(all) != "[m0 m1 m2 m3 m4]" {
		t.Errorf("pages %d, messages %v", pages, subjects(all))
	}
}

func TestFetchBadCursorRescans(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t)
	deliver(t, e, "x", time.Now())
	for _, cur := range []string{"garbage", "0:5", "12"} {
		page, err := m.Fetch(ctx, cur)
		if err != nil || !page.Reset || subjects(page.Messages) != "[x]" {
			t.Errorf("Fetch(%q) = %+v, %v", cur, page, err)
		}
	}
}

func TestIMAPSessionRecoversAfterServerRestart(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t)
	page, err := m.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// The server drops the cached session: the next call notices the dead
	// connection, reconnects once and succeeds.
	if err := e.imap.Restart(); err != nil {
		t.Fatal(err)
	}
	deliver(t, e, "after", time.Now())
	next, err := m.Fetch(ctx, page.Cursor)
	if err != nil || subjects(next.Messages) != "[after]" {
		t.Errorf("Fetch after restart = %v, %v", subjects(next.Messages), err)
	}
	if _, _, err := m.FindSent(ctx, "<nothing@x>"); err != nil {
		t.Errorf("FindSent after restart: %v", err)
	}
}

func TestFetchReadsAtMostTheLimitOfAHugeMessage(t *testing.T) {
	e := newEnv(t, envOptions{})
	const limit = 1 << 20
	const size = 64 << 20
	m := e.mailbox(t, func(c *smtpimap.Config) { c.MaxMessageBytes = limit })
	deliver(t, e, "small", time.Now())
	head := mailfake.AttachmentHead(lead, me, "huge", "<huge@x.test>", "<ours@sender.test>", "Yes, let's talk next week.")
	if _, err := e.imap.DeliverGenerated(head, size, time.Now()); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	page, err := m.Fetch(ctx, "")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if sent := e.imap.GeneratedBytesSent(); sent > limit {
		t.Errorf("the server sent %d bytes of the huge message, want at most the limit %d", sent, limit)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*limit {
		t.Errorf("fetching allocated %d bytes, want a few times the limit (%d) at most", alloc, limit)
	}
	if len(page.Messages) != 2 {
		t.Fatalf("messages = %d, want 2", len(page.Messages))
	}
	small, huge := page.Messages[0], page.Messages[1]
	if small.Truncated || small.Size != int64(len(small.Raw)) {
		t.Errorf("small message: truncated %v, size %d, raw %d", small.Truncated, small.Size, len(small.Raw))
	}
	if !huge.Truncated || huge.Size != size || len(huge.Raw) != limit || !bytes.HasPrefix(huge.Raw, head) {
		t.Errorf("huge message: truncated %v, size %d, raw %d bytes", huge.Truncated, huge.Size, len(huge.Raw))
	}
	in, err := mailmsg.Parse(huge.Raw)
	if err != nil || in.MessageID != "<huge@x.test>" || len(in.InReplyTo) != 1 || !strings.Contains(in.Text, "next week") {
		t.Errorf("the truncated message reads as %+v, %v", in, err)
	}
}

func TestFetchPageIsBoundedByBytes(t *testing.T) {
	e := newEnv(t, envOptions{})
	const limit = 64 << 10
	m := e.mailbox(t, func(c *smtpimap.Config) { c.MaxMessageBytes, c.PageBytes = limit, 2*limit })
	for i := range 3 {
		head := mailfake.AttachmentHead(lead, me, "m"+strconv.Itoa(i), "<m"+strconv.Itoa(i)+"@x.test>", "", "hello")
		if _, err := e.imap.DeliverGenerated(head, 10*limit, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	first, err := m.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if subjects(first.Messages) != "[m0 m1]" || !first.More {
		t.Fatalf("first page = %v, more %v; want two messages (the byte budget) and more", subjects(first.Messages), first.More)
	}
	next, err := m.Fetch(ctx, first.Cursor)
	if err != nil || subjects(next.Messages) != "[m2]" || next.More {
		t.Errorf("next page = %v, more %v, %v", subjects(next.Messages), next.More, err)
	}
}
