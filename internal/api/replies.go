package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/inbound"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/replies"
)

// MaxInboundMessage is the largest message POST /api/inbound/classify reads.
const MaxInboundMessage = 10 << 20

func (a *API) listReplies(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	q := replies.Query{Category: v.Get("category"), InboxID: v.Get("inboxId"), CampaignID: v.Get("campaignId"),
		Cursor: v.Get("cursor"), Limit: limit}
	if s := v.Get("unread"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return problem.InvalidField("unread", "must be true or false")
		}
		q.Unread = &b
	}
	if s := v.Get("others"); s != "" {
		if q.Others, err = strconv.ParseBool(s); err != nil {
			return problem.InvalidField("others", "must be true or false")
		}
	}
	res, err := a.Replies.List(r.Context(), p.WorkspaceID, q)
	if err != nil {
		return err
	}
	out := page[replies.ConversationView]{Items: res.Items}
	if out.Items == nil {
		out.Items = []replies.ConversationView{}
	}
	if res.Next != "" {
		out.NextCursor = &res.Next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getReplyThread(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	t, err := a.Replies.Thread(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (a *API) categorizeReply(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in replies.CategorizeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.Replies.Categorize(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) sendReply(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in replies.SendInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := a.Replies.SendReply(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, m)
	return nil
}

func (a *API) syncInbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	res, err := a.Replies.SyncNow(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// classifyInbound runs the inbound classifier on one raw message and says
// what it is and why; nothing is stored.
func (a *API) classifyInbound(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "message/rfc822" {
		return problem.New(problem.Malformed, "unsupported_media_type",
			"Send one raw RFC 5322 message with Content-Type: message/rfc822.")
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err // over the limit: 413
	}
	v, err := inbound.ClassifyRaw(raw)
	if errors.Is(err, mailmsg.ErrEmpty) {
		return problem.New(problem.Malformed, "empty_message", "The body is empty: send one raw RFC 5322 message.")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
