package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
)

// MaxInboundMessage is the largest message POST /api/inbound/classify reads.
const MaxInboundMessage = 10 << 20

func (a *API) listReplies(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	q := replies.Query{Category: v.Get("category"), MailboxID: v.Get("inboxId"), CampaignID: v.Get("campaignId"),
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

// getReplyThread serves a thread; its HTML bodies are sanitised as the
// Replies page's are, remote images held back unless ?images=1.
func (a *API) getReplyThread(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	t, err := a.Replies.Thread(r.Context(), p.WorkspaceID, r.PathValue("id"), r.URL.Query().Get("images") == "1")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (a *API) markReplyRead(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	c, err := a.Replies.MarkRead(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
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

func (a *API) syncMailbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	res, err := a.Replies.SyncNow(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// classifyInbound runs the inbound classifier on one raw message and says
// what it is and why; nothing is stored. Its body is bounded by
// MaxInboundMessage (413 over it, the route's MaxBody) and its calls by
// LEADBITZ_CLASSIFY_PER_MINUTE per workspace (429 + Retry-After), so it
// cannot be used to keep the server parsing.
func (a *API) classifyInbound(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "message/rfc822" {
		return problem.New(problem.Malformed, "unsupported_media_type",
			"Send one raw RFC 5322 message with Content-Type: message/rfc822.")
	}
	if err := a.allowClassify(r.Context(), p); err != nil {
		return err
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err // over the limit: 413
	}
	v, err := classify.ClassifyRaw(raw)
	if errors.Is(err, mailmsg.ErrEmpty) {
		return problem.New(problem.Malformed, "empty_message", "The body is empty: send one raw RFC 5322 message.")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// allowClassify takes one of the workspace's classify calls of the minute
// (the user's when no workspace is chosen: the route needs none).
func (a *API) allowClassify(ctx context.Context, p account.Principal) error {
	if a.Limiter == nil {
		return nil
	}
	key := "classify:workspace:" + p.WorkspaceID
	if p.WorkspaceID == "" {
		key = "classify:user:" + p.User.ID
	}
	limit := ratelimit.Limit{Count: cmp.Or(a.Config.ClassifyPerMinute, 1000), Per: time.Minute}
	res, err := a.Limiter.Allow(ctx, key, limit)
	if err != nil {
		a.Env.Log().ErrorContext(ctx, "classify rate limiter failed", "err", err)
		return problem.New(problem.Unavailable, "rate_limiter_unavailable",
			"Classification is paused because the rate limiter is not answering. Try again shortly.")
	}
	if !res.Allowed {
		return &problem.Error{Kind: problem.RateLimited, Code: "rate_limited", RetryAfter: res.RetryAfter,
			Message: fmt.Sprintf("This workspace has classified %d messages in the last minute, the most allowed. Try again in %d seconds.",
				limit.Count, int(math.Ceil(res.RetryAfter.Seconds()))),
			Details: map[string]any{"limit": limit.Count, "windowSeconds": 60}}
	}
	return nil
}
