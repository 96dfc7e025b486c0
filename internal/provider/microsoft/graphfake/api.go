package graphfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
}

func badRequest(w http.ResponseWriter, code, msg string) {
	writeError(w, http.StatusBadRequest, code, msg)
}

// folderName maps a well-known folder name (any case) to the fake's key.
func folderName(s string) (string, bool) {
	switch strings.ToLower(s) {
	case Mailbox:
		return Mailbox, true
	case SentItems:
		return SentItems, true
	case Drafts:
		return Drafts, true
	}
	return "", false
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, u *user) {
	writeJSON(w, http.StatusOK, map[string]any{"id": "user-" + u.name, "displayName": u.name, "mail": u.email,
		"userPrincipalName": u.email})
}

// handleSendMail serves POST /me/sendMail in both documented variants:
// text/plain with a base64 MIME message, or JSON {message, saveToSentItems}.
// Success is 202 with an empty body.
func (s *Server) handleSendMail(w http.ResponseWriter, r *http.Request, u *user) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20+1))
	if err != nil || len(body) > 4<<20 {
		writeError(w, http.StatusRequestEntityTooLarge, "ErrorRequestEntityTooLarge", "The request is larger than 4 MB.")
		return
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	var raw []byte
	save := true
	switch strings.TrimSpace(strings.ToLower(ct)) {
	case "text/plain":
		raw, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
		if err != nil || len(raw) == 0 {
			badRequest(w, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.")
			return
		}
	case "application/json":
		var ok bool
		if raw, save, ok = s.mimeFromJSON(w, body, u); !ok {
			return
		}
	default:
		writeError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Type must be application/json or text/plain.")
		return
	}
	h, err := parseHeader(raw)
	if err != nil {
		badRequest(w, "ErrorMimeContentInvalid", "The MIME content is invalid.")
		return
	}
	if h.Get("To") == "" && h.Get("Cc") == "" && h.Get("Bcc") == "" {
		badRequest(w, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.")
		return
	}
	if h.Get("Message-Id") == "" || s.rewriteIDs {
		raw = mailfake.SetHeader(raw, "Message-ID", fmt.Sprintf("<fake-%d@fake.prod.outlook.com>", s.seq+1))
		s.seq++
		h, _ = parseHeader(raw)
	}
	now := s.opts.Now()
	if save {
		m := s.storeLocked(u, SentItems, raw, h, now)
		m.hiddenFor = s.hideSent
	}
	s.deliverLocked(u, raw, h, now)
	w.WriteHeader(http.StatusAccepted)
}

type recipient struct {
	EmailAddress struct {
		Address string `json:"address"`
		Name    string `json:"name"`
	} `json:"emailAddress"`
}

// mimeFromJSON builds the MIME message Exchange would from a JSON message.
func (s *Server) mimeFromJSON(w http.ResponseWriter, body []byte, u *user) ([]byte, bool, bool) {
	var req struct {
		Message struct {
			Subject string `json:"subject"`
			Body    struct {
				ContentType string `json:"contentType"`
				Content     string `json:"content"`
			} `json:"body"`
			ToRecipients           []recipient `json:"toRecipients"`
			CcRecipients           []recipient `json:"ccRecipients"`
			InternetMessageHeaders []struct {
				Name, Value string
			} `json:"internetMessageHeaders"`
		} `json:"message"`
		SaveToSentItems *bool `json:"saveToSentItems"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		badRequest(w, "RequestBodyRead", "Unable to read JSON request payload.")
		return nil, false, false
	}
	list := func(rs []recipient) string {
		var out []string
		for _, r := range rs {
			out = append(out, (&mail.Address{Name: r.EmailAddress.Name, Address: r.EmailAddress.Address}).String())
		}
		return strings.Join(out, ", ")
	}
	s.seq++
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nMessage-ID: <fake-%d@fake.prod.outlook.com>\r\nDate: %s\r\nSubject: %s\r\n",
		(&mail.Address{Name: u.name, Address: u.email}).String(), s.seq, s.opts.Now().Format(time.RFC1123Z), req.Message.Subject)
	if to := list(req.Message.ToRecipients); to != "" {
		b.WriteString("To: " + to + "\r\n")
	}
	if cc := list(req.Message.CcRecipients); cc != "" {
		b.WriteString("Cc: " + cc + "\r\n")
	}
	for _, h := range req.Message.InternetMessageHeaders {
		if !strings.HasPrefix(strings.ToLower(h.Name), "x-") {
			badRequest(w, "InvalidInternetMessageHeader", "The internet message header name '"+h.Name+"' should start with 'x-' or 'X-'.")
			return nil, false, false
		}
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	ctype := "text/plain"
	if strings.EqualFold(req.Message.Body.ContentType, "html") {
		ctype = "text/html"
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: " + ctype + "; charset=utf-8\r\n\r\n" + req.Message.Body.Content + "\r\n")
	save := req.SaveToSentItems == nil || *req.SaveToSentItems
	return []byte(b.String()), save, true
}

var (
	filterMsgID    = regexp.MustCompile(`^internetMessageId eq '((?:[^']|'')*)'$`)
	filterReceived = regexp.MustCompile(`^receivedDateTime (ge|gt) (\S+)$`)
)

// filter is a parsed $filter: the two forms the fake supports.
type filter struct {
	msgID string
	since time.Time
	gt    bool
}

func parseFilter(f string) (filter, bool) {
	f = strings.TrimSpace(f)
	if f == "" {
		return filter{}, true
	}
	if m := filterMsgID.FindStringSubmatch(f); m != nil {
		return filter{msgID: strings.ReplaceAll(m[1], "''", "'")}, true
	}
	if m := filterReceived.FindStringSubmatch(f); m != nil {
		t, err := time.Parse(time.RFC3339, m[2])
		if err != nil {
			return filter{}, false
		}
		return filter{since: t, gt: m[1] == "gt"}, true
	}
	return filter{}, false
}

func (f filter) matches(m *message) bool {
	if f.msgID != "" && m.header.Get("Message-Id") != f.msgID {
		return false
	}
	if !f.since.IsZero() && (m.received.Before(f.since) || (f.gt && m.received.Equal(f.since))) {
		return false
	}
	return true
}

func selectFields(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// handleList serves GET /me/mailFolders/{folder}/messages with $filter,
// $select, $top and $skip, newest first.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, u *user) {
	folder, ok := folderName(r.PathValue("folder"))
	if !ok {
		notFound(w)
		return
	}
	q := r.URL.Query()
	f, ok := parseFilter(q.Get("$filter"))
	if !ok {
		badRequest(w, "BadRequest", "Invalid filter clause")
		return
	}
	top, skip := 10, 0
	if v := q.Get("$top"); v != "" {
		if top, _ = strconv.Atoi(v); top < 1 || top > 1000 {
			badRequest(w, "BadRequest", "Invalid $top")
			return
		}
	}
	if v := q.Get("$skip"); v != "" {
		skip, _ = strconv.Atoi(v)
	}
	var found []*message
	for _, m := range u.msgs {
		if m.deleted || m.folder != folder || !f.matches(m) {
			continue
		}
		if folder == SentItems && m.hiddenFor > 0 {
			m.hiddenFor--
			continue
		}
		found = append(found, m)
	}
	slices.SortStableFunc(found, func(a, b *message) int { return b.received.Compare(a.received) })
	sel := selectFields(q.Get("$select"))
	value := []any{}
	for _, m := range found[min(skip, len(found)):min(skip+top, len(found))] {
		value = append(value, m.resource(sel))
	}
	out := map[string]any{"value": value}
	if skip+top < len(found) {
		q.Set("$skip", strconv.Itoa(skip+top))
		out["@odata.nextLink"] = s.URL + r.URL.Path + "?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, u *user) {
	m := u.byID(r.PathValue("id"))
	if m == nil || m.deleted {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, m.resource(selectFields(r.URL.Query().Get("$select"))))
}

// handleValue serves the raw MIME message (GET /me/messages/{id}/$value).
func (s *Server) handleValue(w http.ResponseWriter, r *http.Request, u *user) {
	m := u.byID(r.PathValue("id"))
	if m == nil || m.deleted {
		notFound(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write(m.raw)
}

// handleCreateReply creates a reply draft (201) to a stored message.
func (s *Server) handleCreateReply(w http.ResponseWriter, r *http.Request, u *user) {
	orig := u.byID(r.PathValue("id"))
	if orig == nil || orig.deleted {
		notFound(w)
		return
	}
	var req struct {
		Comment string `json:"comment"`
		Message *struct {
			Body *struct {
				Content string `json:"content"`
			} `json:"body"`
		} `json:"message"`
	}
	if data, _ := io.ReadAll(r.Body); len(data) > 0 {
		if err := json.Unmarshal(data, &req); err != nil {
			badRequest(w, "RequestBodyRead", "Unable to read JSON request payload.")
			return
		}
	}
	text := req.Comment
	if req.Message != nil && req.Message.Body != nil {
		if req.Comment != "" {
			badRequest(w, "ErrorInvalidRequest", "Cannot specify both comment and message body.")
			return
		}
		text = req.Message.Body.Content
	}
	s.seq++
	refs := strings.TrimSpace(orig.header.Get("References") + " " + orig.header.Get("Message-Id"))
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: RE: %s\r\nMessage-ID: <fake-%d@fake.prod.outlook.com>\r\nIn-Reply-To: %s\r\nReferences: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		u.email, orig.header.Get("From"), orig.header.Get("Subject"), s.seq, orig.header.Get("Message-Id"), refs,
		s.opts.Now().Format(time.RFC1123Z), text)
	h, err := parseHeader([]byte(raw))
	if err != nil {
		badRequest(w, "ErrorInvalidRequest", err.Error())
		return
	}
	d := s.storeLocked(u, Drafts, []byte(raw), h, s.opts.Now())
	writeJSON(w, http.StatusCreated, d.resource(nil))
}

// handleSendDraft sends a draft (202): it moves to sent items and is
// delivered.
func (s *Server) handleSendDraft(w http.ResponseWriter, r *http.Request, u *user) {
	d := u.byID(r.PathValue("id"))
	if d == nil || d.deleted {
		notFound(w)
		return
	}
	if d.folder != Drafts {
		badRequest(w, "ErrorInvalidOperation", "Only drafts can be sent.")
		return
	}
	d.folder = SentItems
	d.received = s.opts.Now()
	u.seq++
	u.changes = append(u.changes, change{seq: u.seq, folder: SentItems, msg: d})
	s.deliverLocked(u, d.raw, d.header, d.received)
	w.WriteHeader(http.StatusAccepted)
}
