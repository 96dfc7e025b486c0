package smtpimap

import (
	"context"
	"errors"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// VerifyError says which side of a connection check failed. Each field is
// nil or a *StepError (wrapping a *provider.Error with the server's
// answer, for logs). Error() and Failures() are in our words, fit to show
// the user (API 422 connection_failed): never the server's banner or text.
type VerifyError struct {
	SMTP               error
	IMAP               error
	smtpAddr, imapAddr string
}

// Failure is one side's failed step, in our words.
type Failure struct {
	Server  string // "smtp" or "imap"
	Step    string // StepDNS, StepConnect, StepTLS, StepAuth ("config" for settings refused before dialing)
	Message string
}

// Failures lists the failed sides, SMTP first.
func (e *VerifyError) Failures() []Failure {
	var out []Failure
	for _, side := range []struct {
		server string
		err    error
	}{{"smtp", e.SMTP}, {"imap", e.IMAP}} {
		if side.err != nil {
			step, msg := describe(side.err)
			out = append(out, Failure{Server: side.server, Step: step, Message: msg})
		}
	}
	return out
}

func (e *VerifyError) Error() string {
	var parts []string
	for _, f := range e.Failures() {
		addr := e.smtpAddr
		if f.Server == "imap" {
			addr = e.imapAddr
		}
		parts = append(parts, strings.ToUpper(f.Server)+" "+addr+": "+f.Step+": "+f.Message)
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes both failures to errors.As and provider.Kind (SMTP first).
func (e *VerifyError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.SMTP, e.IMAP} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// describe returns the step and our sentence for one side's failure.
func describe(err error) (step, msg string) {
	var se *StepError
	if errors.As(err, &se) {
		return se.Step, se.Message
	}
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Code == "invalid_config" {
		return "config", pe.Message // our own validation
	}
	return StepConnect, "the connection failed"
}

// Verify checks that cfg works before it is saved: SMTP connect, TLS and
// authentication, and IMAP login and SELECT INBOX. It returns nil or a
// *VerifyError. Nothing is sent or changed.
func Verify(ctx context.Context, cfg Config) error {
	ve := &VerifyError{smtpAddr: cfg.SMTP.addr(), imapAddr: cfg.IMAP.addr()}
	if err := cfg.setDefaults(); err != nil {
		ve.SMTP = &provider.Error{Kind: provider.Permanent, Code: "invalid_config", Message: err.Error()}
		return ve
	}
	if s, err := openSMTP(ctx, &cfg); err != nil {
		ve.SMTP = err
	} else {
		s.quit()
	}
	if c, err := openIMAP(ctx, &cfg); err != nil {
		ve.IMAP = err
	} else {
		if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			ve.IMAP = imapAuthFailure(err, "the IMAP server logged in but did not open INBOX")
		}
		_ = c.Logout().Wait()
		_ = c.Close()
	}
	if ve.SMTP == nil && ve.IMAP == nil {
		return nil
	}
	return ve
}
