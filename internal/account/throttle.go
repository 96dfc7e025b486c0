package account

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"time"
)

// Failed logins slow down the (account, client network) pair they come
// from, instead of locking the account: someone guessing from elsewhere
// cannot keep the real person out. The first few failures are free (typos),
// then each waits twice as long as the last, up to a cap; a success from the
// pair, or a quiet day, starts again. Each client network also keeps a
// plain limit (LoginPerIP) on all its attempts, whatever the account.
const (
	freeLoginFailures = 5
	firstLoginDelay   = time.Second
	maxLoginDelay     = 15 * time.Minute
	loginFailureQuiet = 24 * time.Hour
)

// loginDelay is how long after its last failure a pair that has failed
// failures times must wait: 0 for the free ones, then 1 s, 2 s, 4 s … up
// to maxLoginDelay.
func loginDelay(failures int) time.Duration {
	if failures < freeLoginFailures {
		return 0
	}
	d := firstLoginDelay
	for i := freeLoginFailures; i < failures && d < maxLoginDelay; i++ {
		d *= 2
	}
	return min(d, maxLoginDelay)
}

// loginWait is how long the pair must still wait at now; 0 when it may try.
// A count whose last failure is a quiet day old no longer counts.
func loginWait(failures int, last, now time.Time) time.Duration {
	if failures == 0 || now.Sub(last) >= loginFailureQuiet {
		return 0
	}
	return max(last.Add(loginDelay(failures)).Sub(now), 0)
}

// clientNetwork is what one client is counted as: its IPv4 address, or the
// /64 of its IPv6 address (one customer's allocation, which a single host
// can fill with addresses at will). Anything unparsable is kept as is.
func clientNetwork(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	prefix, _ := addr.WithZone("").Prefix(64)
	return prefix.String()
}

// ClientNetwork is clientNetwork for the other limits of signing in
// (internal/signin), so every limit counts a client the same way.
func ClientNetwork(ip string) string { return clientNetwork(ip) }

// loginPair names an (account, client network) pair without storing either.
func loginPair(email, ip string) string {
	sum := sha256.Sum256([]byte("leadbitz-login-pair\x00" + email + "\x00" + clientNetwork(ip)))
	return hex.EncodeToString(sum[:])
}
