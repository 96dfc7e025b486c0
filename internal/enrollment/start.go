package enrollment

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// StartLeads gives every active campaign lead that has no job yet a mailbox
// and its step 1, due the step's delay after `at`: what a launch does for
// every lead, and what adding leads to a running campaign does for the new
// ones. Mailboxes are chosen by rules.AssignMailbox among the campaign's, by
// capacity and load. It runs in the caller's transaction and returns how
// many leads it started.
func StartLeads(ctx context.Context, tx *store.Tx, wsID string, c store.Campaign, at time.Time) (int, error) {
	s := tx.InWorkspace(wsID)
	steps, err := s.Sequence(ctx, c.ID)
	if err != nil {
		return 0, err
	}
	if len(steps) == 0 {
		return 0, nil
	}
	leads, err := s.UnstartedCampaignLeads(ctx, c.ID)
	if err != nil || len(leads) == 0 {
		return 0, err
	}
	loc, err := timezone.Location(c.Timezone)
	if err != nil {
		return 0, err
	}
	picker, err := newPicker(ctx, s, c.MailboxIDs, "", at)
	if err != nil {
		return 0, err
	}
	due := rules.Delay{Days: steps[0].DelayDays, Minutes: steps[0].DelayMinutes}.After(at, loc)
	assigned := map[string][]string{}
	jobs := make([]store.SendJob, 0, len(leads))
	for _, l := range leads {
		mailbox := l.MailboxID
		if mailbox == "" || !picker.has(mailbox) {
			mailbox = picker.pickFor(MatchProvider(c, l.Lead))
			assigned[mailbox] = append(assigned[mailbox], l.ID)
		}
		jobs = append(jobs, store.SendJob{CampaignID: c.ID, CampaignLeadID: l.ID, LeadID: l.LeadID, MailboxID: mailbox,
			Step: 1, Variant: rules.VariantFor(l.ID, 1, len(steps[0].Variants)), DueAt: due, RunAt: due})
	}
	for mailbox, ids := range assigned {
		if err := s.AssignCampaignLeads(ctx, mailbox, ids); err != nil {
			return 0, err
		}
	}
	n, err := s.InsertSendJobs(ctx, jobs)
	if err != nil {
		return 0, fmt.Errorf("schedule step 1: %w", err)
	}
	return n, nil
}

// Reassign moves a campaign's active leads off a mailbox (being deleted, or
// removed from the campaign), or gives leads without one a mailbox
// (fromMailbox ""), choosing among the campaign's other mailboxes by capacity.
// Their pending jobs follow them; when no mailbox is left they are held
// (reason no_inbox) until one is added. Never drops work.
func Reassign(ctx context.Context, tx *store.Tx, wsID, campaignID, fromMailbox string, at time.Time) (int, error) {
	s := tx.InWorkspace(wsID)
	leads, err := s.ActiveCampaignLeadsOfMailbox(ctx, campaignID, fromMailbox)
	if err != nil || len(leads) == 0 {
		return 0, err
	}
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	picker, err := newPicker(ctx, s, c.MailboxIDs, fromMailbox, at)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, l := range leads {
		to := picker.pickFor(MatchProvider(c, l.Lead))
		if to == fromMailbox {
			continue
		}
		if err := s.SetCampaignLeadMailbox(ctx, l.ID, to); err != nil {
			return moved, err
		}
		moved++
	}
	if moved > 0 {
		if _, err := s.ReleaseHeldJobs(ctx, campaignID, at); err != nil {
			return moved, err
		}
	}
	return moved, nil
}

// Spread is how StartLeads would spread n new leads over the mailboxes
// mailboxIDs at `at`: mailbox id → leads. The forecast plans unstarted leads
// with it, so it can never assign them differently from a launch.
func Spread(ctx context.Context, s store.Scope, mailboxIDs []string, n int, at time.Time) (map[string]int, error) {
	spread, _, err := SpreadMatched(ctx, s, mailboxIDs, make([]string, n), at)
	return spread, err
}

// SpreadMatched is Spread for leads with the providers ESP matching reads
// (MatchProvider; "" when the campaign does not match or the provider is
// not known), in the order StartLeads takes them. It also counts the leads
// that get a mailbox of their own provider.
func SpreadMatched(ctx context.Context, s store.Scope, mailboxIDs []string, providers []string, at time.Time) (map[string]int, int, error) {
	spread := map[string]int{}
	if len(providers) == 0 {
		return spread, 0, nil
	}
	p, err := newPicker(ctx, s, mailboxIDs, "", at)
	if err != nil {
		return nil, 0, err
	}
	matched := 0
	for _, provider := range providers {
		id, same := p.pickMatched(provider)
		spread[id]++
		if same {
			matched++
		}
	}
	return spread, matched, nil
}

// MatchProvider is the provider a lead's mailbox should match under ESP
// matching: the one read from its MX by the address check, or "" when the
// campaign does not match or the provider is not known.
func MatchProvider(c store.Campaign, l store.Lead) string {
	if !c.ESPMatching || l.Verification == nil {
		return ""
	}
	return l.Verification.Provider
}

// picker hands out mailboxes with rules.AssignMailbox, counting each pick into
// the chosen mailbox's load so a batch of leads spreads out.
type picker struct {
	caps []rules.Capacity
}

func newPicker(ctx context.Context, s store.Scope, mailboxIDs []string, exclude string, at time.Time) (*picker, error) {
	mailboxes, err := s.MailboxesByID(ctx, mailboxIDs)
	if err != nil {
		return nil, err
	}
	load, err := s.MailboxLoad(ctx, mailboxIDs)
	if err != nil {
		return nil, err
	}
	p := &picker{}
	for _, i := range mailboxes {
		if i.ID == exclude {
			continue
		}
		limits, err := input.Limits(i)
		if err != nil {
			continue // a mailbox whose zone cannot be read gets no new leads
		}
		limit := rules.TodayLimit(limits, at)
		used := input.Usage(i, limits.Timezone, at).SentToday
		p.caps = append(p.caps, rules.Capacity{ID: i.ID, Status: rules.MailboxStatus(i.Status), Limit: limit,
			Remaining: max(limit-used, 0), Pending: load[i.ID], Provider: rules.MailboxProvider(i.Provider)})
	}
	return p, nil
}

func (p *picker) has(id string) bool {
	for _, c := range p.caps {
		if c.ID == id {
			return true
		}
	}
	return false
}

// pickFor returns the mailbox for the next lead, or "" when none is
// active: one of provider when there is one (ESP matching; "" for any).
func (p *picker) pickFor(provider string) string {
	id, _ := p.pickMatched(provider)
	return id
}

func (p *picker) pickMatched(provider string) (string, bool) {
	id, matched := rules.AssignMailboxFor(p.caps, provider)
	for i := range p.caps {
		if p.caps[i].ID == id {
			p.caps[i].Pending++
		}
	}
	return id, matched
}
