package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["seqedit"] = benchSeqEdit }

// benchSeqEdit is `leadbitz-bench seqedit`: it seeds one active campaign of
// `leads` campaign leads, each with a scheduled step-1 job (the tick
// bench's data), then times the saves of internal/campaign/edit.go on it:
//
//  1. the dry run of a text edit of step 2 (reads every active lead);
//
//  2. that edit saved (a new version; no job changes);
//
//  3. step 1's delay changed (every pending job retimed, 500 per statement);
//
//  4. a step inserted before step 2 (keys and progress remapped).
//
//     leadbitz-bench seqedit                                   # SQLite in a temp dir
//     leadbitz-bench seqedit --db postgres://…/empty_db        # Postgres
func benchSeqEdit(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench seqedit", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	leads := fs.Int("leads", 100_000, "campaign leads of the campaign")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	u, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	start := time.Now()
	if err := st.SeedSendBench(ctx, store.SendBench{WorkspaceID: ws.ID, Campaigns: 1, Mailboxes: 1,
		LeadsPerCampaign: *leads, Now: now}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: seeded one active campaign of %d campaign leads with step-1 jobs in %s\n",
		st.Dialect(), *leads, time.Since(start).Round(time.Millisecond))
	list, err := st.InWorkspace(ws.ID).Campaigns(ctx, store.CampaignActive, "", 1)
	if err != nil || len(list) != 1 {
		return fmt.Errorf("bench: the seeded campaign: %v", err)
	}
	id := list[0].ID
	svc := campaign.New(st, env.New(nil, nil))
	p := account.Principal{User: u, WorkspaceID: ws.ID, Role: store.RoleOwner}
	step := func(position, days int, subject, body string) campaign.StepInput {
		return campaign.StepInput{Position: position, DelayDays: days, Subject: subject, Body: body}
	}
	first := step(1, 0, `Quick question, {{firstName | "there"}}`, "Hello")
	timed := func(label string, fn func() (campaign.EditSummary, error)) error {
		t0 := time.Now()
		sum, err := fn()
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		fmt.Fprintf(stdout, "%s: %s (version %d → %d)\n", label, time.Since(t0).Round(time.Millisecond), sum.Version, sum.NewVersion)
		return nil
	}
	save := func(in campaign.SequenceInput) (campaign.EditSummary, error) {
		v, err := svc.PutSequence(ctx, p, id, in, account.Meta{})
		if err != nil || v.Edit == nil {
			return campaign.EditSummary{}, err
		}
		return *v.Edit, nil
	}
	text := campaign.SequenceInput{Steps: []campaign.StepInput{first, step(2, 3, "", "Following up (v2)")}}
	if err := timed("dry run of a text edit", func() (campaign.EditSummary, error) { return svc.DryRunSequence(ctx, p, id, text) }); err != nil {
		return err
	}
	if err := timed("text edit saved", func() (campaign.EditSummary, error) { return save(text) }); err != nil {
		return err
	}
	delayed := campaign.SequenceInput{Steps: []campaign.StepInput{step(1, 1, first.Subject, first.Body), text.Steps[1]}}
	if err := timed("step 1's delay changed (every job retimed)", func() (campaign.EditSummary, error) { return save(delayed) }); err != nil {
		return err
	}
	inserted := campaign.SequenceInput{Steps: []campaign.StepInput{delayed.Steps[0], step(0, 2, "", "New step"), text.Steps[1]}}
	return timed("a step inserted before step 2", func() (campaign.EditSummary, error) { return save(inserted) })
}
