package microsoft_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

func TestSendErrorClassification(t *testing.T) {
	tests := []struct {
		name      string
		fault     graphfake.Fault
		n         int
		kind      provider.ErrorKind // 0 = success
		retry     time.Duration
		sendCalls int
	}{
		{"429 honours Retry-After and succeeds", graphfake.Throttled, 2, 0, 0, 3},
		{"429 persisting is RateLimited", graphfake.Throttled, 3, provider.RateLimited, 2 * time.Second, 3},
		{"503 on send is not retried", graphfake.Unavailable, 1, provider.Transient, 3 * time.Second, 1},
		{"403 needs the user", graphfake.AccessDenied, 1, provider.Auth, 0, 1},
		{"400 is permanent", graphfake.InvalidRecipients, 1, provider.Permanent, 0, 1},
		{"500 is transient", graphfake.InternalError, 1, provider.Transient, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, graphfake.Options{})
			e.fake.FailNext(tt.n, tt.fault.On("sendMail"))
			_, err := e.client.Send(context.Background(), outgoing("Hi", "<c@leadbitz.test>", "", ""))
			if tt.kind == 0 {
				if err != nil {
					t.Fatalf("Send = %v", err)
				}
				if got := e.rec.Waits(); len(got) != tt.n || got[0] != tt.fault.RetryAfter {
					t.Errorf("waits = %v, want %d × %v", got, tt.n, tt.fault.RetryAfter)
				}
			} else {
				pe := wantKind(t, err, tt.kind)
				if pe.RetryAfter != tt.retry || pe.Code != "" && !strings.Contains(pe.Code, tt.fault.Code) || pe.Message != tt.fault.Message {
					t.Errorf("error = %+v", pe)
				}
			}
			if got := e.fake.Calls("sendMail"); got != tt.sendCalls {
				t.Errorf("sendMail calls = %d, want %d", got, tt.sendCalls)
			}
		})
	}
}

func TestReadsRetry503WithRetryAfter(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	e.fake.FailNext(1, graphfake.Unavailable.On("delta"))
	if _, err := e.client.Fetch(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.Waits(); len(got) != 1 || got[0] != 3*time.Second {
		t.Errorf("waits = %v, want [3s]", got)
	}
}

func TestExpiredTokenRefreshedWithRotation(t *testing.T) {
	e := newEnv(t, graphfake.Options{})
	e.fake.ExpireAccessTokens()
	if _, err := e.client.Me(context.Background()); err != nil {
		t.Fatalf("Me after 401 = %v", err)
	}
	if e.fake.Calls("token") != 1 || e.fake.Calls("me") != 2 {
		t.Errorf("token %d me %d, want one refresh and one retried call", e.fake.Calls("token"), e.fake.Calls("me"))
	}
	if saved := e.rec.Saved(); len(saved) != 1 || !strings.HasPrefix(saved[0].RefreshToken, "0.AXEA-fake-refresh-") {
		t.Fatalf("saved = %v", saved)
	}
}

func TestRevokedGrants(t *testing.T) {
	for _, code := range []int{graphfake.AADSTSInactive, graphfake.AADSTSRevoked, graphfake.AADSTSSignInRequired} {
		e := newEnv(t, graphfake.Options{})
		e.fake.RevokeGrants(me, code)
		_, err := e.client.Send(context.Background(), outgoing("Hi", "<r@leadbitz.test>", "", ""))
		pe := wantKind(t, err, provider.Auth)
		if pe.Code != "invalid_grant" || !strings.HasPrefix(pe.Message, "AADSTS"+strconv.Itoa(code)+":") || strings.Contains(pe.Message, "Trace ID") {
			t.Errorf("AADSTS%d: error = %+v", code, pe)
		}
		if strings.Contains(err.Error(), "fake-refresh") || strings.Contains(err.Error(), "test-secret") {
			t.Errorf("error leaks a secret: %v", err)
		}
		if e.fake.Calls("sendMail") != 1 {
			t.Errorf("sendMail calls = %d, want 1 (no retry after Auth)", e.fake.Calls("sendMail"))
		}
	}
}

func TestConcurrencyStaysUnderMailboxLimit(t *testing.T) {
	run := func(concurrency int) (throttled int, err error) {
		e := newEnv(t, graphfake.Options{Latency: 20 * time.Millisecond}, func(c *microsoft.Config) { c.Concurrency = concurrency })
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range 12 {
			wg.Go(func() {
				if _, _, ferr := e.client.FindSent(context.Background(), "<x@y>"); ferr != nil {
					mu.Lock()
					err = ferr
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return e.fake.Throttled(), err
	}
	if n, err := run(4); n != 0 || err != nil {
		t.Errorf("with the default limit: %d requests throttled, err %v", n, err)
	}
	// A client allowed 12 at once trips the fake's limit (and recovers by backing off).
	if n, err := run(12); n == 0 {
		t.Errorf("fake did not throttle 12 concurrent requests (err %v)", err)
	}
}
