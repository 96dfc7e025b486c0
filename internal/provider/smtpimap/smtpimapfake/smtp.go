package smtpimapfake

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions configures an SMTP server.
type SMTPOptions struct {
	Username, Password string      // when set, AUTH PLAIN/LOGIN is required before MAIL
	TLS                *tls.Config // enables STARTTLS (or implicit TLS with ImplicitTLS)
	ImplicitTLS        bool        // TLS from the first byte, as on port 465
	Discard            bool        // count messages without keeping them (benchmarks)
	Mechanisms         []string    // AUTH mechanisms offered; default PLAIN and LOGIN
	// Accepted, when set, is called with each accepted message before the
	// server answers DATA (a test files it in an IMAP fake's Sent, as Gmail
	// and Exchange do).
	Accepted func(Received)
}

// Received is one accepted message.
type Received struct {
	From string
	To   []string
	Data []byte
}

// SMTPServer is a running SMTP server.
type SMTPServer struct {
	Host string
	Port int
	opts SMTPOptions
	srv  *smtp.Server

	mu        sync.Mutex
	msgs      []Received
	count     int
	sessions  []*smtp.Conn
	rcptRules map[string]*smtp.SMTPError
	dataFails []*smtp.SMTPError
	mailFails []*smtp.SMTPError
}

// StartSMTP listens on a random 127.0.0.1 port.
func StartSMTP(opts SMTPOptions) (*SMTPServer, error) {
	s := &SMTPServer{opts: opts, rcptRules: map[string]*smtp.SMTPError{}}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "localhost"
	srv.ErrorLog = discardLogger{}
	srv.AllowInsecureAuth = opts.TLS == nil
	srv.MaxRecipients = 100
	srv.MaxMessageBytes = 10 << 20
	if opts.TLS != nil && !opts.ImplicitTLS {
		srv.TLSConfig = opts.TLS
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if opts.ImplicitTLS {
		if opts.TLS == nil {
			ln.Close()
			return nil, errors.New("smtpimapfake: ImplicitTLS needs TLS")
		}
		ln = tls.NewListener(ln, opts.TLS)
	}
	s.srv = srv
	addr := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", addr.Port
	go func() { _ = srv.Serve(ln) }()
	return s, nil
}

// Addr is host:port.
func (s *SMTPServer) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Close stops the server.
func (s *SMTPServer) Close() error { return s.srv.Close() }

// Messages returns the accepted messages (none when Discard is set).
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Count returns how many messages were accepted.
func (s *SMTPServer) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Connections returns how many client connections were made (a STARTTLS
// upgrade is still the same connection).
func (s *SMTPServer) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, c := range s.sessions {
		seen[c.Conn().RemoteAddr().String()] = true
	}
	return len(seen)
}

// DropConnections closes every open session, as a server does with idle
// clients.
func (s *SMTPServer) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.sessions {
		c.Conn().Close()
	}
}

// RejectRecipient answers RCPT TO for addr with code, enhanced code and
// message, e.g. 550, {5,1,1}, "No such user".
func (s *SMTPServer) RejectRecipient(addr string, code int, enhanced smtp.EnhancedCode, msg string) {
	s.mu.Lock()
	s.rcptRules[strings.ToLower(addr)] = &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg}
	s.mu.Unlock()
}

// FailNextData makes the end of the next DATA answer with code.
func (s *SMTPServer) FailNextData(code int, enhanced smtp.EnhancedCode, msg string) {
	s.mu.Lock()
	s.dataFails = append(s.dataFails, &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg})
	s.mu.Unlock()
}

// FailNextMail makes the next MAIL FROM answer with code.
func (s *SMTPServer) FailNextMail(code int, enhanced smtp.EnhancedCode, msg string) {
	s.mu.Lock()
	s.mailFails = append(s.mailFails, &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg})
	s.mu.Unlock()
}

func (s *SMTPServer) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions = append(s.sessions, c)
	s.mu.Unlock()
	return &smtpSession{srv: s, authed: s.opts.Username == ""}, nil
}

type smtpSession struct {
	srv    *SMTPServer
	authed bool
	from   string
	to     []string
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *smtpSession) AuthMechanisms() []string {
	if ss.srv.opts.Username == "" {
		return nil
	}
	if ss.srv.opts.Mechanisms != nil {
		return ss.srv.opts.Mechanisms
	}
	return []string{sasl.Plain, sasl.Login}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	if !slices.Contains(ss.AuthMechanisms(), mech) {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	check := func(user, pass string) error {
		if user != ss.srv.opts.Username || pass != ss.srv.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.authed = true
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.authed {
		return errAuthRequired
	}
	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.mailFails) > 0 {
		e := s.mailFails[0]
		s.mailFails = s.mailFails[1:]
		return e
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.rcptRules[strings.ToLower(to)]; e != nil {
		return e
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.dataFails) > 0 {
		e := s.dataFails[0]
		s.dataFails = s.dataFails[1:]
		return e
	}
	s.count++
	rec := Received{From: ss.from, To: ss.to, Data: data}
	if !s.opts.Discard {
		s.msgs = append(s.msgs, rec)
	}
	if s.opts.Accepted != nil {
		s.opts.Accepted(rec)
	}
	return nil
}

func (ss *smtpSession) Reset() { ss.from, ss.to = "", nil }

func (ss *smtpSession) Logout() error { return nil }

// loginServer is the server side of the non-standard LOGIN mechanism (go-sasl
// ships only the client): username and password, each after a prompt.
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if response != nil { // initial response carries the username
			l.user = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(response)
		l.step++
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(response))
	}
}
