package api

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/sending"
)

// unsubscribeCSP lets the page style itself and post its one form back to
// us, and nothing else.
const unsubscribeCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"

var unsubscribePage = template.Must(template.New("u").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.5rem 1.2rem;border:1px solid #444;border-radius:4px;background:#fff;cursor:pointer}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Text}}</p>
{{if .Form}}<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><input type="hidden" name="via" value="link">
<button type="submit">Unsubscribe</button></form>{{end}}
</body></html>`))

type unsubscribeView struct {
	Title, Text string
	Form        bool
}

func writePage(w http.ResponseWriter, status int, v unsubscribeView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", unsubscribeCSP)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = unsubscribePage.Execute(w, v)
}

// maskEmail shows enough of an address for its owner to recognise it.
func maskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "your address"
	}
	return email[:1] + "•••" + email[at:]
}

var badLink = unsubscribeView{Title: "Link not valid",
	Text: "This unsubscribe link is not valid. If you copied it from an email, make sure it is complete."}

// unknownLink is the page of a genuine link the server no longer knows (its
// campaign was deleted before links were kept on their own): saying "you are
// unsubscribed" would be untrue, so it says what still works.
var unknownLink = unsubscribeView{Title: "Link expired",
	Text: "We could not tell which address this link was for. Reply to the email with the word “unsubscribe” and the sender will stop emailing you."}

// recipient is how the page names the person: their address, masked, or
// "this address" once the lead was erased and only a hash is left.
func recipient(t sending.Target) string {
	if t.Email == "" {
		return "this address"
	}
	return maskEmail(t.Email)
}

// unsubscribeForm answers GET /u/{token}: a page with a button. A GET never
// unsubscribes, because mail scanners and link previews fetch every link.
func (a *API) unsubscribeForm(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	t, err := a.Unsubscribe.Lookup(r.Context(), a.Store, r.PathValue("token"))
	switch {
	case errors.Is(err, sending.ErrBadToken):
		writePage(w, http.StatusNotFound, badLink)
		return nil
	case err != nil:
		return err
	case t.Gone:
		writePage(w, http.StatusGone, unknownLink)
		return nil
	}
	writePage(w, http.StatusOK, unsubscribeView{Title: "Unsubscribe", Form: true,
		Text: "Stop all emails from this sender to " + recipient(t) + "?"})
	return nil
}

// unsubscribe answers POST /u/{token}: RFC 8058 one-click (mail providers
// post List-Unsubscribe=One-Click, no login, from their own origin) and the
// page's button. The address is suppressed at once, whether or not its
// campaign or lead still exists.
func (a *API) unsubscribe(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	// The page's button says so; a mail provider posts only
	// List-Unsubscribe=One-Click.
	source := sending.SourceOneClick
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if r.PostFormValue("via") == "link" {
		source = sending.SourceLink
	}
	t, err := a.Unsubscribe.ApplyFrom(r.Context(), a.Store, r.PathValue("token"), source, httpserver.ClientIP(r), httpserver.RequestID(r.Context()))
	switch {
	case errors.Is(err, sending.ErrBadToken):
		writePage(w, http.StatusNotFound, badLink)
		return nil
	case err != nil:
		return err
	case t.Gone:
		writePage(w, http.StatusGone, unknownLink)
		return nil
	}
	who := maskEmail(t.Email)
	if t.Email == "" {
		who = "This address"
	}
	writePage(w, http.StatusOK, unsubscribeView{Title: "You are unsubscribed",
		Text: who + " will not receive further emails from this sender."})
	return nil
}
