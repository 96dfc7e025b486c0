package sandbox_test

import (
	"context"
	"net/mail"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// newMailbox is a sandbox mailbox row of a fresh workspace.
func newMailbox(t *testing.T) (*sandbox.Mailbox, store.Mailbox) {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	_, w := storetest.Workspace(t, st)
	i := store.Mailbox{Provider: store.ProviderSandbox, Email: "sam@sender.test", DisplayName: "Sam", DailyCap: 10,
		Timezone: "UTC", RampStartedAt: time.Now().UTC()}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		s := tx.InWorkspace(w.ID)
		if err := s.CreateMailbox(ctx, &i); err != nil {
			return err
		}
		return s.CreateSandboxMailbox(ctx, i.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sandbox.New(st, w.ID, i.ID), i
}

func TestMessagesRefusesBadFolderAndCursor(t *testing.T) {
	mb, _ := newMailbox(t)
	for _, c := range []struct{ folder, cursor, field string }{
		{"drafts", "", "folder"},
		{"sent", "x", "cursor"},
		{"inbox", "0", "cursor"},
		{"", "-3", "cursor"},
	} {
		_, err := mb.Messages(context.Background(), c.folder, c.cursor, 10)
		if pe, ok := problem.As(err); !ok || pe.Fields[c.field] == "" {
			t.Errorf("folder %q cursor %q: %v, want an error on %s", c.folder, c.cursor, err, c.field)
		}
	}
}

// A received message lands in the inbox folder, threaded with the sent
// message it answers, and lists newest first with its headers.
func TestReceiveThreadsWithWhatItAnswers(t *testing.T) {
	mb, i := newMailbox(t)
	ctx := context.Background()
	sent, err := mb.Send(ctx, provider.OutgoingMessage{From: i.Email, To: "ann@acme.test", MessageID: "<first@sender.test>",
		Raw: []byte("Message-ID: <first@sender.test>\r\nSubject: Hi\r\n\r\nHello\r\n")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Receive(ctx, mail.Address{Address: i.Email}, sandbox.ReceiveInput{From: "not an address"}, time.Now()); err == nil {
		t.Fatal("a sender that is no address was accepted")
	}
	got, err := mb.Receive(ctx, mail.Address{Name: i.DisplayName, Address: i.Email}, sandbox.ReceiveInput{
		From: "Ann <ann@acme.test>", Subject: "Re: Hi", Body: "Tell me more.", InReplyTo: "<first@sender.test>",
		Headers: map[string]string{"X-Test": "1"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got.Folder != store.SandboxMailbox || got.ThreadID != sent.ThreadID || got.From != "ann@acme.test" ||
		got.To != i.Email || got.Body != "Tell me more." || got.Headers["X-Test"] != "1" {
		t.Fatalf("received %+v, sent thread %q", got, sent.ThreadID)
	}
	list, err := mb.Messages(ctx, store.SandboxMailbox, "", 10)
	if err != nil || len(list) != 1 || list[0].ID != got.ID {
		t.Fatalf("inbox folder: %+v %v", list, err)
	}
	if list, err = mb.Messages(ctx, "", "", 10); err != nil || len(list) != 1 || list[0].MessageID != "<first@sender.test>" {
		t.Fatalf("sent folder by default: %+v %v", list, err)
	}
}
