package main

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// TestUserCommands: a self-hoster without a mail server lists accounts,
// makes one an administrator and gets a reset link that works once.
func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	settings := map[string]string{"DATABASE_URL": storetest.URL(t), "LEADBITZ_DATA_DIR": t.TempDir(),
		"LEADBITZ_BASE_URL": "https://leadbitz.example.com"}
	getenv := func(k string) string { return settings[k] }
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, cfg, env.New(nil, nil), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, email := range []string{"first@example.com", "second@example.com"} {
		if _, _, _, err := a.Accounts.Signup(ctx, account.SignupInput{Email: email, Password: "long enough pw", Name: "N"}, account.Meta{IP: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	cli := func(args ...string) (string, error) {
		var out, errs bytes.Buffer
		err := run(ctx, append([]string{"user"}, args...), getenv, &out, &errs)
		return out.String(), err
	}

	out, err := cli("make-admin", "Second@Example.com")
	if err != nil || !strings.Contains(out, "second@example.com is now an administrator") {
		t.Fatalf("make-admin: %q %v", out, err)
	}
	out, err = cli("list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !regexp.MustCompile(`^first@example\.com\s+N\s+yes\s+no`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^second@example\.com\s+N\s+yes\s+no`).MatchString(lines[2]) {
		t.Fatalf("list:\n%s", out)
	}
	out, err = cli("reset-password", "first@example.com")
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https://leadbitz\.example\.com/reset\?token=\S+`).FindString(out)
	if link == "" {
		t.Fatalf("reset-password printed no link: %q", out)
	}
	u, _ := url.Parse(link)
	in := account.ResetInput{Token: u.Query().Get("token"), Password: "a new long password"}
	if err := a.Accounts.ResetPassword(ctx, in, account.Meta{}); err != nil {
		t.Fatalf("the printed link: %v", err)
	}
	if err := a.Accounts.ResetPassword(ctx, in, account.Meta{}); err == nil {
		t.Fatal("the printed link worked twice")
	}
	if _, _, err := a.Accounts.Login(ctx, "first@example.com", "a new long password", "", account.Meta{IP: "192.0.2.1"}); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	for _, args := range [][]string{{"reset-password", "nobody@example.com"}, {"make-admin"}, {"frobnicate"}} {
		if _, err := cli(args...); err == nil {
			t.Errorf("user %v: no error", args)
		}
	}
}
