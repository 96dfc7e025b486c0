package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Key checks the encryption key: LEADBITZ_SECRET_KEY parses, or the key file
// exists, is a regular file owned by this user and readable by nobody else;
// and, when the database holds encrypted credentials, that the key opens
// one (a key that does not is a lost key, or the wrong one).
func Key(ctx context.Context, cfg config.Config, st *store.Store) Result {
	r := Result{Check: "encryption key present and private", Setting: "LEADBITZ_SECRET_KEY"}
	var ring *secrets.KeyRing
	if cfg.SecretKey != "" {
		k, err := secrets.LoadKeyRing(cfg.SecretKey, "")
		if err != nil {
			r.Status, r.Detail = Fail, err.Error()
			return r
		}
		ring, r.Detail = k, "from the environment"
	} else {
		path := filepath.Join(cfg.DataDir, secrets.KeyFileName)
		r.Setting = "LEADBITZ_DATA_DIR (" + path + ")"
		detail, err := privateFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			r.Status, r.Detail = Warn, "no key yet: serve will generate "+path+"; back it up (docs/deploy.md)"
			if n := storedSecrets(ctx, st); n > 0 {
				r.Status, r.Detail = Fail, fmt.Sprintf("no key, and the database holds %d encrypted mailbox credential(s): restore the key from your backup", n)
			}
			return r
		}
		if err != nil {
			r.Status, r.Detail = Fail, err.Error()
			return r
		}
		k, err := secrets.LoadKeyRing("", cfg.DataDir)
		if err != nil {
			r.Status, r.Detail = Fail, err.Error()
			return r
		}
		ring, r.Detail = k, detail
	}
	if st != nil {
		creds, err := st.EncryptedCredentials(ctx)
		if err == nil && len(creds) > 0 {
			c := creds[0]
			if _, err := ring.Decrypt(c.Ciphertext, store.CredentialsAD(c.MailboxID)); err != nil {
				r.Status, r.Detail = Fail, "the key does not decrypt the stored mailbox credentials: the wrong key, or a lost one (keep old keys after the current one)"
				return r
			}
			r.Detail += ", decrypts stored credentials"
		}
	}
	return r
}

// privateFile checks path is a regular file of this user that group and
// others cannot access.
func privateFile(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("%s has mode %#o: group or others can read the key (chmod 600 %s)", path, perm, path)
	}
	if sys, ok := info.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
		return "", fmt.Errorf("%s belongs to uid %d, not to this user (uid %d)", path, sys.Uid, os.Getuid())
	}
	return fmt.Sprintf("%s, mode %#o", path, info.Mode().Perm()), nil
}

func storedSecrets(ctx context.Context, st *store.Store) int {
	if st == nil {
		return 0
	}
	creds, err := st.EncryptedCredentials(ctx)
	if err != nil {
		return 0
	}
	return len(creds)
}

// BaseURL checks the public URL and the cookies it implies: sessions are
// Secure cookies exactly when LEADBITZ_BASE_URL is https, so a public
// address served over http sends them in clear.
func BaseURL(cfg config.Config) Result {
	r := Result{Check: "base URL and cookies", Setting: "LEADBITZ_BASE_URL"}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Host == "" {
		r.Status, r.Detail = Fail, fmt.Sprintf("%q is not a URL", cfg.BaseURL)
		return r
	}
	if u.Scheme == "https" {
		if !cfg.SecureCookies() {
			r.Status, r.Detail = Fail, "https base URL without Secure cookies"
			return r
		}
		r.Detail = cfg.BaseURL + ": cookies are Secure"
		return r
	}
	if local(u.Hostname()) {
		r.Status, r.Detail = Warn, cfg.BaseURL+": plain http, fine on this machine only; use https before others connect"
		return r
	}
	r.Status, r.Detail = Fail, cfg.BaseURL+": plain http on a network address sends session cookies in clear; put https in front and set an https:// base URL"
	return r
}

func local(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redis checks REDIS_URL: needed when several replicas share the database
// (rate limits must be counted once for all of them), reachable when set.
func Redis(ctx context.Context, redisURL string, replicas int, timeout time.Duration) Result {
	r := Result{Check: "Redis (shared rate limits)", Setting: "REDIS_URL"}
	if redisURL == "" {
		if replicas > 1 {
			r.Status, r.Detail = Fail, fmt.Sprintf("not set, and %d replicas run: each would count rate limits on its own", replicas)
			return r
		}
		r.Detail = "not set: limits in memory (one replica)"
		return r
	}
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lim, err := ratelimit.FromURL(pingCtx, redisURL)
	if err != nil {
		r.Status, r.Detail = Fail, err.Error() // redacted by ratelimit
		return r
	}
	if c, ok := lim.(interface{ Close() error }); ok {
		c.Close()
	}
	r.Detail = "reachable"
	return r
}

// Clock compares this machine's clock with the database's: schedules, send
// windows and session expiry are computed here and compared there.
func Clock(ctx context.Context, st *store.Store, now func() time.Time) Result {
	r := Result{Check: "clock agrees with the database", Setting: "system clock (NTP)"}
	if st.Dialect() != store.Postgres {
		r.Detail = "SQLite is a file on this machine: one clock"
		return r
	}
	before := now()
	dbNow, err := st.DatabaseNow(ctx)
	if err != nil {
		r.Status, r.Detail = Fail, "reading the database's clock: "+err.Error()
		return r
	}
	after := now()
	// The database read its clock between before and after.
	mid := before.Add(after.Sub(before) / 2)
	skew := dbNow.Sub(mid)
	return clockResult(r, skew, after.Sub(before))
}

// clockResult judges a skew measured over a round trip.
func clockResult(r Result, skew, roundTrip time.Duration) Result {
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	abs -= roundTrip / 2 // what the measurement cannot tell apart
	r.Detail = fmt.Sprintf("differs by %s", skew.Round(time.Millisecond))
	switch {
	case abs > 30*time.Second:
		r.Status = Fail
		r.Detail += ": more than 30s; sync both clocks (NTP)"
	case abs > 2*time.Second:
		r.Status = Warn
		r.Detail += ": more than 2s; check NTP"
	}
	return r
}

// DNS checks the resolver the app uses (LEADBITZ_DNS_SERVER, or the
// system's) answers for name.
func DNS(ctx context.Context, server, name string, timeout time.Duration) Result {
	r := Result{Check: "DNS resolver answers", Setting: "LEADBITZ_DNS_SERVER"}
	resolver := net.DefaultResolver
	if server != "" {
		if _, _, err := net.SplitHostPort(server); err != nil {
			server = net.JoinHostPort(server, "53")
		}
		resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		}}
	} else {
		r.Setting = "LEADBITZ_DNS_SERVER (or /etc/resolv.conf)"
	}
	lookupCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	mx, err := resolver.LookupMX(lookupCtx, name)
	if err != nil {
		r.Status, r.Detail = Fail, fmt.Sprintf("MX of %s: %v", name, err)
		return r
	}
	r.Detail = fmt.Sprintf("MX of %s: %d record(s)", name, len(mx))
	return r
}

// Outbound checks a TCP connection to p.Addr opens: firewalls and hosting
// providers often block SMTP ports.
func Outbound(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), p Probe, timeout time.Duration) Result {
	r := Result{Check: "outbound " + p.Name, Setting: "firewall: outbound TCP to " + p.Addr}
	dialCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := dial(dialCtx, "tcp", p.Addr)
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return r
	}
	conn.Close()
	r.Detail = p.Addr + " answers"
	return r
}
