package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
)

const userUsage = `usage: leadbitz user <command>

commands:
  list                  every account: address, name, administrator, confirmed, created
  reset-password EMAIL  print a one-time link (1 h) to choose a new password
  make-admin EMAIL      make the account an administrator of this instance
`

// user is `leadbitz user …`: account recovery and administration for a
// self-hoster at the command line, mail server or not.
func user(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("user: no command given")
	}
	needsEmail := args[0] == "reset-password" || args[0] == "make-admin"
	if needsEmail && len(args) != 2 {
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("user %s: give one EMAIL", args[0])
	}
	switch args[0] {
	case "list", "reset-password", "make-admin":
	default:
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("user: unknown command %q", args[0])
	}
	// Logs go to stderr: stdout is the answer (a link to copy).
	a, err := app.New(ctx, cfg, env.New(log, time.Now), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	switch args[0] {
	case "list":
		users, err := a.Accounts.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tNAME\tADMIN\tCONFIRMED\tCREATED")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, yesNo(u.IsAdmin), yesNo(u.EmailVerifiedAt != nil),
				u.CreatedAt.UTC().Format("2006-01-02 15:04"))
		}
		return tw.Flush()
	case "reset-password":
		link, err := a.Accounts.ResetLink(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Open this link within an hour to choose a new password for %s (it works once):\n%s\n", args[1], link)
		return nil
	default:
		u, err := a.Accounts.MakeAdmin(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now an administrator of this instance.\n", u.Email)
		return nil
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
