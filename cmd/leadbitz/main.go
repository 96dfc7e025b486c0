// Command leadbitz is the whole product in one binary.
//
//	leadbitz serve       web UI + JSON API + background workers
//	leadbitz migrate     apply database migrations
//	leadbitz rotate-key  re-encrypt stored secrets under the current key
//
// Configuration comes from the environment (see the README).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones for schedules on machines without them

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

const usage = `usage: leadbitz <command> [flags]

commands:
  serve        run the web app, the API and the background workers
  migrate      apply pending database migrations and exit
  rotate-key   re-encrypt stored secrets with the first key of LEADBITZ_SECRET_KEY
  tick         run one send tick (due sends) and exit
  sync         read every active mailbox once (replies, bounces) and exit
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "leadbitz:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, args[1:])
	case "migrate":
		return migrate(ctx, cfg, log)
	case "rotate-key":
		return rotateKey(ctx, cfg, log, stdout)
	case "bench":
		return bench(ctx, args[1:], stdout)
	case "tick":
		return tick(ctx, cfg, log, stdout)
	case "sync":
		return syncMailboxes(ctx, cfg, log, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	noMigrate := fs.Bool("no-migrate", false, "do not apply migrations at start (refuse to run on an old schema instead)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, env.New(log, time.Now), app.Options{SkipMigrate: *noMigrate})
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Serve(ctx, nil)
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	a, err := app.New(ctx, cfg, env.New(log, time.Now), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	current, _, err := a.Store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	log.Info("database schema is current", "version", current, "dialect", a.Store.Dialect().String())
	return nil
}

func rotateKey(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	a, err := app.New(ctx, cfg, env.New(log, time.Now), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	creds, err := a.Store.EncryptedCredentials(ctx)
	if err != nil {
		return err
	}
	rotated, skipped := 0, 0
	for _, c := range creds {
		if !a.Keys.NeedsRotation(c.Ciphertext) {
			continue
		}
		fresh, err := a.Keys.Rotate(c.Ciphertext, store.CredentialsAD(c.MailboxID))
		if err != nil {
			return fmt.Errorf("inbox %s: %w", c.MailboxID, err)
		}
		ok, err := a.Store.ReplaceCredential(ctx, c.MailboxID, c.Ciphertext, fresh)
		if err != nil {
			return err
		}
		if ok {
			rotated++
		} else {
			skipped++
		}
	}
	fmt.Fprintf(stdout, "re-encrypted %d secrets under the current key; %d changed meanwhile (run again)\n", rotated, skipped)
	return nil
}
