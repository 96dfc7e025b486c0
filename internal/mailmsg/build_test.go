package mailmsg

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"
)

func baseOutgoing() Outgoing {
	return Outgoing{
		MessageID: "<abc123@acme.io>",
		Date:      time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC),
		From:      mail.Address{Name: "Zoë Müller", Address: "zoe@acme.io"},
		To:        []mail.Address{{Name: "Bob, Jr.", Address: "bob@example.com"}},
		Subject:   "Quick question about Überweisung",
		Text:      "Hi Bob,\nünïcödé line\n",
	}
}

// checkWire asserts the transport rules every built message must meet.
func checkWire(t *testing.T, raw []byte) {
	t.Helper()
	s := string(raw)
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") {
		t.Errorf("bare CR or LF in output:\n%q", s)
	}
	head, _, _ := strings.Cut(s, "\r\n\r\n")
	for _, line := range strings.Split(s, "\r\n") {
		if len(line) > maxLineLen {
			t.Errorf("line of %d characters", len(line))
		}
	}
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > 90 {
			t.Errorf("header line not folded (%d): %q", len(line), line)
		}
		for _, r := range line {
			if r > 0x7e {
				t.Errorf("non-ASCII in header line %q", line)
				break
			}
		}
	}
}

func TestBuildRoundTrip(t *testing.T) {
	refs := ReplyReferences("<parent@x.com>", []string{"<root@x.com>"})
	tests := []struct {
		name     string
		edit     func(*Outgoing)
		wantType string
		wantText string
		wantHTML string
	}{
		{
			name:     "text only",
			edit:     func(*Outgoing) {},
			wantType: "text/plain",
			wantText: "Hi Bob,\nünïcödé line\n",
		},
		{
			name: "text and html",
			edit: func(o *Outgoing) {
				o.HTML = "<p>Hi <b>Bob</b></p>"
			},
			wantType: "multipart/alternative",
			wantText: "Hi Bob,\nünïcödé line\n",
			wantHTML: "<p>Hi <b>Bob</b></p>",
		},
		{
			name: "html only derives a text alternative",
			edit: func(o *Outgoing) {
				o.Text = ""
				o.HTML = "<p>Hello&nbsp;<i>there</i></p><p>Second &amp; last</p>"
			},
			wantType: "multipart/alternative",
			wantText: "Hello there\n\nSecond & last",
			wantHTML: "<p>Hello&nbsp;<i>there</i></p><p>Second &amp; last</p>",
		},
		{
			name: "reply with threading and unsubscribe",
			edit: func(o *Outgoing) {
				o.InReplyTo = "<parent@x.com>"
				o.References = refs
				o.Subject = ReplySubject("RE: Re: Quick question")
				o.ListUnsubscribeURL = "https://u.acme.io/u/TOKEN"
				o.ListUnsubscribeMailto = "mailto:unsub+TOKEN@acme.io"
				o.Extra = []Field{{"X-Leadbitz-Campaign", "c1"}}
			},
			wantType: "text/plain",
			wantText: "Hi Bob,\nünïcödé line\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOutgoing()
			tt.edit(&o)
			raw, err := Build(o)
			if err != nil {
				t.Fatal(err)
			}
			checkWire(t, raw)
			m, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if m.Root.MediaType != tt.wantType {
				t.Errorf("type %q, want %q", m.Root.MediaType, tt.wantType)
			}
			if m.Text != tt.wantText {
				t.Errorf("text %q, want %q", m.Text, tt.wantText)
			}
			if m.HTML != tt.wantHTML {
				t.Errorf("html %q, want %q", m.HTML, tt.wantHTML)
			}
			if m.Subject != o.Subject || m.MessageID != o.MessageID || !m.Date.Equal(o.Date) {
				t.Errorf("subject/id/date = %q %q %v", m.Subject, m.MessageID, m.Date)
			}
			if m.From != o.From || !slices.Equal(m.To, o.To) {
				t.Errorf("from/to = %v %v", m.From, m.To)
			}
			if m.Header.Get("MIME-Version") != "1.0" {
				t.Error("no MIME-Version")
			}
			if o.InReplyTo != "" {
				if !slices.Equal(m.InReplyTo, []string{o.InReplyTo}) || !slices.Equal(m.References, o.References) {
					t.Errorf("threading = %v %v", m.InReplyTo, m.References)
				}
				if m.Subject != "Re: Quick question" {
					t.Errorf("subject %q", m.Subject)
				}
				if got := m.Header.Get("List-Unsubscribe"); got != "<https://u.acme.io/u/TOKEN>, <mailto:unsub+TOKEN@acme.io>" {
					t.Errorf("List-Unsubscribe %q", got)
				}
				if got := m.Header.Get("list-unsubscribe-post"); got != "List-Unsubscribe=One-Click" {
					t.Errorf("List-Unsubscribe-Post %q", got)
				}
				if m.Header.Get("X-Leadbitz-Campaign") != "c1" {
					t.Error("extra header lost")
				}
			} else if m.Header.Has("List-Unsubscribe") || m.Header.Has("In-Reply-To") {
				t.Error("unexpected optional headers")
			}
		})
	}
}

func TestBuildMailtoOnlyHasNoOneClick(t *testing.T) {
	o := baseOutgoing()
	o.ListUnsubscribeMailto = "mailto:unsub@acme.io"
	raw, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Parse(raw)
	if m.Header.Get("List-Unsubscribe") != "<mailto:unsub@acme.io>" || m.Header.Has("List-Unsubscribe-Post") {
		t.Errorf("headers: %v", m.Header)
	}
}

func TestBuildFoldsLongHeaders(t *testing.T) {
	o := baseOutgoing()
	var parents []string
	for i := range 40 {
		parents = append(parents, fmt.Sprintf("<message-%02d-0123456789abcdef@mail.example.com>", i))
	}
	o.References = ReplyReferences("<last@mail.example.com>", parents)
	o.InReplyTo = "<last@mail.example.com>"
	o.Subject = strings.Repeat("Ünïcödé subject words that go on ", 12)
	o.To = nil
	for i := range 20 {
		o.To = append(o.To, mail.Address{Name: fmt.Sprintf("Pérson %d", i), Address: fmt.Sprintf("p%d@example.com", i)})
	}
	raw, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, raw)
	m, _ := Parse(raw)
	if len(m.References) != 41 || m.References[40] != "<last@mail.example.com>" {
		t.Errorf("references after folding: %d %v", len(m.References), m.References)
	}
	if m.Subject != strings.TrimSpace(o.Subject) {
		t.Errorf("subject %q", m.Subject)
	}
	if !slices.Equal(m.To, o.To) {
		t.Errorf("to %v", m.To)
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Outgoing)
	}{
		{"no message id", func(o *Outgoing) { o.MessageID = "" }},
		{"message id without brackets", func(o *Outgoing) { o.MessageID = "abc@acme.io" }},
		{"message id with space", func(o *Outgoing) { o.MessageID = "<a b@acme.io>" }},
		{"no from", func(o *Outgoing) { o.From = mail.Address{} }},
		{"no to", func(o *Outgoing) { o.To = nil }},
		{"bad to", func(o *Outgoing) { o.To = []mail.Address{{Address: "not an address"}} }},
		{"injected name", func(o *Outgoing) { o.From.Name = "Eve\r\nBcc: x@y.z" }},
		{"http unsubscribe", func(o *Outgoing) { o.ListUnsubscribeURL = "http://u.acme.io/u/T" }},
		{"mailto without scheme", func(o *Outgoing) { o.ListUnsubscribeMailto = "unsub@acme.io" }},
		{"bad references", func(o *Outgoing) { o.References = []string{"junk"} }},
		{"reserved extra", func(o *Outgoing) { o.Extra = []Field{{"Subject", "x"}} }},
		{"injected extra", func(o *Outgoing) { o.Extra = []Field{{"X-A", "b\r\nBcc: x@y.z"}} }},
		{"bad extra name", func(o *Outgoing) { o.Extra = []Field{{"X A", "b"}} }},
		{"unfoldable word", func(o *Outgoing) { o.Extra = []Field{{"X-A", strings.Repeat("a", 1200)}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOutgoing()
			tt.edit(&o)
			if _, err := Build(o); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestBuildSubjectNewlinesCannotInject(t *testing.T) {
	o := baseOutgoing()
	o.Subject = "Hello\r\nBcc: victim@example.com"
	raw, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Parse(raw)
	if m.Header.Has("Bcc") || m.Subject != "Hello  Bcc: victim@example.com" {
		t.Errorf("subject %q, header %v", m.Subject, m.Header)
	}
}
