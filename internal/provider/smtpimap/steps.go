package smtpimap

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider"
)

// Steps of opening a session, named when it fails (VerifyError.Failures).
const (
	StepDNS     = netguard.StepDNS     // the host name did not resolve
	StepConnect = netguard.StepConnect // refused address, no TCP connection, or no SMTP/IMAP greeting
	StepTLS     = "tls"                // STARTTLS missing, handshake or certificate failed, or "none" where not allowed
	StepAuth    = "auth"               // the login was refused, or is required
)

// StepError is a failure to open a session. Message is our own sentence,
// fit to show the user: it never quotes the server (a banner or an answer
// could be anything, from anyone). Err is the *provider.Error with the
// server's answer, for logs and provider.Kind.
type StepError struct {
	Step    string
	Message string
	Err     error
}

func (e *StepError) Error() string { return e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// Sentences of the failures we name ourselves.
const (
	msgLoginRequired  = "an SMTP username and password are required: this server sends without a login only through a relay on a network the operator allowed"
	msgPlainForbidden = "security \"none\" (no encryption) is only for a server on a network the operator allowed; use starttls or tls"
	msgNoStartTLS     = "the server does not offer STARTTLS (check the port and the security setting)"
	msgCertificate    = "the server's TLS certificate is not valid for this host name or not trusted"
	msgHandshake      = "the TLS handshake failed (check the port and the security setting)"
	msgTimeout        = "no answer from the server in time (check the host, the port and the security setting)"
)

// failAt wraps pe as a failure of step, shown as msg.
func failAt(step, msg string, pe *provider.Error) *StepError {
	return &StepError{Step: step, Message: msg, Err: pe}
}

// dialFailure classifies a guarded dial that failed.
func dialFailure(err error) *StepError {
	var ge *netguard.Error
	if !errors.As(err, &ge) {
		return failAt(StepConnect, "could not connect to the server", classifyConn(err))
	}
	// The guard's sentence is the message; its cause (a resolver or dial
	// error, none for a refused address) is Err, so the text is not said twice.
	pe := &provider.Error{Kind: provider.Transient, Code: "connection", Message: ge.Error(), Err: ge.Err}
	if ge.Refused {
		pe.Kind, pe.Code = provider.Auth, "address_refused" // only the user's settings can change it
	}
	return failAt(ge.Step, ge.Error(), pe)
}

// openFailure classifies a failure between the TCP connection and the
// login (greeting, EHLO, STARTTLS, TLS handshake) of server ("SMTP" or
// "IMAP"), from the error's type only.
func openFailure(server string, err error) *StepError {
	pe := classifyConn(err)
	var se *smtp.SMTPError
	var ie *imap.Error
	switch {
	case isTLSFailure(err):
		if pe.Code == "tls_certificate" {
			return failAt(StepTLS, msgCertificate, pe)
		}
		pe.Kind = provider.Auth
		return failAt(StepTLS, msgHandshake, pe)
	case strings.Contains(err.Error(), "STARTTLS"): // go-smtp: "smtp: server doesn't support STARTTLS"
		return failAt(StepTLS, msgNoStartTLS, &provider.Error{Kind: provider.Auth, Code: "no_starttls", Message: msgNoStartTLS, Err: err})
	case errors.As(err, &se):
		pe = classifySMTP(se, stageConnect)
	case errors.As(err, &ie):
		// A NO or BAD to STARTTLS: the server does not do it here.
		pe = classifyIMAP(ie, true)
		return failAt(StepTLS, msgNoStartTLS, pe)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || isTimeout(err):
		return failAt(StepConnect, msgTimeout, pe)
	}
	return failAt(StepConnect, "the server did not answer as an "+server+" server (check the port and the security setting)", pe)
}

func isTLSFailure(err error) bool {
	return isCertificateFailure(err) || isHandshakeFailure(err) || strings.Contains(err.Error(), "tls: ")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// smtpAuthFailure classifies a refused SMTP login.
func smtpAuthFailure(err error) *StepError {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return openFailure("SMTP", err)
	}
	pe := classifySMTP(se, stageConnect)
	if se.Code >= 400 && se.Code < 500 {
		return failAt(StepAuth, "the SMTP server could not check the login just now; try again later", pe)
	}
	return failAt(StepAuth, "the SMTP server refused the username or password", pe)
}

// imapAuthFailure classifies a refused IMAP login (or SELECT INBOX after it).
func imapAuthFailure(err error, msg string) *StepError {
	var ie *imap.Error
	if !errors.As(err, &ie) {
		return openFailure("IMAP", err)
	}
	return failAt(StepAuth, msg, classifyIMAP(ie, true))
}
