package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

func TestChecklistMailboxesCampaignsAndTheAlertStrip(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	ctx := context.Background()
	scope := srv.Store.InWorkspace(a.WorkspaceID)

	camp := string(get(t, a.Client, "/campaigns", 200).Body)
	if !strings.Contains(camp, "You need a mailbox to send from first.") {
		t.Error("the campaigns empty state does not name the mailbox step")
	}

	good := store.Mailbox{Provider: store.ProviderSandbox, Email: "ann@sandbox.example", DailyCap: 30, RampStart: 10,
		RampIncrement: 5, MinGapSeconds: 120, Timezone: "Europe/Paris"}
	if err := scope.CreateMailbox(ctx, &good); err != nil {
		t.Fatal(err)
	}
	mb := string(get(t, a.Client, "/mailboxes", 200).Body)
	for _, want := range []string{"ann@sandbox.example", "Sandbox", "Connected", "0 / 10", "Day 1 of 5", "2 min", "midnight Europe/Paris"} {
		if !strings.Contains(mb, want) {
			t.Errorf("mailboxes page lacks %q", want)
		}
	}
	if strings.Contains(mb, "alert-strip") {
		t.Error("an alert with every mailbox connected")
	}

	c := store.Campaign{Name: "Q3 founders", Timezone: "Europe/Paris", SendDays: []int{1, 2, 3, 4, 5},
		SendStartMinute: 9 * 60, SendEndMinute: 17 * 60, StopOnReply: true, MailboxIDs: []string{good.ID}}
	if err := scope.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	dash := text(doc(t, get(t, a.Client, "/", 200).Body))
	if !strings.Contains(dash, "2 of 6 done") {
		t.Errorf("after a mailbox: %q", dash)
	}
	if err := scope.ReplaceSequence(ctx, c.ID, []store.SequenceStep{{Position: 1, Variants: []store.StepVariant{{Variant: "A", Subject: "Hi", Body: "Hello {{firstName}}"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := scope.SetCampaignStatus(ctx, c.ID, store.CampaignActive, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	dash = text(doc(t, get(t, a.Client, "/", 200).Body))
	if !strings.Contains(dash, "4 of 6 done") {
		t.Errorf("after a sequence and a launch: %q", dash)
	}
	camp = string(get(t, a.Client, "/campaigns", 200).Body)
	for _, want := range []string{"Q3 founders", "Mon–Fri, 09:00–17:00 Europe/Paris", "Active", "ann@sandbox.example"} {
		if !strings.Contains(camp, want) {
			t.Errorf("campaigns page lacks %q", want)
		}
	}
	if strings.Contains(string(get(t, a.Client, "/campaigns?status=draft", 200).Body), "Q3 founders") {
		t.Error("status=draft lists an active campaign")
	}

	// A broken mailbox shows in the strip on every page and dots the nav.
	if err := scope.SetMailboxStatus(ctx, good.ID, store.MailboxDisconnected, "invalid_grant: Token has been revoked."); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/leads", "/settings"} {
		d := doc(t, get(t, a.Client, p, 200).Body)
		strip := ""
		walk(d, func(n *html.Node) {
			if cls, _ := attr(n, "class"); strings.Contains(cls, "alert-strip") {
				strip = text(n)
			}
		})
		if !strings.Contains(strip, "ann@sandbox.example cannot send (invalid_grant: Token has been revoked.)") {
			t.Errorf("%s: alert strip %q", p, strip)
		}
		if !strings.Contains(text(d), "Mailboxes (needs attention)") {
			t.Errorf("%s: no nav marker on Mailboxes", p)
		}
	}
	if !strings.Contains(string(get(t, a.Client, "/mailboxes", 200).Body), "Disconnected") {
		t.Error("the mailbox row does not say Disconnected")
	}
}
