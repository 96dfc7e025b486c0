package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxPageData is one mailbox's settings page: identity, limits,
// pause/resume, health, DNS checks and the danger zone.
type mailboxPageData struct {
	Mailbox   mailboxListRow
	Defaults  mailboxDefaults
	Reconnect string // where the Reconnect button goes ("" when it cannot)
	// Configure says what the server needs before an OAuth mailbox can be
	// reconnected ("" when nothing).
	Configure string
	// SignaturePreview is a short email as a lead gets it from this
	// mailbox, signature included.
	SignaturePreview string
	// SandboxSent are a sandbox mailbox's latest sent emails, for the
	// form that plays a lead's reply.
	SandboxSent []sandbox.Message
	// CanSync: the Replies service is there to read the mailbox now.
	CanSync bool
	// SentCopy is an SMTP mailbox's copy to Sent (nil for other providers).
	SentCopy *sentCopyView
	// DNS are the checks of the mailbox's domain (nil for a sandbox).
	DNS *dnsSection
}

// mailboxDefaults are the send engine's defaults for a new mailbox, shown
// in the form with where they come from (docs/ui.md §10.5).
type mailboxDefaults struct {
	DailyCap, RampStart, RampIncrement int
	GapMinutes                         string
}

var newMailboxDefaults = mailboxDefaults{DailyCap: rules.DefaultDailyCap, RampStart: rules.DefaultRampStart,
	RampIncrement: rules.DefaultRampIncrement, GapMinutes: minutes(int(rules.DefaultMinGap / time.Second))}

// minutes writes a gap in seconds as minutes, decimals only when needed
// (600 → "10", 90 → "1.5").
func minutes(seconds int) string {
	return strconv.FormatFloat(float64(seconds)/60, 'f', -1, 64)
}

func (w *Web) mailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	mb, err := w.loadMailbox(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Form = emptyForm(mailboxValues(mb))
	return v.render(rw, http.StatusOK)
}

// loadMailbox reads the page's data for a mailbox of the workspace.
func (w *Web) loadMailbox(v *view, id string) (mailbox.View, error) {
	ctx := v.r.Context()
	mb, err := w.Mailboxes.Get(ctx, v.P.WorkspaceID, id)
	if err != nil {
		return mb, err
	}
	campaigns, err := w.Store.InWorkspace(v.P.WorkspaceID).MailboxCampaigns(ctx)
	if err != nil {
		return mb, err
	}
	data := mailboxPageData{Defaults: newMailboxDefaults,
		Mailbox: mailboxListRow{mailboxRow: mailboxRow{mb}, Connection: connectionOf(mb), Health: healthOf(mb, w.Env.Now()),
			Campaigns: campaigns[mb.ID]},
		SignaturePreview: signaturePreview(mb.Signature)}
	data.CanSync = w.Replies != nil && mb.Status == store.MailboxActive
	data.DNS = w.mailboxDNS(ctx, mb)
	switch mb.Provider {
	case store.ProviderSandbox:
		if data.SandboxSent, err = w.Mailboxes.SandboxMessages(ctx, v.P.WorkspaceID, mb.ID, store.SandboxSent, "", sandboxTryRecent); err != nil {
			return mb, err
		}
	case store.ProviderSMTP:
		data.Reconnect = "/mailboxes/" + mb.ID + "/reconnect"
		if data.SentCopy, err = w.sentCopyOf(v, mb.ID); err != nil {
			return mb, err
		}
	case store.ProviderGmail, store.ProviderMicrosoft:
		o := w.connectOptions().Google
		if mb.Provider == store.ProviderMicrosoft {
			o = w.connectOptions().Microsoft
		}
		if o.Configured {
			data.Reconnect = "/mailboxes/" + mb.ID + "/reconnect"
		} else {
			data.Configure = "set " + o.Env + " on the server (redirect URI " + o.RedirectURI + ") and restart Leadbitz"
		}
	}
	v.Title, v.Nav, v.Data = mb.Email, "mailboxes", data
	return mb, nil
}

func mailboxValues(mb mailbox.View) map[string]string {
	return map[string]string{"displayName": mb.DisplayName, "signature": mb.Signature,
		"dailyCap": strconv.Itoa(mb.DailyCap), "rampStart": strconv.Itoa(mb.RampStart),
		"rampIncrement": strconv.Itoa(mb.RampIncrement), "minGapMinutes": minutes(mb.MinGapSeconds),
		"timezone": mb.Timezone}
}

// signaturePreview is a two-line email as the send engine composes it:
// the body, a blank line, then the trimmed signature.
func signaturePreview(sig string) string {
	body := "Hi Maya,\n\nWorth a 15-minute call next week?"
	if sig = strings.TrimSpace(sig); sig != "" {
		body += "\n\n" + sig
	}
	return body
}

// saveMailboxIdentity saves the sender name and signature.
func (w *Web) saveMailboxIdentity(rw http.ResponseWriter, r *http.Request, v *view) error {
	posted := newForm(r)
	name, sig := posted.Get("displayName"), strings.TrimRight(posted.Values["signature"], " \t\r\n")
	return w.patchMailbox(rw, v, posted, mailbox.Patch{DisplayName: &name, Signature: &sig}, "Saved the sender name and signature.")
}

// saveMailboxLimits saves the daily cap, ramp, gap and time zone.
func (w *Web) saveMailboxLimits(rw http.ResponseWriter, r *http.Request, v *view) error {
	posted := newForm(r)
	f := problem.Fields{}
	num := func(name string) *int {
		n, err := strconv.Atoi(posted.Get(name))
		if err != nil {
			f.Add(name, "must be a whole number")
		}
		return &n
	}
	dailyCap, start, inc := num("dailyCap"), num("rampStart"), num("rampIncrement")
	var gap int
	if g, err := strconv.ParseFloat(strings.ReplaceAll(posted.Get("minGapMinutes"), ",", "."), 64); err != nil || g < 0 || math.IsInf(g, 0) || math.IsNaN(g) {
		f.Add("minGapMinutes", "must be a number of minutes, such as 10 or 1.5")
	} else if gap = int(math.Round(g * 60)); gap > mailbox.MaxGap {
		f.Add("minGapMinutes", "must be at most %d minutes (a day)", mailbox.MaxGap/60)
	}
	tz := posted.Get("timezone")
	if err := f.Err(); err != nil {
		return w.mailboxFormFailed(rw, v, posted, err)
	}
	return w.patchMailbox(rw, v, posted, mailbox.Patch{DailyCap: dailyCap, RampStart: start, RampIncrement: inc,
		MinGapSeconds: &gap, Timezone: &tz}, "Saved the limits.")
}

func (w *Web) pauseMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	st := store.MailboxPaused
	return w.patchMailbox(rw, v, nil, mailbox.Patch{Status: &st}, "Paused: this mailbox sends nothing until you resume it. Its campaigns keep sending from their other mailboxes.")
}

func (w *Web) resumeMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	mb, err := w.Mailboxes.Get(r.Context(), v.P.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if mailboxBroken(mb.Status) {
		// Resuming cannot mend credentials: that is the Reconnect flow.
		return v.redirect(rw, "/mailboxes/"+mb.ID+"/reconnect", "")
	}
	st := store.MailboxActive
	return w.patchMailbox(rw, v, nil, mailbox.Patch{Status: &st}, "Resumed: it sends again at its campaigns' next slot, within today's limit.")
}

// patchMailbox applies a change through the inbox service and answers
// with the settings page: a flash on success, the form with its errors
// next to the fields otherwise.
func (w *Web) patchMailbox(rw http.ResponseWriter, v *view, posted *form, p mailbox.Patch, done string) error {
	id := v.r.PathValue("id")
	if _, err := w.Mailboxes.Update(v.r.Context(), v.P, id, p, meta(v.r)); err != nil {
		if posted == nil {
			posted = emptyForm(nil)
		}
		return w.mailboxFormFailed(rw, v, posted, err)
	}
	return v.redirect(rw, "/mailboxes/"+id, done)
}

// mailboxFormFailed shows the settings page again: saved values in the
// form that was not sent, the posted ones (and their errors) in the one
// that was. The service's minGapSeconds error lands on the minutes field.
func (w *Web) mailboxFormFailed(rw http.ResponseWriter, v *view, posted *form, err error) error {
	mb, lerr := w.loadMailbox(v, v.r.PathValue("id"))
	if lerr != nil {
		return lerr
	}
	v.Form = emptyForm(mailboxValues(mb))
	for k, val := range posted.Values {
		v.Form.Values[k] = val
	}
	if p, ok := problem.As(err); ok {
		if _, ok := p.Fields["minGapSeconds"]; ok {
			delete(p.Fields, "minGapSeconds")
			p.Fields["minGapMinutes"] = "must be 0 to " + formatInt(mailbox.MaxGap/60) + " minutes"
		}
	}
	return v.formFailed(rw, err)
}
