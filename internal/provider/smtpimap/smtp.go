package smtpimap

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
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

// dialServer opens a TCP (or, for implicit TLS, TLS) connection.
func dialServer(ctx context.Context, cfg *Config, srv Server) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	d := &net.Dialer{}
	if srv.Security == ImplicitTLS {
		return (&tls.Dialer{NetDialer: d, Config: cfg.tlsFor(srv.Host)}).DialContext(ctx, "tcp", srv.addr())
	}
	return d.DialContext(ctx, "tcp", srv.addr())
}

// openSMTP connects, secures and authenticates a submission session.
// Errors are *provider.Error.
func openSMTP(ctx context.Context, cfg *Config) (*smtpSession, error) {
	srv := cfg.SMTP
	conn, err := dialServer(ctx, cfg, srv)
	if err != nil {
		return nil, classifyConn(err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	s, err := startSMTP(cfg, srv, conn)
	if err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, classifyConn(ctx.Err())
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
		return nil, connectError(err)
	}
	c.CommandTimeout = cfg.Timeout
	c.SubmissionTimeout = max(cfg.Timeout, 2*time.Minute)
	if srv.Username != "" {
		if err := authenticate(c, srv); err != nil {
			c.Close()
			return nil, err
		}
	} else if err := c.Noop(); err != nil { // read the greeting and EHLO now, not at the first MAIL
		c.Close()
		return nil, connectError(err)
	}
	return &smtpSession{conn: conn, c: c}, nil
}

// authenticate uses AUTH PLAIN, or LOGIN for servers that offer only that.
func authenticate(c *smtp.Client, srv Server) error {
	ok, params := c.Extension("AUTH")
	if !ok {
		if err := c.Noop(); err != nil { // the greeting or EHLO failed
			return connectError(err)
		}
		return &provider.Error{Kind: provider.Auth, Code: "no_auth", Message: "the SMTP server offers no authentication on this connection (check the security setting)"}
	}
	mechs := strings.Fields(strings.ToUpper(params))
	var client sasl.Client
	switch {
	case slices.Contains(mechs, sasl.Plain):
		client = sasl.NewPlainClient("", srv.Username, srv.Password)
	case slices.Contains(mechs, sasl.Login):
		client = sasl.NewLoginClient(srv.Username, srv.Password)
	default:
		return &provider.Error{Kind: provider.Auth, Code: "no_auth_mechanism",
			Message: "the SMTP server offers no supported authentication (offers " + params + "; need PLAIN or LOGIN)"}
	}
	if err := c.Auth(client); err != nil {
		return connectError(err)
	}
	return nil
}

// connectError classifies a failure while greeting, securing or
// authenticating.
func connectError(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return classifySMTP(se, stageConnect)
	}
	if strings.Contains(err.Error(), "STARTTLS") { // go-smtp: "smtp: server doesn't support STARTTLS"
		return &provider.Error{Kind: provider.Auth, Code: "no_starttls", Message: "the SMTP server does not offer STARTTLS", Err: err}
	}
	return classifyConn(err)
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
