package realmail_test

import (
	"errors"
	"testing"

	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/realmail"
)

// recorder stands in for the test Require is given.
type recorder struct {
	testing.TB
	skipped, fatal bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Skipf(string, ...any)  { r.skipped = true }
func (r *recorder) Fatalf(string, ...any) { r.fatal = true }

func TestRequireWithoutBinaries(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no postfix, no dovecot
	if err := realmail.Available(); !errors.Is(err, realmail.ErrUnavailable) {
		t.Fatalf("Available() = %v, want ErrUnavailable", err)
	}
	for _, tc := range []struct {
		ci          string
		skip, fatal bool
	}{
		{ci: "", skip: true},
		{ci: "false", skip: true},
		{ci: "true", fatal: true},
	} {
		t.Setenv("CI", tc.ci)
		r := &recorder{TB: t}
		if s := realmail.Require(r, realmail.Options{}); s != nil {
			t.Fatalf("CI=%q: got a server without binaries", tc.ci)
		}
		if r.skipped != tc.skip || r.fatal != tc.fatal {
			t.Errorf("CI=%q: skipped %v, failed %v; want %v, %v", tc.ci, r.skipped, r.fatal, tc.skip, tc.fatal)
		}
	}
}
