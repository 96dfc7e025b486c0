package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

func TestUnreadConversationsAreCountedPerWorkspaceUpToMax(t *testing.T) {
	_, _, a, b := twoWorkspaces(t)
	ctx := context.Background()
	var ids []string
	for i := range 4 {
		c := store.Conversation{Subject: "Re: hello", Unread: true, LastMessageAt: time.Now().Add(time.Duration(i) * time.Minute)}
		if err := a.CreateConversation(ctx, &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if err := a.MarkConversationRead(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	count := func(s store.Scope, max int) int {
		t.Helper()
		n, err := s.CountUnreadConversations(ctx, max)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(a, 100); n != 3 {
		t.Errorf("unread = %d, want 3", n)
	}
	if n := count(a, 2); n != 2 {
		t.Errorf("unread capped at 2 = %d", n)
	}
	if n := count(b, 100); n != 0 {
		t.Errorf("another workspace counts %d unread", n)
	}
	if err := a.MarkConversationUnread(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if c, err := a.Conversation(ctx, ids[0]); err != nil || !c.Unread {
		t.Fatalf("after mark unread: %+v, %v", c, err)
	}
	if n := count(a, 100); n != 4 {
		t.Errorf("unread after mark unread = %d, want 4", n)
	}
	if err := b.MarkConversationUnread(ctx, ids[1]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another workspace marks A's conversation: %v, want ErrNotFound", err)
	}
}

func TestMailboxCampaignsAndCampaignLeadSteps(t *testing.T) {
	_, _, a, b := twoWorkspaces(t)
	ctx := context.Background()
	used := store.Mailbox{Provider: store.ProviderSandbox, Email: "used@example.com", DailyCap: 30, Timezone: "UTC"}
	idle := store.Mailbox{Provider: store.ProviderSandbox, Email: "idle@example.com", DailyCap: 30, Timezone: "UTC"}
	for _, in := range []*store.Mailbox{&used, &idle} {
		if err := a.CreateMailbox(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	var camps []store.Campaign
	for _, name := range []string{"Zebra", "Alpha"} {
		c := store.Campaign{Name: name, Timezone: "UTC", SendDays: []int{1}, SendStartMinute: 540, SendEndMinute: 1020,
			MailboxIDs: []string{used.ID}}
		if err := a.CreateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		camps = append(camps, c)
	}
	got, err := a.MailboxCampaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[used.ID]) != 2 || got[used.ID][0].Name != "Alpha" || got[used.ID][1].Name != "Zebra" || got[used.ID][0].Status == "" {
		t.Errorf("campaigns of the used mailbox: %+v", got[used.ID])
	}
	if _, ok := got[idle.ID]; ok {
		t.Errorf("the idle mailbox has campaigns: %+v", got[idle.ID])
	}
	if other, err := b.MailboxCampaigns(ctx); err != nil || len(other) != 0 {
		t.Errorf("another workspace sees %+v, %v", other, err)
	}

	l := store.Lead{Email: "maya@example.com"}
	if err := a.CreateLead(ctx, &l); err != nil {
		t.Fatal(err)
	}
	cl := store.CampaignLead{CampaignID: camps[0].ID, LeadID: l.ID, MailboxID: used.ID}
	if _, err := a.AddCampaignLead(ctx, &cl); err != nil {
		t.Fatal(err)
	}
	steps, err := a.CampaignLeadSteps(ctx, []string{cl.ID, "missing"})
	if err != nil || len(steps) != 1 || steps[cl.ID] != 0 {
		t.Errorf("steps %v, %v", steps, err)
	}
	if steps, err := b.CampaignLeadSteps(ctx, []string{cl.ID}); err != nil || len(steps) != 0 {
		t.Errorf("another workspace reads steps %v, %v", steps, err)
	}
	if steps, err := a.CampaignLeadSteps(ctx, nil); err != nil || len(steps) != 0 {
		t.Errorf("no ids: %v, %v", steps, err)
	}
}
