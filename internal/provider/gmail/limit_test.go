package gmail_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// bigReply is a reply to inReplyTo whose text comes first, followed by an
// attachment that makes it size bytes.
func bigReply(subject, inReplyTo string, size int) []byte {
	head := mailfake.AttachmentHead(lead, me, subject, "<"+subject+"@x.test>", inReplyTo, "Yes, call me next week.")
	return mailfake.LargeMessage(head, size)
}

func TestFetchReadsAtMostTheLimitOfAHugeMessage(t *testing.T) {
	const limit = 1 << 20
	const size = 6 << 20
	var counter *mailfake.CountingTransport
	e := newEnv(t, func(c *gmail.Config) {
		counter = &mailfake.CountingTransport{Next: c.HTTPClient.Transport}
		c.HTTPClient = &http.Client{Transport: counter}
		c.MaxMessageBytes = limit
	})
	deliver(t, e, "small", e.clock.Now().Add(-2*60*60e9))
	if _, err := e.fake.DeliverAt(me, bigReply("huge", "<ours@sender.test>", size), e.clock.Now().Add(-60*60e9)); err != nil {
		t.Fatal(err)
	}
	page, err := e.client.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if read := counter.Read(); read > 2*limit {
		t.Errorf("the client read %d bytes of answers, want about the limit (%d): base64 of it and the small message", read, limit)
	}
	if len(page.Messages) != 2 {
		t.Fatalf("messages = %d, want 2", len(page.Messages))
	}
	small, huge := page.Messages[0], page.Messages[1]
	if small.Truncated || subjectOf(small.Raw) != "small" {
		t.Errorf("small message: truncated %v, subject %q", small.Truncated, subjectOf(small.Raw))
	}
	if !huge.Truncated || huge.Size != size || len(huge.Raw) > limit || huge.ThreadID == "" || huge.ReceivedAt.IsZero() {
		t.Errorf("huge message: truncated %v, size %d, raw %d bytes, thread %q, received %v",
			huge.Truncated, huge.Size, len(huge.Raw), huge.ThreadID, huge.ReceivedAt)
	}
	in, err := mailmsg.Parse(huge.Raw)
	if err != nil || in.MessageID != "<huge@x.test>" || len(in.InReplyTo) != 1 || !strings.Contains(in.Text, "next week") {
		t.Errorf("the truncated message reads as %+v, %v", in, err)
	}
	if !bytes.HasPrefix(bigReply("huge", "<ours@sender.test>", size), huge.Raw[:len(huge.Raw)-1]) {
		t.Error("the truncated message is not the beginning of the message")
	}
}

func TestFetchPageIsBoundedByBytes(t *testing.T) {
	const limit = 1 << 20
	e := newEnv(t, func(c *gmail.Config) { c.MaxMessageBytes, c.PageBytes, c.Concurrency = limit, limit, 1 })
	for _, s := range []string{"a", "b", "c"} {
		if _, err := e.fake.DeliverAt(me, bigReply(s, "<ours@sender.test>", limit*3/4), e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	page, err := e.client.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for _, m := range page.Messages {
		total += len(m.Raw)
	}
	if len(page.Messages) != 3 || total > limit+2*floor {
		t.Errorf("page of %d messages holds %d bytes, want at most the page budget %d and a floor per message", len(page.Messages), total, limit)
	}
}

// floor is what a message is read to once the page budget is spent
// (provider.PageBudget).
const floor = 256 << 10
