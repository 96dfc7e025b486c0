package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/store"
)

// sandboxTryRecent is how many of a sandbox mailbox's sent emails the
// "Try a reply" form offers to answer.
const sandboxTryRecent = 20

// syncMailbox reads a mailbox now instead of at the next minute's pass
// (replies, bounces, out-of-office), and says what it found.
func (w *Web) syncMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	if w.Replies == nil {
		return errors.New("web: no replies service")
	}
	res, err := w.Replies.SyncNow(r.Context(), v.P.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return w.mailboxFormFailed(rw, v, emptyForm(nil), err)
	}
	msg := "Read the mailbox: nothing new."
	if res.Stored > 0 {
		msg = "Read the mailbox: " + plural(res.Stored, "new message", "new messages") + ", in Replies."
	}
	if !res.Complete {
		msg += " More is waiting; the next pass goes on."
	}
	return v.redirect(rw, "/mailboxes/"+r.PathValue("id"), msg)
}

// sandboxReply plays a lead answering one of the sandbox mailbox's emails,
// then reads the mailbox, so a new user sees the whole reply loop in the
// browser: the reply is threaded, categorised, stops the sequence and
// waits in Replies.
func (w *Web) sandboxReply(rw http.ResponseWriter, r *http.Request, v *view) error {
	if w.Replies == nil {
		return errors.New("web: no replies service")
	}
	ctx := r.Context()
	ws, id := v.P.WorkspaceID, r.PathValue("id")
	posted := newForm(r)
	sent, err := w.Mailboxes.SandboxMessages(ctx, ws, id, store.SandboxSent, "", sandboxTryRecent)
	if err != nil {
		return err
	}
	var parent *sandbox.Message
	for i := range sent {
		if sent[i].MessageID == posted.Get("messageId") {
			parent = &sent[i]
		}
	}
	f := problem.Fields{}
	if parent == nil {
		f.Add("messageId", "must be one of the emails listed")
	}
	body := strings.TrimSpace(posted.Values["body"])
	if body == "" {
		f.Add("body", "must not be empty")
	}
	if err := f.Err(); err != nil {
		return w.mailboxFormFailed(rw, v, posted, err)
	}
	subject := parent.Subject
	if !strings.HasPrefix(strings.ToLower(subject), "re:") {
		subject = "Re: " + subject
	}
	if _, err := w.Mailboxes.SandboxReceive(ctx, v.P, id, sandbox.ReceiveInput{From: parent.To, Subject: subject, Body: body,
		InReplyTo: parent.MessageID}); err != nil {
		return w.mailboxFormFailed(rw, v, posted, err)
	}
	if _, err := w.Replies.SyncNow(ctx, ws, id); err != nil {
		return w.mailboxFormFailed(rw, v, posted, err)
	}
	return v.redirect(rw, "/replies", "Delivered a reply from "+parent.To+" to the sandbox mailbox and read it: here it is.")
}
