package smtpimap

import (
	"context"
	"errors"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// VerifyError says which side of a connection check failed. Each field is
// nil or a *provider.Error carrying the server's answer; Error() is a
// sentence fit to show the user (API 422 connection_failed).
type VerifyError struct {
	SMTP               error
	IMAP               error
	smtpAddr, imapAddr string
}

func (e *VerifyError) Error() string {
	var parts []string
	if e.SMTP != nil {
		parts = append(parts, "SMTP "+e.smtpAddr+": "+answer(e.SMTP))
	}
	if e.IMAP != nil {
		parts = append(parts, "IMAP "+e.imapAddr+": "+answer(e.IMAP))
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

func answer(err error) string {
	var pe *provider.Error
	if !errors.As(err, &pe) {
		return err.Error()
	}
	switch {
	case pe.Code == "" || strings.Contains(pe.Code, "_") || pe.Code == "connection" || pe.Code == "timeout" || pe.Code == "tls":
		return pe.Message // our own words or a network error
	default:
		return pe.Code + " " + pe.Message // the server's answer with its codes
	}
}

// Verify checks that cfg works before it is saved: SMTP connect, TLS and
// authentication, and IMAP login and SELECT INBOX. It returns nil or a
// *VerifyError. Nothing is sent or changed.
func Verify(ctx context.Context, cfg Config) error {
	if err := cfg.setDefaults(); err != nil {
		return &VerifyError{SMTP: &provider.Error{Kind: provider.Permanent, Code: "invalid_config", Message: err.Error()}}
	}
	ve := &VerifyError{smtpAddr: cfg.SMTP.addr(), imapAddr: cfg.IMAP.addr()}
	if s, err := openSMTP(ctx, &cfg); err != nil {
		ve.SMTP = err
	} else {
		s.quit()
	}
	if c, err := openIMAP(ctx, &cfg); err != nil {
		ve.IMAP = err
	} else {
		if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			ve.IMAP = imapError(err, false)
		}
		_ = c.Logout().Wait()
		_ = c.Close()
	}
	if ve.SMTP == nil && ve.IMAP == nil {
		return nil
	}
	return ve
}
