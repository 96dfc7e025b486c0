package event_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// TestRecordReadsOnlyLeadsNotGivenWhole: an event naming a lead by id and
// email carries the stored lead; one given whole with LeadOf (the send
// engine's, from its claim) is written as given, without a second read.
func TestRecordReadsOnlyLeadsNotGivenWhole(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	_, w := storetest.Workspace(t, st)
	q := st.InWorkspace(w.ID)
	ann := store.Lead{Email: "ann@acme.test", FirstName: "Ann", Company: "Acme", Custom: map[string]string{"plan": "pro"}}
	if err := q.CreateLead(ctx, &ann); err != nil {
		t.Fatal(err)
	}
	given := ann
	given.FirstName = "Anna" // as a claim read it, before an edit
	cases := []struct {
		name      string
		lead      event.Lead
		wantFirst string
	}{
		{"by id", event.Lead{ID: ann.ID, Email: ann.Email}, "Ann"},
		{"whole", event.LeadOf(given), "Anna"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, err := q.EventsAfter(ctx, "", nil, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				return event.Record(ctx, tx.Queries, w.ID, event.Sent{Lead: tc.lead, Step: 1, MessageID: "<m@x>"})
			}); err != nil {
				t.Fatal(err)
			}
			after, err := q.EventsAfter(ctx, "", nil, 1000)
			if err != nil || len(after) != len(before)+1 {
				t.Fatalf("events: %d before, %d after (%v)", len(before), len(after), err)
			}
			var got event.Sent
			if err := json.Unmarshal([]byte(after[len(after)-1].Data), &got); err != nil {
				t.Fatal(err)
			}
			if got.Lead.FirstName != tc.wantFirst || got.Lead.Company != "Acme" || got.Lead.Custom["plan"] != "pro" {
				t.Fatalf("event lead: %+v, want first name %q with company and custom fields", got.Lead, tc.wantFirst)
			}
		})
	}
}
