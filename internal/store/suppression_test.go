package store_test

import (
	"context"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestSuppressedByEmailDomainAndHash(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	u := store.User{Email: "o@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	var wsA, wsB store.Workspace
	wsA.Name, wsB.Name = "A", "B"
	if err := st.CreateWorkspace(ctx, &wsA, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateWorkspace(ctx, &wsB, u.ID); err != nil {
		t.Fatal(err)
	}
	a := st.InWorkspace(wsA.ID)
	for _, sup := range []store.Suppression{
		{Kind: store.SuppressEmail, Value: "gone@acme.com", Reason: store.ReasonUnsubscribe},
		{Kind: store.SuppressDomain, Value: "blocked.io", Reason: store.ReasonManual},
		{Kind: store.SuppressEmailHash, Value: store.EmailHash("Erased@Corp.com"), Reason: store.ReasonErasure},
	} {
		created, err := a.AddSuppression(ctx, &sup)
		if err != nil || !created {
			t.Fatalf("add %v: created %v err %v", sup, created, err)
		}
	}
	again := store.Suppression{Kind: store.SuppressEmail, Value: "gone@acme.com", Reason: store.ReasonBounce}
	if created, err := a.AddSuppression(ctx, &again); err != nil || created || again.Reason != store.ReasonUnsubscribe {
		t.Fatalf("re-adding keeps the original: created %v err %v reason %q", created, err, again.Reason)
	}
	cases := map[string]bool{
		"gone@acme.com": true, " GONE@acme.com ": true, "other@acme.com": false,
		"anyone@blocked.io": true, "x@notblocked.io": false, "erased@corp.com": true,
	}
	for email, want := range cases {
		_, got, err := a.Suppressed(ctx, email)
		if err != nil || got != want {
			t.Errorf("Suppressed(%q) = %v, %v; want %v", email, got, err, want)
		}
		if _, inB, _ := st.InWorkspace(wsB.ID).Suppressed(ctx, email); inB {
			t.Errorf("%q suppressed in another workspace", email)
		}
	}
}
