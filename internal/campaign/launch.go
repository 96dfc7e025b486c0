package campaign

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/template"
)

// maxListedLeads caps the leads a launch refusal lists (the count is exact).
const maxListedLeads = 100

// Check is one thing that blocks a launch, as the review page's red rows.
type Check struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// MissingLead is a lead that lacks a value a merge tag without a fallback
// needs.
type MissingLead struct {
	LeadID string   `json:"leadId"`
	Email  string   `json:"email"`
	Fields []string `json:"fields"`
}

// postalAddressCheck is the launch check of the sender's postal address,
// which every message carries in its footer (CAN-SPAM 7704(a)(5)(A)(iii)).
var postalAddressCheck = Check{"postal_address_missing",
	"Add your sender postal address in Settings → Workspace; every email must show it."}

// launchChecks lists what blocks a launch: no postal address, no mailbox or
// a broken one, no sequence, a schedule that never opens, leads missing a
// merge field.
func (s *Service) launchChecks(ctx context.Context, q store.Scope, c store.Campaign) ([]Check, []MissingLead, int, error) {
	var checks []Check
	address, _, err := q.WorkspaceFooter(ctx, q.WorkspaceID())
	if err != nil {
		return nil, nil, 0, err
	}
	if strings.TrimSpace(address) == "" {
		checks = append(checks, postalAddressCheck)
	}
	mailboxes, err := q.MailboxesByID(ctx, c.MailboxIDs)
	if err != nil {
		return nil, nil, 0, err
	}
	if len(mailboxes) == 0 {
		checks = append(checks, Check{"no_mailbox", "Choose at least one mailbox to send from."})
	}
	for _, i := range mailboxes {
		if i.Status == store.MailboxDisconnected || i.Status == store.MailboxError {
			checks = append(checks, Check{"mailbox_disconnected", fmt.Sprintf("Mailbox %s is %s; reconnect it or remove it from the campaign.", i.Email, i.Status)})
		}
	}
	if sched, err := input.Schedule(c); err != nil || sched.Validate() != nil {
		checks = append(checks, Check{"schedule_invalid", "The schedule has no sending days or hours."})
	}
	steps, err := q.Sequence(ctx, c.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	if len(steps) == 0 {
		checks = append(checks, Check{"no_sequence", "Write at least one step of the sequence."})
		return checks, nil, 0, nil
	}
	var tmpls []*template.Template
	for _, st := range steps {
		for _, v := range st.Variants {
			for _, src := range []string{v.Subject, v.Body} {
				t, err := template.Parse(src)
				if err != nil {
					checks = append(checks, Check{"invalid_template", fmt.Sprintf("Step %d variant %s: %v", st.Position, v.Variant, err)})
					continue
				}
				tmpls = append(tmpls, t)
			}
		}
	}
	leads, err := q.UnstartedCampaignLeads(ctx, c.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	var missing []MissingLead
	count := 0
	for _, l := range leads {
		data := input.LeadData(l.Lead)
		var fields []string
		for _, t := range tmpls {
			for _, f := range t.MissingFields(data) {
				if !contains(fields, f) {
					fields = append(fields, f)
				}
			}
		}
		if len(fields) == 0 {
			continue
		}
		count++
		if len(missing) < maxListedLeads {
			missing = append(missing, MissingLead{LeadID: l.LeadID, Email: l.Lead.Email, Fields: fields})
		}
	}
	if count > 0 {
		checks = append(checks, Check{"missing_merge_fields", fmt.Sprintf(
			"%d lead(s) have no value for a merge tag without a fallback; fill them in, add a fallback such as {{firstName | \"there\"}}, or remove the leads.", count)})
	}
	return checks, missing, count, nil
}

// Launch starts a draft campaign: it refuses (409 launch_blocked, with the
// checks and the leads missing merge fields) unless everything is ready,
// then assigns each lead a mailbox and schedules step 1.
func (s *Service) Launch(ctx context.Context, p account.Principal, id string, m account.Meta) (View, error) {
	err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		c, err := q.CampaignForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if c.Status != store.CampaignDraft {
			return illegal(c.Status, "launch")
		}
		checks, missing, count, err := s.launchChecks(ctx, q, c)
		if err != nil {
			return err
		}
		if len(checks) > 0 {
			msgs := make([]string, len(checks))
			for i, ch := range checks {
				msgs[i] = ch.Message
			}
			details := map[string]any{"checks": checks}
			if count > 0 {
				details["leadsMissingFields"] = missing
				details["leadsMissingFieldsCount"] = count
			}
			return &problem.Error{Kind: problem.Conflict, Code: "launch_blocked",
				Message: "The campaign cannot launch yet: " + strings.Join(msgs, " "), Details: details}
		}
		at := s.env.Now()
		if err := q.SetCampaignStatus(ctx, id, store.CampaignActive, "", at, store.CampaignDraft); err != nil {
			return err
		}
		c.Status = store.CampaignActive
		started, err := enrollment.StartLeads(ctx, tx, p.WorkspaceID, c, at)
		if err != nil {
			return err
		}
		if err := event.Record(ctx, tx.Queries, p.WorkspaceID, event.CampaignChanged{Type: event.CampaignLaunched,
			Campaign: event.Ref{ID: id, Name: c.Name}}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "campaign.launched", id, map[string]any{"leads": started}))
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, p.WorkspaceID, id)
}

// Pause stops an active campaign from sending; its jobs are held at the
// next tick (a send already handed to the provider finishes).
func (s *Service) Pause(ctx context.Context, p account.Principal, id string, m account.Meta) (View, error) {
	return s.transition(ctx, p, id, m, "pause", store.CampaignActive, store.CampaignPaused)
}

// Resume restarts a paused campaign: held jobs go back to the tick, and
// leads added while paused are started.
func (s *Service) Resume(ctx context.Context, p account.Principal, id string, m account.Meta) (View, error) {
	return s.transition(ctx, p, id, m, "resume", store.CampaignPaused, store.CampaignActive)
}

func (s *Service) transition(ctx context.Context, p account.Principal, id string, m account.Meta, verb, from, to string) (View, error) {
	err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		c, err := q.CampaignForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if c.Status != from {
			return illegal(c.Status, verb)
		}
		at := s.env.Now()
		if err := q.SetCampaignStatus(ctx, id, to, "", at, from); err != nil {
			return err
		}
		if to == store.CampaignActive {
			c.Status = to
			if _, err := q.ReleaseHeldJobs(ctx, id, at); err != nil {
				return err
			}
			if _, err := enrollment.StartLeads(ctx, tx, p.WorkspaceID, c, at); err != nil {
				return err
			}
		}
		typ := event.CampaignPaused
		if verb == "resume" {
			typ = event.CampaignResumed
		}
		if err := event.Record(ctx, tx.Queries, p.WorkspaceID, event.CampaignChanged{Type: typ,
			Campaign: event.Ref{ID: id, Name: c.Name}, Reason: "by a user"}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "campaign."+verb+"d", id, nil))
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, p.WorkspaceID, id)
}

// illegal is the 409 of a transition the state machine does not allow.
func illegal(status, verb string) error {
	return &problem.Error{Kind: problem.Conflict, Code: "invalid_transition",
		Message: fmt.Sprintf("A %s campaign cannot %s (draft → active ⇄ paused → completed).", status, verb),
		Details: map[string]any{"status": status}}
}
