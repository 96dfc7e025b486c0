package sending

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// noJitter draws the smallest gap every time.
type noJitter struct{}

func (noJitter) Int64N(int64) int64 { return 0 }

// TestDecideMailbox is the claim's decision for one mailbox's due jobs, with
// no database: each case lists what happens to each job, in the order
// decideMailbox takes them.
func TestDecideMailbox(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a Monday
	job := func(id string, step int, mod ...func(*store.JobWork)) *store.JobWork {
		w := &store.JobWork{
			Job:          store.SendJob{ID: id, CampaignID: "c", MailboxID: "ib", Step: step, DueAt: now.Add(-time.Hour)},
			Lead:         store.Lead{ID: "l-" + id, Email: id + "@lead.test", Status: store.LeadActive},
			CampaignLead: store.CampaignLead{ID: "cl-" + id, CampaignID: "c", Status: store.CampaignLeadActive},
		}
		for _, m := range mod {
			m(w)
		}
		return w
	}
	dueEarlier := func(w *store.JobWork) { w.Job.DueAt = now.Add(-2 * time.Hour) }
	bounced := func(w *store.JobWork) { w.Lead.Status = store.LeadBounced }
	cases := []struct {
		name string
		jobs []*store.JobWork
		// setup changes the base claim: one UTC mailbox (cap 10, no gap),
		// one active campaign sending all week, a two-step sequence.
		setup func(*mailboxClaim)
		want  []string
		usage int // the mailbox's sends today after the claim, -1 when nothing was reserved
	}{
		{name: "every job that may go is claimed",
			jobs: []*store.JobWork{job("a", 1), job("b", 1)}, want: []string{"a claim", "b claim"}, usage: 2},
		{name: "follow-ups first, then the cap defers the rest",
			jobs:  []*store.JobWork{job("a", 1, dueEarlier), job("b", 2)},
			setup: func(in *mailboxClaim) { in.mailbox.DailyCap = 1 },
			want:  []string{"b claim", "a defer inbox_daily_cap 2026-03-03T00:00:00Z"}, usage: 1},
		{name: "the gap after a send defers the next job",
			jobs:  []*store.JobWork{job("a", 1), job("b", 1)},
			setup: func(in *mailboxClaim) { in.mailbox.MinGapSeconds = 600 },
			want:  []string{"a claim", "b defer min_gap 2026-03-02T10:10:00Z"}, usage: 1},
		{name: "a mailbox whose zone cannot be read holds every job",
			jobs:  []*store.JobWork{job("a", 1), job("b", 1)},
			setup: func(in *mailboxClaim) { in.mailbox.Timezone = "Mars/Olympus" },
			want:  []string{"a hold inbox_error", "b hold inbox_error"}, usage: -1},
		{name: "a provider this build lacks holds every job",
			jobs:  []*store.JobWork{job("a", 1)},
			setup: func(in *mailboxClaim) { in.canSend = false },
			want:  []string{"a hold provider_unavailable"}, usage: -1},
		{name: "an unreadable schedule holds",
			jobs:  []*store.JobWork{job("a", 1)},
			setup: func(in *mailboxClaim) { in.camps["c"].schedOK = false },
			want:  []string{"a hold schedule_invalid"}, usage: -1},
		{name: "templates that no longer parse hold",
			jobs: []*store.JobWork{job("a", 1)},
			setup: func(in *mailboxClaim) {
				in.seqs["c"] = loadedSequence{err: errTest("step 1 variant A subject: unclosed {{")}
			},
			want: []string{"a hold message_invalid"}, usage: -1},
		{name: "a step the sequence lost cancels and completes the lead",
			jobs: []*store.JobWork{job("a", 3)}, want: []string{"a cancel step_removed, stop completed"}, usage: -1},
		{name: "a bounced lead cancels and stops as bounced",
			jobs: []*store.JobWork{job("a", 1, bounced)}, want: []string{"a cancel lead_bounced, stop bounced"}, usage: -1},
		{name: "a suppressed address stops the lead",
			jobs:  []*store.JobWork{job("a", 1)},
			setup: func(in *mailboxClaim) { in.suppressed["ws\x00a@lead.test"] = true },
			want:  []string{"a stop suppressed"}, usage: -1},
		{name: "no postal address defers a quarter of an hour",
			jobs:  []*store.JobWork{job("a", 1)},
			setup: func(in *mailboxClaim) { in.hasAddress = false },
			want:  []string{"a defer postal_address_missing 2026-03-02T10:15:00Z"}, usage: -1},
		{name: "a job that cannot be rendered holds and leaves its slot to the next",
			jobs: []*store.JobWork{job("a", 1), job("b", 1)},
			setup: func(in *mailboxClaim) {
				in.mailbox.DailyCap = 1
				next := in.prepare
				in.prepare = func(c *campaignState, seq *Sequence, w *store.JobWork) prepared {
					if w.Job.ID == "a" {
						return prepared{problemReason: rules.ReasonMissingField, problem: "no first name"}
					}
					return next(c, seq, w)
				}
			},
			want: []string{"a hold missing_merge_field", "b claim"}, usage: 1},
		{name: "a paused campaign holds",
			jobs:  []*store.JobWork{job("a", 1)},
			setup: func(in *mailboxClaim) { in.camps["c"].Status = store.CampaignPaused },
			want:  []string{"a hold campaign_paused"}, usage: -1},
		{name: "outside the window defers to its opening",
			jobs:  []*store.JobWork{job("a", 1)},
			setup: func(in *mailboxClaim) { in.camps["c"].sched.Start = 14 * 60 },
			want:  []string{"a defer outside_window 2026-03-02T14:00:00Z"}, usage: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := baseMailboxClaim(now)
			in.jobs = tc.jobs
			if tc.setup != nil {
				tc.setup(&in)
			}
			actions, usage, err := decideMailbox(in)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(actions))
			for i, a := range actions {
				got[i] = describeAction(a)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decided\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			sent := -1
			if usage != nil {
				sent = usage.SentToday
			}
			if sent != tc.usage {
				t.Errorf("mailbox usage %d, want %d", sent, tc.usage)
			}
			if c := in.camps["c"]; c.changed != (tc.usage > 0) || (tc.usage > 0 && c.SentToday != tc.usage) {
				t.Errorf("campaign count %d (changed %v), want %d", c.SentToday, c.changed, tc.usage)
			}
		})
	}
	t.Run("a campaign the claim did not lock is an error", func(t *testing.T) {
		in := baseMailboxClaim(now)
		in.jobs = []*store.JobWork{job("a", 1)}
		in.jobs[0].Job.CampaignID = "other"
		if _, _, err := decideMailbox(in); err == nil {
			t.Error("decided a job of a campaign that is not locked")
		}
	})
}

type errTest string

func (e errTest) Error() string { return string(e) }

func baseMailboxClaim(now time.Time) mailboxClaim {
	week := [7]bool{true, true, true, true, true, true, true}
	c := &campaignState{WorkspaceCampaign: store.WorkspaceCampaign{WorkspaceID: "ws",
		Campaign: store.Campaign{ID: "c", Status: store.CampaignActive, Timezone: "UTC"}},
		sched: rules.Schedule{Timezone: time.UTC, Days: week, Start: 0, End: 24 * 60}, schedOK: true,
		today: now.Format("2006-01-02")}
	return mailboxClaim{
		mailbox: store.WorkspaceMailbox{WorkspaceID: "ws", Mailbox: store.Mailbox{ID: "ib", Provider: store.ProviderSandbox,
			Email: "me@sender.test", Status: store.MailboxActive, DailyCap: 10, Timezone: "UTC"}},
		camps:      map[string]*campaignState{"c": c},
		seqs:       map[string]loadedSequence{"c": {seq: &Sequence{Steps: make([]Step, 2)}}},
		suppressed: map[string]bool{},
		canSend:    true,
		hasAddress: true,
		prepare: func(_ *campaignState, _ *Sequence, w *store.JobWork) prepared {
			return prepared{claim: &claim{w: *w}}
		},
		now: now,
		rnd: noJitter{},
	}
}

// describeAction is an action as the table reads it: "<job> <kind>
// [reason] [run at][, stop <status>]".
func describeAction(a jobAction) string {
	s := a.w.Job.ID + " " + [...]string{"hold", "cancel", "stop", "defer", "claim"}[a.kind]
	if a.reason != "" {
		s += " " + a.reason
	}
	if !a.runAt.IsZero() {
		s += " " + a.runAt.Format(time.RFC3339)
	}
	if a.stop != nil {
		if a.kind == actStop {
			s += " " + a.stop.status
		} else {
			s += ", stop " + a.stop.status
		}
	}
	return s
}
