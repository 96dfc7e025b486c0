package sending

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestDecideRecord is the recording of a batch's provider answers, with no
// database: what happens to each claim, which slots are given back, which
// mailboxes are disconnected and which campaigns are checked for
// completion.
func TestDecideRecord(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	seq := &Sequence{Steps: []Step{{}, {Delay: rules.Delay{Days: 2}}}}
	claimOf := func(id string, step, attempts int) *claim {
		return &claim{ws: "ws", mailbox: store.Mailbox{ID: "ib-" + id, Email: "me@us.test"}, campaign: store.Campaign{ID: "c-" + id},
			seq: seq, mailboxDay: "2026-03-02", campaignDay: "2026-03-02",
			msg: provider.OutgoingMessage{MessageID: "<" + id + "@us.test>"},
			w: store.JobWork{Job: store.SendJob{ID: id, Step: step, Attempts: attempts},
				CampaignLead: store.CampaignLead{ID: "cl-" + id}, Lead: store.Lead{ID: "l-" + id, Email: id + "@lead.test"}}}
	}
	sent := func(id string, step int) outcome { return outcome{c: claimOf(id, step, 0)} }
	failed := func(id string, attempts int, err error) outcome {
		return outcome{c: claimOf(id, 1, attempts), err: err}
	}
	perr := func(k provider.ErrorKind, retryAfter time.Duration) error {
		return &provider.Error{Kind: k, Message: "no", RetryAfter: retryAfter}
	}
	cases := []struct {
		name     string
		outcomes []outcome
		released []string
		statuses map[string]string // what RecordSent answers
		// want lists each failure ("job action") and each next job
		// ("next job step due"), then the released slots, the
		// disconnected mailboxes and the campaigns to complete.
		want       []string
		released2  []string // mailboxes whose slot is given back
		disconnect []string
		done       []string
	}{
		{name: "a sent first step schedules the next one, its delay later",
			outcomes: []outcome{sent("a", 1)}, statuses: map[string]string{"a": store.CampaignLeadActive},
			want: []string{"next a 2 2026-03-04T10:00:00Z"}},
		{name: "a sent last step checks its campaign for completion",
			outcomes: []outcome{sent("a", 2)}, statuses: map[string]string{"a": store.CampaignLeadActive},
			done: []string{"c-a"}},
		{name: "a lead stopped since the claim gets no next step",
			outcomes: []outcome{sent("a", 1)}, statuses: map[string]string{"a": store.CampaignLeadReplied},
			done: []string{"c-a"}},
		{name: "an auth failure holds the job and disconnects the mailbox",
			outcomes: []outcome{failed("a", 0, perr(provider.Auth, 0))},
			want:     []string{"a hold"}, released2: []string{"ib-a"}, disconnect: []string{"ib-a"}},
		{name: "a permanent failure fails the job and its lead",
			outcomes: []outcome{failed("a", 0, perr(provider.Permanent, 0))},
			want:     []string{"a fail The provider refused the message: provider permanent: no"}, released2: []string{"ib-a"}, done: []string{"c-a"}},
		{name: "a transient failure retries with backoff",
			outcomes: []outcome{failed("a", 2, perr(provider.Transient, 0))},
			want:     []string{"a retry 2026-03-02T10:04:00Z"}, released2: []string{"ib-a"}},
		{name: "a rate limit waits at least what the provider asked",
			outcomes: []outcome{failed("a", 0, perr(provider.RateLimited, time.Hour))},
			want:     []string{"a retry 2026-03-02T11:00:00Z"}, released2: []string{"ib-a"}},
		{name: "an unclassified error is transient",
			outcomes: []outcome{failed("a", 0, errors.New("boom"))},
			want:     []string{"a retry 2026-03-02T10:01:00Z"}, released2: []string{"ib-a"}},
		{name: "the last attempt gives up",
			outcomes: []outcome{failed("a", 4, perr(provider.Transient, 0))},
			want:     []string{"a fail Gave up after 5 attempts; the provider's last answer: provider transient: no"}, released2: []string{"ib-a"},
			done: []string{"c-a"}},
		{name: "released claims give their slots back",
			released: []string{"b"}, outcomes: []outcome{sent("a", 1)}, statuses: map[string]string{"a": store.CampaignLeadActive},
			want: []string{"next a 2 2026-03-04T10:00:00Z"}, released2: []string{"ib-b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var released []*claim
			for _, id := range c.released {
				released = append(released, claimOf(id, 1, 0))
			}
			p := decideRecord(c.outcomes, released, 5, now)
			var got []string
			for _, f := range p.failures {
				switch {
				case f.hold:
					got = append(got, f.c.w.Job.ID+" hold")
				case f.failLead != "":
					got = append(got, f.c.w.Job.ID+" fail "+f.failLead)
				default:
					got = append(got, f.c.w.Job.ID+" retry "+f.retryAt.Format(time.RFC3339))
				}
			}
			if len(p.records) != len(c.statuses) {
				t.Fatalf("%d records, want %d", len(p.records), len(c.statuses))
			}
			for ws, jobs := range p.schedule(c.statuses, now) {
				for _, j := range jobs {
					if ws != "ws" || j.CampaignLeadID != "cl-"+j.LeadID[2:] || j.MailboxID != "ib-"+j.LeadID[2:] || !j.RunAt.Equal(j.DueAt) {
						t.Fatalf("next job %+v in %s", j, ws)
					}
					got = append(got, fmt.Sprintf("next %s %d %s", j.LeadID[2:], j.Step, j.DueAt.UTC().Format(time.RFC3339)))
				}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if r := sortedKeys(p.mailboxRelease); !sameIDs(r, c.released2) {
				t.Errorf("mailbox slots given back %v, want %v", r, c.released2)
			}
			if r := sortedKeys(p.campaignRelease); len(r) != len(c.released2) {
				t.Errorf("campaign slots given back %v, want %d", r, len(c.released2))
			}
			if d := sortedKeys(p.disconnect); !sameIDs(d, c.disconnect) {
				t.Errorf("disconnected %v, want %v", d, c.disconnect)
			}
			if d := sortedKeys(p.done); !sameIDs(d, c.done) {
				t.Errorf("campaigns to complete %v, want %v", d, c.done)
			}
		})
	}
}

func sameIDs(got, want []string) bool {
	want = append([]string{}, want...)
	sort.Strings(want)
	return len(got) == len(want) && (len(got) == 0 || reflect.DeepEqual(got, want))
}
