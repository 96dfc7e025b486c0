// Package systemmail sends the product's own mail (address verification,
// invitations, password resets, address changes) through the operator's
// mail server, LEADBITZ_SMTP_URL, as plain-text + HTML messages built by
// internal/mailmsg from the templates in templates/.
//
// Without a mail server nothing is lost silently: Send writes the link to
// the log at INFO and returns ErrNotConfigured, and the caller tells the
// person that no mail server is configured (the CLI covers recovery).
//
// smtp:// upgrades with STARTTLS when the server offers it and talks in
// clear only to a server on a network LEADBITZ_ALLOW_PRIVATE_NETWORKS
// allows; smtps:// is TLS from the first byte. The connection is dialed
// through internal/netguard, so the address checked is the address dialed.
package systemmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/netguard"
)

// NotConfiguredSentence is what pages and API answers say when there is no
// mail server to send a link.
const NotConfiguredSentence = "no mail server is configured; ask your administrator"

// ErrNotConfigured is Send's answer without LEADBITZ_SMTP_URL (the link was
// logged instead).
var ErrNotConfigured = errors.New("systemmail: " + NotConfiguredSentence)

// Options configure a Mailer. An empty URL makes a Mailer that only logs.
type Options struct {
	URL  string // LEADBITZ_SMTP_URL
	From string // LEADBITZ_MAIL_FROM
	// Allow are the networks a server may be on without TLS
	// (LEADBITZ_ALLOW_PRIVATE_NETWORKS); the guard also refuses any other
	// internal address.
	Allow []netip.Prefix
	// TLSConfig is the base of the TLS settings (tests trust their own
	// CA); ServerName is set to the URL's host. nil = system roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // connect and per-command; default 30 s
	Log       *slog.Logger
	// Resolver and Dial are the guard's (tests inject theirs).
	Resolver netguard.Resolver
	Dial     func(ctx context.Context, network, address string) (net.Conn, error)
}

// Mailer sends system mail. Safe for concurrent use: each message opens its
// own connection (system mail is a few messages an hour).
type Mailer struct {
	server   *url.URL
	from     mail.Address
	guard    *netguard.Guard
	tls      *tls.Config
	timeout  time.Duration
	log      *slog.Logger
	implicit bool
}

// New checks the options and returns a Mailer.
func New(o Options) (*Mailer, error) {
	m := &Mailer{log: o.Log, timeout: o.Timeout}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.timeout <= 0 {
		m.timeout = 30 * time.Second
	}
	if o.URL == "" {
		return m, nil
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("systemmail: LEADBITZ_SMTP_URL is not an smtp:// or smtps:// URL")
	}
	from, err := mail.ParseAddress(o.From)
	if err != nil {
		return nil, fmt.Errorf("systemmail: LEADBITZ_MAIL_FROM %q is not an address", o.From)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), map[string]string{"smtp": "587", "smtps": "465"}[u.Scheme])
	}
	m.server, m.from, m.implicit = u, *from, u.Scheme == "smtps"
	m.guard = netguard.New(netguard.Options{Allow: o.Allow, Resolver: o.Resolver, Dial: o.Dial})
	m.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	if o.TLSConfig != nil {
		m.tls = o.TLSConfig.Clone()
	}
	m.tls.ServerName = u.Hostname()
	return m, nil
}

// Configured reports whether a mail server is set.
func (m *Mailer) Configured() bool { return m != nil && m.server != nil }

// Message is one system message: a template, its link and its values.
type Message struct {
	To   string
	Kind Kind
	Link string
	// Data are the template's other values (workspace name, inviter…).
	Data map[string]string
}

// Send renders and delivers msg. Without a mail server it logs the link at
// INFO and returns ErrNotConfigured. Errors never hold the server's
// password.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	if !m.Configured() {
		m.log.Info("system mail is not configured; here is the link that would have been mailed",
			"kind", string(msg.Kind), "to", msg.To, "link", msg.Link)
		return ErrNotConfigured
	}
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return fmt.Errorf("systemmail: recipient %q: %w", msg.To, err)
	}
	subject, text, html, err := render(msg)
	if err != nil {
		return err
	}
	raw, err := mailmsg.Build(mailmsg.Outgoing{
		MessageID: mailmsg.NewMessageID(mailmsg.Domain(m.from.Address)),
		From:      m.from, To: []mail.Address{*to}, Subject: subject, Text: text, HTML: html,
		Extra: []mailmsg.Field{{Key: "Auto-Submitted", Value: "auto-generated"}},
	})
	if err != nil {
		return fmt.Errorf("systemmail: build %s message: %w", msg.Kind, err)
	}
	if err := m.deliver(ctx, to.Address, raw); err != nil {
		m.log.Warn("system mail not sent", "kind", string(msg.Kind), "error", err.Error())
		return err
	}
	m.log.Info("system mail sent", "kind", string(msg.Kind))
	return nil
}

// deliver opens a connection, secures and authenticates it, and sends raw.
func (m *Mailer) deliver(ctx context.Context, to string, raw []byte) error {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	c, err := m.open(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.SendMail(m.from.Address, []string{to}, bytesReader(raw)); err != nil {
		return fmt.Errorf("systemmail: %s refused the message: %w", m.server.Host, err)
	}
	_ = c.Quit()
	return nil
}

// open returns a client ready for MAIL FROM: TLS (implicit or STARTTLS),
// or clear text on an allowed network, then AUTH when the URL has a user.
func (m *Mailer) open(ctx context.Context) (*smtp.Client, error) {
	host := m.server.Host
	conn, ip, err := m.guard.Dial(ctx, "tcp", host)
	if err != nil {
		return nil, fmt.Errorf("systemmail: connect to %s: %w", host, err)
	}
	var c *smtp.Client
	switch {
	case m.implicit:
		tc := tls.Client(conn, m.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("systemmail: TLS with %s: %w", host, err)
		}
		c = smtp.NewClient(tc)
	case !m.guard.Allowed(ip):
		// Outside the allowed networks TLS is required: go-smtp fails
		// when STARTTLS is not offered, no silent downgrade.
		if c, err = smtp.NewClientStartTLS(conn, m.tls); err != nil {
			conn.Close()
			return nil, fmt.Errorf("systemmail: STARTTLS with %s (required outside LEADBITZ_ALLOW_PRIVATE_NETWORKS): %w", host, err)
		}
	default:
		// An allowed network: STARTTLS when offered, else clear text. The
		// probe connection cannot be upgraded through go-smtp's API once
		// greeted, so an offer is taken on a second connection.
		c = smtp.NewClient(conn)
		if ok, _ := c.Extension("STARTTLS"); ok {
			c.Close()
			if conn, _, err = m.guard.Dial(ctx, "tcp", host); err != nil {
				return nil, fmt.Errorf("systemmail: connect to %s: %w", host, err)
			}
			if c, err = smtp.NewClientStartTLS(conn, m.tls); err != nil {
				conn.Close()
				return nil, fmt.Errorf("systemmail: STARTTLS with %s: %w", host, err)
			}
		}
	}
	c.CommandTimeout, c.SubmissionTimeout = m.timeout, m.timeout
	if user := m.server.User; user != nil && user.Username() != "" {
		pass, _ := user.Password()
		if err := c.Auth(sasl.NewPlainClient("", user.Username(), pass)); err != nil {
			c.Close()
			return nil, fmt.Errorf("systemmail: %s refused the login of LEADBITZ_SMTP_URL: %w", host, err)
		}
	}
	return c, nil
}
