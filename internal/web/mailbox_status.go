package web

import (
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxConnection is a mailbox's connection in the words of docs/ui.md §6
// (Connected / Auth expired / SMTP failed / Paused), with the chip's
// colour and the reason a person can act on.
type mailboxConnection struct {
	Word   string
	Level  string // success, neutral, danger: the chip's colour
	Reason string // why it is paused or broken, in plain words ("" when fine)
	Broken bool   // cannot send until reconnected
}

// connectionOf names a mailbox's connection. A disconnected OAuth mailbox
// lost its grant (the refresh token was revoked or expired): "Auth
// expired". An SMTP/IMAP mailbox whose server refused the login: "SMTP
// failed". Anything else that cannot send: "Disconnected".
func connectionOf(in mailbox.View) mailboxConnection {
	switch in.Status {
	case store.MailboxActive:
		return mailboxConnection{Word: "Connected", Level: "success"}
	case store.MailboxPaused:
		return mailboxConnection{Word: "Paused", Level: "neutral", Reason: in.StatusReason}
	}
	c := mailboxConnection{Level: "danger", Reason: in.StatusReason, Broken: true}
	switch {
	case in.Provider == store.ProviderSMTP:
		c.Word = "SMTP failed"
	case in.Provider == store.ProviderGmail || in.Provider == store.ProviderMicrosoft:
		c.Word = "Auth expired"
	default:
		c.Word = "Disconnected"
	}
	if c.Reason == "" {
		c.Reason = "The provider stopped accepting this mailbox. Reconnect it to resume its campaigns."
	}
	return c
}

// mailboxHealth sums up a mailbox's inbox sync (how replies reach
// Leadbitz) in the words of docs/ui.md §6: Good / At risk / Critical.
type mailboxHealth struct {
	Word   string
	Level  string // success, warn, danger, neutral
	Detail string
}

// syncFailuresCritical is how many failed syncs in a row make a mailbox
// critical: about three minutes of replies not read at the scheduler's
// pace, past a passing network blip.
const syncFailuresCritical = 3

// syncStale is how long without a good sync makes an active mailbox at
// risk even without a recorded failure (the scheduler syncs every minute).
const syncStale = 30 * time.Minute

// healthOf judges a mailbox from its last good sync, last error and
// failures in a row.
func healthOf(in mailbox.View, now time.Time) mailboxHealth {
	last := "not read yet"
	if in.LastSyncAt != nil {
		last = "replies read " + ago(now, *in.LastSyncAt)
	}
	switch {
	case mailboxBroken(in.Status):
		return mailboxHealth{Word: "Critical", Level: "danger", Detail: "Cannot send or read replies until reconnected."}
	case in.ConsecutiveFailures >= syncFailuresCritical:
		return mailboxHealth{Word: "Critical", Level: "danger",
			Detail: plural(in.ConsecutiveFailures, "sync", "syncs") + " failed in a row: " + in.LastError}
	case in.ConsecutiveFailures > 0:
		return mailboxHealth{Word: "At risk", Level: "warn", Detail: "The last sync failed: " + in.LastError}
	case in.Status == store.MailboxPaused:
		return mailboxHealth{Word: "Paused", Level: "neutral", Detail: "Not sending; " + last + "."}
	case in.LastSyncAt != nil && now.Sub(*in.LastSyncAt) > syncStale:
		return mailboxHealth{Word: "At risk", Level: "warn", Detail: "No reply check for a while: " + last + "."}
	default:
		return mailboxHealth{Word: "Good", Level: "success", Detail: capitalize(last) + "."}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// connectOptions say which providers can be connected from this server:
// Google and Microsoft need an OAuth app registered by whoever runs it.
type connectOptions struct {
	Google, Microsoft oauthOption
}

type oauthOption struct {
	Configured  bool
	StartURL    string // the connect service's start URL (GET, 302 to the consent page)
	Env         string // what to set when it is not configured
	RedirectURI string // what to register with the provider
}

func (w *Web) connectOptions() connectOptions {
	base := w.Config.BaseURL
	return connectOptions{
		Google: oauthOption{Configured: w.Config.GoogleClientID != "" && w.Connect != nil,
			StartURL: "/api/oauth/google/start", Env: "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET",
			RedirectURI: base + "/api/oauth/google/callback"},
		Microsoft: oauthOption{Configured: w.Config.MicrosoftClientID != "" && w.Connect != nil,
			StartURL: "/api/oauth/microsoft/start", Env: "MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET",
			RedirectURI: base + "/api/oauth/microsoft/callback"},
	}
}
