package connect_test

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
	"github.com/leadbitz/leadbitz/internal/store"
)

func outgoing(t *testing.T, from, to, subject string) provider.OutgoingMessage {
	t.Helper()
	out := mailmsg.Outgoing{MessageID: mailmsg.NewMessageID(mailmsg.Domain(from)), From: mail.Address{Address: from},
		To: []mail.Address{{Address: to}}, Subject: subject, Text: "Hello"}
	raw, err := mailmsg.Build(out)
	if err != nil {
		t.Fatal(err)
	}
	return provider.OutgoingMessage{From: from, To: to, MessageID: out.MessageID, Raw: raw}
}

func TestGoogleOAuthCreatesThenReconnects(t *testing.T) {
	h := newHarness(t)
	h.gf.AddUser("sales@gmail.test")
	h.gf.AddUser("ann@gmail.test")
	h.gf.SetConsentUser("sales@gmail.test")

	q := h.redirectQuery(h.connectOAuth("google", connect.StartInput{}))
	id := q.Get("connected")
	if id == "" || q.Get("reconnected") != "" || q.Get("oauth_error") != "" {
		t.Fatalf("first connect redirect query %v", q)
	}
	i := h.mailbox(id)
	if i.Provider != store.ProviderGmail || i.Email != "sales@gmail.test" || i.Status != store.MailboxActive || i.DailyCap == 0 {
		t.Fatalf("created inbox %+v", i)
	}
	// The token is stored encrypted, bound to this row.
	cipher, err := h.scope().MailboxCredentials(h.ctx, id)
	if err != nil || cipher == "" {
		t.Fatalf("credentials %q, %v", cipher, err)
	}
	if strings.Contains(cipher, "refresh") || strings.Contains(cipher, "access_token") {
		t.Fatalf("credentials stored in clear: %s", cipher)
	}
	if _, err := h.keys.Decrypt(cipher, store.CredentialsAD(id)); err != nil {
		t.Fatalf("decrypt with the row's associated data: %v", err)
	}
	if _, err := h.keys.Decrypt(cipher, store.CredentialsAD("another-inbox")); err == nil {
		t.Fatal("credentials decrypt when copied to another row")
	}
	if n := len(h.audits("inbox.created")); n != 1 {
		t.Fatalf("%d inbox.created events", n)
	}

	mb, err := h.svc.Open(h.ctx, h.p.WorkspaceID, i)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Send(h.ctx, outgoing(t, "sales@gmail.test", "ann@gmail.test", "Hi Ann")); err != nil {
		t.Fatal(err)
	}
	if got := h.gf.Messages("ann@gmail.test", "INBOX"); len(got) != 1 {
		t.Fatalf("ann received %d messages", len(got))
	}

	// The same account again: the same mailbox, reconnected.
	q = h.redirectQuery(h.connectOAuth("google", connect.StartInput{MailboxID: id}))
	if q.Get("connected") != id || q.Get("reconnected") != "1" || q.Get("released") != "0" {
		t.Fatalf("reconnect redirect query %v", q)
	}
	if ev := h.audits("inbox.reconnected"); len(ev) != 1 || ev[0].ActorUserID != h.p.User.ID || ev[0].TargetID != id {
		t.Fatalf("inbox.reconnected events %+v", ev)
	}
}

func TestOAuthRefusesBadCallbacks(t *testing.T) {
	h := newHarness(t)
	h.gf.AddUser("sales@gmail.test")
	h.gf.SetConsentUser("sales@gmail.test")
	h.mf.AddUser("sales@contoso.test")

	start := func(provider string) (string, map[string][]string) {
		authURL, err := h.svc.StartOAuth(h.ctx, h.p, provider, connect.StartInput{})
		if err != nil {
			t.Fatal(err)
		}
		return authURL, h.consent(authURL)
	}
	finish := func(provider string, q map[string][]string, user string) string {
		return h.redirectQuery(h.svc.FinishOAuth(h.ctx, provider, q, user, account.Meta{})).Get("oauth_error")
	}

	t.Run("a state works once", func(t *testing.T) {
		_, q := start("google")
		if e := finish("google", q, h.p.User.ID); e != "" {
			t.Fatalf("first use: %s", e)
		}
		if e := finish("google", q, h.p.User.ID); e != "invalid_state" {
			t.Fatalf("second use: %q", e)
		}
	})
	t.Run("expired after ten minutes", func(t *testing.T) {
		_, q := start("google")
		h.clock.Add(10*time.Minute + time.Second)
		if e := finish("google", q, h.p.User.ID); e != "invalid_state" {
			t.Fatalf("late callback: %q", e)
		}
	})
	t.Run("another user or no session", func(t *testing.T) {
		_, q := start("google")
		if e := finish("google", q, "someone-else"); e != "wrong_user" {
			t.Fatalf("other user: %q", e)
		}
		_, q = start("google")
		if e := finish("google", q, ""); e != "wrong_user" {
			t.Fatalf("no session: %q", e)
		}
	})
	t.Run("a state of the other provider", func(t *testing.T) {
		_, q := start("google")
		if e := finish("microsoft", q, h.p.User.ID); e != "invalid_state" {
			t.Fatalf("google state at the microsoft callback: %q", e)
		}
	})
	t.Run("forged or missing state", func(t *testing.T) {
		if e := finish("google", map[string][]string{"code": {"x"}, "state": {"forged"}}, h.p.User.ID); e != "invalid_state" {
			t.Fatalf("forged: %q", e)
		}
		if e := finish("google", map[string][]string{"code": {"x"}}, h.p.User.ID); e != "invalid_state" {
			t.Fatalf("missing: %q", e)
		}
	})
	t.Run("consent denied", func(t *testing.T) {
		h.gf.DenyConsent(true)
		defer h.gf.DenyConsent(false)
		_, q := start("google")
		if e := finish("google", q, h.p.User.ID); e != "access_denied" {
			t.Fatalf("denied: %q", e)
		}
	})
	t.Run("a needed scope unticked", func(t *testing.T) {
		h.gf.GrantOnly(gmailfake.ScopeSend)
		defer h.gf.GrantOnly()
		_, q := start("google")
		if e := finish("google", q, h.p.User.ID); e != "exchange_failed" {
			t.Fatalf("send-only grant: %q", e)
		}
	})
	t.Run("the verifier is checked", func(t *testing.T) {
		// A code from one flow with the state of another: the provider
		// refuses the exchange because the PKCE verifier does not match.
		_, q1 := start("google")
		_, q2 := start("google")
		q1["state"] = q2["state"]
		if e := finish("google", q1, h.p.User.ID); e != "exchange_failed" {
			t.Fatalf("mismatched verifier: %q", e)
		}
	})
	t.Run("unknown and unconfigured providers", func(t *testing.T) {
		_, err := h.svc.StartOAuth(h.ctx, h.p, "yahoo", connect.StartInput{})
		if p, ok := problem.As(err); !ok || p.Kind != problem.NotFound {
			t.Fatalf("yahoo: %v", err)
		}
		bare, err := connect.New(connect.Config{Store: h.st, Env: env.New(nil, nil), Keys: h.keys, BaseURL: baseURL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = bare.StartOAuth(h.ctx, h.p, "google", connect.StartInput{})
		if p, ok := problem.As(err); !ok || p.Kind != problem.Unavailable || p.Code != "oauth_not_configured" {
			t.Fatalf("no client id: %v", err)
		}
	})
	if n := len(h.audits("inbox.created")); n != 1 {
		t.Errorf("%d mailboxes created by these callbacks, want only the first", n)
	}
}

func TestTokenRefreshIsSavedAndTheMailboxReused(t *testing.T) {
	h := newHarness(t)
	h.gf.AddUser("sales@gmail.test")
	h.gf.AddUser("ann@gmail.test")
	h.gf.SetConsentUser("sales@gmail.test")
	id := h.redirectQuery(h.connectOAuth("google", connect.StartInput{})).Get("connected")
	i := h.mailbox(id)
	mb1, err := h.svc.Open(h.ctx, h.p.WorkspaceID, i)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := h.scope().MailboxCredentials(h.ctx, id)
	tokenCalls := h.gf.Calls("token")

	h.gf.ExpireAccessTokens() // the API answers 401 until the client refreshes
	if _, err := mb1.Send(h.ctx, outgoing(t, "sales@gmail.test", "ann@gmail.test", "After a 401")); err != nil {
		t.Fatalf("send after 401: %v", err)
	}
	if h.gf.Calls("token") != tokenCalls+1 {
		t.Fatalf("token endpoint called %d times, want one refresh", h.gf.Calls("token")-tokenCalls)
	}
	after, _ := h.scope().MailboxCredentials(h.ctx, id)
	if after == before {
		t.Fatal("the refreshed token was not saved")
	}
	mb2, err := h.svc.Open(h.ctx, h.p.WorkspaceID, i)
	if err != nil {
		t.Fatal(err)
	}
	if mb1 != mb2 || h.svc.OpenCount() != 1 {
		t.Fatal("saving the refreshed token rebuilt the mailbox")
	}
	if err := mb1.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := mb2.Send(h.ctx, outgoing(t, "sales@gmail.test", "ann@gmail.test", "After Close")); err != nil {
		t.Fatalf("the engine's Close closed the shared mailbox: %v", err)
	}
	// A new registry (another replica, a restart) starts from the saved token.
	fresh := h.newService()
	mb3, err := fresh.Open(h.ctx, h.p.WorkspaceID, i)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb3.Send(h.ctx, outgoing(t, "sales@gmail.test", "ann@gmail.test", "From the saved token")); err != nil {
		t.Fatal(err)
	}
	if h.gf.Calls("token") != tokenCalls+1 {
		t.Error("the saved access token was not used")
	}

	h.svc.Forget(id)
	if h.svc.OpenCount() != 0 {
		t.Fatal("Forget kept the mailbox")
	}
}

func TestInvalidGrantDisconnectsUntilReconnected(t *testing.T) {
	h := newHarness(t)
	h.gf.AddUser("sales@gmail.test")
	h.gf.AddUser("ann@gmail.test")
	h.gf.SetConsentUser("sales@gmail.test")
	id := h.redirectQuery(h.connectOAuth("google", connect.StartInput{})).Get("connected")
	mb, err := h.svc.Open(h.ctx, h.p.WorkspaceID, h.mailbox(id))
	if err != nil {
		t.Fatal(err)
	}

	h.gf.RevokeGrants("sales@gmail.test")
	for range 2 {
		_, err := mb.Send(h.ctx, outgoing(t, "sales@gmail.test", "ann@gmail.test", "Revoked"))
		if !provider.IsAuth(err) {
			t.Fatalf("send with a revoked grant: %v", err)
		}
	}
	i := h.mailbox(id)
	if i.Status != store.MailboxDisconnected || !strings.Contains(i.StatusReason, "invalid_grant") ||
		!strings.Contains(i.StatusReason, "Reconnect") {
		t.Fatalf("after invalid_grant: status %q, reason %q", i.Status, i.StatusReason)
	}
	if ev := h.audits("inbox.disconnected"); len(ev) != 1 || ev[0].Data["code"] != "invalid_grant" {
		t.Fatalf("inbox.disconnected events %+v, want one", ev)
	}

	q := h.redirectQuery(h.connectOAuth("google", connect.StartInput{MailboxID: id}))
	if q.Get("reconnected") != "1" {
		t.Fatalf("reconnect: %v", q)
	}
	i = h.mailbox(id)
	if i.Status != store.MailboxActive || i.StatusReason != "" {
		t.Fatalf("after reconnect: %q %q", i.Status, i.StatusReason)
	}
	mb, err = h.svc.Open(h.ctx, h.p.WorkspaceID, i)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Send(h.ctx, outgoing(t, "sales@gmail.test", "ann@gmail.test", "Back")); err != nil {
		t.Fatalf("send after reconnect: %v", err)
	}
}

func TestMicrosoftOAuth(t *testing.T) {
	h := newHarness(t)
	h.mf.AddUser("sales@contoso.test")
	h.mf.AddUser("ann@contoso.test")
	h.mf.SetConsentUser("sales@contoso.test")
	q := h.redirectQuery(h.connectOAuth("microsoft", connect.StartInput{}))
	id := q.Get("connected")
	if id == "" {
		t.Fatalf("connect: %v", q)
	}
	i := h.mailbox(id)
	if i.Provider != store.ProviderMicrosoft || i.Email != "sales@contoso.test" {
		t.Fatalf("inbox %+v", i)
	}
	mb, err := h.svc.Open(h.ctx, h.p.WorkspaceID, i)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Send(h.ctx, outgoing(t, "sales@contoso.test", "ann@contoso.test", "Hi")); err != nil {
		t.Fatal(err)
	}
	// Microsoft rotates refresh tokens: a refresh must be saved.
	before, _ := h.scope().MailboxCredentials(h.ctx, id)
	h.mf.ExpireAccessTokens()
	if _, err := mb.Fetch(h.ctx, ""); err != nil {
		t.Fatalf("fetch after 401: %v", err)
	}
	if after, _ := h.scope().MailboxCredentials(h.ctx, id); after == before {
		t.Fatal("the rotated token was not saved")
	}

	h.mf.RevokeGrants("sales@contoso.test", graphfake.AADSTSRevoked)
	h.mf.ExpireAccessTokens()
	if _, err := mb.Fetch(h.ctx, ""); !provider.IsAuth(err) {
		t.Fatalf("fetch after revocation: %v", err)
	}
	if i := h.mailbox(id); i.Status != store.MailboxDisconnected || !strings.Contains(i.StatusReason, "Microsoft") {
		t.Fatalf("after revocation: %q %q", i.Status, i.StatusReason)
	}
}

func TestDisconnectIgnoresOtherErrors(t *testing.T) {
	h := newHarness(t)
	h.gf.AddUser("sales@gmail.test")
	h.gf.SetConsentUser("sales@gmail.test")
	id := h.redirectQuery(h.connectOAuth("google", connect.StartInput{})).Get("connected")
	mb, err := h.svc.Open(h.ctx, h.p.WorkspaceID, h.mailbox(id))
	if err != nil {
		t.Fatal(err)
	}
	h.gf.FailNext(1, gmailfake.BadRequest.On("send"))
	_, err = mb.Send(h.ctx, outgoing(t, "sales@gmail.test", "nobody@gmail.test", "x"))
	if err == nil || provider.IsAuth(err) {
		t.Fatalf("bad request: %v", err)
	}
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("not a provider error: %v", err)
	}
	if i := h.mailbox(id); i.Status != store.MailboxActive {
		t.Fatalf("a refused message disconnected the mailbox: %q", i.Status)
	}
}
