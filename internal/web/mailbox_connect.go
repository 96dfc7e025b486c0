package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// smtpPageData is the SMTP/IMAP form, to connect a new mailbox or to
// reconnect one (Mailbox set, address fixed).
type smtpPageData struct {
	Action  string
	Mailbox *mailboxRow
	// Answers say which step of each server failed when the connection
	// test failed, in our words (never the server's own), next to the form.
	Answers *serverAnswers
}

type serverAnswers struct {
	Summary    string
	SMTP, IMAP string
}

func (w *Web) smtpMailboxForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(map[string]string{"timezone": "UTC", "smtp.security": "starttls", "imap.security": "starttls"})
	v.Title, v.Nav, v.Data = "Connect an SMTP/IMAP mailbox", "mailboxes", smtpPageData{Action: "/mailboxes/connect/smtp"}
	return v.render(rw, http.StatusOK)
}

// connectSMTPMailbox tests both logins and saves the mailbox only when
// both servers accept them (connect.ConnectSMTP); a refusal shows the
// failed step of each server next to the form.
func (w *Web) connectSMTPMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	v.Title, v.Nav = "Connect an SMTP/IMAP mailbox", "mailboxes"
	data := smtpPageData{Action: "/mailboxes/connect/smtp"}
	v.Data = data
	in, ok := smtpInput(v.Form)
	if !ok {
		return v.formFailed(rw, problem.Fields(v.Form.Errors).Err())
	}
	in.Email = v.Form.Get("email")
	return w.finishSMTP(rw, v, data, in)
}

// reconnectMailbox gives a broken mailbox new credentials: SMTP/IMAP
// mailboxes get the form with their servers filled in; Google and
// Microsoft ones go through their OAuth flow again for the same address.
func (w *Web) reconnectMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	i, err := w.Store.InWorkspace(v.P.WorkspaceID).Mailbox(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	opts := w.connectOptions()
	switch i.Provider {
	case store.ProviderSMTP:
	case store.ProviderGmail, store.ProviderMicrosoft:
		o := opts.Google
		if i.Provider == store.ProviderMicrosoft {
			o = opts.Microsoft
		}
		if !o.Configured {
			return w.redirectWithError(rw, r, "/mailboxes/"+i.ID, "To reconnect this mailbox, set "+o.Env+
				" on the server (redirect URI "+o.RedirectURI+") and restart Leadbitz.")
		}
		http.Redirect(rw, r, o.StartURL+"?inboxId="+i.ID, http.StatusSeeOther)
		return nil
	default:
		http.Redirect(rw, r, "/mailboxes/"+i.ID, http.StatusSeeOther)
		return nil
	}
	mb, err := w.Mailboxes.Get(r.Context(), v.P.WorkspaceID, i.ID)
	if err != nil {
		return err
	}
	v.Form = emptyForm(smtpValues(i))
	v.Title, v.Nav = "Reconnect "+i.Email, "mailboxes"
	v.Data = smtpPageData{Action: "/mailboxes/" + i.ID + "/reconnect", Mailbox: &mailboxRow{mb}}
	return v.render(rw, http.StatusOK)
}

func (w *Web) reconnectSMTPMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	mb, err := w.Mailboxes.Get(r.Context(), v.P.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if mb.Provider != store.ProviderSMTP {
		return store.ErrNotFound
	}
	v.Form = newForm(r)
	v.Title, v.Nav = "Reconnect "+mb.Email, "mailboxes"
	data := smtpPageData{Action: "/mailboxes/" + mb.ID + "/reconnect", Mailbox: &mailboxRow{mb}}
	v.Data = data
	in, ok := smtpInput(v.Form)
	if !ok {
		return v.formFailed(rw, problem.Fields(v.Form.Errors).Err())
	}
	// The address is the mailbox's own: the connect service reconnects by
	// address, so the form cannot turn it into another mailbox.
	in.Email, in.DisplayName, in.Timezone = mb.Email, mb.DisplayName, mb.Timezone
	return w.finishSMTP(rw, v, data, in)
}

// finishSMTP runs the connection test and save, and answers either way.
func (w *Web) finishSMTP(rw http.ResponseWriter, v *view, data smtpPageData, in connect.SMTPInput) error {
	if w.Connect == nil {
		return errors.New("web: no connect service")
	}
	res, err := w.Connect.ConnectSMTP(v.r.Context(), v.P, in, meta(v.r))
	if err != nil {
		if p, ok := problem.As(err); ok && p.Code == "connection_failed" {
			data.Answers = &serverAnswers{Summary: p.Message}
			data.Answers.SMTP, _ = p.Details["smtp"].(string)
			data.Answers.IMAP, _ = p.Details["imap"].(string)
			v.Data = data
		}
		return v.formFailed(rw, err)
	}
	mb, err := w.Mailboxes.Get(v.r.Context(), v.P.WorkspaceID, res.MailboxID)
	if err != nil {
		return err
	}
	msg, err := w.connectedMessage(v, mb, res.Reconnected, res.Released)
	if err != nil {
		return err
	}
	if !res.Reconnected {
		msg = "Both servers accepted the login. " + msg
	}
	return v.redirect(rw, "/mailboxes/"+mb.ID, msg)
}

// smtpInput reads the form into the connect service's input. An IMAP
// login left empty is the SMTP one (most providers use the same). It
// reports false, with the errors on the form, when a port is not a number.
func smtpInput(f *form) (connect.SMTPInput, bool) {
	port := func(name string) int {
		s := f.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Errors[name] = "must be a number, or empty for the usual port"
			return 0
		}
		return n
	}
	in := connect.SMTPInput{DisplayName: f.Get("displayName"), Timezone: f.Get("timezone"),
		SkipSentCopy: f.Get("skipSentCopy") != "",
		SMTP: connect.ServerInput{Host: f.Get("smtp.host"), Port: port("smtp.port"), Security: f.Get("smtp.security"),
			Username: f.Get("smtp.username"), Password: f.Values["smtp.password"]},
		IMAP: connect.ServerInput{Host: f.Get("imap.host"), Port: port("imap.port"), Security: f.Get("imap.security"),
			Username: f.Get("imap.username"), Password: f.Values["imap.password"]}}
	if in.IMAP.Username == "" && in.IMAP.Password == "" {
		in.IMAP.Username, in.IMAP.Password = in.SMTP.Username, in.SMTP.Password
	}
	return in, len(f.Errors) == 0
}

// smtpSettings mirrors the non-secret server settings the connect service
// keeps in inbox_connections.config, to fill the reconnect form.
type smtpSettings struct {
	SMTP, IMAP *struct {
		Host     string `json:"host"`
		Port     int    `json:"port"`
		Username string `json:"username"`
		Security string `json:"security"`
	}
	SkipSentCopy bool `json:"skipSentCopy"`
}

func smtpValues(i store.Mailbox) map[string]string {
	vals := map[string]string{"email": i.Email, "displayName": i.DisplayName, "timezone": i.Timezone}
	var s smtpSettings
	if json.Unmarshal([]byte(i.Config), &s) != nil {
		return vals
	}
	if s.SMTP != nil {
		vals["smtp.host"], vals["smtp.port"], vals["smtp.username"], vals["smtp.security"] =
			s.SMTP.Host, strconv.Itoa(s.SMTP.Port), s.SMTP.Username, s.SMTP.Security
	}
	if s.IMAP != nil {
		vals["imap.host"], vals["imap.port"], vals["imap.username"], vals["imap.security"] =
			s.IMAP.Host, strconv.Itoa(s.IMAP.Port), s.IMAP.Username, s.IMAP.Security
	}
	if s.SkipSentCopy {
		vals["skipSentCopy"] = "on"
	}
	return vals
}
