// Package smtpimap is a generic mailbox: SMTP submission to send, IMAP to
// keep a copy in the Sent folder, find sent messages and sync the inbox by
// UID. One SMTP and one IMAP connection per mailbox are kept open and reused
// (reconnected when the server dropped them), so bulk sending costs one
// transaction per message, not one connection.
package smtpimap

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider"
)

// Security is how a connection is protected.
type Security string

// Connection security modes (API field "security").
const (
	StartTLS    Security = "starttls" // plain connect, then STARTTLS (587, 143); TLS is required
	ImplicitTLS Security = "tls"      // TLS from the first byte (465, 993)
	// Plain sends everything, the password included, unencrypted. Only for
	// a server on a network the operator allowed (Config.Guard).
	Plain Security = "none"
)

// Server is one endpoint (SMTP or IMAP).
type Server struct {
	Host     string
	Port     int
	Username string // "" = no authentication: SMTP only, to a relay on a network Guard allows
	Password string
	Security Security
}

func (s Server) addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Config configures one SMTP+IMAP mailbox.
type Config struct {
	Address string // the mailbox address: envelope sender when a message has none
	SMTP    Server
	IMAP    Server
	// TLSConfig is the base for both connections (e.g. RootCAs for a
	// private CA); ServerName is set to each host. nil = system roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // connect and per-command timeout; default 30s
	// Guard resolves the user-set hosts and refuses internal addresses
	// outside the operator's allowed networks; SMTP without a login and
	// security "none" are accepted only inside them. nil is the strict
	// default: no internal network allowed. Tests against servers on
	// loopback pass a Guard that allows it.
	Guard *netguard.Guard

	// SentFolder overrides the Sent folder discovery (SPECIAL-USE \Sent,
	// then the usual names).
	SentFolder string
	// SkipSentCopy turns off the APPEND of each sent message to Sent, for
	// servers that file submitted mail themselves (Gmail, Exchange Online);
	// FindSent then finds only what the server filed.
	SkipSentCopy bool

	ScanWindow time.Duration // an initial or reset sync reads INBOX this far back; default 14 days
	PageSize   int           // messages per Fetch; default 100
	// MaxMessageBytes is how much of one message Fetch reads: a larger one
	// (by its RFC822.SIZE) is fetched as BODY.PEEK[]<0.MaxMessageBytes> and
	// marked Truncated. Default provider.DefaultMaxMessageBytes.
	MaxMessageBytes int64
	// PageBytes bounds the bytes of one Fetch page (each message counted up
	// to MaxMessageBytes); a page holds at least one message. Default four
	// times MaxMessageBytes.
	PageBytes int64
	Logger    *slog.Logger // for failures that do not fail the call; default discards
	// CopiesStored, when set, is told after each batch of copies to Sent
	// whether all were stored (nil) or why some were given up; it runs on
	// the copier's goroutine, so it must be quick or hand the work off.
	CopiesStored func(err error)
	Now          func() time.Time
}

func (c *Config) setDefaults() error {
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.ScanWindow == 0 {
		c.ScanWindow = 14 * 24 * time.Hour
	}
	if c.PageSize == 0 {
		c.PageSize = 100
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = provider.DefaultMaxMessageBytes
	}
	if c.PageBytes <= 0 {
		c.PageBytes = 4 * c.MaxMessageBytes
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	for _, s := range []struct {
		name string
		srv  Server
	}{{"smtp", c.SMTP}, {"imap", c.IMAP}} {
		if err := s.srv.validate(); err != nil {
			return fmt.Errorf("smtpimap: %s: %w", s.name, err)
		}
	}
	return nil
}

func (s Server) validate() error {
	switch {
	case strings.TrimSpace(s.Host) == "":
		return fmt.Errorf("host is required")
	case s.Port < 1 || s.Port > 65535:
		return fmt.Errorf("port %d out of range", s.Port)
	case s.Security != StartTLS && s.Security != ImplicitTLS && s.Security != Plain:
		return fmt.Errorf("security %q is not one of starttls, tls, none", s.Security)
	case s.Username == "" && s.Password != "":
		return fmt.Errorf("password without username")
	}
	return nil
}

// tlsFor returns the TLS settings for host.
func (c *Config) tlsFor(host string) *tls.Config {
	var t *tls.Config
	if c.TLSConfig != nil {
		t = c.TLSConfig.Clone()
	} else {
		t = &tls.Config{}
	}
	if t.ServerName == "" {
		t.ServerName = host
	}
	if t.MinVersion == 0 {
		t.MinVersion = tls.VersionTLS12
	}
	return t
}
