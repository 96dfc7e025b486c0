package gmail_test

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// drain calls Fetch until a page says there is no more, like the sync loop.
func drain(t *testing.T, c provider.Mailbox, cursor string) ([]provider.InboundMessage, string, int) {
	t.Helper()
	var all []provider.InboundMessage
	pages := 0
	for {
		page, err := c.Fetch(context.Background(), cursor)
		if err != nil {
			t.Fatalf("Fetch(%q): %v", cursor, err)
		}
		pages++
		all = append(all, page.Messages...)
		cursor = page.Cursor
		if !page.More {
			return all, cursor, pages
		}
		if pages > 100 {
			t.Fatal("Fetch never finishes")
		}
	}
}

func subjects(msgs []provider.InboundMessage) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, subjectOf(m.Raw))
	}
	return out
}

func subjectOf(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "unparseable: " + err.Error()
	}
	return m.Header.Get("Subject")
}

func deliver(t *testing.T, e env, subject string, at time.Time) {
	t.Helper()
	if _, err := e.fake.DeliverAt(me, mailfake.RawMessage(lead, me, subject, "<"+subject+"@x.test>", "", "body of "+subject), at); err != nil {
		t.Fatal(err)
	}
}

func TestFetchInitialScanThenHistoryPages(t *testing.T) {
	e := newEnv(t, func(c *gmail.Config) { c.PageSize = 2 })
	now := e.clock.Now()
	deliver(t, e, "old", now.Add(-20*24*time.Hour)) // outside the 14-day scan window
	deliver(t, e, "b", now.Add(-2*time.Hour))
	deliver(t, e, "a", now.Add(-3*time.Hour))

	page, err := e.client.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(page.Messages); fmt.Sprint(got) != "[a b]" {
		t.Errorf("initial scan = %v, want [a b] (oldest first, old one excluded)", got)
	}
	if page.More || page.Reset || page.Cursor != strconv.FormatUint(e.fake.HistoryID(me), 10) {
		t.Errorf("initial page = more %v reset %v cursor %q", page.More, page.Reset, page.Cursor)
	}
	m := page.Messages[0]
	if m.Folder != provider.FolderInbox || m.ProviderID == "" || m.ThreadID == "" || !m.ReceivedAt.Equal(now.Add(-3*time.Hour)) {
		t.Errorf("message = %+v", m)
	}

	// New mail, plus a message we send (SENT only, must not be synced).
	for i := 1; i <= 5; i++ {
		e.clock.Add(time.Minute)
		deliver(t, e, "new"+strconv.Itoa(i), e.clock.Now())
		if i == 3 {
			if _, err := e.client.Send(context.Background(), outgoing("Outbound", "<out@leadbitz.test>", "", "")); err != nil {
				t.Fatal(err)
			}
		}
	}
	msgs, cursor, pages := drain(t, e.client, page.Cursor)
	if got := fmt.Sprint(subjects(msgs)); got != "[new1 new2 new3 new4 new5]" {
		t.Errorf("history sync = %v", got)
	}
	if pages != 3 {
		t.Errorf("pages = %d, want 3 (5 records, 2 per page)", pages)
	}
	if cursor != strconv.FormatUint(e.fake.HistoryID(me), 10) {
		t.Errorf("final cursor %s, want current history id %d", cursor, e.fake.HistoryID(me))
	}
	again, err := e.client.Fetch(context.Background(), cursor)
	if err != nil || len(again.Messages) != 0 || again.More || again.Cursor != cursor {
		t.Errorf("quiet fetch = %+v, %v", again, err)
	}
}

func TestFetchExpiredHistoryRescans(t *testing.T) {
	e := newEnv(t)
	deliver(t, e, "before", e.clock.Now().Add(-time.Hour))
	first, err := e.client.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, e, "after", e.clock.Now())
	e.fake.ExpireHistory(me)

	page, err := e.client.Fetch(context.Background(), first.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if !page.Reset {
		t.Error("Reset = false after an expired history id")
	}
	if got := fmt.Sprint(subjects(page.Messages)); got != "[before after]" {
		t.Errorf("rescan = %v", got)
	}
	if page.Cursor != strconv.FormatUint(e.fake.HistoryID(me), 10) {
		t.Errorf("cursor = %s, want %d", page.Cursor, e.fake.HistoryID(me))
	}
	// The new cursor works for incremental sync again.
	deliver(t, e, "later", e.clock.Now())
	next, err := e.client.Fetch(context.Background(), page.Cursor)
	if err != nil || next.Reset || fmt.Sprint(subjects(next.Messages)) != "[later]" {
		t.Errorf("after rescan: %+v, %v", next, err)
	}
}

func TestFetchUnusableCursorRescans(t *testing.T) {
	e := newEnv(t)
	for _, cur := range []string{"not-a-number", "0"} {
		page, err := e.client.Fetch(context.Background(), cur)
		if err != nil || !page.Reset {
			t.Errorf("Fetch(%q) = reset %v, %v", cur, page.Reset, err)
		}
	}
}

func TestFetchScanIsBounded(t *testing.T) {
	e := newEnv(t, func(c *gmail.Config) { c.ScanLimit = 3 })
	for i := range 5 {
		deliver(t, e, "m"+strconv.Itoa(i), e.clock.Now().Add(time.Duration(i-10)*time.Minute))
	}
	page, err := e.client.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(subjects(page.Messages)); got != "[m2 m3 m4]" {
		t.Errorf("bounded scan = %v, want the 3 newest, oldest first", got)
	}
}
