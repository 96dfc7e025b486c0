package enrollment

import (
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestDecideRoute: what one reply of one campaign lead plans, without a
// database.
func TestDecideRoute(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	later := routing.Route{Name: "Later", When: routing.When{Keywords: []string{"later"}},
		Steps: []routing.Step{{DelayDays: 1, Body: "Talk soon"}}}
	warm := routing.Route{Name: "Warm", When: routing.When{Categories: []string{"interested"}},
		Steps: []routing.Step{{DelayMinutes: 30, Body: "Calendar"}}}
	withRoutes := &campaignRoutes{Campaign: store.Campaign{ID: "c1", Name: "Q1"}, routes: []routing.Route{later, warm}, loc: time.UTC}
	state := func(clStatus, leadStatus string, current int, firstSent bool) *store.RouteState {
		st := &store.RouteState{CampaignLead: store.CampaignLead{ID: "cl1", CampaignID: "c1", LeadID: "l1", MailboxID: "m1",
			Status: clStatus}, Lead: store.Lead{ID: "l1", Email: "ann@acme.test", FirstName: "Ann", Status: leadStatus}}
		st.Current, st.FirstStepSent = current, firstSent
		if current != 0 {
			st.Entered = []int{current}
		}
		return st
	}
	cases := []struct {
		name      string
		req       RouteRequest
		st        *store.RouteState
		c         *campaignRoutes
		enter     int
		due       time.Time
		leave     int
		completes bool
	}{
		{"no routes", RouteRequest{Category: "interested"}, state("replied", "active", 0, false), &campaignRoutes{loc: time.UTC}, 0, time.Time{}, 0, false},
		{"unsubscribed lead", RouteRequest{Category: "interested"}, state("replied", "unsubscribed", 0, false), withRoutes, 0, time.Time{}, 0, false},
		{"lead stopped by hand", RouteRequest{Category: "interested"}, state("stopped", "active", 0, false), withRoutes, 0, time.Time{}, 0, false},
		{"an unsubscribe request saying later", RouteRequest{Category: "unsubscribe", Text: "later, remove me"}, state("replied", "active", 0, false), withRoutes, 0, time.Time{}, 0, false},
		{"keyword", RouteRequest{Category: "other", Text: "maybe later"}, state("replied", "active", 0, false), withRoutes, 1, now.Add(24 * time.Hour), 0, false},
		{"category", RouteRequest{Category: "interested"}, state("replied", "active", 0, false), withRoutes, 2, now.Add(30 * time.Minute), 0, false},
		{"moved by a person before the first step", RouteRequest{Category: "interested", Manual: true}, state("active", "active", 1, false), withRoutes, 2, now.Add(30 * time.Minute), 1, false},
		{"taken out by a person", RouteRequest{Category: "other", Manual: true}, state("active", "active", 1, false), withRoutes, 0, time.Time{}, 1, true},
		{"too late to move", RouteRequest{Category: "interested", Manual: true}, state("active", "active", 1, true), withRoutes, 0, time.Time{}, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p routePlan
			ch := p.decide(tc.req, tc.st, tc.c, now)
			if ch.Enter != tc.enter || ch.Leave != tc.leave {
				t.Fatalf("change %+v, want enter %d leave %d", ch, tc.enter, tc.leave)
			}
			if (len(p.leaves) == 1) != (tc.leave != 0) || (len(p.completed) == 1) != tc.completes {
				t.Fatalf("leaves %+v completed %v", p.leaves, p.completed)
			}
			if tc.enter == 0 {
				if len(p.entries) != 0 || len(p.events) != 0 {
					t.Fatalf("entries %+v events %+v, want none", p.entries, p.events)
				}
				return
			}
			e := p.entries[0]
			if len(p.entries) != 1 || e.Route != tc.enter || e.First.Step != routing.Position(tc.enter, 1) ||
				!e.First.DueAt.Equal(tc.due) || e.First.MailboxID != "m1" || e.Reason == "" {
				t.Fatalf("entries %+v", p.entries)
			}
			ev, ok := p.events[0].(event.RouteEntered)
			if len(p.events) != 1 || !ok || ev.Route.Number != tc.enter || ev.Lead.FirstName != "Ann" ||
				(tc.leave != 0) != (ev.Left != nil) {
				t.Fatalf("events %+v", p.events)
			}
		})
	}
}
