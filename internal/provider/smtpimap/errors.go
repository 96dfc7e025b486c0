package smtpimap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// SMTP transaction stages, for classifying a refusal.
type stage int

const (
	stageConnect stage = iota // greeting, EHLO, STARTTLS, AUTH
	stageMail
	stageRcpt
	stageData
)

// classifySMTP maps a server's SMTP answer to a provider.Error (RFC 5321
// reply classes, RFC 3463 enhanced codes).
func classifySMTP(se *smtp.SMTPError, st stage) *provider.Error {
	code := fmt.Sprintf("%d", se.Code)
	if se.EnhancedCode != smtp.NoEnhancedCode && se.EnhancedCode != (smtp.EnhancedCode{}) {
		code += fmt.Sprintf(" %d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
	}
	e := &provider.Error{Code: code, Message: se.Message, Err: se}
	lower := strings.ToLower(se.Message)
	switch {
	case se.Code == 530 || se.Code == 534 || se.Code == 535 || se.Code == 538:
		e.Kind = provider.Auth // authentication required, too weak, failed
	case se.EnhancedCode == smtp.EnhancedCode{5, 4, 5} || se.EnhancedCode == smtp.EnhancedCode{4, 4, 5} ||
		se.EnhancedCode[1] != 2 && containsAny(lower, "sending quota", "sending limit", "rate limit", "too many messages"):
		// Our sending limit, e.g. Gmail's "550 5.4.5 Daily user sending
		// quota exceeded" (X.2.x is the recipient's mailbox, not us).
		e.Kind = provider.RateLimited
		if se.Code >= 500 {
			e.RetryAfter = time.Hour
		}
	case se.Code >= 400 && se.Code < 500:
		e.Kind = provider.Transient
	case st == stageRcpt:
		e.Kind = provider.Permanent // this recipient was refused
	case st == stageMail && (se.Code == 553 || se.EnhancedCode[0] == 5 && se.EnhancedCode[1] == 7):
		e.Kind = provider.Auth // the sender address is not allowed for this login
	case st == stageConnect:
		e.Kind = provider.Auth // the server refuses us before any message
	default:
		e.Kind = provider.Permanent // this message was refused
	}
	return e
}

// classifyIMAP maps an IMAP NO/BAD answer.
func classifyIMAP(ie *imap.Error, connecting bool) *provider.Error {
	code := string(ie.Type)
	if ie.Code != "" {
		code += " [" + string(ie.Code) + "]"
	}
	e := &provider.Error{Code: code, Message: ie.Text, Err: ie}
	switch {
	case connecting:
		e.Kind = provider.Auth // login refused, STARTTLS refused: settings or credentials
	case ie.Code == imap.ResponseCodeAuthenticationFailed || ie.Code == imap.ResponseCodeAuthorizationFailed ||
		ie.Code == imap.ResponseCodeExpired || ie.Code == imap.ResponseCodePrivacyRequired:
		e.Kind = provider.Auth
	case ie.Type == imap.StatusResponseTypeBad:
		e.Kind = provider.Permanent // the server did not understand the command
	default:
		e.Kind = provider.Transient
	}
	return e
}

// classifyConn maps dial, TLS and I/O failures: certificate problems need
// the user (Auth); everything else is Transient.
func classifyConn(err error) *provider.Error {
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return &provider.Error{Kind: provider.Transient, Code: "timeout", Message: err.Error(), Err: err}
	case isCertificateFailure(err):
		return &provider.Error{Kind: provider.Auth, Code: "tls_certificate", Message: err.Error(), Err: err}
	case isHandshakeFailure(err):
		return &provider.Error{Kind: provider.Auth, Code: "tls", Message: "TLS handshake failed (is this the right port and security?): " + err.Error(), Err: err}
	}
	return &provider.Error{Kind: provider.Transient, Code: "connection", Message: err.Error(), Err: err}
}

// isCertificateFailure is a server certificate we do not trust or that
// does not name the host.
func isCertificateFailure(err error) bool {
	var (
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	return errors.As(err, &certErr) || errors.As(err, &unknown) || errors.As(err, &hostErr) || errors.As(err, &invalid)
}

// isHandshakeFailure is a TLS exchange that broke off: usually plain text
// on a TLS port or the other way round.
func isHandshakeFailure(err error) bool {
	var (
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	return errors.As(err, &recErr) || errors.As(err, &alertErr)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
