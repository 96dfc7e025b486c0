package sending

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/store"
)

// problemCode is the code of a problem error, "" for nil and "?" for any
// other error.
func problemCode(err error) string {
	if err == nil {
		return ""
	}
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return "?"
}

// TestCheckTestInput is a test send's input checked against the sequence,
// with no database: every bad field is named at once.
func TestCheckTestInput(t *testing.T) {
	two := []store.SequenceStep{
		{Variants: []store.StepVariant{{Variant: "A"}, {Variant: "B"}}},
		{Variants: []store.StepVariant{{Variant: "A"}}},
	}
	later := []routing.Route{{Name: "Later", Steps: []routing.Step{{Body: "Talk soon"}, {Body: "Again"}}}}
	user := account.Principal{User: store.User{Email: "me@team.test"}}
	key := account.Principal{APIKeyID: "k1", User: store.User{Email: "me@team.test"}}
	cases := []struct {
		name    string
		p       account.Principal
		steps   []store.SequenceStep
		routes  []routing.Route
		in      TestInput
		fields  map[string]string // nil: accepted
		to      string
		variant string
	}{
		{name: "defaults to the user's address", p: user, steps: two, in: TestInput{Step: 1},
			to: "me@team.test"},
		{name: "variant is trimmed and upper-cased", p: user, steps: two, in: TestInput{Step: 1, Variant: " b ", To: "x@y.test"},
			to: "x@y.test", variant: "B"},
		{name: "no sequence", p: user, steps: nil, in: TestInput{Step: 1},
			fields: map[string]string{"step": "the campaign has no sequence yet: write one first"}},
		{name: "step out of range and a bad address together", p: user, steps: two, in: TestInput{Step: 3, Variant: "Z", To: "nope"},
			fields: map[string]string{"step": "must be between 1 and 2, or a reply route's step (101 for route 1's first)", "to": "must be an email address"}},
		{name: "a reply route's step", p: user, steps: two, routes: later, in: TestInput{Step: 102},
			to: "me@team.test"},
		{name: "past a route's last step", p: user, steps: two, routes: later, in: TestInput{Step: 103},
			fields: map[string]string{"step": "names no step of a reply route (the campaign has 1)"}},
		{name: "a route the campaign lacks", p: user, steps: two, routes: later, in: TestInput{Step: 201},
			fields: map[string]string{"step": "names no step of a reply route (the campaign has 1)"}},
		{name: "a route step has variant A only", p: user, steps: two, routes: later, in: TestInput{Step: 101, Variant: "b"},
			fields: map[string]string{"variant": "route 1 (Later) step 1 has no variant B"}},
		{name: "unknown variant", p: user, steps: two, in: TestInput{Step: 2, Variant: "b"},
			fields: map[string]string{"variant": "step 2 has no variant B"}},
		{name: "an API key must name the recipient", p: key, steps: two, in: TestInput{Step: 1},
			fields: map[string]string{"to": "is required with an API key"}},
		{name: "a display name is not a bare address", p: user, steps: two, in: TestInput{Step: 1, To: "Ann <ann@x.test>"},
			fields: map[string]string{"to": "must be an email address"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, to, err := checkTestInput(c.p, c.steps, c.routes, c.in)
			if c.fields != nil {
				var pe *problem.Error
				if !errors.As(err, &pe) || pe.Kind != problem.Invalid || !reflect.DeepEqual(map[string]string(pe.Fields), c.fields) {
					t.Fatalf("err = %v, want the fields %v", err, c.fields)
				}
				return
			}
			if err != nil || to != c.to || in.Variant != c.variant {
				t.Fatalf("got (%q, %q, %v), want (%q, %q, nil)", in.Variant, to, err, c.variant, c.to)
			}
		})
	}
}

// TestDecideTest is a test send's plan decided from its facts, with no
// database: the variant, the subject, the empty merge tags, the note and
// the audit event; or the problem that stops it.
func TestDecideTest(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	base := func() testFacts {
		return testFacts{
			p:          account.Principal{WorkspaceID: "ws", User: store.User{ID: "u1", Email: "me@team.test"}},
			meta:       account.Meta{IP: "192.0.2.1", RequestID: "req-1"},
			campaignID: "c1",
			in:         TestInput{Step: 1},
			to:         "me@team.test",
			steps: []store.SequenceStep{
				{Variants: []store.StepVariant{
					{Variant: "A", Subject: `Hello {{firstName | "there"}}`, Body: "Hi {{firstName}} at {{company}}."},
					{Variant: "B", Subject: "Quick question", Body: "B body"},
				}},
				{DelayDays: 2, Variants: []store.StepVariant{{Variant: "A", Body: "Bumping this."}}},
			},
			lead: store.Lead{ID: "l1", Email: "ann@acme.test", FirstName: "Ann", Company: "Acme"},
			// rules.VariantFor gives this campaign lead B at step 1 (of two
			// variants): a default of A would show.
			cl:        store.CampaignLead{ID: "cl2", CampaignID: "c1"},
			mailbox:   store.Mailbox{ID: "ib1", Email: "sales@us.test", Provider: "smtp"},
			canSend:   true,
			footer:    footer{address: "1 Main St"},
			messageID: "<m1@us.test>",
			now:       now,
		}
	}
	cases := []struct {
		name    string
		setup   func(*testFacts)
		code    string // the problem's code; "" when the test goes
		variant string
		subject string
		empty   []string
		note    string // a prefix of the note
	}{
		{name: "the provider cannot send", setup: func(f *testFacts) { f.canSend = false }, code: "provider_unavailable"},
		{name: "a suppressed recipient is refused before anything is rendered",
			setup: func(f *testFacts) {
				f.suppressed = &store.Suppression{Reason: "unsubscribed"}
				f.steps[0].Variants[0].Subject = "{{"
			},
			code: "suppressed"},
		{name: "a sequence that does not parse", setup: func(f *testFacts) { f.steps[0].Variants[0].Subject = "{{" }, code: "message_invalid"},
		{name: "the variant asked for", setup: func(f *testFacts) { f.in.Variant = "A" },
			variant: "A", subject: "[Test] Hello Ann", empty: []string{}},
		{name: "the lead's own variant by default",
			variant: "B", subject: "[Test] Quick question", empty: []string{}},
		{name: "A for a lead outside the campaign, with the empty tags named",
			setup:   func(f *testFacts) { f.cl = store.CampaignLead{}; f.lead.FirstName, f.lead.Company = "", "" },
			variant: "A", subject: "[Test] Hello there", empty: []string{"firstName", "company"},
			note: "The lead has no value for firstName, company"},
		{name: "sample values",
			setup: func(f *testFacts) {
				f.cl, f.sample, f.lead = store.CampaignLead{}, true, store.Lead{Email: f.to}
			},
			variant: "A", subject: "[Test] Hello there", empty: []string{"firstName", "company"},
			note: "The campaign has no leads"},
		{name: "a later step replies to what step 1 would be called",
			setup:   func(f *testFacts) { f.in.Step = 2; f.cl = store.CampaignLead{} },
			variant: "A", subject: "[Test] Re: Hello Ann", empty: []string{}},
		{name: "a later step replies to the thread the lead already has",
			setup:   func(f *testFacts) { f.in.Step = 2; f.cl.FirstSubject = "Our talk" },
			variant: "A", subject: "[Test] Re: Our talk", empty: []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := base()
			if c.setup != nil {
				c.setup(&f)
			}
			plan, err := decideTest(f)
			if got := problemCode(err); got != c.code {
				t.Fatalf("err = %v, want the code %q", err, c.code)
			}
			if c.code != "" {
				return
			}
			r := plan.result
			if r.Variant != c.variant || r.Subject != c.subject || !reflect.DeepEqual(r.EmptyTags, c.empty) ||
				!strings.HasPrefix(r.Note, c.note) || (c.note == "") != (r.Note == "") {
				t.Fatalf("result = %+v, want variant %q subject %q empty %v note %q…", r, c.variant, c.subject, c.empty, c.note)
			}
			if r.To != f.to || r.MailboxID != "ib1" || r.MessageID != f.messageID || r.Sample != f.sample || r.LeadID != f.lead.ID {
				t.Fatalf("result = %+v does not match the facts", r)
			}
			if plan.out.To != f.to || plan.out.MessageID != f.messageID || !strings.Contains(string(plan.out.Raw), "1 Main St") {
				t.Fatalf("message = %+v %q: not to the recipient, or without the footer", plan.out, plan.out.Raw)
			}
			a := plan.audit
			want := map[string]any{"step": f.in.Step, "variant": c.variant, "inboxId": "ib1", "to": f.to, "leadId": f.lead.ID,
				"sample": f.sample, "messageId": f.messageID}
			if a.Action != "campaign.test_sent" || a.TargetID != "c1" || a.WorkspaceID != "ws" || a.ActorUserID != "u1" ||
				a.IP != "192.0.2.1" || a.RequestID != "req-1" || !reflect.DeepEqual(a.Data, want) {
				t.Fatalf("audit = %+v", a)
			}
		})
	}
}
