package campaign

import (
	"slices"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

func TestMatchSteps(t *testing.T) {
	old := make([]store.SequenceStep, 3)
	steps := func(positions ...int) SequenceInput {
		var in SequenceInput
		for _, p := range positions {
			in.Steps = append(in.Steps, StepInput{Position: p})
		}
		return in
	}
	cases := []struct {
		name  string
		in    SequenceInput
		oldOf []int
		code  string // the problem's code; "" means accepted
		field string
	}{
		{"by index, same length", steps(0, 0, 0), []int{1, 2, 3}, "", ""},
		{"by index, one added at the end", steps(0, 0, 0, 0), []int{1, 2, 3, 0}, "", ""},
		{"by index, last deleted", steps(0, 0), []int{1, 2}, "", ""},
		{"named, middle deleted", steps(1, 3), []int{1, 3}, "", ""},
		{"named, one inserted", steps(1, 0, 2, 3), []int{1, 0, 2, 3}, "", ""},
		{"reorder", steps(1, 3, 2), nil, "reorder_refused", "steps[2].position"},
		{"same step twice", steps(1, 2, 2), nil, "reorder_refused", "steps[2].position"},
		{"unknown step", steps(1, 4), nil, "validation_failed", "steps[1].position"},
		{"first step removed", steps(2, 3), []int{2, 3}, "first_step_fixed", "steps[0].position"},
		{"step before the first", steps(0, 1, 2, 3), []int{0, 1, 2, 3}, "first_step_fixed", "steps[0].position"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oldOf, err := matchSteps(c.in, old)
			if err == nil {
				err = checkFirstStep(oldOf)
			}
			if c.code == "" {
				if err != nil || !slices.Equal(oldOf, c.oldOf) {
					t.Fatalf("matchSteps = %v, %v; want %v", oldOf, err, c.oldOf)
				}
				return
			}
			p, ok := problem.As(err)
			if !ok || p.Code != c.code || p.Fields[c.field] == "" {
				t.Fatalf("matchSteps error = %v; want %s naming %s", err, c.code, c.field)
			}
		})
	}
}

func TestPlanEdit(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	sentAt := now.Add(-time.Hour)
	step := func(pos, days int, body string) store.SequenceStep {
		return store.SequenceStep{Position: pos, DelayDays: days, Variants: []store.StepVariant{{Variant: "A", Body: body}}}
	}
	old := []store.SequenceStep{step(1, 0, "one"), step(2, 2, "two"), step(3, 3, "three")}
	// Three leads: one waits for step 2, one for step 3, one is sending step 3.
	lead := func(id string, last, next int, status string) store.EditLead {
		return store.EditLead{CampaignLeadID: id, LastStepSent: last, LastSentAt: &sentAt,
			Job: &store.SendJob{ID: "j-" + id, Step: next, Status: status, DueAt: sentAt.AddDate(0, 0, next)}}
	}
	leads := []store.EditLead{lead("a", 1, 2, store.JobScheduled), lead("b", 2, 3, store.JobHeld),
		lead("c", 2, 3, store.JobSending)}
	sent := map[int]int{1: 3, 2: 2}
	type want struct {
		changed, layout bool
		kinds           map[string]string // lead → action
		due             map[string]time.Time
		remap           map[int]int
		completed       int
		inFlight        int
	}
	cases := []struct {
		name  string
		steps []store.SequenceStep
		oldOf []int
		want  want
	}{
		{"nothing changes", old, []int{1, 2, 3}, want{kinds: map[string]string{"a": "keep", "b": "keep"},
			remap: map[int]int{}, inFlight: 1}},
		{"step 2's text", []store.SequenceStep{old[0], step(2, 2, "two v2"), old[2]}, []int{1, 2, 3},
			want{changed: true, kinds: map[string]string{"a": "keep", "b": "keep"}, remap: map[int]int{}, inFlight: 1}},
		{"step 2's delay", []store.SequenceStep{old[0], step(2, 5, "two"), old[2]}, []int{1, 2, 3},
			want{changed: true, kinds: map[string]string{"a": "keep", "b": "keep"}, remap: map[int]int{}, inFlight: 1,
				due: map[string]time.Time{"a": sentAt.AddDate(0, 0, 5)}}},
		{"step 2 deleted", []store.SequenceStep{old[0], step(2, 3, "three")}, []int{1, 3},
			want{changed: true, layout: true, kinds: map[string]string{"a": "replace", "b": "move"},
				remap: map[int]int{2: 1, 3: 2}, inFlight: 1, due: map[string]time.Time{"a": sentAt.AddDate(0, 0, 3)}}},
		{"step added between 2 and 3", []store.SequenceStep{old[0], old[1], step(3, 0, "new"), step(4, 3, "three")},
			[]int{1, 2, 0, 3}, want{changed: true, layout: true, kinds: map[string]string{"a": "keep", "b": "replace"},
				remap: map[int]int{3: 4}, inFlight: 1, due: map[string]time.Time{"b": sentAt}}},
		{"step 3 deleted", old[:2], []int{1, 2}, want{changed: true, layout: true,
			kinds: map[string]string{"a": "keep", "b": "complete"}, remap: map[int]int{3: 2}, completed: 1, inFlight: 1}},
		{"step 4 added", append(slices.Clone(old), step(4, 1, "four")), []int{1, 2, 3, 0}, want{changed: true,
			kinds: map[string]string{"a": "keep", "b": "keep"}, remap: map[int]int{}, inFlight: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pl := planEdit(old, c.steps, c.oldOf, leads, sent, 1, time.UTC, now)
			if pl.summary.Changed != c.want.changed || pl.layout != c.want.layout ||
				pl.summary.LeadsCompleted != c.want.completed || pl.summary.InFlight != c.want.inFlight {
				t.Fatalf("plan: changed %v layout %v completed %d inFlight %d; want %+v", pl.summary.Changed, pl.layout,
					pl.summary.LeadsCompleted, pl.summary.InFlight, c.want)
			}
			kinds := map[string]string{}
			for _, a := range pl.actions {
				kinds[a.lead.CampaignLeadID] = a.kind
				if d, ok := c.want.due[a.lead.CampaignLeadID]; ok && !a.due.Equal(d) {
					t.Errorf("lead %s due %v, want %v", a.lead.CampaignLeadID, a.due, d)
				}
			}
			if len(kinds) != len(c.want.kinds) {
				t.Errorf("actions %v, want %v", kinds, c.want.kinds)
			}
			for k, v := range c.want.kinds {
				if kinds[k] != v {
					t.Errorf("lead %s: %s, want %s", k, kinds[k], v)
				}
			}
			if len(pl.remap) != len(c.want.remap) {
				t.Errorf("remap %v, want %v", pl.remap, c.want.remap)
			}
			for k, v := range c.want.remap {
				if pl.remap[k] != v {
					t.Errorf("remap %v, want %v", pl.remap, c.want.remap)
				}
			}
		})
	}
}
