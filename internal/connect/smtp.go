package connect

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
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
// names the failed step of each server in our words; checks beyond the
// workspace's ConnectLimit are a 429.
func (s *Service) ConnectSMTP(ctx context.Context, p account.Principal, in SMTPInput, m account.Meta) (Result, error) {
	email, st, creds, err := s.checkSMTPInput(&in)
	if err != nil {
		return Result{}, err
	}
	if err := s.allowCheck(ctx, p.WorkspaceID); err != nil {
		return Result{}, err
	}
	cfg := s.smtpConfig(email, st, creds)
	vctx, cancel := context.WithTimeout(ctx, 2*s.cfg.SMTPTimeout)
	defer cancel()
	if err := smtpimap.Verify(vctx, cfg); err != nil {
		s.env.Log().InfoContext(ctx, "mailbox connection check failed", "workspace", p.WorkspaceID, "error", err)
		return Result{}, connectionFailed(err)
	}
	return s.save(ctx, actor{ws: p.WorkspaceID, userID: p.User.ID, apiKeyID: p.APIKeyID, meta: m}, connection{
		provider: store.ProviderSMTP, email: email, displayName: strings.TrimSpace(in.DisplayName),
		timezone: strings.TrimSpace(in.Timezone), settings: st, creds: creds})
}

// allowCheck takes one of the workspace's connection checks: each one
// dials hosts and ports the user chose, so they are counted.
func (s *Service) allowCheck(ctx context.Context, ws string) error {
	l := s.cfg.ConnectLimit
	res, err := s.cfg.Limiter.Allow(ctx, "connect:workspace:"+ws, l)
	if err != nil {
		s.env.Log().ErrorContext(ctx, "connect rate limiter failed", "err", err)
		return problem.New(problem.Unavailable, "rate_limiter_unavailable",
			"Mailbox connections are paused because the rate limiter is not answering. Try again shortly.")
	}
	if res.Allowed {
		return nil
	}
	seconds := int(math.Ceil(res.RetryAfter.Seconds()))
	per := "the last " + l.Per.String()
	if l.Per == time.Minute {
		per = "the last minute"
	}
	return &problem.Error{Kind: problem.RateLimited, Code: "rate_limited",
		Message: fmt.Sprintf("This workspace has tried %d mailbox connections in %s, the most allowed. Try again in %d seconds.",
			l.Count, per, seconds),
		RetryAfter: res.RetryAfter,
		Details:    map[string]any{"scope": "workspace", "limit": l.Count, "windowSeconds": int(l.Per.Seconds())}}
}

// connectionFailed is the 422 of a connection check. details.server,
// .step and .message name the first failure (SMTP first); details.smtp and
// .imap hold each failed side's sentence. All are our words: neither the
// servers' answers nor passwords appear.
func connectionFailed(err error) error {
	details := map[string]any{}
	var ve *smtpimap.VerifyError
	if errors.As(err, &ve) {
		for i, f := range ve.Failures() {
			if i == 0 {
				details["server"], details["step"], details["message"] = f.Server, f.Step, f.Message
			}
			details[f.Server] = f.Step + ": " + f.Message
		}
	}
	return &problem.Error{Kind: problem.Invalid, Code: "connection_failed",
		Message: "The mailbox could not be connected: " + err.Error(), Details: details}
}

func (s *Service) checkSMTPInput(in *SMTPInput) (string, settings, credentials, error) {
	f := problem.Fields{}
	email, err := account.NormalizeEmail(in.Email)
	if err != nil {
		f.Add("email", "%s", err)
	}
	if len(in.DisplayName) > 200 {
		f.Add("displayName", "must be at most 200 characters")
	}
	if tz := strings.TrimSpace(in.Timezone); tz != "" {
		if !timezone.Valid(tz) {
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
			// A name is checked on its resolved address when dialed.
			if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && !s.cfg.Guard.Allowed(ip) {
				f.Add(name+".security", "none (no encryption) is only for a server on a network the operator allowed")
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
