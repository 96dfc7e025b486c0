// Package webhook delivers the events of internal/event to the endpoints a
// workspace subscribes (docs/webhooks.md): subscriptions, signing (Standard
// Webhooks), the delivery workers and their retry rules.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: whsec_ and 32 random bytes in
// base64, as Standard Webhooks libraries read it.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey is the HMAC key of a secret: the bytes its base64 part holds.
func secretKey(secret string) []byte {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return []byte(secret)
	}
	return b
}

// Sign is the webhook-signature value of one delivery: "v1,<base64 of
// HMAC-SHA256 of id.timestamp.body>" for each secret, space-separated (two
// during a rotation's overlap).
func Sign(secrets []string, id string, ts time.Time, body []byte) string {
	var sigs []string
	for _, s := range secrets {
		mac := hmac.New(sha256.New, secretKey(s))
		mac.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(sigs, " ")
}

// Verify checks a delivery's headers against secret, the way a receiver
// does (docs/webhooks.md): one of the signatures matches, and the timestamp
// is within tolerance of now.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) bool {
	id, tsText := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || id == "" {
		return false
	}
	ts := time.Unix(sec, 0)
	if now.Sub(ts) > tolerance || ts.Sub(now) > tolerance {
		return false
	}
	want := Sign([]string{secret}, id, ts, body)
	for _, got := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(got), []byte(want)) {
			return true
		}
	}
	return false
}

// retryDelays are the waits after each failed attempt; after the last,
// every 12 hours until GiveUpAfter.
var retryDelays = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}

// GiveUpAfter is how long an endpoint may keep failing before it is
// disabled (and its workspace's admins told).
const GiveUpAfter = 72 * time.Hour

// retryDelay is the wait after the attempts-th failed attempt.
func retryDelay(attempts int) time.Duration {
	if attempts >= 1 && attempts <= len(retryDelays) {
		return retryDelays[attempts-1]
	}
	return 12 * time.Hour
}

// answer is what one attempt got: an HTTP status (0: none), Retry-After,
// or a transport error.
type answer struct {
	code       int
	retryAfter time.Duration
	err        string
}

// verdict is what an attempt decides for its delivery and endpoint.
type verdict struct {
	status  string    // store.DeliveryPending, Delivered or Failed
	nextAt  time.Time // pending: when to try again
	disable string    // non-empty: disable the endpoint with this reason
	healthy bool      // the endpoint answered 2xx: its run of failures ends
}

// decide is the retry rule: 2xx delivered; 410 disables the endpoint; a
// network error, 408, 429 and 5xx retry with growing delays (Retry-After
// when longer), other answers fail the delivery; an endpoint failing for
// GiveUpAfter is disabled.
func decide(a answer, attempts int, failingSince *time.Time, now time.Time) verdict {
	switch {
	case a.err == "" && a.code >= 200 && a.code < 300:
		return verdict{status: store.DeliveryDelivered, healthy: true}
	case a.code == http.StatusGone:
		return verdict{status: store.DeliveryFailed, disable: "the endpoint answered 410 Gone"}
	}
	if failingSince != nil && now.Sub(*failingSince) >= GiveUpAfter {
		return verdict{status: store.DeliveryFailed, disable: "every delivery failed for three days"}
	}
	retryable := a.err != "" || a.code == http.StatusRequestTimeout || a.code == http.StatusTooManyRequests || a.code >= 500
	if !retryable {
		return verdict{status: store.DeliveryFailed}
	}
	return verdict{status: store.DeliveryPending, nextAt: now.Add(max(retryDelay(attempts), min(a.retryAfter, 12*time.Hour)))}
}

// parseRetryAfter reads Retry-After in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// subscribed reports whether an endpoint wants an event: its types (none:
// all) and campaigns (none: all; an event about no campaign always passes).
func subscribed(w store.Webhook, e store.Event) bool {
	if len(w.Events) > 0 && !slices.Contains(w.Events, e.Type) {
		return false
	}
	if len(w.CampaignIDs) > 0 && e.CampaignID != "" && !slices.Contains(w.CampaignIDs, e.CampaignID) {
		return false
	}
	return !e.CreatedAt.Before(w.CreatedAt)
}

// checkURL is the address rule of an endpoint: an absolute https URL
// without credentials; http only when the operator opened private networks
// (LEADBITZ_ALLOW_PRIVATE_NETWORKS) and the host is an address inside
// them. The host's addresses are checked again at every connection
// (netguard).
func checkURL(raw string, allow []netip.Prefix) string {
	if len(raw) > 2000 {
		return "is too long"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "must be an absolute https URL without credentials"
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
			for _, p := range allow {
				if p.Contains(ip.Unmap()) {
					return ""
				}
			}
		}
		return "must use https (http only to an address in LEADBITZ_ALLOW_PRIVATE_NETWORKS)"
	}
	return "must be an https URL"
}
