package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxRow is a mailbox as the list shows it; the inbox service works out
// today's sends and limit with the send engine's own rules.
type mailboxRow struct {
	mailbox.View
}

// Broken reports whether the mailbox cannot send until someone acts.
func (m mailboxRow) Broken() bool { return mailboxBroken(m.Status) }

func mailboxBroken(status string) bool {
	return status == store.MailboxDisconnected || status == store.MailboxError
}

// mailboxListRow is one row of the Mailboxes page: the mailbox, the words
// for its connection and health, and the campaigns that send from it.
type mailboxListRow struct {
	mailboxRow
	Connection mailboxConnection
	Health     mailboxHealth
	Campaigns  []store.CampaignRef
}

// Running lists the campaigns using the mailbox that are active: the
// ones whose sends wait while it is broken.
func (m mailboxListRow) Running() []store.CampaignRef {
	var out []store.CampaignRef
	for _, c := range m.Campaigns {
		if c.Status == store.CampaignActive {
			out = append(out, c)
		}
	}
	return out
}

type mailboxesData struct {
	Mailboxes []mailboxListRow
	Connect   connectOptions
}

// mailboxes lists the accounts campaigns send from, with the ways to
// connect one (Google, Microsoft, SMTP/IMAP, sandbox). It is also where
// the OAuth callback lands (?connected= or ?oauth_error=): the outcome
// becomes a flash and the browser is sent to the clean URL, so reloading
// does not repeat it.
func (w *Web) mailboxes(rw http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	if q.Has("connected") || q.Has("oauth_error") {
		return w.oauthOutcome(rw, v, q.Get("connected"), q.Get("reconnected") == "1", q.Get("released"), q.Get("oauth_error"))
	}
	v.Form = emptyForm(map[string]string{"timezone": "UTC"})
	if err := w.loadMailboxes(v); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadMailboxes(v *view) error {
	ctx := v.r.Context()
	list, err := w.Mailboxes.List(ctx, v.P.WorkspaceID)
	if err != nil {
		return err
	}
	campaigns, err := w.Store.InWorkspace(v.P.WorkspaceID).MailboxCampaigns(ctx)
	if err != nil {
		return err
	}
	data := mailboxesData{Connect: w.connectOptions()}
	for _, in := range list {
		data.Mailboxes = append(data.Mailboxes, mailboxListRow{mailboxRow: mailboxRow{in},
			Connection: connectionOf(in), Health: healthOf(in, w.Env.Now()), Campaigns: campaigns[in.ID]})
	}
	v.Title, v.Nav, v.Data = "Mailboxes", "mailboxes", data
	return nil
}

// oauthOutcome turns the OAuth callback's answer into a flash. The error
// text comes from our own table, never from the query string, so a
// crafted link cannot put words in the app's mouth.
func (w *Web) oauthOutcome(rw http.ResponseWriter, v *view, mailboxID string, reconnected bool, released, code string) error {
	if code != "" {
		return w.redirectWithError(rw, v.r, "/mailboxes", oauthErrorText(code))
	}
	in, err := w.Mailboxes.Get(v.r.Context(), v.P.WorkspaceID, mailboxID)
	if err != nil {
		// Not this workspace's mailbox (or gone): say nothing about it.
		http.Redirect(rw, v.r, "/mailboxes", http.StatusSeeOther)
		return nil
	}
	n, _ := strconv.Atoi(released)
	msg, err := w.connectedMessage(v, in, reconnected, n)
	if err != nil {
		return err
	}
	return v.redirect(rw, "/mailboxes/"+in.ID, msg)
}

// oauthErrorText says what went wrong in a Google or Microsoft sign-in, by
// the connect service's problem code.
func oauthErrorText(code string) string {
	switch code {
	case "access_denied":
		return "The mailbox was not connected: access was not granted on the provider's consent screen. Try again and allow every permission asked for."
	case "invalid_state":
		return "The mailbox was not connected: that sign-in link was used, expired or came from another server. Start again from this page."
	case "wrong_user":
		return "The mailbox was not connected: finish the sign-in in the browser where you started it, logged in as the same user."
	case "wrong_account":
		return "The mailbox was not reconnected: you signed in with another account than the mailbox's own. Sign in as the mailbox's address."
	case "exchange_failed", "profile_failed":
		return "The mailbox was not connected: the provider refused the sign-in. Try again; if it keeps failing, check the OAuth app's settings."
	case "oauth_not_configured":
		return "The mailbox was not connected: this server has no OAuth app for that provider yet (see below what to set)."
	default:
		return "The mailbox was not connected: the sign-in did not finish. Try again."
	}
}

// connectedMessage is the flash after a mailbox was connected or
// reconnected. A reconnect says which campaigns held its sends while it was
// down: they resume now, with the number of emails that went back to the
// queue.
func (w *Web) connectedMessage(v *view, in mailbox.View, reconnected bool, released int) (string, error) {
	if !reconnected {
		return "Connected " + in.Email + ". It sends up to " + formatInt(in.TodayLimit) + " emails today, rising by " +
			formatInt(in.RampIncrement) + " a day to " + formatInt(in.DailyCap) + ". Its replies show up in Replies.", nil
	}
	campaigns, err := w.Store.InWorkspace(v.P.WorkspaceID).MailboxCampaigns(v.r.Context())
	if err != nil {
		return "", err
	}
	var held []string
	for _, c := range campaigns[in.ID] {
		if c.Status == store.CampaignActive {
			held = append(held, c.Name)
		}
	}
	msg := "Reconnected " + in.Email + "."
	switch {
	case len(held) == 0:
		msg += " No running campaign was waiting on it."
	default:
		msg += " " + plural(len(held), "campaign", "campaigns") + " held its emails while it was down: " + listWords(held) +
			". They resume now"
		if released > 0 {
			msg += ": " + plural(released, "email went", "emails went") + " back to the queue"
		}
		msg += "."
	}
	if in.Status == store.MailboxPaused {
		msg += " The mailbox is still paused: resume it to send."
	}
	return msg, nil
}

// listWords writes "A", "A and B" or "A, B and C".
func listWords(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	default:
		return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
	}
}

// createSandboxMailbox adds a sandbox mailbox: it "sends" into Leadbitz
// itself, so a new user can try the whole flow without real email.
func (w *Web) createSandboxMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	in := mailbox.SandboxInput{Email: v.Form.Get("email"), DisplayName: v.Form.Get("displayName"), Timezone: v.Form.Get("timezone")}
	mb, err := w.Mailboxes.CreateSandbox(r.Context(), v.P, in, meta(r))
	if err != nil {
		if lerr := w.loadMailboxes(v); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/mailboxes", "Added the sandbox mailbox "+mb.Email+": it sends up to "+
		formatInt(mb.TodayLimit)+" emails today, rising each day to "+formatInt(mb.DailyCap)+". Nothing leaves this server.")
}
