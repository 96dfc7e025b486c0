package realmail

import (
	"context"
	"errors"
	"os"
	"testing"
)

// Require starts a server for t and stops it when t ends. When this machine
// cannot run Postfix and Dovecot (ErrUnavailable) the test is skipped with
// the reason, except under CI=true: CI installs them, so their absence there
// is a failure, never a silent skip. It returns nil only when t was skipped
// or failed.
func Require(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(context.Background(), opts)
	switch {
	case err == nil:
	case errors.Is(err, ErrUnavailable) && os.Getenv("CI") != "true":
		t.Skipf("real mail server test skipped: %v", err)
		return nil
	default:
		t.Fatalf("start postfix and dovecot: %v", err)
		return nil
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mail server logs:\n%s", s.Logs())
		}
		if err := s.Stop(); err != nil {
			t.Errorf("stop mail server: %v", err)
		}
	})
	return s
}
