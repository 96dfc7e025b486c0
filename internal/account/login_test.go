package account

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

const testPassword = "correct horse battery"

type fixture struct {
	svc     *Service
	st      *store.Store
	clock   *mailfake.Clock
	limiter *ratelimit.Memory
}

// newFixture is the account service on a fresh database of the dialect under
// test, with a clock the test moves (the limiter reads it too).
func newFixture(t *testing.T, o Options) fixture {
	t.Helper()
	clock := mailfake.NewClock(time.Now().UTC().Truncate(time.Second))
	lim := ratelimit.NewMemory(clock.Now)
	st := storetest.New(t)
	return fixture{svc: New(st, env.New(nil, clock.Now), lim, o), st: st, clock: clock, limiter: lim}
}

func (f fixture) signup(t *testing.T, email, ip string) (store.User, string) {
	t.Helper()
	u, _, token, err := f.svc.Signup(context.Background(), SignupInput{Email: email, Password: testPassword}, Meta{IP: ip})
	if err != nil {
		t.Fatalf("signup %s: %v", email, err)
	}
	return u, token
}

func (f fixture) login(email, password, ip string) error {
	_, _, err := f.svc.Login(context.Background(), email, password, "", Meta{IP: ip, UserAgent: "test"})
	return err
}

// rateLimited returns the Retry-After of a 429 answer, failing otherwise.
func rateLimited(t *testing.T, err error, code string) time.Duration {
	t.Helper()
	var p *problem.Error
	if !errors.As(err, &p) || p.Kind != problem.RateLimited || p.Code != code || p.RetryAfter <= 0 {
		t.Fatalf("got %v, want a 429 %s with a Retry-After", err, code)
	}
	return p.RetryAfter
}

func TestFailedLoginsSlowTheirPairDownNotTheAccount(t *testing.T) {
	f := newFixture(t, Options{})
	const ann, home, attacker = "ann@example.com", "198.51.100.7", "203.0.113.9"
	f.signup(t, ann, home)

	for i := 0; i < freeLoginFailures; i++ {
		if err := f.login(ann, "wrong password", attacker); err != ErrInvalidCredentials {
			t.Fatalf("free failure %d: %v", i+1, err)
		}
	}
	// Then each failure makes the pair wait twice as long as the last.
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		if got := rateLimited(t, f.login(ann, "wrong password", attacker), "too_many_attempts"); got != want {
			t.Fatalf("Retry-After %v, want %v", got, want)
		}
		f.clock.Add(want)
		if err := f.login(ann, "wrong password", attacker); err != ErrInvalidCredentials {
			t.Fatalf("after waiting %v: %v", want, err)
		}
	}
	// Even the right password waits, from that pair.
	rateLimited(t, f.login(ann, testPassword, attacker), "too_many_attempts")
	// Ann, from her own address, is not locked out (13 failures would have
	// locked the account for everyone before).
	if err := f.login(ann, testPassword, home); err != nil {
		t.Fatalf("the real user from her own address: %v", err)
	}

	// IPv6 clients are one client per /64.
	const v6 = "2001:db8:1:2::1"
	for i := 0; i < freeLoginFailures; i++ {
		if err := f.login(ann, "wrong password", v6); err != ErrInvalidCredentials {
			t.Fatalf("IPv6 failure %d: %v", i+1, err)
		}
	}
	rateLimited(t, f.login(ann, "wrong password", "2001:db8:1:2::ffff"), "too_many_attempts")
	if err := f.login(ann, "wrong password", "2001:db8:1:3::1"); err != ErrInvalidCredentials {
		t.Fatalf("the next /64 is another client: %v", err)
	}

	// A quiet day forgets the failures.
	f.clock.Add(loginFailureQuiet)
	if err := f.login(ann, "wrong password", attacker); err != ErrInvalidCredentials {
		t.Fatalf("a day later: %v", err)
	}
	// A success from the pair starts it again.
	for i := 0; i < freeLoginFailures-1; i++ {
		_ = f.login(ann, "wrong password", home)
	}
	if err := f.login(ann, testPassword, home); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < freeLoginFailures; i++ {
		if err := f.login(ann, "wrong password", home); err != ErrInvalidCredentials {
			t.Fatalf("after a success, failure %d: %v", i+1, err)
		}
	}

	// Each client network keeps a limit on all its attempts, whatever the
	// accounts.
	busy := "192.0.2.50"
	for i := 0; i < LoginPerIP.Count; i++ {
		if _, err := f.limiter.Allow(context.Background(), "login:ip:"+busy, LoginPerIP); err != nil {
			t.Fatal(err)
		}
	}
	rateLimited(t, f.login("someone@example.com", "a password", busy), "too_many_attempts")
}

// A failed login writes the same rows and verifies one hash whether the
// address has an account or not, and answers the same; nothing lands in a
// workspace's audit log, and the unknown address's row in nobody's log.
func TestLoginDoesTheSameWorkForKnownAndUnknownAddresses(t *testing.T) {
	var hashes atomic.Int32
	f := newFixture(t, Options{OnHash: func(int) { hashes.Add(1) }})
	f.signup(t, "ann@example.com", "198.51.100.7")
	tables := []string{"users", "sessions", "memberships", "audit_events", "security_events", "login_failures", "invitations"}
	counts := func() map[string]int {
		m := map[string]int{}
		for _, table := range tables {
			var n int
			if err := f.st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			m[table] = n
		}
		var orphans int
		if err := f.st.DB().QueryRow(`SELECT COUNT(*) FROM security_events WHERE user_id IS NULL`).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		m["security_events in nobody's log"] = orphans
		return m
	}
	attempt := func(email, ip string) (map[string]int, int32, error) {
		before := counts()
		hashes.Store(0)
		err := f.login(email, "wrong password", ip)
		delta := map[string]int{}
		for k, n := range counts() {
			delta[k] = n - before[k]
		}
		return delta, hashes.Load(), err
	}
	known, hashesKnown, errKnown := attempt("ann@example.com", "203.0.113.1")
	unknown, hashesUnknown, errUnknown := attempt("nobody@example.com", "203.0.113.2")

	if errKnown != ErrInvalidCredentials || errUnknown != ErrInvalidCredentials {
		t.Fatalf("answers: %v / %v", errKnown, errUnknown)
	}
	if hashesKnown != 1 || hashesUnknown != 1 {
		t.Fatalf("hashes verified: %d for an account, %d without", hashesKnown, hashesUnknown)
	}
	if known["security_events"] != 1 || known["login_failures"] != 1 || known["audit_events"] != 0 {
		t.Fatalf("a failed login for an account wrote %v", known)
	}
	if unknown["security_events in nobody's log"] != 1 || known["security_events in nobody's log"] != 0 {
		t.Fatalf("where the rows went: account %v, no account %v", known, unknown)
	}
	delete(known, "security_events in nobody's log")
	delete(unknown, "security_events in nobody's log")
	if fmt.Sprint(known) != fmt.Sprint(unknown) {
		t.Fatalf("rows written differ:\n account    %v\n no account %v", known, unknown)
	}
}

func TestPasswordHashingIsBounded(t *testing.T) {
	const slots = 2
	var maxInFlight atomic.Int32
	record := func(n int) {
		for {
			m := maxInFlight.Load()
			if int32(n) <= m || maxInFlight.CompareAndSwap(m, int32(n)) {
				return
			}
		}
	}
	// While hold is set, the first `slots` hashes to start stay in their
	// slot until release; any other hash runs through (and is a failure).
	entered, release := make(chan struct{}, 100), make(chan struct{})
	var hold atomic.Bool
	var held atomic.Int32
	f := newFixture(t, Options{HashSlots: slots, HashWait: 10 * time.Millisecond, SignupsPerIPHour: 1000, OnHash: func(n int) {
		record(n)
		if hold.Load() && held.Add(1) <= slots {
			entered <- struct{}{}
			<-release
		}
	}})
	for i := 0; i < 4; i++ {
		f.signup(t, fmt.Sprintf("user%d@example.com", i), "198.51.100.7")
	}
	hold.Store(true)
	f.svc.hashes.wait = 10 * time.Millisecond

	// Two logins take both slots and stay in them.
	var wg sync.WaitGroup
	for i := 0; i < slots; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = f.login(fmt.Sprintf("user%d@example.com", i), testPassword, "198.51.100.7")
		}()
	}
	for i := 0; i < slots; i++ {
		<-entered
	}
	// A flood of signups and logins meanwhile is turned away with 429s,
	// none of them hashing.
	errs := make(chan error, 20)
	var flood sync.WaitGroup
	for i := 0; i < 10; i++ {
		flood.Add(2)
		go func() {
			defer flood.Done()
			_, _, _, err := f.svc.Signup(context.Background(), SignupInput{Email: fmt.Sprintf("new%d@example.com", i), Password: testPassword}, Meta{IP: "203.0.113.1"})
			errs <- err
		}()
		go func() {
			defer flood.Done()
			errs <- f.login("user3@example.com", testPassword, fmt.Sprintf("203.0.113.%d", 10+i))
		}()
	}
	flood.Wait()
	close(errs)
	for err := range errs {
		if got := rateLimited(t, err, "busy"); got != time.Second {
			t.Fatalf("Retry-After %v", got)
		}
	}
	close(release)
	wg.Wait()

	// Unheld, a flood of concurrent logins never has more than the slots in
	// flight (each holds 19 MiB: memory is bounded by slots × 19 MiB).
	hold.Store(false)
	f.svc.hashes.wait = time.Minute
	maxInFlight.Store(0)
	var all sync.WaitGroup
	for i := 0; i < 12; i++ {
		all.Add(1)
		go func() {
			defer all.Done()
			if err := f.login(fmt.Sprintf("user%d@example.com", i%4), testPassword, fmt.Sprintf("192.0.2.%d", i)); err != nil {
				t.Error(err)
			}
		}()
	}
	all.Wait()
	if m := maxInFlight.Load(); m < 1 || m > slots {
		t.Fatalf("at most %d hashes in flight, saw %d", slots, m)
	}
}

func TestSignupIsLimitedPerNetworkAndOverall(t *testing.T) {
	f := newFixture(t, Options{SignupsPerIPHour: 2, SignupsPerHour: 4})
	ctx := context.Background()
	try := func(email, ip string) error {
		_, _, _, err := f.svc.Signup(ctx, SignupInput{Email: email, Password: testPassword}, Meta{IP: ip})
		return err
	}
	// A refused form does not count.
	if err := try("not an address", "203.0.113.1"); err == nil {
		t.Fatal("a bad address was accepted")
	}
	for _, c := range []struct{ email, ip string }{{"a@example.com", "203.0.113.1"}, {"b@example.com", "203.0.113.1"},
		{"c@example.com", "2001:db8::1"}, {"d@example.com", "2001:db8::2"}} {
		if err := try(c.email, c.ip); err != nil {
			t.Fatalf("%s from %s: %v", c.email, c.ip, err)
		}
	}
	if d := rateLimited(t, try("e@example.com", "203.0.113.1"), "too_many_signups"); d > time.Hour {
		t.Fatalf("Retry-After %v", d)
	}
	rateLimited(t, try("e@example.com", "2001:db8::3"), "too_many_signups")  // the same /64
	rateLimited(t, try("e@example.com", "198.51.100.1"), "too_many_signups") // four in the hour overall
	f.clock.Add(time.Hour)
	if err := try("e@example.com", "198.51.100.1"); err != nil {
		t.Fatalf("an hour later: %v", err)
	}
}

func TestSessionsEndAtTheirMaximumAgeAndArePurged(t *testing.T) {
	f := newFixture(t, Options{SessionMaxAge: 48 * time.Hour})
	ctx := context.Background()
	_, token := f.signup(t, "ann@example.com", "198.51.100.7")
	for i := 0; i < 4; i++ { // used every 11 hours: the idle expiry keeps sliding
		f.clock.Add(11 * time.Hour)
		if _, err := f.svc.AuthenticateSession(ctx, token); err != nil {
			t.Fatalf("after %dh: %v", 11*(i+1), err)
		}
	}
	f.clock.Add(4 * time.Hour)
	if _, err := f.svc.AuthenticateSession(ctx, token); err != ErrUnauthenticated {
		t.Fatalf("48 hours after the login: %v", err)
	}
	if err := f.svc.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.st.DB().QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("sessions left after the purge: %d %v", n, err)
	}
}

func TestLoginUpgradesAnOldPasswordHash(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	ann, _ := f.signup(t, "ann@example.com", "198.51.100.7")
	if err := f.st.SetPasswordHash(ctx, ann.ID, weakHash(testPassword)); err != nil {
		t.Fatal(err)
	}
	if err := f.login(ann.Email, testPassword, "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	u, _ := f.st.UserByID(ctx, ann.ID)
	if needsRehash(u.PasswordHash) {
		t.Fatalf("the hash was not upgraded: %s", u.PasswordHash[:30])
	}
	events, _ := f.svc.SecurityEvents(ctx, Principal{User: ann}, "", 10)
	if len(events) < 2 || events[0].Kind != store.SecurityLogin || events[1].Kind != store.SecurityPasswordRehash {
		t.Fatalf("security log: %+v", events)
	}
}

// weakHash is an argon2id hash with cheaper parameters than today's, as an
// older build would have stored.
func weakHash(password string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(password), salt, 1, 8*1024, 1, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 8*1024, 1, 1, b64.EncodeToString(salt), b64.EncodeToString(key))
}
