package mailmsg

import (
	"bytes"
	"errors"
	"net/mail"
	"strings"
	"time"
)

// ErrEmpty is returned by Parse for input with nothing in it.
var ErrEmpty = errors.New("mailmsg: empty message")

// Inbound is a received message, read tolerantly. Missing or broken
// headers leave their field empty; nothing here is trusted input.
type Inbound struct {
	// Header holds every top-level header field (case-insensitive Get).
	Header Header
	// From is the first From address; Address is "" only when the header
	// was missing or held no address at all (then Name keeps its text).
	From    mail.Address
	To      []mail.Address
	Cc      []mail.Address
	ReplyTo []mail.Address
	// Subject is decoded from RFC 2047 and legacy charsets.
	Subject string
	// Date is zero when the header is missing or unreadable.
	Date time.Time
	// MessageID, InReplyTo and References are in "<id>" form.
	MessageID  string
	InReplyTo  []string
	References []string
	// Text is the readable body: the inline text/plain parts, or the HTML
	// rendered as text when there are none. Line endings are "\n".
	// Embedded messages (message/rfc822) and attachments are not included.
	Text string
	// HTML is the inline text/html body, if any, as sent (not sanitised).
	HTML string
	// Root is the whole MIME tree, for readers that need more than the body:
	// delivery-status parts, returned original messages, reports.
	Root *Part
}

// Parse reads a raw RFC 5322 message. It fails only on empty input;
// anything else, however broken, yields the fields that could be read.
func Parse(raw []byte) (*Inbound, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, ErrEmpty
	}
	h, body := ParseHeader(raw)
	var ps parser
	root := ps.parsePart(h, body, 0)
	m := &Inbound{
		Header:     h,
		To:         ParseAddressList(h.Get("To")),
		Cc:         ParseAddressList(h.Get("Cc")),
		ReplyTo:    ParseAddressList(h.Get("Reply-To")),
		Subject:    strings.TrimSpace(h.Text("Subject")),
		Date:       ParseDate(h.Get("Date")),
		InReplyTo:  ParseMsgIDs(h.Get("In-Reply-To")),
		References: ParseMsgIDs(strings.Join(h.Values("References"), " ")),
		Root:       root,
	}
	if from := ParseAddressList(h.Get("From")); len(from) > 0 {
		m.From = from[0]
	}
	if ids := ParseMsgIDs(h.Get("Message-ID")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	var texts, htmls []string
	collectBodies(root, &texts, &htmls)
	m.Text = strings.Join(texts, "\n")
	m.HTML = strings.Join(htmls, "\n")
	if strings.TrimSpace(m.Text) == "" && m.HTML != "" {
		m.Text = HTMLToText(m.HTML)
	}
	return m, nil
}

// collectBodies gathers the inline text/plain and text/html parts, without
// entering embedded messages (a bounce's returned original is not its body).
func collectBodies(root *Part, texts, htmls *[]string) {
	root.Walk(func(p *Part) bool {
		if strings.HasPrefix(p.MediaType, "message/") || p.IsAttachment() {
			return p == root && !p.IsAttachment()
		}
		switch p.MediaType {
		case "text/plain":
			*texts = append(*texts, normalizeNewlines(p.Text()))
		case "text/html":
			*htmls = append(*htmls, normalizeNewlines(p.Text()))
		}
		return true
	})
}

func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// dateLayouts are the non-RFC 5322 dates seen often enough to accept.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon, 2 Jan 06 15:04:05 -0700",
	time.RFC3339,
}

// ParseDate reads a Date header value, tolerating common deviations. It
// returns the zero time when nothing matches.
func ParseDate(v string) time.Time {
	v = strings.Join(strings.Fields(v), " ")
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t
		}
	}
	return time.Time{}
}
