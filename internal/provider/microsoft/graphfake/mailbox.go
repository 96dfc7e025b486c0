package graphfake

import (
	"bytes"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// Well-known folder names the fake keeps.
const (
	Mailbox   = "inbox"
	SentItems = "sentitems"
	Drafts    = "drafts"
)

type user struct {
	email   string
	name    string
	msgs    []*message // every message ever stored, in creation order
	changes []change   // delta log per folder, in sequence order
	seq     int
}

type message struct {
	id, conversationID string
	folder             string
	raw                []byte
	header             mail.Header
	received           time.Time
	isRead             bool
	deleted            bool
	hiddenFor          int // sent-items queries that still miss this message
}

type change struct {
	seq     int
	folder  string
	msg     *message
	removed bool
}

// Message is a copy of a stored message, for assertions.
type Message struct {
	ID, ConversationID string
	Folder             string
	InternetMessageID  string
	Subject            string
	Raw                []byte
	ReceivedAt         time.Time
}

// AddUser creates a mailbox (idempotent).
func (s *Server) AddUser(email string) {
	s.mu.Lock()
	s.userLocked(email)
	s.mu.Unlock()
}

func (s *Server) userLocked(email string) *user {
	return s.users.Add(email, func() *user {
		s.oauth.AddUser(email)
		name, _, _ := strings.Cut(email, "@")
		return &user{email: email, name: name}
	})
}

// Deliver stores an inbound MIME message in email's inbox now.
func (s *Server) Deliver(email string, raw []byte) (Message, error) {
	return s.DeliverAt(email, raw, time.Time{})
}

// DeliverAt is Deliver with receivedDateTime at (zero = now).
func (s *Server) DeliverAt(email string, raw []byte, at time.Time) (Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users.Get(email)
	if u == nil {
		return Message{}, fmt.Errorf("graphfake: no user %s", email)
	}
	h, err := parseHeader(raw)
	if err != nil {
		return Message{}, err
	}
	if at.IsZero() {
		at = s.opts.Now()
	}
	return s.storeLocked(u, Mailbox, raw, h, at).snapshot(), nil
}

// Delete removes a message (it shows up as @removed in delta).
func (s *Server) Delete(email, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users.Get(email); u != nil {
		if m := u.byID(id); m != nil && !m.deleted {
			m.deleted = true
			u.seq++
			u.changes = append(u.changes, change{seq: u.seq, folder: m.folder, msg: m, removed: true})
		}
	}
}

// Messages returns copies of email's messages in folder ("" = all).
func (s *Server) Messages(email, folder string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users.Get(email)
	if u == nil {
		return nil
	}
	var out []Message
	for _, m := range u.msgs {
		if !m.deleted && (folder == "" || m.folder == folder) {
			out = append(out, m.snapshot())
		}
	}
	return out
}

func (s *Server) storeLocked(u *user, folder string, raw []byte, h mail.Header, at time.Time) *message {
	m := &message{id: s.nextID(""), folder: folder, raw: raw, header: h, received: at}
	m.conversationID = u.conversationFor(h)
	if m.conversationID == "" {
		m.conversationID = s.nextID("conv-")
	}
	u.msgs = append(u.msgs, m)
	u.seq++
	u.changes = append(u.changes, change{seq: u.seq, folder: folder, msg: m})
	return m
}

// deliverLocked hands a sent message to the fake's other users.
func (s *Server) deliverLocked(from *user, raw []byte, h mail.Header, at time.Time) {
	for _, field := range []string{"To", "Cc", "Bcc"} {
		list, _ := h.AddressList(field)
		for _, a := range list {
			if rcpt := s.users.Get(a.Address); rcpt != nil && rcpt != from {
				s.storeLocked(rcpt, Mailbox, raw, h, at)
			}
		}
	}
}

// conversationFor approximates Exchange: a message replying to a stored one
// joins its conversation.
func (u *user) conversationFor(h mail.Header) string {
	refs := mailfake.References(h)
	for i := len(u.msgs) - 1; i >= 0; i-- {
		if slices.Contains(refs, u.msgs[i].header.Get("Message-Id")) {
			return u.msgs[i].conversationID
		}
	}
	return ""
}

func (u *user) byID(id string) *message {
	for _, m := range u.msgs {
		if m.id == id {
			return m
		}
	}
	return nil
}

func (m *message) snapshot() Message {
	return Message{ID: m.id, ConversationID: m.conversationID, Folder: m.folder, InternetMessageID: m.header.Get("Message-Id"),
		Subject: m.header.Get("Subject"), Raw: slices.Clone(m.raw), ReceivedAt: m.received}
}

// resource renders the Graph message resource, limited to sel when given
// (id is always returned).
func (m *message) resource(sel []string) map[string]any {
	addr := func(s string) map[string]any {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return map[string]any{"emailAddress": map[string]string{"address": s}}
		}
		return map[string]any{"emailAddress": map[string]string{"address": a.Address, "name": a.Name}}
	}
	var to []any
	if list, err := m.header.AddressList("To"); err == nil {
		for _, a := range list {
			to = append(to, addr(a.String()))
		}
	}
	full := map[string]any{
		"id":                m.id,
		"conversationId":    m.conversationID,
		"internetMessageId": m.header.Get("Message-Id"),
		"subject":           m.header.Get("Subject"),
		"receivedDateTime":  m.received.UTC().Format(time.RFC3339),
		"sentDateTime":      m.received.UTC().Format(time.RFC3339),
		"from":              addr(m.header.Get("From")),
		"toRecipients":      to,
		"isRead":            m.isRead,
		"parentFolderId":    m.folder,
		"bodyPreview":       preview(m.raw),
	}
	if len(sel) == 0 {
		return full
	}
	out := map[string]any{"id": m.id}
	for _, f := range sel {
		if v, ok := full[f]; ok {
			out[f] = v
		}
	}
	return out
}

func parseHeader(raw []byte) (mail.Header, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("graphfake: invalid MIME message: %w", err)
	}
	return msg.Header, nil
}

func preview(raw []byte) string {
	_, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	p := strings.Join(strings.Fields(string(body)), " ")
	return p[:min(len(p), 255)]
}
