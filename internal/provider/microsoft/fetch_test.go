package microsoft_test

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

func drain(t testing.TB, c provider.Mailbox, cursor string) ([]provider.InboundMessage, string, int) {
	t.Helper()
	var all []provider.InboundMessage
	for pages := 1; ; pages++ {
		page, err := c.Fetch(context.Background(), cursor)
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		all = append(all, page.Messages...)
		cursor = page.Cursor
		if !page.More {
			return all, cursor, pages
		}
		if pages > 200 {
			t.Fatal("Fetch never finishes")
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

func deliver(t testing.TB, e env, subject string, at time.Time) graphfake.Message {
	t.Helper()
	m, err := e.fake.DeliverAt(me, mailfake.RawMessage(lead, me, subject, "<"+subject+"@x.test>", "", "body of "+subject), at)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFetchDeltaRounds(t *testing.T) {
	e := newEnv(t, graphfake.Options{}, func(c *microsoft.Config) { c.PageSize = 2 })
	now := e.clock.Now()
	deliver(t, e, "old", now.Add(-20*24*time.Hour))
	deliver(t, e, "b", now.Add(-2*time.Hour))
	deliver(t, e, "a", now.Add(-3*time.Hour))
	deliver(t, e, "c", now.Add(-1*time.Hour))

	msgs, cursor, pages := drain(t, e.client, "")
	if got := subjects(msgs); got != "[a b c]" {
		t.Errorf("initial round = %v, want [a b c]", got)
	}
	if pages != 2 {
		t.Errorf("initial pages = %d, want 2 (3 messages, 2 per page)", pages)
	}
	if !strings.Contains(cursor, "$deltatoken=") && !strings.Contains(cursor, "%24deltatoken=") {
		t.Errorf("final cursor is not a delta link: %s", cursor)
	}
	m := msgs[0]
	if m.ProviderID == "" || m.ThreadID == "" || m.Folder != provider.FolderInbox || !m.ReceivedAt.Equal(now.Add(-3*time.Hour)) {
		t.Errorf("message = %+v", m)
	}

	// New mail, a deletion (an @removed entry when asked for) and mail we
	// send (sent items, not the inbox).
	gone := deliver(t, e, "gone", now)
	deliver(t, e, "new1", now.Add(time.Minute))
	e.fake.Delete(me, gone.ID)
	if _, err := e.client.Send(context.Background(), outgoing("Outbound", "<out@leadbitz.test>", "", "")); err != nil {
		t.Fatal(err)
	}
	deliver(t, e, "new2", now.Add(2*time.Minute))
	msgs, cursor2, _ := drain(t, e.client, cursor)
	if got := subjects(msgs); got != "[new1 new2]" {
		t.Errorf("second round = %v, want [new1 new2]", got)
	}
	again, err := e.client.Fetch(context.Background(), cursor2)
	if err != nil || len(again.Messages) != 0 || again.More || again.Reset {
		t.Errorf("quiet round = %+v, %v", again, err)
	}
}

func TestFetchExpiredDeltaRestarts(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	deliver(t, e, "before", e.clock.Now().Add(-time.Hour))
	_, cursor, _ := drain(t, e.client, "")
	deliver(t, e, "after", e.clock.Now())
	e.fake.ExpireDeltaTokens()

	page, err := e.client.Fetch(context.Background(), cursor)
	if err != nil {
		t.Fatal(err)
	}
	if !page.Reset || subjects(page.Messages) != "[before after]" {
		t.Errorf("after 410: reset %v messages %v", page.Reset, subjects(page.Messages))
	}
	deliver(t, e, "later", e.clock.Now())
	msgs, _, _ := drain(t, e.client, page.Cursor)
	if subjects(msgs) != "[later]" {
		t.Errorf("after restart = %v", subjects(msgs))
	}
}

func TestFetchRefusesForeignCursor(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	deliver(t, e, "x", e.clock.Now())
	for _, cur := range []string{"https://evil.example/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=1", "garbage"} {
		page, err := e.client.Fetch(context.Background(), cur)
		if err != nil || !page.Reset || subjects(page.Messages) != "[x]" {
			t.Errorf("Fetch(%q) = %+v, %v", cur, page, err)
		}
	}
}

func TestFetchSkipsMessagesDeletedBeforeDownload(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	deliver(t, e, "keep", e.clock.Now())
	e.fake.FailNext(1, graphfake.Fault{Status: 404, Code: "ErrorItemNotFound", Message: "The specified object was not found in the store.", Endpoint: "value"})
	deliver(t, e, "gone", e.clock.Now().Add(time.Second))
	page, err := e.client.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 1 {
		t.Errorf("got %d messages, want 1 (the 404 one dropped)", len(page.Messages))
	}
}

func BenchmarkFetch(b *testing.B) {
	e := newEnv(b, graphfake.Options{}, func(c *microsoft.Config) { c.PageSize = 100 })
	_, start, _ := drain(b, e.client, "")
	for i := range 1000 {
		deliver(b, e, "m"+strconv.Itoa(i), e.clock.Now().Add(time.Duration(i)*time.Second))
	}
	total := 0
	for b.Loop() {
		msgs, _, _ := drain(b, e.client, start)
		total += len(msgs)
	}
	if total != 1000*b.N {
		b.Fatalf("fetched %d, want %d", total, 1000*b.N)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "msgs/s")
}
