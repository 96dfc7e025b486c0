package assist_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

func ptr[T any](v T) *T { return &v }

// audits returns the actions of the workspace's audit log, oldest first.
func audits(t *testing.T, w *world, ws string) []store.AuditEvent {
	t.Helper()
	events, err := w.st.InWorkspace(ws).AuditEvents(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(events)
	return events
}

func TestGenerateICPStoresProfileWithAudit(t *testing.T) {
	w := newWorld(t, nil)
	s := w.service(&stub{}, nil)
	ctx := context.Background()
	p, err := s.GenerateICP(ctx, w.ann, w.meta, assist.GenerateICPInput{ProductDescription: "  " + restaurantPayroll + "\u200b ", Website: "tipwise.example"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Generator != ai.GeneratorOffline || !strings.HasPrefix(p.Name, "Tipwise is payroll software") || utf8.RuneCountInString(p.Name) > 60 ||
		p.ProductDescription != restaurantPayroll || len(p.ICP.Titles) == 0 || p.ICP.Summary == "" {
		t.Fatalf("profile %+v", p)
	}
	got, err := s.Profile(ctx, w.wsA, p.ID)
	if err != nil || got.ICP.Summary != p.ICP.Summary || !slices.Equal(got.ICP.Titles, p.ICP.Titles) || got.ICP.Regions == nil {
		t.Fatalf("read back %+v, %v", got, err)
	}
	ev := audits(t, w, w.wsA)
	if len(ev) != 1 || ev[0].Action != "icp.created" || ev[0].TargetID != p.ID || ev[0].ActorUserID != w.ann.User.ID ||
		ev[0].Data["generator"] != "offline" || ev[0].RequestID != "req-1" {
		t.Fatalf("audit %+v", ev)
	}
	if _, err := s.Profile(ctx, w.wsB, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("B reads A's profile: %v", err)
	}
}

func TestGenerateICPValidatesBeforeCallingTheGenerator(t *testing.T) {
	cases := map[string]struct {
		in    assist.GenerateICPInput
		field string
	}{
		"no description":   {assist.GenerateICPInput{ProductDescription: " \n\t"}, "productDescription"},
		"description long": {assist.GenerateICPInput{ProductDescription: strings.Repeat("é", ai.MaxDescriptionRunes+1)}, "productDescription"},
		"name long":        {assist.GenerateICPInput{ProductDescription: "x", Name: strings.Repeat("n", 201)}, "name"},
		"notes long":       {assist.GenerateICPInput{ProductDescription: "x", Notes: strings.Repeat("n", ai.MaxNotesRunes+1)}, "notes"},
		"website long":     {assist.GenerateICPInput{ProductDescription: "x", Website: strings.Repeat("w", 201)}, "website"},
	}
	w := newWorld(t, nil)
	gen := &stub{}
	s := w.service(gen, nil)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := s.GenerateICP(context.Background(), w.ann, w.meta, tc.in)
			if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields[tc.field] == "" {
				t.Fatalf("err %v, want 422 on %s", err, tc.field)
			}
		})
	}
	if gen.callCount() != 0 {
		t.Fatalf("the generator ran %d times on invalid input", gen.callCount())
	}
	// Exactly at the limit is fine.
	if _, err := s.GenerateICP(context.Background(), w.ann, w.meta, assist.GenerateICPInput{
		ProductDescription: "Payroll for restaurants. " + strings.Repeat("é", ai.MaxDescriptionRunes-25)}); err != nil {
		t.Fatalf("description at the limit: %v", err)
	}
}

func TestPatchProfile(t *testing.T) {
	w := newWorld(t, nil)
	s := w.service(&stub{}, nil)
	ctx := context.Background()
	p, err := s.GenerateICP(ctx, w.ann, w.meta, assist.GenerateICPInput{ProductDescription: restaurantPayroll})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("invalid edits change nothing", func(t *testing.T) {
		for name, tc := range map[string]struct {
			patch assist.ProfilePatch
			field string
		}{
			"empty name":    {assist.ProfilePatch{Name: ptr(" ")}, "name"},
			"empty item":    {assist.ProfilePatch{ICP: &assist.ICPPatch{Titles: &[]string{"Owner", "  "}}}, "icp.titles"},
			"long item":     {assist.ProfilePatch{ICP: &assist.ICPPatch{PainPoints: &[]string{strings.Repeat("p", 241)}}}, "icp.painPoints"},
			"too many":      {assist.ProfilePatch{ICP: &assist.ICPPatch{Regions: ptr(slices.Repeat([]string{"EU"}, 21))}}, "icp.regions"},
			"long summary":  {assist.ProfilePatch{ICP: &assist.ICPPatch{Summary: ptr(strings.Repeat("s", 1001))}}, "icp.summary"},
			"long describe": {assist.ProfilePatch{ProductDescription: ptr(strings.Repeat("d", ai.MaxDescriptionRunes+1))}, "productDescription"},
		} {
			_, err := s.PatchProfile(ctx, w.ann, w.meta, p.ID, tc.patch)
			if pr, ok := problem.As(err); !ok || pr.Fields[tc.field] == "" {
				t.Errorf("%s: err %v, want 422 on %s", name, err, tc.field)
			}
		}
		if got, _ := s.Profile(ctx, w.wsA, p.ID); !got.UpdatedAt.Equal(p.UpdatedAt) {
			t.Fatal("an invalid patch changed the profile")
		}
	})

	t.Run("edits keep the generator and are audited", func(t *testing.T) {
		out, err := s.PatchProfile(ctx, w.bob, w.meta, p.ID, assist.ProfilePatch{
			Name: ptr("Restaurants US"),
			ICP:  &assist.ICPPatch{Titles: &[]string{" Owner ", "Head chef"}, Regions: &[]string{}, Summary: ptr(p.ICP.Summary)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Name != "Restaurants US" || !slices.Equal(out.ICP.Titles, []string{"Owner", "Head chef"}) ||
			len(out.ICP.Regions) != 0 || out.ICP.Regions == nil || out.Generator != "offline" ||
			!slices.Equal(out.ICP.PainPoints, p.ICP.PainPoints) || !out.UpdatedAt.After(p.UpdatedAt) {
			t.Fatalf("patched %+v", out)
		}
		ev := audits(t, w, w.wsA)
		last := ev[len(ev)-1]
		fields, _ := last.Data["fields"].([]any)
		want := []any{"name", "icp.regions", "icp.titles"}
		if len(p.ICP.Regions) == 0 {
			want = []any{"name", "icp.titles"} // clearing an empty list is no change
		}
		if last.Action != "icp.updated" || last.ActorUserID != w.bob.User.ID || !slices.Equal(fields, want) {
			t.Fatalf("audit %+v, want fields %v", last, want)
		}
	})

	t.Run("a patch that changes nothing writes nothing", func(t *testing.T) {
		before := len(audits(t, w, w.wsA))
		if _, err := s.PatchProfile(ctx, w.ann, w.meta, p.ID, assist.ProfilePatch{Name: ptr("Restaurants US")}); err != nil {
			t.Fatal(err)
		}
		if len(audits(t, w, w.wsA)) != before {
			t.Fatal("a no-op patch was audited")
		}
	})

	t.Run("another workspace's profile is not found", func(t *testing.T) {
		_, err := s.PatchProfile(ctx, w.carol, w.meta, p.ID, assist.ProfilePatch{Name: ptr("Mallory")})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("err %v, want ErrNotFound", err)
		}
	})
}
