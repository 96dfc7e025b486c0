package gmailfake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

// OAuth scopes the fake enforces, as Gmail does (REFERENCE §1.7).
const (
	ScopeSend     = "https://www.googleapis.com/auth/gmail.send"
	ScopeReadonly = "https://www.googleapis.com/auth/gmail.readonly"
	ScopeMetadata = "https://www.googleapis.com/auth/gmail.metadata"
	ScopeModify   = "https://www.googleapis.com/auth/gmail.modify"
	ScopeCompose  = "https://www.googleapis.com/auth/gmail.compose"
	ScopeFull     = "https://mail.google.com/"
)

var (
	sendScopes  = []string{ScopeSend, ScopeCompose, ScopeModify, ScopeFull}
	bodyScopes  = []string{ScopeReadonly, ScopeModify, ScopeFull}
	readScopes  = []string{ScopeReadonly, ScopeModify, ScopeFull, ScopeMetadata}
	profScopes  = []string{ScopeReadonly, ScopeModify, ScopeFull, ScopeMetadata, ScopeCompose}
	maxPageSize = 500
)

func insufficientScope(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, "global", "insufficientPermissions", "Insufficient Permission",
		"Request had insufficient authentication scopes.", "PERMISSION_DENIED")
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "global", "notFound", "Requested entity was not found.",
		"Requested entity was not found.", "NOT_FOUND")
}

func invalidArgument(w http.ResponseWriter, msg string) {
	writeError(w, http.StatusBadRequest, "global", "invalidArgument", msg, msg, "INVALID_ARGUMENT")
}

// handleSend serves users.messages.send: raw base64url RFC 822 plus an
// optional threadId, following Google's threading rules.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request, u *user, g *oauthfake.Grant) {
	if !g.HasAny(sendScopes...) {
		insufficientScope(w)
		return
	}
	var req struct {
		Raw      string `json:"raw"`
		ThreadID string `json:"threadId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		invalidArgument(w, "Invalid JSON payload received.")
		return
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(req.Raw, "="))
	if err != nil || len(raw) == 0 {
		invalidArgument(w, "Invalid value for ByteString: raw")
		return
	}
	h, err := parseHeader(raw)
	if err != nil {
		invalidArgument(w, "Invalid RFC822 message")
		return
	}
	var rcpts []*mail.Address
	for _, field := range []string{"To", "Cc", "Bcc"} {
		if h.Get(field) == "" {
			continue
		}
		list, err := h.AddressList(field)
		if err != nil {
			invalidArgument(w, "Invalid "+field+" header")
			return
		}
		rcpts = append(rcpts, list...)
	}
	if len(rcpts) == 0 {
		invalidArgument(w, "Recipient address required")
		return
	}
	threadID := ""
	if req.ThreadID != "" {
		first := u.firstOfThread(req.ThreadID)
		if first == nil {
			notFound(w)
			return
		}
		// Google's criteria: threadId, In-Reply-To/References, matching Subject.
		replies := h.Get("In-Reply-To") != "" || h.Get("References") != ""
		if replies && normSubject(first.header.Get("Subject")) == normSubject(h.Get("Subject")) {
			threadID = req.ThreadID
		}
	}
	if h.Get("Message-Id") == "" || s.rewriteIDs {
		raw = mailfake.SetHeader(raw, "Message-ID", "<fake."+s.nextID()+"@mail.gmail.com>")
		if h, err = parseHeader(raw); err != nil {
			invalidArgument(w, "Invalid RFC822 message")
			return
		}
	}
	labels := []string{"SENT"}
	for _, a := range rcpts {
		if strings.EqualFold(a.Address, u.email) {
			labels = append(labels, "INBOX", "UNREAD")
			break
		}
	}
	now := s.opts.Now()
	m := s.addLocked(u, raw, h, labels, threadID, now)
	delivered := map[*user]bool{u: true}
	for _, a := range rcpts {
		if rcpt := s.users.Get(a.Address); rcpt != nil && !delivered[rcpt] {
			delivered[rcpt] = true
			s.addLocked(rcpt, raw, h, []string{"INBOX", "UNREAD"}, rcpt.threadFor(h), now)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": m.id, "threadId": m.threadID, "labelIds": m.labels})
}

func (u *user) firstOfThread(threadID string) *message {
	for _, m := range u.msgs {
		if m.threadID == threadID {
			return m
		}
	}
	return nil
}

// handleGet serves users.messages.get with format minimal|metadata|full|raw.
// For full, the payload carries the top-level headers and body; MIME parts
// are not split.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, u *user, g *oauthfake.Grant) {
	if !g.HasAny(readScopes...) {
		insufficientScope(w)
		return
	}
	m := u.byID[r.PathValue("id")]
	if m == nil {
		notFound(w)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "full"
	}
	if (format == "raw" || format == "full") && !g.HasAny(bodyScopes...) {
		writeError(w, http.StatusForbidden, "global", "forbidden", "Metadata scope doesn't allow format "+strings.ToUpper(format),
			"Metadata scope doesn't allow format "+strings.ToUpper(format), "PERMISSION_DENIED")
		return
	}
	out := map[string]any{
		"id": m.id, "threadId": m.threadID, "labelIds": m.labels,
		"historyId":    strconv.FormatUint(m.historyID, 10),
		"internalDate": strconv.FormatInt(m.internalDate.UnixMilli(), 10),
		"sizeEstimate": len(m.raw),
		"snippet":      snippet(m.raw),
	}
	switch format {
	case "minimal":
	case "raw":
		out["raw"] = base64.URLEncoding.EncodeToString(m.raw)
	case "metadata", "full":
		want := r.URL.Query()["metadataHeaders"]
		var headers []map[string]string
		for name, values := range m.header {
			if format == "metadata" && len(want) > 0 && !slices.ContainsFunc(want, func(h string) bool { return strings.EqualFold(h, name) }) {
				continue
			}
			for _, v := range values {
				headers = append(headers, map[string]string{"name": name, "value": v})
			}
		}
		slices.SortFunc(headers, func(a, b map[string]string) int { return strings.Compare(a["name"], b["name"]) })
		payload := map[string]any{"partId": "", "mimeType": mimeType(m.header), "filename": "", "headers": headers}
		body := map[string]any{"size": len(bodyOf(m.raw))}
		if format == "full" {
			body["data"] = base64.URLEncoding.EncodeToString(bodyOf(m.raw))
		}
		payload["body"] = body
		out["payload"] = payload
	default:
		invalidArgument(w, "Invalid format: "+format)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleList serves users.messages.list: newest first, q in Gmail search
// syntax (the operators in matchQuery), labelIds, paging.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, u *user, g *oauthfake.Grant) {
	if !g.HasAny(readScopes...) {
		insufficientScope(w)
		return
	}
	q := r.URL.Query()
	if q.Get("q") != "" && !g.HasAny(bodyScopes...) {
		writeError(w, http.StatusForbidden, "global", "forbidden", "Metadata scope does not support 'q' parameter",
			"Metadata scope does not support 'q' parameter", "PERMISSION_DENIED")
		return
	}
	match, err := parseQuery(q.Get("q"), s.opts.Now())
	if err != nil {
		invalidArgument(w, "Invalid query: "+err.Error())
		return
	}
	size, start, ok := paging(w, q)
	if !ok {
		return
	}
	labels := q["labelIds"]
	spamTrash := q.Get("includeSpamTrash") == "true" || match.anywhere
	var found []*message
	for i := len(u.msgs) - 1; i >= 0; i-- {
		m := u.msgs[i]
		if !spamTrash && (slices.Contains(m.labels, "SPAM") || slices.Contains(m.labels, "TRASH")) {
			continue
		}
		if !hasAll(m.labels, labels) || !match.matches(m) {
			continue
		}
		found = append(found, m)
	}
	slices.SortStableFunc(found, func(a, b *message) int { return b.internalDate.Compare(a.internalDate) })
	out := map[string]any{"resultSizeEstimate": len(found)}
	if start < len(found) {
		end := min(start+size, len(found))
		var items []map[string]string
		for _, m := range found[start:end] {
			items = append(items, map[string]string{"id": m.id, "threadId": m.threadID})
		}
		out["messages"] = items
		if end < len(found) {
			out["nextPageToken"] = pageToken(end)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleHistory serves users.history.list: messageAdded records after
// startHistoryId in ascending order, 404 for expired or invalid ids.
func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request, u *user, g *oauthfake.Grant) {
	if !g.HasAny(readScopes...) {
		insufficientScope(w)
		return
	}
	q := r.URL.Query()
	start, err := strconv.ParseUint(q.Get("startHistoryId"), 10, 64)
	if err != nil || start == 0 || start < u.minHistory {
		notFound(w)
		return
	}
	size, offset, ok := paging(w, q)
	if !ok {
		return
	}
	types := q["historyTypes"]
	label := q.Get("labelId")
	var recs []historyRecord
	if len(types) == 0 || slices.Contains(types, "messageAdded") {
		for _, h := range u.history {
			if h.id > start && (label == "" || slices.Contains(h.added, label)) {
				recs = append(recs, h)
			}
		}
	}
	out := map[string]any{"historyId": strconv.FormatUint(u.historyID, 10)}
	if offset < len(recs) {
		end := min(offset+size, len(recs))
		var items []map[string]any
		for _, h := range recs[offset:end] {
			ref := map[string]any{"id": h.msg.id, "threadId": h.msg.threadID}
			added := map[string]any{"id": h.msg.id, "threadId": h.msg.threadID, "labelIds": h.added}
			items = append(items, map[string]any{
				"id":            strconv.FormatUint(h.id, 10),
				"messages":      []any{ref},
				"messagesAdded": []any{map[string]any{"message": added}},
			})
		}
		out["history"] = items
		if end < len(recs) {
			out["nextPageToken"] = pageToken(end)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleProfile serves users.getProfile (refused under gmail.send alone).
func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request, u *user, g *oauthfake.Grant) {
	if !g.HasAny(profScopes...) {
		insufficientScope(w)
		return
	}
	threads := map[string]bool{}
	for _, m := range u.msgs {
		threads[m.threadID] = true
	}
	writeJSON(w, http.StatusOK, map[string]any{"emailAddress": u.email, "messagesTotal": len(u.msgs),
		"threadsTotal": len(threads), "historyId": strconv.FormatUint(u.historyID, 10)})
}

// paging reads maxResults (default 100, max 500) and pageToken.
func paging(w http.ResponseWriter, q map[string][]string) (size, offset int, ok bool) {
	size = 100
	if v := first(q["maxResults"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			invalidArgument(w, "Invalid maxResults")
			return 0, 0, false
		}
		size = min(n, maxPageSize)
	}
	if v := first(q["pageToken"]); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "p"))
		if err != nil || !strings.HasPrefix(v, "p") || n < 0 {
			invalidArgument(w, "Invalid pageToken")
			return 0, 0, false
		}
		offset = n
	}
	return size, offset, true
}

func pageToken(offset int) string { return "p" + strconv.Itoa(offset) }

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func hasAll(have, want []string) bool {
	for _, l := range want {
		if !slices.Contains(have, l) {
			return false
		}
	}
	return true
}

func mimeType(h mail.Header) string {
	ct := h.Get("Content-Type")
	if ct == "" {
		return "text/plain"
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

func bodyOf(raw []byte) []byte {
	s := string(raw)
	if i := strings.Index(s, "\r\n\r\n"); i >= 0 {
		return raw[i+4:]
	}
	if i := strings.Index(s, "\n\n"); i >= 0 {
		return raw[i+2:]
	}
	return nil
}

func snippet(raw []byte) string {
	b := strings.Join(strings.Fields(string(bodyOf(raw))), " ")
	if len(b) > 100 {
		b = b[:100]
	}
	return b
}

// timeAgo converts Gmail's newer_than/older_than amounts (d, m, y).
func timeAgo(now time.Time, v string) (time.Time, bool) {
	if len(v) < 2 {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n < 0 {
		return time.Time{}, false
	}
	switch v[len(v)-1] {
	case 'd':
		return now.AddDate(0, 0, -n), true
	case 'm':
		return now.AddDate(0, -n, 0), true
	case 'y':
		return now.AddDate(-n, 0, 0), true
	}
	return time.Time{}, false
}
