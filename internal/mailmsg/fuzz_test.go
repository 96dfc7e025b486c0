package mailmsg

import (
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"From: a@b.c\r\nSubject: hi\r\n\r\nbody",
	"Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n--B\nContent-Type: message/rfc822\n\nMessage-ID: <x@y>\n\n--B--",
	"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--",
	"Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: base64\n\n8NLJ18XU",
	"Subject: =?utf-8?B?====?= =?x?q?=ZZ?=\nFrom: <<>>@\n\n",
	"Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n",
	"Content-Type: text/html\n\n<p><script><b></p>&#xFFFFFFFF;",
	"References: <a@b> (c <d@e>\nIn-Reply-To: <<<>>>\n\n",
}

// FuzzParse: Parse must never panic, fail only on empty input, and always
// hand back UTF-8 text.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if strings.TrimSpace(string(raw)) != "" {
				t.Fatalf("error on non-empty input: %v", err)
			}
			return
		}
		for name, s := range map[string]string{"subject": m.Subject, "text": m.Text, "from name": m.From.Name} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not UTF-8: %q", name, s)
			}
		}
		m.Root.Walk(func(p *Part) bool { _ = p.Text(); return true })
	})
}

// FuzzBuildRoundTrip: whatever subject, name and body a user types, Build
// either refuses it or produces wire-legal bytes that Parse reads back.
func FuzzBuildRoundTrip(f *testing.F) {
	f.Add("Quick question", "Zoë", "Hi\nthere")
	f.Add(strings.Repeat("ü", 300), "\"quoted\" name, with comma", strings.Repeat("x", 2000))
	f.Add("=?utf-8?q?x?=", "", "line\r\n.\r\nend")
	f.Fuzz(func(t *testing.T, subject, name, text string) {
		if !utf8.ValidString(subject) || !utf8.ValidString(name) || !utf8.ValidString(text) {
			t.Skip()
		}
		o := Outgoing{
			MessageID: "<fuzz@acme.io>",
			From:      mail.Address{Name: name, Address: "me@acme.io"},
			To:        []mail.Address{{Address: "you@example.com"}},
			Subject:   subject,
			Text:      text,
		}
		raw, err := Build(o)
		if err != nil {
			return
		}
		checkWire(t, raw)
		m, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != strings.TrimSpace(oneLine(subject)) && !strings.Contains(subject, "=?") {
			t.Fatalf("subject %q came back as %q", subject, m.Subject)
		}
		if m.From.Address != "me@acme.io" {
			t.Fatalf("from %+v", m.From)
		}
	})
}
