package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

// migrate is `leadbitz migrate [--status | --dry-run]`. Without a flag it
// applies what is pending (app.New migrates under the migration lock);
// --status and --dry-run only read.
func migrate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	status := fs.Bool("status", false, "list every migration, applied or pending, and change nothing")
	dryRun := fs.Bool("dry-run", false, "list the migrations that would run, and change nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *status || *dryRun {
		st, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer st.Close()
		states, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		if *status {
			return printMigrationStatus(stdout, st.Dialect(), states)
		}
		return printDryRun(stdout, states)
	}
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

func printMigrationStatus(w io.Writer, d store.Dialect, states []store.MigrationState) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s database\n", d)
	fmt.Fprintln(tw, "VERSION\tNAME\tSTATE\tAPPLIED AT")
	pending, unknown := 0, 0
	for _, s := range states {
		state := "applied"
		switch {
		case !s.Applied:
			state, pending = "pending", pending+1
		case !s.Known:
			state, unknown = "applied, unknown to this binary", unknown+1
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\t%s\n", s.Version, s.Name, state, s.AppliedAt)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case unknown > 0:
		_, err := fmt.Fprintf(w, "%d migration(s) come from a newer leadbitz: this binary will refuse to serve (docs/upgrading.md)\n", unknown)
		return err
	case pending > 0:
		_, err := fmt.Fprintf(w, "%d pending: `leadbitz migrate` (or `serve`) applies them\n", pending)
		return err
	}
	_, err := fmt.Fprintln(w, "up to date")
	return err
}

func printDryRun(w io.Writer, states []store.MigrationState) error {
	var pending []store.MigrationState
	for _, s := range states {
		if s.Applied && !s.Known {
			return fmt.Errorf("migration %04d_%s is applied but unknown to this binary: the database is newer than this leadbitz (docs/upgrading.md)", s.Version, s.Name)
		}
		if !s.Applied {
			pending = append(pending, s)
		}
	}
	if len(pending) == 0 {
		_, err := fmt.Fprintln(w, "nothing to apply: the schema is up to date")
		return err
	}
	fmt.Fprintf(w, "would apply %d migration(s), each in its own transaction, in this order:\n", len(pending))
	for _, s := range pending {
		fmt.Fprintf(w, "  %04d_%s\n", s.Version, s.Name)
	}
	_, err := fmt.Fprintln(w, "(dry run: nothing was changed)")
	return err
}
