package mailmsg

import (
	"errors"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"
)

// crlf turns a readable LF test message into wire form.
func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestParseHeaders(t *testing.T) {
	raw := crlf(`From nobody Mon Jan  1 00:00:00 2026
Received: from a by b;
	Mon, 30 Nov 2026 10:00:00 +0000
Received: from c by d
From: =?ISO-8859-1?Q?Fran=E7ois_Dupr=E9?= <francois@example.fr>
To: "Doe, Jane" <jane@acme.io>, bob@acme.io
Cc: undisclosed-recipients:;
Subject: =?koi8-r?B?8NLJ18XU?= and =?windows-1252?Q?caf=E9?=
 continued
Date: Mon, 30 Nov 2026 10:00:00 +0100 (CET)
Message-ID:
 <ID-1@example.fr>
In-Reply-To: <ours@acme.io> (our message)
References: <root@acme.io>
	<ours@acme.io>
References: <extra@acme.io>
this line is junk without a colon
X-Weird : spaced key

body
`)
	m, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := (mail.Address{Name: "François Dupré", Address: "francois@example.fr"}); m.From != want {
		t.Errorf("From = %+v", m.From)
	}
	if len(m.To) != 2 || m.To[0].Name != "Doe, Jane" || m.To[1].Address != "bob@acme.io" {
		t.Errorf("To = %+v", m.To)
	}
	if m.Subject != "Привет and café continued" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if want := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC); !m.Date.Equal(want) {
		t.Errorf("Date = %v", m.Date)
	}
	if m.MessageID != "<ID-1@example.fr>" {
		t.Errorf("Message-ID = %q", m.MessageID)
	}
	if !slices.Equal(m.InReplyTo, []string{"<ours@acme.io>"}) {
		t.Errorf("In-Reply-To = %q", m.InReplyTo)
	}
	if !slices.Equal(m.References, []string{"<root@acme.io>", "<ours@acme.io>", "<extra@acme.io>"}) {
		t.Errorf("References = %q", m.References)
	}
	if got := m.Header.Values("received"); len(got) != 2 || got[0] != "from a by b; Mon, 30 Nov 2026 10:00:00 +0000" {
		t.Errorf("Received = %q", got)
	}
	if m.Header.Get("x-weird") != "spaced key" || m.Header.Has("this line is junk without a colon") {
		t.Errorf("header = %v", m.Header)
	}
	if m.Text != "body\n" {
		t.Errorf("Text = %q", m.Text)
	}
}

func TestParseBodies(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		wantText string
		wantHTML string
	}{
		{
			name:     "no content type, LF endings",
			raw:      "From: a@b.c\nSubject: x\n\nplain body\n",
			wantText: "plain body\n",
		},
		{
			name:     "quoted-printable latin1",
			raw:      "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe, sch=F6ne =\nWoche\n",
			wantText: "Grüße, schöne Woche\n",
		},
		{
			name:     "unlabelled 8-bit windows-1252",
			raw:      "Content-Type: text/plain\n\nCaf\xe9 \x93quoted\x94\n",
			wantText: "Café “quoted”\n",
		},
		{
			name:     "base64 with junk and missing padding",
			raw:      "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: BASE64\n\nSGVsbG8g\r\n8J+Ygg !!\n",
			wantText: "Hello 😂",
		},
		{
			name:     "unknown charset falls back",
			raw:      "Content-Type: text/plain; charset=x-made-up\n\nhello\n",
			wantText: "hello\n",
		},
		{
			name: "html only becomes text",
			raw: "Content-Type: text/html; charset=utf-8\n\n<html><head><style>p{}</style></head><body><p>Hi&amp;bye</p>" +
				"<div>Line<br>two</div><blockquote>quoted <b>text</b></blockquote><script>x()</script></body></html>",
			wantText: "Hi&bye\n\nLine\ntwo\n\n> quoted text",
			wantHTML: "<html><head><style>p{}</style></head><body><p>Hi&amp;bye</p><div>Line<br>two</div><blockquote>quoted <b>text</b></blockquote><script>x()</script></body></html>",
		},
		{
			name: "alternative inside mixed, attachment skipped, no close delimiter",
			raw: `Content-Type: multipart/mixed; boundary="outer"

preamble
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset="utf-8"

Plain part
--inner
Content-Type: text/html

<p>HTML part</p>
--inner--
--outer
Content-Type: text/plain; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

attached text
--outer
Content-Type: text/plain

truncated tail`,
			wantText: "Plain part\ntruncated tail",
			wantHTML: "<p>HTML part</p>",
		},
		{
			name:     "broken content type parameters",
			raw:      "Content-Type: multipart/alternative; boundary=b1; boundary=b2\n\n--b1\nContent-Type: text/plain\n\nfirst\n--b1--\n",
			wantText: "first",
		},
		{
			name:     "multipart without delimiters",
			raw:      "Content-Type: multipart/mixed; boundary=zzz\n\nno parts here\n",
			wantText: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != tt.wantText {
				t.Errorf("Text = %q, want %q", m.Text, tt.wantText)
			}
			if m.HTML != tt.wantHTML {
				t.Errorf("HTML = %q, want %q", m.HTML, tt.wantHTML)
			}
		})
	}
}

func TestParseTreeForReports(t *testing.T) {
	raw := crlf(`From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Delivery failed.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; gone@example.com
Action: failed
Status: 5.1.1
--B
Content-Type: message/rfc822
Content-Transfer-Encoding: base64

TWVzc2FnZS1JRDogPG91cnNAYWNtZS5pbz4NClRvOiBnb25lQGV4YW1wbGUuY29tDQoNCmhp
--B
Content-Type: text/rfc822-headers

Message-ID: <other@acme.io>
--B--
`)
	m, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "Delivery failed." {
		t.Errorf("Text = %q (embedded parts must not leak in)", m.Text)
	}
	ds := m.Root.Find("message/delivery-status")
	if ds == nil || !strings.Contains(string(ds.Body), "Status: 5.1.1") {
		t.Fatalf("delivery-status part = %+v", ds)
	}
	orig := m.Root.Find("message/rfc822")
	if orig == nil || len(orig.Parts) != 1 || orig.Parts[0].Header.Get("Message-ID") != "<ours@acme.io>" {
		t.Fatalf("embedded message = %+v", orig)
	}
	if string(orig.Parts[0].Body) != "hi" {
		t.Errorf("embedded body = %q", orig.Parts[0].Body)
	}
	hdrs := m.Root.Find("text/rfc822-headers")
	if h, _ := ParseHeader(hdrs.Body); h.Get("message-id") != "<other@acme.io>" {
		t.Errorf("rfc822-headers = %q", hdrs.Body)
	}
	var types []string
	m.Root.Walk(func(p *Part) bool { types = append(types, p.MediaType); return true })
	want := []string{"multipart/report", "text/plain", "message/delivery-status", "message/rfc822", "text/plain", "text/rfc822-headers"}
	if !slices.Equal(types, want) {
		t.Errorf("tree = %q", types)
	}
}

func TestParseAddressListFallbacks(t *testing.T) {
	tests := []struct {
		in   string
		want []mail.Address
	}{
		{"MAILER-DAEMON", []mail.Address{{Address: "MAILER-DAEMON"}}},
		{"Mail Delivery System <MAILER-DAEMON>", []mail.Address{{Name: "Mail Delivery System", Address: "MAILER-DAEMON"}}},
		{"J. Smith <j.smith@example.com>", []mail.Address{{Name: "J. Smith", Address: "j.smith@example.com"}}},
		{"<a@b.c>, , x <d@e.f>>", []mail.Address{{Address: "a@b.c"}, {Address: "d@e.f"}}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := ParseAddressList(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("ParseAddressList(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2026, 12, 2, 8, 4, 5, 0, time.UTC)
	for _, v := range []string{
		"Wed, 2 Dec 2026 08:04:05 +0000",
		"Wed,  2 Dec 2026 08:04:05 +0000 (UTC)",
		"2 Dec 2026 08:04:05 GMT",
		"Wed Dec 2 08:04:05 2026",
		"2026-12-02T08:04:05Z",
	} {
		if got := ParseDate(v); !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v", v, got)
		}
	}
	if !ParseDate("yesterday-ish").IsZero() {
		t.Error("garbage date should be zero")
	}
}

func TestParseEmpty(t *testing.T) {
	for _, raw := range []string{"", " \r\n\t"} {
		if _, err := Parse([]byte(raw)); !errors.Is(err, ErrEmpty) {
			t.Errorf("Parse(%q) err = %v", raw, err)
		}
	}
}

func TestParseLimitsNesting(t *testing.T) {
	// 5000 nested message/rfc822 parts must not recurse without bound.
	raw := strings.Repeat("Content-Type: message/rfc822\n\n", 5000) + "Subject: deep\n\nx"
	m, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	for p := m.Root; len(p.Parts) > 0; p = p.Parts[0] {
		depth++
	}
	if depth > maxDepth {
		t.Errorf("depth %d exceeds limit %d", depth, maxDepth)
	}
}
