package account

import (
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
)

func TestLoginDelayGrowsToACap(t *testing.T) {
	cases := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {4, 0}, {5, time.Second}, {6, 2 * time.Second}, {7, 4 * time.Second},
		{14, 512 * time.Second}, {15, maxLoginDelay}, {1000, maxLoginDelay},
	}
	for _, c := range cases {
		if got := loginDelay(c.failures); got != c.want {
			t.Errorf("loginDelay(%d) = %v, want %v", c.failures, got, c.want)
		}
	}
}

func TestLoginWait(t *testing.T) {
	last := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		failures int
		now      time.Time
		want     time.Duration
	}{
		{0, last, 0},
		{4, last, 0},
		{5, last, time.Second},
		{5, last.Add(400 * time.Millisecond), 600 * time.Millisecond},
		{5, last.Add(time.Second), 0},
		{20, last.Add(10 * time.Minute), 5 * time.Minute},
		{20, last.Add(loginFailureQuiet), 0}, // a quiet day forgets
	}
	for _, c := range cases {
		if got := loginWait(c.failures, last, c.now); got != c.want {
			t.Errorf("loginWait(%d, +%v) = %v, want %v", c.failures, c.now.Sub(last), got, c.want)
		}
	}
}

func TestClientNetwork(t *testing.T) {
	cases := map[string]string{
		"203.0.113.9":             "203.0.113.9",
		"::ffff:203.0.113.9":      "203.0.113.9",
		"2001:db8:1:2::1":         "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:1:2:3": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":         "2001:db8:1:3::/64",
		"fe80::1%eth0":            "fe80::/64",
		"not an address":          "not an address",
		"":                        "",
	}
	for in, want := range cases {
		if got := clientNetwork(in); got != want {
			t.Errorf("clientNetwork(%q) = %q, want %q", in, got, want)
		}
	}
	if loginPair("ann@example.com", "2001:db8:1:2::1") != loginPair("ann@example.com", "2001:db8:1:2::99") ||
		loginPair("ann@example.com", "2001:db8:1:2::1") == loginPair("bob@example.com", "2001:db8:1:2::1") {
		t.Fatal("a pair is one account and one network")
	}
}

func TestSessionExpiry(t *testing.T) {
	s := New(nil, env.New(nil, nil), nil, Options{SessionMaxAge: 48 * time.Hour})
	created := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	if got := s.sessionExpiry(created, created); !got.Equal(created.Add(48 * time.Hour)) {
		t.Errorf("a new session: %v", got)
	}
	long := New(nil, env.New(nil, nil), nil, Options{})
	if got := long.sessionExpiry(created, created.Add(29*24*time.Hour)); !got.Equal(created.Add(30 * 24 * time.Hour)) {
		t.Errorf("an active session of 29 days, by default: %v, want 30 days after its login", got)
	}
	sliding := New(nil, env.New(nil, nil), nil, Options{SessionMaxAge: 90 * 24 * time.Hour})
	if got := sliding.sessionExpiry(created, created.Add(time.Hour)); !got.Equal(created.Add(time.Hour + SessionTTL)) {
		t.Errorf("idle expiry under a long maximum: %v", got)
	}
}

func TestNeedsRehash(t *testing.T) {
	fresh, _ := HashPassword("a long password")
	if needsRehash(fresh) {
		t.Error("today's hash needs a rehash")
	}
	if !needsRehash("$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaA") {
		t.Error("a weaker hash does not need a rehash")
	}
}
