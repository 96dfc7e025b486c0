package microsoft_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

func TestSendMIMEAndThread(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	ctx := context.Background()
	first, err := e.client.Send(ctx, outgoing("Quick question", "<m1@leadbitz.test>", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if first.ProviderID == "" || first.ThreadID == "" || first.MessageID != "<m1@leadbitz.test>" {
		t.Fatalf("first = %+v", first)
	}
	follow, err := e.client.Send(ctx, outgoing("Re: Quick question", "<m2@leadbitz.test>", first.ThreadID, "<m1@leadbitz.test>"))
	if err != nil {
		t.Fatal(err)
	}
	if follow.ThreadID != first.ThreadID {
		t.Errorf("follow-up conversation = %q, want %q", follow.ThreadID, first.ThreadID)
	}
	sent := e.fake.Messages(me, graphfake.SentItems)
	if len(sent) != 2 {
		t.Fatalf("sent items = %d, want 2", len(sent))
	}
	// The MIME went out byte for byte, threading headers included.
	if want := outgoing("Re: Quick question", "<m2@leadbitz.test>", "", "<m1@leadbitz.test>").Raw; !bytes.Equal(sent[1].Raw, want) {
		t.Errorf("sent MIME differs:\n%s", sent[1].Raw)
	}
	mailbox := e.fake.Messages(lead, graphfake.Mailbox)
	if len(mailbox) != 2 || mailbox[0].ConversationID != mailbox[1].ConversationID {
		t.Errorf("lead inbox = %+v", mailbox)
	}
}

func TestSendWaitsForSentItem(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	e.fake.HideSentItems(2)
	sent, err := e.client.Send(context.Background(), outgoing("Hi", "<late@leadbitz.test>", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if sent.ProviderID == "" || sent.ThreadID == "" {
		t.Errorf("sent = %+v, want ids after the copy appeared", sent)
	}
	if got := e.rec.Waits(); len(got) != 2 || got[0] != 500*time.Millisecond || got[1] != time.Second {
		t.Errorf("read-back waits = %v, want [500ms 1s]", got)
	}
	if e.fake.Calls("list") != 3 {
		t.Errorf("sent-items queries = %d, want 3", e.fake.Calls("list"))
	}
}

func TestSendSucceedsWithoutSentItem(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	e.fake.HideSentItems(100)
	sent, err := e.client.Send(context.Background(), outgoing("Hi", "<never@leadbitz.test>", "", ""))
	if err != nil {
		t.Fatalf("Send = %v; the message went out, it must not fail", err)
	}
	if sent.ProviderID != "" || sent.MessageID != "<never@leadbitz.test>" {
		t.Errorf("sent = %+v", sent)
	}
	if e.fake.Calls("list") != 4 || e.fake.Calls("sendMail") != 1 {
		t.Errorf("list %d sendMail %d, want 4 and 1", e.fake.Calls("list"), e.fake.Calls("sendMail"))
	}
}

func TestSendReadsBackRewrittenID(t *testing.T) {
	// If Exchange replaced our Message-ID the lookup by ours finds nothing:
	// the send still succeeds and reports the id we know.
	e := newEnv(t, graphfake.Options{})
	e.fake.RewriteMessageIDs(true)
	sent, err := e.client.Send(context.Background(), outgoing("Hi", "<ours@leadbitz.test>", "", ""))
	if err != nil || sent.MessageID != "<ours@leadbitz.test>" || sent.ProviderID != "" {
		t.Errorf("Send = %+v, %v", sent, err)
	}
}

func TestFindSent(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	ctx := context.Background()
	sent, err := e.client.Send(ctx, outgoing("Hi", "<it's-me@leadbitz.test>", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.fake.Deliver(me, mailfake.RawMessage(lead, me, "Hi", "<inbound@x.test>", "", "hey")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id    string
		found bool
	}{
		{"<it's-me@leadbitz.test>", true},
		{"it's-me@leadbitz.test", true},
		{"<nope@leadbitz.test>", false},
		{"<inbound@x.test>", false}, // received, not sent
	}
	for _, tt := range tests {
		got, ok, err := e.client.FindSent(ctx, tt.id)
		if err != nil {
			t.Fatalf("FindSent(%s): %v", tt.id, err)
		}
		if ok != tt.found || (ok && got != sent) {
			t.Errorf("FindSent(%s) = %+v %v, want found=%v %+v", tt.id, got, ok, tt.found, sent)
		}
	}
}

func TestMe(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	u, err := e.client.Me(context.Background())
	if err != nil || u.Address() != me {
		t.Errorf("Me = %+v, %v", u, err)
	}
}
