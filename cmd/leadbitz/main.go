// Command leadbitz is the whole product in one binary.
//
//	leadbitz serve       web UI + JSON API + background workers
//	leadbitz migrate     apply database migrations
//	leadbitz rotate-key  re-encrypt stored secrets under the current key
//	leadbitz doctor      check that the installation can run
//	leadbitz version     the build's version, commit, Go version and schema
//	leadbitz user        list accounts, reset a password, make an administrator
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
	"runtime/debug"
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
               (--status: list applied and pending; --dry-run: what would run)
  rotate-key   re-encrypt stored secrets with the first key of LEADBITZ_SECRET_KEY
  tick         run one send tick (due sends) and exit
  sync         read every active mailbox once (replies, bounces) and exit
  backup       write a backup archive (database, key file, manifest): backup FILE
  restore      restore a backup archive (server stopped): restore [--force] FILE
  doctor       check the installation (database, key, URL, Redis, clock, DNS,
               outbound ports); exits 1 naming the setting to fix
  healthcheck  ask this server's /readyz (the container's HEALTHCHECK)
  version      print the version, commit, Go version and the schema it expects
  user         list accounts, print a password reset link, make an administrator
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
	// Commands that need no configuration work whatever the environment holds.
	switch args[0] {
	case "version", "-version", "--version":
		return printVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
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
		return migrate(ctx, cfg, log, args[1:], stdout)
	case "rotate-key":
		return rotateKey(ctx, cfg, log, stdout)
	case "doctor":
		return runDoctor(ctx, cfg, args[1:], stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg, args[1:], stdout)
	case "tick":
		return tick(ctx, cfg, log, stdout)
	case "sync":
		return syncMailboxes(ctx, cfg, log, stdout)
	case "backup":
		return backupCmd(ctx, cfg, args[1:], stdout)
	case "restore":
		return restoreCmd(ctx, cfg, args[1:], stdout)
	case "user":
		return user(ctx, cfg, slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), args[1:], stdout, stderr)
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
	// Starting allocates far more than serving idle needs (the argon2
	// dummy hash, the classifier's regular expressions, the templates): hand
	// that memory back to the system once, instead of letting the idle heap
	// keep it (docs/benchmarks.md, "The product binary").
	ready := make(chan app.Listening, 1)
	go func() {
		if _, ok := <-ready; ok {
			debug.FreeOSMemory()
		}
	}()
	return a.Serve(ctx, ready)
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
