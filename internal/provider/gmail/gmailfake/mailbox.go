package gmailfake

import (
	"bytes"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// user is one mailbox: messages, threads (by message threadId) and history.
type user struct {
	email      string
	msgs       []*message
	byID       map[string]*message
	historyID  uint64
	minHistory uint64 // startHistoryId below this answers 404 (history expired)
	history    []historyRecord
}

type message struct {
	id, threadID string
	labels       []string
	raw          []byte
	header       mail.Header
	internalDate time.Time
	historyID    uint64
}

type historyRecord struct {
	id    uint64
	msg   *message
	added []string // labels the message had when added
}

// Message is a copy of a stored message, for assertions.
type Message struct {
	ID, ThreadID string
	Labels       []string
	Raw          []byte
	MessageID    string // the Message-ID header as stored
	InternalDate time.Time
	HistoryID    uint64
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
		return &user{email: email, byID: map[string]*message{}, historyID: 1000 + uint64(len(s.users))*100}
	})
}

// Deliver puts an inbound message into email's INBOX now, threading it with
// messages it replies to, and records a messageAdded history entry.
func (s *Server) Deliver(email string, raw []byte) (Message, error) {
	return s.DeliverAt(email, raw, time.Time{})
}

// DeliverAt is Deliver with the message's internalDate set to at (zero = now).
func (s *Server) DeliverAt(email string, raw []byte, at time.Time) (Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users.Get(email)
	if u == nil {
		return Message{}, fmt.Errorf("gmailfake: no user %s", email)
	}
	h, err := parseHeader(raw)
	if err != nil {
		return Message{}, err
	}
	if at.IsZero() {
		at = s.opts.Now()
	}
	m := s.addLocked(u, raw, h, []string{"INBOX", "UNREAD"}, u.threadFor(h), at)
	return m.snapshot(), nil
}

// Messages returns copies of email's messages carrying label ("" = all), in
// the order they were added.
func (s *Server) Messages(email, label string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users.Get(email)
	if u == nil {
		return nil
	}
	var out []Message
	for _, m := range u.msgs {
		if label == "" || slices.Contains(m.labels, label) {
			out = append(out, m.snapshot())
		}
	}
	return out
}

// HistoryID returns email's current history id.
func (s *Server) HistoryID(email string) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users.Get(email); u != nil {
		return u.historyID
	}
	return 0
}

// ExpireHistory makes every history id issued so far too old: history.list
// from any of them answers 404, as when Gmail dropped old history.
func (s *Server) ExpireHistory(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users.Get(email); u != nil {
		u.bumpHistory()
		u.minHistory = u.historyID
	}
}

// bumpHistory advances the history id by a varying step: ids grow but are
// not contiguous, as in Gmail.
func (u *user) bumpHistory() uint64 {
	u.historyID += 1 + uint64(len(u.history)%5)
	return u.historyID
}

func (s *Server) addLocked(u *user, raw []byte, h mail.Header, labels []string, threadID string, at time.Time) *message {
	m := &message{id: s.nextID(), labels: labels, raw: raw, header: h, internalDate: at}
	m.threadID = threadID
	if m.threadID == "" {
		m.threadID = m.id
	}
	m.historyID = u.bumpHistory()
	u.msgs = append(u.msgs, m)
	u.byID[m.id] = m
	u.history = append(u.history, historyRecord{id: m.historyID, msg: m, added: slices.Clone(labels)})
	return m
}

// threadFor finds the thread of a message this header replies to, following
// Gmail's rule that the subject must match too. "" = new thread.
func (u *user) threadFor(h mail.Header) string {
	refs := mailfake.References(h)
	if len(refs) == 0 {
		return ""
	}
	subj := normSubject(h.Get("Subject"))
	for i := len(u.msgs) - 1; i >= 0; i-- {
		m := u.msgs[i]
		if slices.Contains(refs, m.header.Get("Message-Id")) && normSubject(m.header.Get("Subject")) == subj {
			return m.threadID
		}
	}
	return ""
}

func (m *message) snapshot() Message {
	return Message{ID: m.id, ThreadID: m.threadID, Labels: slices.Clone(m.labels), Raw: slices.Clone(m.raw),
		MessageID: m.header.Get("Message-Id"), InternalDate: m.internalDate, HistoryID: m.historyID}
}

func parseHeader(raw []byte) (mail.Header, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("gmailfake: invalid RFC 822 message: %w", err)
	}
	return msg.Header, nil
}

var subjectPrefix = regexp.MustCompile(`(?i)^\s*((re|fwd?|aw|sv|tr)\s*:\s*)+`)

func normSubject(s string) string {
	return strings.ToLower(strings.TrimSpace(subjectPrefix.ReplaceAllString(s, "")))
}
