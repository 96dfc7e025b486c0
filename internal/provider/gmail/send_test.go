package gmail_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

func TestSendThreadsFollowUps(t *testing.T) {
	e := newEnv(t)
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
		t.Errorf("follow-up thread = %q, want %q", follow.ThreadID, first.ThreadID)
	}
	// Without threadId Gmail starts a new thread in the sender's mailbox,
	// even with the right headers.
	lone, err := e.client.Send(ctx, outgoing("Re: Quick question", "<m3@leadbitz.test>", "", "<m1@leadbitz.test>"))
	if err != nil {
		t.Fatal(err)
	}
	if lone.ThreadID == first.ThreadID {
		t.Errorf("message without threadId joined the thread")
	}

	sent := e.fake.Messages(me, "SENT")
	if len(sent) != 3 {
		t.Fatalf("sent folder has %d messages, want 3", len(sent))
	}
	if want := outgoing("Quick question", "<m1@leadbitz.test>", "", "").Raw; !bytes.Equal(sent[0].Raw, want) {
		t.Errorf("stored raw differs from what was sent:\n%s", sent[0].Raw)
	}
	// The lead's mailbox threads the reply by its headers.
	mailbox := e.fake.Messages(lead, "INBOX")
	if len(mailbox) != 3 || mailbox[0].ThreadID != mailbox[1].ThreadID {
		t.Errorf("lead inbox = %+v", mailbox)
	}
}

func TestSendReadsBackRewrittenMessageID(t *testing.T) {
	e := newEnv(t)
	e.fake.RewriteMessageIDs(true)
	sent, err := e.client.Send(context.Background(), outgoing("Hi", "<ours@leadbitz.test>", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	stored := e.fake.Messages(me, "SENT")[0].MessageID
	if sent.MessageID != stored || stored == "<ours@leadbitz.test>" {
		t.Errorf("SentMessage.MessageID = %q, stored %q", sent.MessageID, stored)
	}
}

func TestSendSucceedsWhenReadbackFails(t *testing.T) {
	e := newEnv(t)
	// Every read after the send fails: the send itself must still count.
	e.fake.FailNext(3, gmailfake.BackendError.On("get"))
	sent, err := e.client.Send(context.Background(), outgoing("Hi", "<ours@leadbitz.test>", "", ""))
	if err != nil {
		t.Fatalf("Send = %v, want success (the message went out)", err)
	}
	if sent.ProviderID == "" || sent.MessageID != "<ours@leadbitz.test>" {
		t.Errorf("sent = %+v", sent)
	}
}

func TestFindSent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sent, err := e.client.Send(ctx, outgoing("Hi", "<find-me@leadbitz.test>", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	// A message with the id we look for that was received, not sent.
	if _, err := e.fake.Deliver(me, mailfake.RawMessage(lead, me, "Hi", "<inbound@x.test>", "", "hey")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id    string
		found bool
	}{
		{"<find-me@leadbitz.test>", true},
		{"find-me@leadbitz.test", true},
		{"<never-sent@leadbitz.test>", false},
		{"<inbound@x.test>", false},
	}
	for _, tt := range tests {
		got, ok, err := e.client.FindSent(ctx, tt.id)
		if err != nil {
			t.Fatalf("FindSent(%s): %v", tt.id, err)
		}
		if ok != tt.found {
			t.Errorf("FindSent(%s) found = %v, want %v", tt.id, ok, tt.found)
		}
		if ok && (got.ProviderID != sent.ProviderID || got.ThreadID != sent.ThreadID || got.MessageID != "<find-me@leadbitz.test>") {
			t.Errorf("FindSent(%s) = %+v, want %+v", tt.id, got, sent)
		}
	}
}

func TestProfile(t *testing.T) {
	e := newEnv(t)
	p, err := e.client.Profile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.EmailAddress != me || p.HistoryID != e.fake.HistoryID(me) {
		t.Errorf("profile = %+v", p)
	}
}

func TestSendIntoDeletedThreadFallsBack(t *testing.T) {
	e := newEnv(t)
	sent, err := e.client.Send(context.Background(), outgoing("Re: Hi", "<f@leadbitz.test>", "00000000deadbeef", "<m1@leadbitz.test>"))
	if err != nil {
		t.Fatalf("Send into an unknown thread = %v", err)
	}
	if sent.ThreadID == "00000000deadbeef" || sent.ThreadID == "" {
		t.Errorf("thread = %q, want a new one", sent.ThreadID)
	}
	if e.fake.Calls("send") != 2 || len(e.fake.Messages(me, "SENT")) != 1 {
		t.Errorf("send calls %d, sent %d; want 2 calls and 1 message", e.fake.Calls("send"), len(e.fake.Messages(me, "SENT")))
	}
}
