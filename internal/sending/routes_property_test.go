package sending_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Whatever the routes, replies, categorisations and recategorisations, no
// lead ever gets two steps of one sequence position (main or route), and no
// main step goes out after one of the lead's route steps went.
func TestRoutesNeverSendAPositionTwice(t *testing.T) {
	categories := []string{"interested", "meeting_request", "not_interested", "wrong_person", "other", "out_of_office", "unsubscribe"}
	texts := []string{"not now, maybe next quarter", "Interested!", "not interested", "call me later",
		"> interested?\nno thanks", "who is this?", "next quarter works, not now"}
	keywords := []string{"later", "next quarter", "interested", "no thanks", "budget"}
	routeSends := 0
	seeds := 6
	if testing.Short() {
		seeds = 2
	}
	for seed := range seeds {
		rnd := rand.New(rand.NewPCG(uint64(seed), 16))
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		h := newHarness(t, start)
		mb := h.mailbox("s@sender.test", 500, 500, 0, 0)
		leads := h.leads(8)
		seq := campaign.SequenceInput{Steps: []campaign.StepInput{{Subject: "Hi", Body: "One"}}}
		for range 1 + rnd.IntN(3) {
			st := campaign.StepInput{DelayDays: rnd.IntN(2), DelayMinutes: rnd.IntN(120), Body: "Main follow-up"}
			if rnd.IntN(3) == 0 {
				st.SkipIf = &routing.SkipIf{Op: routing.OpRepliedElsewhere}
			} else if rnd.IntN(3) == 0 {
				st.SkipIf = &routing.SkipIf{Field: "company", Op: routing.OpEquals, Value: "Acme"}
			}
			seq.Steps = append(seq.Steps, st)
		}
		for r := range 1 + rnd.IntN(routing.MaxRoutes) {
			ri := campaign.RouteInput{Name: "R" + string(rune('A'+r))}
			if rnd.IntN(2) == 0 {
				ri.When.Categories = []string{categories[rnd.IntN(5)]}
			}
			if len(ri.When.Categories) == 0 || rnd.IntN(2) == 0 {
				ri.When.Keywords = []string{keywords[rnd.IntN(len(keywords))]}
			}
			for range 1 + rnd.IntN(3) {
				ri.Steps = append(ri.Steps, routing.Step{DelayDays: rnd.IntN(2), DelayMinutes: rnd.IntN(90), Body: "Route step"})
			}
			seq.Routes = append(seq.Routes, ri)
		}
		id := h.campaignWith(campaign.Input{Name: ptr("P"), Timezone: ptr("UTC"), SendDays: &[]int{1, 2, 3, 4, 5, 6, 7},
			SendStart: ptr("00:00"), SendEnd: ptr("24:00"), MailboxIDs: &[]string{mb.ID}}, seq, leads)
		h.launch(id)
		for range 40 {
			h.clock.Set(h.clock.Now().Add(time.Duration(rnd.IntN(20)) * time.Hour))
			h.tick()
			// Replies one by one, or several (a lead's twice, maybe) routed
			// together as a sync page routes them (enrollment.RouteReplies).
			var reqs []enrollment.RouteRequest
			for range rnd.IntN(4) {
				cl := h.campaignLead(id, leads[rnd.IntN(len(leads))])
				reqs = append(reqs, enrollment.RouteRequest{CampaignLeadID: cl.ID, Category: categories[rnd.IntN(len(categories))],
					Text: texts[rnd.IntN(len(texts))], Manual: rnd.IntN(3) == 0})
			}
			together := rnd.IntN(2) == 0
			for i := range reqs {
				if together && i > 0 {
					break
				}
				batch := reqs[i : i+1]
				if together {
					batch = reqs
				}
				err := h.st.InTx(h.ctx, func(tx *store.Tx) error {
					for _, r := range batch {
						if r.Manual {
							continue
						}
						if _, err := enrollment.RecordReply(h.ctx, tx, h.p.WorkspaceID, r.CampaignLeadID, h.clock.Now()); err != nil {
							return err
						}
					}
					_, err := enrollment.RouteReplies(h.ctx, tx, h.p.WorkspaceID, batch, h.clock.Now())
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		h.runUntil(h.clock.Now().Add(30 * 24 * time.Hour))
		total := 0
		for _, lead := range leads {
			seen := map[int]bool{}
			var lastMain, firstRoute *time.Time
			for _, j := range h.jobs(id, lead) {
				if j.Status != store.JobSent {
					continue
				}
				total++
				if seen[j.Step] {
					t.Fatalf("seed %d: lead %s got position %d twice", seed, lead, j.Step)
				}
				seen[j.Step] = true
				if r, _ := routing.Split(j.Step); r == 0 {
					if lastMain == nil || j.SentAt.After(*lastMain) {
						lastMain = j.SentAt
					}
				} else {
					routeSends++
					if firstRoute == nil || j.SentAt.Before(*firstRoute) {
						firstRoute = j.SentAt
					}
				}
			}
			if lastMain != nil && firstRoute != nil && lastMain.After(*firstRoute) {
				t.Fatalf("seed %d: lead %s got a main step at %v after a route step at %v", seed, lead, lastMain, firstRoute)
			}
		}
		if got := len(h.sentBy(mb.ID)); got != total {
			t.Fatalf("seed %d: the mailbox sent %d messages for %d sent jobs", seed, got, total)
		}
	}
	if routeSends == 0 {
		t.Fatal("no route step went out: the test proves nothing")
	}
	t.Logf("%d route steps sent", routeSends)
}
