package assist_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// draftWorld has, in workspace A, two profiles (the restaurant one is older), a lead and a
// campaign on the restaurant profile with a two-step sequence; B has a lead of its own.
type draftWorld struct {
	*world
	s                     *assist.Service
	gen                   *stub
	restaurant, dentists  string
	lead, campaign, leadB string
}

func newDraftWorld(t *testing.T) *draftWorld {
	t.Helper()
	w := newWorld(t, nil)
	gen := &stub{}
	d := &draftWorld{world: w, gen: gen, s: w.service(gen, nil)}
	ctx := context.Background()
	rp, err := d.s.GenerateICP(ctx, w.ann, w.meta, assist.GenerateICPInput{ProductDescription: restaurantPayroll})
	if err != nil {
		t.Fatal(err)
	}
	dp, err := d.s.GenerateICP(ctx, w.ann, w.meta, assist.GenerateICPInput{
		ProductDescription: "Chairside is scheduling software for dental practices: fewer no-shows with automatic reminders."})
	if err != nil {
		t.Fatal(err)
	}
	d.restaurant, d.dentists = rp.ID, dp.ID
	a := w.st.InWorkspace(w.wsA)
	l := store.Lead{Email: "anna@acme.example", FirstName: "Anna", Company: "Acme Bistro", Title: "Owner",
		Custom: map[string]string{"Industry": "Restaurants", "city": "Austin"}}
	if err := a.CreateLead(ctx, &l); err != nil {
		t.Fatal(err)
	}
	c := store.Campaign{Name: "Spring", ICPProfileID: rp.ID, Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5},
		SendStartMinute: 9 * 60, SendEndMinute: 17 * 60, StopOnReply: true}
	if err := a.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := a.ReplaceSequence(ctx, c.ID, []store.SequenceStep{
		{Position: 1, Variants: []store.StepVariant{{Variant: "A", Subject: "Tips on Sundays", Body: "Hi {{firstName}}, first email."}}},
		{Position: 2, DelayDays: 3, Variants: []store.StepVariant{{Variant: "A", Subject: "Re: Tips on Sundays", Body: "Second."}}},
	}); err != nil {
		t.Fatal(err)
	}
	lb := store.Lead{Email: "bob@other.example", FirstName: "Bo"}
	if err := w.st.InWorkspace(w.wsB).CreateLead(ctx, &lb); err != nil {
		t.Fatal(err)
	}
	d.lead, d.campaign, d.leadB = l.ID, c.ID, lb.ID
	return d
}

func TestDraftContext(t *testing.T) {
	d := newDraftWorld(t)
	ctx := context.Background()

	t.Run("latest profile when none is named", func(t *testing.T) {
		res, err := d.s.Draft(ctx, d.ann, assist.DraftInput{})
		if err != nil {
			t.Fatal(err)
		}
		req := d.gen.lastDraft()
		if res.ICPProfileID != d.dentists || !strings.Contains(req.ProductDescription, "Chairside") || req.SenderName != "Ann" ||
			len(req.MergeTags) != 0 || !req.Lead.IsZero() || req.Step() != 1 {
			t.Fatalf("result %+v, request %+v", res, req)
		}
		if res.Generator != ai.GeneratorOffline || res.Subject == "" || res.Body == "" || len(res.RationaleBullets) == 0 {
			t.Fatalf("draft %+v", res)
		}
	})

	t.Run("lead fields personalise it", func(t *testing.T) {
		res, err := d.s.Draft(ctx, d.ann, assist.DraftInput{ICPProfileID: d.restaurant, LeadID: d.lead, Tone: "formal"})
		if err != nil {
			t.Fatal(err)
		}
		req := d.gen.lastDraft()
		want := ai.LeadFields{FirstName: "Anna", Company: "Acme Bistro", Title: "Owner", Industry: "Restaurants", Custom: map[string]string{"city": "Austin"}}
		if req.Lead.FirstName != want.FirstName || req.Lead.Industry != want.Industry || req.Lead.Custom["city"] != "Austin" ||
			len(req.Lead.Custom) != 1 || req.Tone != "formal" || res.ICPProfileID != d.restaurant {
			t.Fatalf("lead %+v, request %+v", req.Lead, req)
		}
		if !strings.HasPrefix(res.Body, "Hello Anna,") || !strings.Contains(res.Body, "Ann") {
			t.Fatalf("body does not greet the lead formally or sign as the user:\n%s", res.Body)
		}
	})

	t.Run("campaign follow-up reads the previous step and the campaign's profile", func(t *testing.T) {
		res, err := d.s.Draft(ctx, d.ann, assist.DraftInput{CampaignID: d.campaign, StepNumber: 3})
		if err != nil {
			t.Fatal(err)
		}
		req := d.gen.lastDraft()
		if res.ICPProfileID != d.restaurant || req.PreviousSubject != "Re: Tips on Sundays" || req.PreviousBody != "Second." ||
			!slices.Equal(req.MergeTags, []string{"firstName", "company"}) || req.Step() != 3 {
			t.Fatalf("result %+v, request %+v", res, req)
		}
		if strings.Contains(res.Body, "{{") && !strings.Contains(res.Body, "{{firstName}}") && !strings.Contains(res.Body, "{{company}}") {
			t.Fatalf("template uses tags outside firstName/company:\n%s", res.Body)
		}
	})

	t.Run("a named profile wins over the campaign's; a lead turns off merge tags", func(t *testing.T) {
		res, err := d.s.Draft(ctx, d.ann, assist.DraftInput{CampaignID: d.campaign, ICPProfileID: d.dentists, LeadID: d.lead})
		if err != nil {
			t.Fatal(err)
		}
		if req := d.gen.lastDraft(); res.ICPProfileID != d.dentists || len(req.MergeTags) != 0 || req.PreviousSubject != "" {
			t.Fatalf("result %+v, request %+v", res, req)
		}
	})

	t.Run("ids of another workspace are not found", func(t *testing.T) {
		// Carol has a profile of her own, so only the foreign id can fail.
		if _, err := d.s.GenerateICP(ctx, d.carol, d.meta, assist.GenerateICPInput{ProductDescription: restaurantPayroll}); err != nil {
			t.Fatal(err)
		}
		for name, in := range map[string]assist.DraftInput{
			"profile":  {ICPProfileID: d.restaurant},
			"campaign": {CampaignID: d.campaign},
			"lead":     {LeadID: d.lead},
		} {
			if _, err := d.s.Draft(ctx, d.carol, in); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s of A from B: err %v, want ErrNotFound", name, err)
			}
		}
		if _, err := d.s.Draft(ctx, d.ann, assist.DraftInput{LeadID: d.leadB}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B's lead from A: err %v, want ErrNotFound", err)
		}
	})

	t.Run("invalid input", func(t *testing.T) {
		calls := d.gen.callCount()
		for name, tc := range map[string]struct {
			in    assist.DraftInput
			field string
		}{
			"negative step":     {assist.DraftInput{StepNumber: -1}, "stepNumber"},
			"step too far":      {assist.DraftInput{StepNumber: 21}, "stepNumber"},
			"long tone":         {assist.DraftInput{Tone: strings.Repeat("t", 41)}, "tone"},
			"long instructions": {assist.DraftInput{Instructions: strings.Repeat("i", ai.MaxInstructionsRunes+1)}, "instructions"},
		} {
			_, err := d.s.Draft(ctx, d.ann, tc.in)
			if p, ok := problem.As(err); !ok || p.Fields[tc.field] == "" {
				t.Errorf("%s: err %v, want 422 on %s", name, err, tc.field)
			}
		}
		if d.gen.callCount() != calls {
			t.Fatal("the generator ran on invalid input")
		}
	})

	t.Run("erased lead", func(t *testing.T) {
		if _, err := d.st.InWorkspace(d.wsA).EraseLead(ctx, d.lead); err != nil {
			t.Fatal(err)
		}
		_, err := d.s.Draft(ctx, d.ann, assist.DraftInput{LeadID: d.lead})
		if p, ok := problem.As(err); !ok || p.Code != "lead_erased" {
			t.Fatalf("err %v, want 409 lead_erased", err)
		}
	})
}

func TestCampaignICP(t *testing.T) {
	d := newDraftWorld(t)
	ctx := context.Background()
	icp, desc, err := d.s.CampaignICP(ctx, d.wsA, d.campaign)
	if err != nil || icp == nil || desc != restaurantPayroll || len(icp.Titles) == 0 {
		t.Fatalf("icp %+v, %q, %v", icp, desc, err)
	}
	if _, _, err := d.s.CampaignICP(ctx, d.wsB, d.campaign); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("B: %v, want ErrNotFound", err)
	}
	bare := store.Campaign{Name: "No profile", Timezone: "UTC", SendDays: []int{1}, SendStartMinute: 0, SendEndMinute: 60}
	if err := d.st.InWorkspace(d.wsA).CreateCampaign(ctx, &bare); err != nil {
		t.Fatal(err)
	}
	if icp, desc, err := d.s.CampaignICP(ctx, d.wsA, bare.ID); icp != nil || desc != "" || err != nil {
		t.Fatalf("campaign without a profile: %+v, %q, %v", icp, desc, err)
	}
}
