package smtpimap

import (
	"context"
	"crypto/tls"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// smtpSession is an open, authenticated SMTP connection.
type smtpSession struct {
	conn net.Conn
	c    *smtp.Client
}

// dialServer connects to srv through the guard (the host resolved once,
// internal addresses refused unless allowed) and, for implicit TLS,
// completes the handshake with the host name as ServerName. It refuses
// security "none" outside the allowed networks before a byte is sent. It
// returns the address it connected to. Errors are *StepError.
func dialServer(ctx context.Context, cfg *Config, srv Server, server string) (net.Conn, netip.Addr, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	conn, ip, err := cfg.Guard.Dial(ctx, "tcp", srv.addr())
	if err != nil {
		return nil, ip, dialFailure(err)
	}
	if srv.Security == Plain && !cfg.Guard.Allowed(ip) {
		conn.Close()
		return nil, ip, failAt(StepTLS, msgPlainForbidden,
			&provider.Error{Kind: provider.Auth, Code: "plain_refused", Message: msgPlainForbidden})
	}
	if srv.Security != ImplicitTLS {
		return conn, ip, nil
	}
	tc := tls.Client(conn, cfg.tlsFor(srv.Host))
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		if ctx.Err() != nil && !isTLSFailure(err) {
			return nil, ip, failAt(StepTLS, msgTimeout, classifyConn(ctx.Err()))
		}
		return nil, ip, openFailure(server, err)
	}
	return tc, ip, nil
}

// openSMTP connects, secures and authenticates a submission session.
// Without a login it connects only to a relay on a network the operator
// allowed: anywhere else that is an open relay, or an internal one.
// Errors are *StepError wrapping a *provider.Error.
func openSMTP(ctx context.Context, cfg *Config) (*smtpSession, error) {
	srv := cfg.SMTP
	conn, ip, err := dialServer(ctx, cfg, srv, "SMTP")
	if err != nil {
		return nil, err
	}
	if srv.Username == "" && !cfg.Guard.Allowed(ip) {
		conn.Close()
		return nil, failAt(StepAuth, msgLoginRequired,
			&provider.Error{Kind: provider.Auth, Code: "login_required", Message: msgLoginRequired})
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	s, err := startSMTP(cfg, srv, conn)
	if err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, failAt(StepConnect, msgTimeout, classifyConn(ctx.Err()))
		}
		return nil, err
	}
	return s, nil
}

func startSMTP(cfg *Config, srv Server, conn net.Conn) (*smtpSession, error) {
	var c *smtp.Client
	var err error
	if srv.Security == StartTLS {
		// go-smtp greets with EHLO, requires the STARTTLS extension and
		// fails when the server does not offer it: no silent downgrade.
		c, err = smtp.NewClientStartTLS(conn, cfg.tlsFor(srv.Host))
	} else {
		c = smtp.NewClient(conn)
	}
	if err != nil {
		return nil, openFailure("SMTP", err)
	}
	c.CommandTimeout = cfg.Timeout
	c.SubmissionTimeout = max(cfg.Timeout, 2*time.Minute)
	// Read the greeting and EHLO now (after STARTTLS: the handshake), not
	// at the first MAIL.
	if err := c.Noop(); err != nil {
		c.Close()
		return nil, openFailure("SMTP", err)
	}
	if srv.Username != "" {
		if err := authenticate(c, srv); err != nil {
			c.Close()
			return nil, err
		}
	}
	return &smtpSession{conn: conn, c: c}, nil
}

// authenticate uses AUTH PLAIN, or LOGIN for servers that offer only that.
func authenticate(c *smtp.Client, srv Server) error {
	ok, params := c.Extension("AUTH")
	if !ok {
		msg := "the SMTP server offers no authentication on this connection (check the port and the security setting)"
		return failAt(StepAuth, msg, &provider.Error{Kind: provider.Auth, Code: "no_auth", Message: msg})
	}
	mechs := strings.Fields(strings.ToUpper(params))
	var client sasl.Client
	switch {
	case slices.Contains(mechs, sasl.Plain):
		client = sasl.NewPlainClient("", srv.Username, srv.Password)
	case slices.Contains(mechs, sasl.Login):
		client = sasl.NewLoginClient(srv.Username, srv.Password)
	default:
		msg := "the SMTP server offers no authentication we support (PLAIN or LOGIN)"
		return failAt(StepAuth, msg, &provider.Error{Kind: provider.Auth, Code: "no_auth_mechanism", Message: msg})
	}
	if err := c.Auth(client); err != nil {
		return smtpAuthFailure(err)
	}
	return nil
}

// transaction sends one message on an open session. It reports the stage
// it failed at.
func (s *smtpSession) transaction(from, to string, raw []byte) (stage, error) {
	var mailOpts *smtp.MailOptions
	if !isASCII(from) || !isASCII(to) {
		if ok, _ := s.c.Extension("SMTPUTF8"); ok {
			mailOpts = &smtp.MailOptions{UTF8: true}
		}
	}
	if err := s.c.Mail(from, mailOpts); err != nil {
		return stageMail, err
	}
	if err := s.c.Rcpt(to, nil); err != nil {
		return stageRcpt, err
	}
	w, err := s.c.Data()
	if err != nil {
		return stageData, err
	}
	if _, err := w.Write(raw); err != nil {
		w.Close()
		return stageData, err
	}
	return stageData, w.Close()
}

func (s *smtpSession) close() {
	_ = s.c.Close()
}

// quit ends the session politely, bounded by a short deadline.
func (s *smtpSession) quit() {
	s.c.CommandTimeout = 2 * time.Second
	if err := s.c.Quit(); err != nil {
		s.close()
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
