package sending

import (
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Every composed message ends with the footer: the workspace's text and
// postal address when it has them, and always the opt-out line with the
// lead's link, on a plain-http server too (where List-Unsubscribe can only
// offer mailto). A test send shows where the link goes instead.
func TestComposeAlwaysCarriesTheOptOut(t *testing.T) {
	const https, http = "https://app.example/u/TOKEN", "http://localhost:8080/u/TOKEN"
	for _, tc := range []struct {
		name      string
		m         message
		wantText  string
		wantLU    string // List-Unsubscribe
		wantOneCl bool   // List-Unsubscribe-Post
	}{
		{name: "no footer, no signature", m: message{body: "Hello\n", unsubURL: https},
			wantText: "Hello\n\n--\nUnsubscribe: " + https + "\n",
			wantLU:   "<" + https + ">, <mailto:me@sender.example?subject=unsubscribe>", wantOneCl: true},
		{name: "footer and signature", m: message{body: "Hello", unsubURL: https,
			mailbox: store.Mailbox{Email: "me@sender.example", Signature: "Sam\nAcme"},
			footer:  footer{address: "Acme Ltd\n1 Main St", text: "Sent by Acme."}},
			wantText: "Hello\n\nSam\nAcme\n\n--\nSent by Acme.\nAcme Ltd\n1 Main St\nUnsubscribe: " + https + "\n",
			wantLU:   "<" + https + ">, <mailto:me@sender.example?subject=unsubscribe>", wantOneCl: true},
		{name: "plain http: the link in the text anyway", m: message{body: "Hello", unsubURL: http, footer: footer{address: "1 Main St"}},
			wantText: "Hello\n\n--\n1 Main St\nUnsubscribe: " + http + "\n",
			wantLU:   "<mailto:me@sender.example?subject=unsubscribe>"},
		{name: "test send", m: message{body: "Hello", test: true, footer: footer{address: "1 Main St"}},
			wantText: "Hello\n\n--\n1 Main St\nUnsubscribe: " + testUnsubscribeText + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			if m.mailbox.Email == "" {
				m.mailbox.Email = "me@sender.example"
			}
			m.lead = store.Lead{Email: "ann@acme.example"}
			m.subject, m.messageID, m.date = "Hi", "<1@sender.example>", time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			out, text, err := compose(m)
			if err != nil {
				t.Fatal(err)
			}
			if text != tc.wantText {
				t.Errorf("text:\n%q\nwant\n%q", text, tc.wantText)
			}
			in, err := mailmsg.Parse(out.Raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ReplaceAll(in.Text, "\r\n", "\n"); got != tc.wantText {
				t.Errorf("sent body:\n%q\nwant\n%q", got, tc.wantText)
			}
			if got := in.Header.Get("List-Unsubscribe"); got != tc.wantLU {
				t.Errorf("List-Unsubscribe %q, want %q", got, tc.wantLU)
			}
			if got := in.Header.Get("List-Unsubscribe-Post") != ""; got != tc.wantOneCl {
				t.Errorf("List-Unsubscribe-Post present: %v", got)
			}
		})
	}
}
