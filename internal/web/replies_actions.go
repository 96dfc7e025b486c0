package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

// threadPath is the open thread with the list's filters kept: the
// thread's forms post to URLs that carry them in their query string.
func threadPath(r *http.Request, id string) string {
	return "/replies/" + id + filtersOf(r.URL.Query()).Suffix()
}

// setReplyCategory sets the category by hand; a manual category wins over
// every automatic one from then on.
func (w *Web) setReplyCategory(rw http.ResponseWriter, r *http.Request, v *view) error {
	c := r.PostFormValue("category")
	res, err := w.Replies.Categorize(r.Context(), v.P, r.PathValue("id"), replies.CategorizeInput{Category: &c}, meta(r))
	if err != nil {
		return w.threadFailed(rw, v, err)
	}
	return v.redirect(rw, threadPath(r, res.ID), "Category set to “"+categoryChip(res.Category).Label+"”. Automatic sorting will not change it.")
}

// markReplyRead clears the unread dot. Opening a thread is a GET and
// changes nothing; the thread page posts here (its script at once, or the
// "Mark read" button without script) and comes back to the thread.
func (w *Web) markReplyRead(rw http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := w.Replies.MarkRead(r.Context(), v.P.WorkspaceID, r.PathValue("id")); err != nil {
		return err
	}
	return v.redirect(rw, threadPath(r, r.PathValue("id")), "")
}

// markReplyUnread puts the dot back and returns to the list (the open
// thread's script would mark it read again).
func (w *Web) markReplyUnread(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.Replies.MarkUnread(r.Context(), v.P.WorkspaceID, r.PathValue("id")); err != nil {
		return err
	}
	return v.redirect(rw, "/replies"+filtersOf(r.URL.Query()).Suffix(), "Marked as unread.")
}

// stopReplySequence ends the lead's sequence in this conversation's
// campaign at once (replies.Service.StopSequence).
func (w *Web) stopReplySequence(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	stopped, err := w.Replies.StopSequence(r.Context(), v.P, id, meta(r))
	if err != nil {
		return w.threadFailed(rw, v, err)
	}
	msg := "The sequence was already stopped for this lead."
	if stopped {
		msg = "Stopped the sequence: no more steps go to this lead from this campaign."
	}
	return v.redirect(rw, threadPath(r, id), msg)
}

// suggestReply asks the AI service for a reply (assist.SuggestForThread,
// the same request the API makes) and puts it in the composer; a person
// reads, edits and sends it (nothing is sent here).
func (w *Web) suggestReply(rw http.ResponseWriter, r *http.Request, v *view) error {
	if w.Assist == nil {
		return store.ErrNotFound
	}
	data, err := w.loadReplies(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Data = data
	t := data.Thread
	sug, err := w.Assist.SuggestForThread(r.Context(), v.P.WorkspaceID, v.P.User.ID, t.Thread)
	if err != nil {
		v.Form = emptyForm(map[string]string{"body": r.PostFormValue("body")})
		return v.formFailed(rw, err)
	}
	t.Suggestion = &sug
	v.Form = emptyForm(map[string]string{"body": sug.Body})
	return v.render(rw, http.StatusOK)
}

// sendReplyForm sends the composer's text in the thread, from the mailbox
// that received the conversation (fixed by the service, not the form).
func (w *Web) sendReplyForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	body := r.PostFormValue("body")
	m, err := w.Replies.SendReply(r.Context(), v.P, id, replies.SendInput{Body: body}, meta(r))
	if err != nil {
		v.Form = emptyForm(map[string]string{"body": body})
		return w.threadFailed(rw, v, err)
	}
	var msg string
	switch m.SendStatus {
	case store.SendSent:
		msg = "Reply sent to " + m.To + " from " + m.From + ", in the same thread."
	case store.SendFailed:
		msg = "The reply could not be sent: " + m.SendError
	default:
		msg = "Your reply to " + m.To + " is queued: Leadbitz tries again shortly"
		if m.SendError != "" {
			msg += " (last answer: " + m.SendError + ")"
		}
		msg += "."
	}
	return v.redirect(rw, threadPath(r, id), msg)
}

// threadFailed shows the thread again with an error a person can act on
// (a suppressed address, a deleted mailbox…); anything else is the error
// page.
func (w *Web) threadFailed(rw http.ResponseWriter, v *view, err error) error {
	if _, ok := problem.As(err); !ok && !errors.Is(err, store.ErrDuplicate) {
		return err
	}
	data, lerr := w.loadReplies(v, v.r.PathValue("id"))
	if lerr != nil {
		return lerr
	}
	v.Data = data
	return v.formFailed(rw, err)
}

// categoryChip is a category as its chip shows it ("" is "Not sorted yet").
func categoryChip(c string) categoryOption {
	for _, o := range categoryOptions {
		if o.Value == c {
			return o
		}
	}
	if c == "" {
		return categoryOption{Label: "Not sorted yet", Level: "neutral"}
	}
	return categoryOption{Value: c, Label: strings.ReplaceAll(c, "_", " "), Level: "neutral"}
}
