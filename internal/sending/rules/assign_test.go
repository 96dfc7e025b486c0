package rules

import "testing"

func TestAssignMailbox(t *testing.T) {
	tests := []struct {
		name      string
		mailboxes []Capacity
		want      string
	}{
		{"none", nil, ""},
		{"only inactive", []Capacity{{ID: "p", Status: MailboxPaused, Limit: 30, Remaining: 30}, {ID: "d", Status: MailboxDisconnected, Limit: 30}}, ""},
		{"skips paused", []Capacity{{ID: "p", Status: MailboxPaused, Limit: 30, Remaining: 30}, {ID: "a", Status: MailboxActive, Limit: 30, Pending: 90}}, "a"},
		{"sends today beats an idle but full mailbox", []Capacity{
			{ID: "full", Status: MailboxActive, Limit: 30, Remaining: 0},
			{ID: "free", Status: MailboxActive, Limit: 30, Remaining: 25, Pending: 5}}, "free"},
		{"lighter load", []Capacity{
			{ID: "a", Status: MailboxActive, Limit: 30, Remaining: 0, Pending: 40},
			{ID: "b", Status: MailboxActive, Limit: 30, Remaining: 0, Pending: 35}}, "b"},
		{"load is relative to the limit", []Capacity{
			{ID: "small", Status: MailboxActive, Limit: 10, Pending: 12},
			{ID: "big", Status: MailboxActive, Limit: 30, Pending: 24}}, "big"},
		{"more remaining breaks a tie", []Capacity{
			{ID: "a", Status: MailboxActive, Limit: 30, Remaining: 10, Pending: 2},
			{ID: "b", Status: MailboxActive, Limit: 30, Remaining: 20, Pending: 2}}, "b"},
		{"smallest ID breaks a full tie", []Capacity{
			{ID: "b", Status: MailboxActive, Limit: 30, Remaining: 30},
			{ID: "a", Status: MailboxActive, Limit: 30, Remaining: 30}}, "a"},
		{"zero limit only as a last resort", []Capacity{
			{ID: "zero", Status: MailboxActive, Limit: 0},
			{ID: "busy", Status: MailboxActive, Limit: 1, Pending: 500}}, "busy"},
	}
	for _, tt := range tests {
		if got := AssignMailbox(tt.mailboxes); got != tt.want {
			t.Errorf("%s: AssignInbox = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestAssignMailboxBalancesALaunch assigns a launch's leads one by one, as the
// caller does, and checks the split follows capacity rather than whichever
// mailbox had a few more free slots today.
func TestAssignMailboxBalancesALaunch(t *testing.T) {
	mailboxes := []Capacity{
		{ID: "a", Status: MailboxActive, Limit: 30, Remaining: 30},
		{ID: "b", Status: MailboxActive, Limit: 30, Remaining: 20},
		{ID: "c", Status: MailboxActive, Limit: 10, Remaining: 10},
	}
	count := map[string]int{}
	for range 1400 {
		id := AssignMailbox(mailboxes)
		count[id]++
		for i := range mailboxes {
			if mailboxes[i].ID == id {
				mailboxes[i].Pending++
			}
		}
	}
	if count["a"] < 580 || count["a"] > 620 || count["b"] < 580 || count["b"] > 620 || count["c"] < 180 || count["c"] > 220 {
		t.Errorf("launch split %v, want about 600/600/200 (by daily limit)", count)
	}
}

func TestAssignMailboxFor(t *testing.T) {
	g1 := Capacity{ID: "g1", Status: MailboxActive, Limit: 10, Remaining: 10, Pending: 5, Provider: ProviderGoogle}
	g2 := Capacity{ID: "g2", Status: MailboxPaused, Limit: 10, Remaining: 10, Provider: ProviderGoogle}
	m1 := Capacity{ID: "m1", Status: MailboxActive, Limit: 10, Remaining: 10, Provider: ProviderMicrosoft}
	o1 := Capacity{ID: "o1", Status: MailboxActive, Limit: 10, Remaining: 10, Provider: ProviderOther}
	for _, tc := range []struct {
		boxes    []Capacity
		provider string
		want     string
		matched  bool
	}{
		{[]Capacity{g1, m1, o1}, ProviderGoogle, "g1", true},    // the same provider, though busier
		{[]Capacity{g1, m1, o1}, ProviderMicrosoft, "m1", true}, //
		{[]Capacity{g2, m1, o1}, ProviderGoogle, "m1", false},   // the only Google mailbox is paused: any
		{[]Capacity{g1, m1}, ProviderOther, "m1", false},        // no other-provider mailbox: any (lightest)
		{[]Capacity{g1, m1, o1}, "", "m1", false},               // provider unknown: any
		{[]Capacity{g2}, ProviderGoogle, "", false},             // nothing active
	} {
		id, matched := AssignMailboxFor(tc.boxes, tc.provider)
		if id != tc.want || matched != tc.matched {
			t.Errorf("AssignMailboxFor(%s) = %s %v, want %s %v", tc.provider, id, matched, tc.want, tc.matched)
		}
	}
	for kind, want := range map[string]string{"gmail": ProviderGoogle, "microsoft": ProviderMicrosoft, "smtp": ProviderOther, "sandbox": ProviderOther} {
		if got := MailboxProvider(kind); got != want {
			t.Errorf("MailboxProvider(%s) = %s", kind, got)
		}
	}
}
