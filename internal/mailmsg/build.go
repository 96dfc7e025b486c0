package mailmsg

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// ErrInvalid wraps every reason Build refuses a message.
var ErrInvalid = errors.New("mailmsg: invalid outgoing message")

// Outgoing is a message to send. Build turns it into RFC 5322 bytes that
// every provider sends unchanged.
type Outgoing struct {
	// MessageID is our id, from NewMessageID; required so the caller has
	// recorded it before the message can leave (exactly-once depends on it).
	MessageID string
	// Date defaults to the current time when zero.
	Date    time.Time
	From    mail.Address // required; Name may be empty or non-ASCII
	To      []mail.Address
	Cc      []mail.Address
	ReplyTo []mail.Address
	Subject string
	// Text and HTML are the bodies. With HTML, a text alternative is derived
	// from it when Text is empty.
	Text string
	HTML string
	// InReplyTo is the parent's Message-ID when this message continues a
	// thread; References is normally ReplyReferences(parent…).
	InReplyTo  string
	References []string
	// ListUnsubscribeURL is the HTTPS one-click endpoint (RFC 8058); it also
	// adds "List-Unsubscribe-Post: List-Unsubscribe=One-Click".
	// ListUnsubscribeMailto is an optional "mailto:" alternative.
	ListUnsubscribeURL    string
	ListUnsubscribeMailto string
	// Extra headers, written in order after ours. They may not replace a
	// header Build writes itself.
	Extra []Field
}

// reserved are the headers Build owns; Extra may not set them.
var reserved = map[string]bool{
	"date": true, "from": true, "to": true, "cc": true, "bcc": true, "reply-to": true,
	"subject": true, "message-id": true, "in-reply-to": true, "references": true,
	"list-unsubscribe": true, "list-unsubscribe-post": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true,
}

// Build renders m as an RFC 5322 message: CRLF line endings, no line over
// 998 characters, RFC 2047 encoded non-ASCII subject and names,
// quoted-printable UTF-8 bodies, multipart/alternative when there is HTML.
func Build(m Outgoing) ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	var h strings.Builder
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	fields := []Field{
		{"Date", date.Format(time.RFC1123Z)},
		{"From", m.From.String()},
	}
	if len(m.ReplyTo) > 0 {
		fields = append(fields, Field{"Reply-To", formatAddressList(m.ReplyTo)})
	}
	fields = append(fields, Field{"To", formatAddressList(m.To)})
	if len(m.Cc) > 0 {
		fields = append(fields, Field{"Cc", formatAddressList(m.Cc)})
	}
	fields = append(fields,
		Field{"Subject", encodeText(oneLine(m.Subject))},
		Field{"Message-ID", m.MessageID},
	)
	if m.InReplyTo != "" {
		fields = append(fields, Field{"In-Reply-To", m.InReplyTo})
	}
	if len(m.References) > 0 {
		fields = append(fields, Field{"References", strings.Join(m.References, " ")})
	}
	if lu := listUnsubscribe(m); lu != "" {
		fields = append(fields, Field{"List-Unsubscribe", lu})
		if m.ListUnsubscribeURL != "" {
			fields = append(fields, Field{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
		}
	}
	for _, f := range m.Extra {
		fields = append(fields, Field{f.Key, encodeText(f.Value)})
	}
	fields = append(fields, Field{"MIME-Version", "1.0"})
	for _, f := range fields {
		if err := writeField(&h, f.Key, f.Value); err != nil {
			return nil, err
		}
	}
	body, err := writeBody(&h, m)
	if err != nil {
		return nil, err
	}
	return append([]byte(h.String()), body...), nil
}

// writeBody writes the Content-Type header, the blank line and the body.
func writeBody(h *strings.Builder, m Outgoing) ([]byte, error) {
	if m.HTML == "" {
		h.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		return quotedPrintable(m.Text)
	}
	text := m.Text
	if text == "" {
		text = HTMLToText(m.HTML)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, alt := range []struct{ ctype, body string }{
		{"text/plain; charset=utf-8", text},
		{"text/html; charset=utf-8", m.HTML},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {alt.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("mailmsg: write part: %w", err)
		}
		qp, err := quotedPrintable(alt.body)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(qp); err != nil {
			return nil, fmt.Errorf("mailmsg: write part: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("mailmsg: close multipart: %w", err)
	}
	ct := mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})
	if err := writeField(h, "Content-Type", ct); err != nil {
		return nil, err
	}
	h.WriteString("\r\n")
	return buf.Bytes(), nil
}

// quotedPrintable encodes s with CRLF line breaks and lines of at most 76.
func quotedPrintable(s string) ([]byte, error) {
	var buf bytes.Buffer
	w := quotedprintable.NewWriter(&buf)
	if _, err := w.Write([]byte(s)); err != nil {
		return nil, fmt.Errorf("mailmsg: quoted-printable: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("mailmsg: quoted-printable: %w", err)
	}
	return buf.Bytes(), nil
}

func (m Outgoing) validate() error {
	if !validMsgID(m.MessageID) {
		return fmt.Errorf("%w: Message-ID %q is not <left@right>", ErrInvalid, m.MessageID)
	}
	if m.From.Address == "" {
		return fmt.Errorf("%w: no From address", ErrInvalid)
	}
	if len(m.To) == 0 {
		return fmt.Errorf("%w: no To address", ErrInvalid)
	}
	for _, list := range [][]mail.Address{{m.From}, m.To, m.Cc, m.ReplyTo} {
		for _, a := range list {
			if _, err := mail.ParseAddress("<" + a.Address + ">"); err != nil {
				return fmt.Errorf("%w: address %q: %w", ErrInvalid, a.Address, err)
			}
			if strings.ContainsAny(a.Name, "\r\n") {
				return fmt.Errorf("%w: line break in display name", ErrInvalid)
			}
		}
	}
	if m.InReplyTo != "" && !validMsgID(m.InReplyTo) {
		return fmt.Errorf("%w: In-Reply-To %q is not <left@right>", ErrInvalid, m.InReplyTo)
	}
	for _, r := range m.References {
		if !validMsgID(r) {
			return fmt.Errorf("%w: References id %q is not <left@right>", ErrInvalid, r)
		}
	}
	if m.ListUnsubscribeURL != "" {
		u, err := url.Parse(m.ListUnsubscribeURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(m.ListUnsubscribeURL, " <>\r\n") {
			return fmt.Errorf("%w: List-Unsubscribe URL must be an absolute https URL", ErrInvalid)
		}
	}
	if m.ListUnsubscribeMailto != "" {
		if !strings.HasPrefix(strings.ToLower(m.ListUnsubscribeMailto), "mailto:") || strings.ContainsAny(m.ListUnsubscribeMailto, " <>\r\n") {
			return fmt.Errorf("%w: List-Unsubscribe mailto must be a mailto: URI", ErrInvalid)
		}
	}
	for _, f := range m.Extra {
		if !validFieldName(f.Key) {
			return fmt.Errorf("%w: header name %q", ErrInvalid, f.Key)
		}
		if reserved[strings.ToLower(f.Key)] {
			return fmt.Errorf("%w: header %s is set by Build", ErrInvalid, f.Key)
		}
		if strings.ContainsAny(f.Value, "\r\n") {
			return fmt.Errorf("%w: line break in header %s", ErrInvalid, f.Key)
		}
	}
	return nil
}

// validFieldName: printable ASCII except colon (RFC 5322 §2.2).
func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] > '~' || k[i] == ':' {
			return false
		}
	}
	return true
}

// listUnsubscribe renders the RFC 2369 value: HTTPS first (what one-click
// receivers use), then mailto.
func listUnsubscribe(m Outgoing) string {
	var uris []string
	for _, u := range []string{m.ListUnsubscribeURL, m.ListUnsubscribeMailto} {
		if u != "" {
			uris = append(uris, "<"+u+">")
		}
	}
	return strings.Join(uris, ", ")
}

func formatAddressList(list []mail.Address) string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.String() // quotes and RFC 2047-encodes the name as needed
	}
	return strings.Join(out, ", ")
}

// oneLine replaces line breaks and tabs with spaces: a subject is one line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
}
