package connect

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/store"
)

// ServerInput is one endpoint of POST /api/inboxes/smtp.
type ServerInput struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Username string `json:"username"`
	Password string `json:"password"`
	Security string `json:"security"` // starttls, tls or none
}

// SMTPInput is the body of POST /api/inboxes/smtp.
type SMTPInput struct {
	Email       string      `json:"email"`
	DisplayName string      `json:"displayName"`
	Timezone    string      `json:"timezone"` // optional, default UTC: where its daily cap resets
	SMTP        ServerInput `json:"smtp"`
	IMAP        ServerInput `json:"imap"`
	// SkipSentCopy is for servers that file what they send in the Sent
	// folder themselves (Gmail, Exchange Online): no IMAP copy is appended.
	SkipSentCopy bool `json:"skipSentCopy"`
}

// ConnectSMTP verifies both connections (SMTP login, IMAP login and
// SELECT INBOX) and only then saves the mailbox, or reconnects the one
// with this address. A refused connection is a 422 connection_failed that
// carries the servers' answers.
func (s *Service) ConnectSMTP(ctx context.Context, p account.Principal, in SMTPInput, m account.Meta) (Result, error) {
	email, st, creds, err := checkSMTPInput(&in)
	if err != nil {
		return Result{}, err
	}
	cfg := s.smtpConfig(email, st, creds)
	vctx, cancel := context.WithTimeout(ctx, 2*s.cfg.SMTPTimeout)
	defer cancel()
	if err := smtpimap.Verify(vctx, cfg); err != nil {
		return Result{}, connectionFailed(err)
	}
	return s.save(ctx, actor{ws: p.WorkspaceID, userID: p.User.ID, apiKeyID: p.APIKeyID, meta: m}, connection{
		provider: store.ProviderSMTP, email: email, displayName: strings.TrimSpace(in.DisplayName),
		timezone: strings.TrimSpace(in.Timezone), settings: st, creds: creds})
}

// connectionFailed is the 422 of a connection check, with each side's
// answer (passwords never appear in them).
func connectionFailed(err error) error {
	details := map[string]any{}
	var ve *smtpimap.VerifyError
	if errors.As(err, &ve) {
		if ve.SMTP != nil {
			details["smtp"] = answerOf(ve.SMTP)
		}
		if ve.IMAP != nil {
			details["imap"] = answerOf(ve.IMAP)
		}
	}
	return &problem.Error{Kind: problem.Invalid, Code: "connection_failed",
		Message: "The mailbox could not be connected: " + err.Error(), Details: details}
}

func answerOf(err error) string {
	var ve *smtpimap.VerifyError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return err.Error()
}

func checkSMTPInput(in *SMTPInput) (string, settings, credentials, error) {
	f := problem.Fields{}
	email, err := account.NormalizeEmail(in.Email)
	if err != nil {
		f.Add("email", "%s", err)
	}
	if len(in.DisplayName) > 200 {
		f.Add("displayName", "must be at most 200 characters")
	}
	if tz := strings.TrimSpace(in.Timezone); tz != "" {
		if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
			f.Add("timezone", "must be an IANA time zone such as Europe/Paris")
		}
	}
	server := func(name string, x ServerInput, defaultPort map[string]int) *serverSettings {
		host := strings.TrimSpace(x.Host)
		if host == "" || strings.ContainsAny(host, " /@") || len(host) > 253 {
			f.Add(name+".host", "must be a host name or IP address")
		}
		sec := strings.ToLower(strings.TrimSpace(x.Security))
		if sec == "" {
			sec = string(smtpimap.StartTLS)
		}
		switch smtpimap.Security(sec) {
		case smtpimap.StartTLS, smtpimap.ImplicitTLS:
		case smtpimap.Plain:
			if !localHost(host) {
				f.Add(name+".security", "none (no encryption) is only for a server on this machine or a private network")
			}
		default:
			f.Add(name+".security", "must be starttls, tls or none")
		}
		port := x.Port
		if port == 0 {
			port = defaultPort[sec]
		}
		if port < 1 || port > 65535 {
			f.Add(name+".port", "must be 1 to 65535")
		}
		if x.Username == "" && name == "imap" {
			f.Add(name+".username", "is required")
		}
		if x.Password == "" && x.Username != "" {
			f.Add(name+".password", "is required")
		}
		if len(x.Username) > 320 || len(x.Password) > 1024 {
			f.Add(name, "username or password is too long")
		}
		return &serverSettings{Host: host, Port: port, Username: x.Username, Security: sec}
	}
	st := settings{
		SMTP:         server("smtp", in.SMTP, map[string]int{"starttls": 587, "tls": 465, "none": 25}),
		IMAP:         server("imap", in.IMAP, map[string]int{"starttls": 143, "tls": 993, "none": 143}),
		SkipSentCopy: in.SkipSentCopy,
	}
	return email, st, credentials{SMTPPassword: in.SMTP.Password, IMAPPassword: in.IMAP.Password}, f.Err()
}

// localHost reports whether host is this machine or a private-network
// address: the only places a password may travel unencrypted.
func localHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && (ip.IsLoopback() || ip.IsPrivate())
}
