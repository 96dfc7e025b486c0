package gmail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
)

func TestSendErrorClassification(t *testing.T) {
	tests := []struct {
		name      string
		fault     gmailfake.Fault
		n         int
		kind      provider.ErrorKind // 0 = the send succeeds
		code      string
		sendCalls int
	}{
		{"429 backs off and succeeds", gmailfake.RateLimited, 2, 0, "", 3},
		{"403 userRateLimitExceeded backs off", gmailfake.UserRateLimited, 1, 0, "", 2},
		{"429 persisting is RateLimited", gmailfake.RateLimited, 5, provider.RateLimited, "429 rateLimitExceeded", 3},
		{"403 dailyLimitExceeded waits long, not in-call", gmailfake.DailyLimit, 1, provider.RateLimited, "403 dailyLimitExceeded", 1},
		{"403 domainPolicy needs an admin", gmailfake.DomainPolicy, 1, provider.Auth, "403 domainPolicy", 1},
		{"400 is permanent", gmailfake.BadRequest, 1, provider.Permanent, "400 invalidArgument", 1},
		{"500 on send is not retried (it may have gone out)", gmailfake.BackendError, 1, provider.Transient, "500 backendError", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.FailNext(tt.n, tt.fault.On("send"))
			_, err := e.client.Send(context.Background(), outgoing("Hi", "<c@leadbitz.test>", "", ""))
			if tt.kind == 0 {
				if err != nil {
					t.Fatalf("Send = %v, want success", err)
				}
			} else if pe := wantKind(t, err, tt.kind); pe.Code != tt.code || pe.Message != tt.fault.Message {
				t.Errorf("code %q message %q, want %q %q", pe.Code, pe.Message, tt.code, tt.fault.Message)
			}
			if got := e.fake.Calls("send"); got != tt.sendCalls {
				t.Errorf("send calls = %d, want %d", got, tt.sendCalls)
			}
			if tt.n < 5 && tt.kind == 0 && len(e.rec.Waits()) != tt.n {
				t.Errorf("backoff waits = %v, want %d", e.rec.Waits(), tt.n)
			}
		})
	}
}

func TestRetryAfterFromGmailMessage(t *testing.T) {
	e := newEnv(t)
	f := gmailfake.RateLimited
	f.Message = "User-rate limit exceeded.  Retry after " + e.clock.Now().Add(2*time.Hour).Format("2006-01-02T15:04:05.000Z")
	e.fake.FailNext(1, f.On("send"))
	_, err := e.client.Send(context.Background(), outgoing("Hi", "<c@leadbitz.test>", "", ""))
	pe := wantKind(t, err, provider.RateLimited)
	if pe.RetryAfter != 2*time.Hour {
		t.Errorf("RetryAfter = %v, want 2h", pe.RetryAfter)
	}
	if e.fake.Calls("send") != 1 {
		t.Errorf("a 2h wait must go back to the caller, not be slept")
	}
}

func TestRetryAfterHeaderHonoured(t *testing.T) {
	e := newEnv(t)
	f := gmailfake.RateLimited
	f.RetryAfter = 7 * time.Second
	e.fake.FailNext(1, f.On("list"))
	if _, _, err := e.client.FindSent(context.Background(), "<x@y>"); err != nil {
		t.Fatal(err)
	}
	if waits := e.rec.Waits(); len(waits) != 1 || waits[0] != 7*time.Second {
		t.Errorf("waits = %v, want [7s]", waits)
	}
}

func TestReadsRetryServerErrors(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNext(2, gmailfake.BackendError.On("list"))
	if _, _, err := e.client.FindSent(context.Background(), "<x@y>"); err != nil {
		t.Fatalf("FindSent after two 500s = %v", err)
	}
	if e.fake.Calls("list") != 3 {
		t.Errorf("list calls = %d, want 3", e.fake.Calls("list"))
	}
}

func TestExpiredAccessTokenIsRefreshedOnce(t *testing.T) {
	e := newEnv(t)
	e.fake.ExpireAccessTokens()
	if _, err := e.client.Send(context.Background(), outgoing("Hi", "<r@leadbitz.test>", "", "")); err != nil {
		t.Fatalf("Send after 401 = %v", err)
	}
	if e.fake.Calls("token") != 1 {
		t.Errorf("token calls = %d, want 1", e.fake.Calls("token"))
	}
	if saved := e.rec.Saved(); len(saved) != 1 || saved[0].RefreshToken == "" {
		t.Errorf("refreshed token not saved with its refresh token: %v", saved)
	}
	if got := len(e.fake.Messages(me, "SENT")); got != 1 {
		t.Errorf("sent %d messages, want 1", got)
	}
}

func TestPersistent401IsAuth(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNext(2, gmailfake.InvalidCredentials.On("send"))
	_, err := e.client.Send(context.Background(), outgoing("Hi", "<r@leadbitz.test>", "", ""))
	pe := wantKind(t, err, provider.Auth)
	if pe.Code != "401 authError" {
		t.Errorf("code = %q", pe.Code)
	}
	if e.fake.Calls("token") != 1 || e.fake.Calls("send") != 2 {
		t.Errorf("token calls %d, send calls %d; want 1 refresh and 2 sends", e.fake.Calls("token"), e.fake.Calls("send"))
	}
}

func TestRevokedGrantIsAuth(t *testing.T) {
	e := newEnv(t)
	e.fake.RevokeGrants(me)
	_, err := e.client.Send(context.Background(), outgoing("Hi", "<r@leadbitz.test>", "", ""))
	pe := wantKind(t, err, provider.Auth)
	if pe.Code != "invalid_grant" || pe.Message != "Token has been expired or revoked." {
		t.Errorf("error = %+v", pe)
	}
	if strings.Contains(err.Error(), "fake-refresh") || strings.Contains(err.Error(), "fake-access") || strings.Contains(err.Error(), "test-secret") {
		t.Errorf("error leaks a secret: %v", err)
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.client.Profile(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(58 * time.Minute) // the 1h token has 2 minutes left
	if _, err := e.client.Profile(ctx); err != nil {
		t.Fatal(err)
	}
	if e.fake.Calls("token") != 1 || e.fake.Calls("profile") != 2 {
		t.Errorf("token calls %d profile calls %d: want a proactive refresh and no rejected call",
			e.fake.Calls("token"), e.fake.Calls("profile"))
	}
}

func TestInsufficientScopeIsAuth(t *testing.T) {
	e := newEnv(t)
	// A grant with gmail.send only cannot read the profile.
	c := newClientWithToken(t, e, e.fake.Grant(me, gmailfake.ScopeSend))
	_, err := c.Profile(context.Background())
	if pe := wantKind(t, err, provider.Auth); pe.Code != "403 insufficientPermissions" {
		t.Errorf("code = %q", pe.Code)
	}
}
