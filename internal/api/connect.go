package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/httpserver"
)

// connectSMTP verifies and saves an SMTP+IMAP mailbox (201), or reconnects
// the workspace's mailbox with that address (200).
func (a *API) connectSMTP(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in connect.SMTPInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.Connect.ConnectSMTP(r.Context(), p, in, meta(r))
	if err != nil {
		return err
	}
	v, err := a.Mailboxes.Get(r.Context(), p.WorkspaceID, res.MailboxID)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Reconnected {
		status = http.StatusOK
	}
	writeJSON(w, status, v)
	return nil
}

func (a *API) startGoogleOAuth(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	return a.startOAuth(w, r, p, "google")
}

func (a *API) startMicrosoftOAuth(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	return a.startOAuth(w, r, p, "microsoft")
}

// startOAuth sends the browser to the provider's consent page
// (?inboxId= reconnects that mailbox, ?loginHint= preselects an account).
func (a *API) startOAuth(w http.ResponseWriter, r *http.Request, p account.Principal, provider string) error {
	q := r.URL.Query()
	to, err := a.Connect.StartOAuth(r.Context(), p, provider, connect.StartInput{MailboxID: q.Get("inboxId"),
		LoginHint: q.Get("loginHint")})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

func (a *API) googleOAuthCallback(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	return a.oauthCallback(w, r, "google")
}

func (a *API) microsoftOAuthCallback(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	return a.oauthCallback(w, r, "microsoft")
}

// oauthCallback finishes a flow and sends the browser back to the
// mailboxes page, which says what happened. The route is public (the
// provider redirects here), but the flow is bound to the session's user.
func (a *API) oauthCallback(w http.ResponseWriter, r *http.Request, provider string) error {
	var userID string
	if p, err := httpserver.AuthenticateSession(r, a.Accounts); err == nil {
		userID = p.User.ID
	}
	to := a.Connect.FinishOAuth(r.Context(), provider, r.URL.Query(), userID, meta(r))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}
