package web

import (
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// mailboxSentCopy is the mailbox page's "Copy to Sent" buttons for an SMTP
// mailbox: detect (a test send; a server that files it in Sent itself has
// the mailbox skip its own copy), skip, or copy again.
func (w *Web) mailboxSentCopy(rw http.ResponseWriter, r *http.Request, v *view) error {
	if w.Connect == nil {
		return problem.New(problem.Unavailable, "connect_unavailable", "Mailbox connections are not available on this server.")
	}
	ctx, id := r.Context(), r.PathValue("id")
	posted := newForm(r)
	var msg string
	switch posted.Get("action") {
	case "detect":
		res, err := w.Connect.DetectSentCopy(ctx, v.P, id, true, meta(r))
		if err != nil {
			return w.mailboxFormFailed(rw, v, posted, err)
		}
		switch {
		case res.Changed:
			msg = "The server filed the test message in Sent by itself, so Leadbitz no longer appends its own copy (it would be a duplicate)."
		case res.ServerFilesSent != nil && *res.ServerFilesSent:
			msg = "The server files sent mail in Sent by itself, and Leadbitz already skips its own copy."
		default:
			msg = "The test message did not appear in Sent by itself: Leadbitz keeps appending a copy of each message it sends."
		}
	case "skip", "copy":
		res, err := w.Connect.SetSkipSentCopy(ctx, v.P, id, posted.Get("action") == "skip", meta(r))
		if err != nil {
			return w.mailboxFormFailed(rw, v, posted, err)
		}
		msg = "Leadbitz appends a copy of each message it sends to Sent."
		if res.SkipSentCopy {
			msg = "Leadbitz no longer appends a copy of the messages it sends to Sent."
		}
	default:
		return w.mailboxFormFailed(rw, v, posted, problem.InvalidField("action", "must be detect, skip or copy"))
	}
	return v.redirect(rw, "/mailboxes/"+id+"#sent-copy", msg)
}

// sentCopyView is the mailbox page's "Copy to Sent" section.
type sentCopyView struct {
	Skip     bool   // the mailbox does not append its own copy
	Error    string // why the last copy given up failed; "" while copies are stored
	FailedAt *time.Time
}

func (w *Web) sentCopyOf(v *view, id string) (*sentCopyView, error) {
	i, err := w.Store.InWorkspace(v.P.WorkspaceID).Mailbox(v.r.Context(), id)
	if err != nil {
		return nil, err
	}
	return &sentCopyView{Skip: connect.SkipsSentCopy(i.Config), Error: i.SentCopyError, FailedAt: i.SentCopyFailedAt}, nil
}
