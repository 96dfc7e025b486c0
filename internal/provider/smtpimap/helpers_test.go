package smtpimap_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

const (
	me       = "user@example.com"
	password = "correct horse"
	lead     = "lead@example.org"
)

type env struct {
	tls  *smtpimapfake.TLS
	smtp *smtpimapfake.SMTPServer
	imap *smtpimapfake.IMAPServer
	cfg  smtpimap.Config
}

type envOptions struct {
	security smtpimap.Security // for both servers; default StartTLS
	smtp     smtpimapfake.SMTPOptions
	imap     smtpimapfake.IMAPOptions
}

var testTLS = func() *smtpimapfake.TLS {
	t, err := smtpimapfake.NewTLS()
	if err != nil {
		panic(err)
	}
	return t
}()

// newEnv starts an SMTP and an IMAP server for me and a config pointing at them.
func newEnv(t testing.TB, o envOptions) env {
	t.Helper()
	if o.security == "" {
		o.security = smtpimap.StartTLS
	}
	if o.security != smtpimap.Plain {
		o.smtp.TLS, o.imap.TLS = testTLS.Server, testTLS.Server
		o.smtp.ImplicitTLS = o.security == smtpimap.ImplicitTLS
		o.imap.ImplicitTLS = o.smtp.ImplicitTLS
	}
	if o.smtp.Username == "" {
		o.smtp.Username, o.smtp.Password = me, password
	}
	o.imap.Username, o.imap.Password = me, password
	if o.imap.Folders == nil {
		o.imap.Folders = map[string][]imap.MailboxAttr{"Sent": {imap.MailboxAttrSent}, "Drafts": {imap.MailboxAttrDrafts}}
	}
	s, err := smtpimapfake.StartSMTP(o.smtp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	i, err := smtpimapfake.StartIMAP(o.imap)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i.Close() })
	cfg := smtpimap.Config{
		Address:   me,
		SMTP:      smtpimap.Server{Host: s.Host, Port: s.Port, Username: me, Password: password, Security: o.security},
		IMAP:      smtpimap.Server{Host: i.Host, Port: i.Port, Username: me, Password: password, Security: o.security},
		TLSConfig: testTLS.Client(),
		Timeout:   5 * time.Second,
		Guard:     netguard.AllowLoopback(),
	}
	return env{tls: testTLS, smtp: s, imap: i, cfg: cfg}
}

func (e env) mailbox(t testing.TB, tweak ...func(*smtpimap.Config)) *smtpimap.Mailbox {
	t.Helper()
	cfg := e.cfg
	for _, f := range tweak {
		f(&cfg)
	}
	m, err := smtpimap.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func (e env) folder(t testing.TB, name string) [][]byte {
	t.Helper()
	msgs, err := e.imap.Messages(name, e.tls.Client())
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return msgs
}

func rawMessage(from, to, subject, msgID string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\nDate: Mon, 04 May 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n.leading dot line\r\nbye\r\n", from, to, subject, msgID))
}

func outgoing(to, msgID string) provider.OutgoingMessage {
	return provider.OutgoingMessage{From: me, To: to, MessageID: msgID, Raw: rawMessage(me, to, "Hi", msgID)}
}

func wantKind(t *testing.T, err error, kind provider.ErrorKind) *provider.Error {
	t.Helper()
	var e *provider.Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("error = %v (kind %v), want kind %v", err, provider.Kind(err), kind)
	}
	return e
}

var ctx = context.Background()
