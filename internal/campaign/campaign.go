// Package campaign holds the rules of campaigns and their sequences: what a
// valid campaign and template are, the state machine draft → active ⇄
// paused → completed, which leads may join, and what must be true before a
// launch. Sending itself is internal/sending's; this package calls it to
// start leads, re-assign mailboxes, explain and forecast.
package campaign

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// Service implements the campaign rules.
type Service struct {
	st  *store.Store
	env env.Env
}

// New returns a Service reading the time from e.
func New(st *store.Store, e env.Env) *Service {
	return &Service{st: st, env: e}
}

// Stats are a campaign's headline numbers.
type Stats struct {
	Leads        int `json:"leads"`
	Scheduled    int `json:"scheduled"`
	Sent         int `json:"sent"`
	Replied      int `json:"replied"`
	Bounced      int `json:"bounced"`
	Unsubscribed int `json:"unsubscribed"`
	Failed       int `json:"failed"`
	Held         int `json:"held"`
	Completed    int `json:"completed"`
}

// View is a campaign as the API shows it.
type View struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	ICPProfileID    *string `json:"icpProfileId"`
	Status          string  `json:"status"`
	StatusReason    string  `json:"statusReason,omitempty"`
	Timezone        string  `json:"timezone"`
	SendDays        []int   `json:"sendDays"`
	SendStart       string  `json:"sendStart"`
	SendEnd         string  `json:"sendEnd"`
	UseLeadTimezone bool    `json:"useLeadTimezone"`
	StopOnReply     bool    `json:"stopOnReply"`
	// StopOnAutoReply stops a lead on an out-of-office (default: pause
	// until the return date); StopOnCompanyReply stops every lead of the
	// same company domain when one of them replies.
	StopOnAutoReply    bool `json:"stopOnAutoReply"`
	StopOnCompanyReply bool `json:"stopOnCompanyReply"`
	DailyLimit         int  `json:"dailyLimit"`
	// AllowRisky sends to leads whose address verification says risky
	// (never to undeliverable ones); ESPMatching assigns each lead a
	// mailbox of its own mail provider when the campaign has one.
	AllowRisky  bool       `json:"allowRisky"`
	ESPMatching bool       `json:"espMatching"`
	MailboxIDs  []string   `json:"inboxIds"`
	LaunchedAt  *time.Time `json:"launchedAt"`
	CompletedAt *time.Time `json:"completedAt"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	Stats       Stats      `json:"stats"`
	// Detail views (GET one) add the per-step table and what is next.
	Steps    []StepStats `json:"steps,omitempty"`
	NextSend *NextSend   `json:"nextSend,omitempty"`
	// Routes are the reply routes' numbers (routes.go).
	Routes []RouteStats `json:"routes,omitempty"`
	// SequenceVersion and StepVersions (detail view): the sequence's
	// version and, once it has had more than one, sends per step and
	// version (internal/campaign/edit_views.go).
	SequenceVersion int                `json:"sequenceVersion,omitempty"`
	StepVersions    []StepVersionStats `json:"stepVersions,omitempty"`
}

func view(c store.Campaign) View {
	v := View{ID: c.ID, Name: c.Name, Status: c.Status, StatusReason: c.StatusReason, Timezone: c.Timezone,
		SendDays: c.SendDays, SendStart: rules.FormatClock(c.SendStartMinute), SendEnd: rules.FormatClock(c.SendEndMinute),
		UseLeadTimezone: c.UseLeadTimezone, StopOnReply: c.StopOnReply, DailyLimit: c.DailyLimit, MailboxIDs: c.MailboxIDs,
		StopOnAutoReply: c.StopOnAutoReply, StopOnCompanyReply: c.StopOnCompanyReply,
		AllowRisky: c.AllowRisky, ESPMatching: c.ESPMatching,
		LaunchedAt: c.LaunchedAt, CompletedAt: c.CompletedAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if c.ICPProfileID != "" {
		id := c.ICPProfileID
		v.ICPProfileID = &id
	}
	if v.MailboxIDs == nil {
		v.MailboxIDs = []string{}
	}
	return v
}

// Input is the body of POST /api/campaigns and PATCH /api/campaigns/{id}.
// On PATCH every field is optional; on POST name and timezone are required
// and the rest default to a safe schedule (Mon–Fri 09:00–17:00, stop on
// reply).
type Input struct {
	Name               *string   `json:"name"`
	ICPProfileID       *string   `json:"icpProfileId"`
	Timezone           *string   `json:"timezone"`
	SendDays           *[]int    `json:"sendDays"`
	SendStart          *string   `json:"sendStart"`
	SendEnd            *string   `json:"sendEnd"`
	UseLeadTimezone    *bool     `json:"useLeadTimezone"`
	StopOnReply        *bool     `json:"stopOnReply"`
	StopOnAutoReply    *bool     `json:"stopOnAutoReply"`
	StopOnCompanyReply *bool     `json:"stopOnCompanyReply"`
	DailyLimit         *int      `json:"dailyLimit"`
	AllowRisky         *bool     `json:"allowRisky"`
	ESPMatching        *bool     `json:"espMatching"`
	MailboxIDs         *[]string `json:"inboxIds"`
}

// apply validates in onto c, collecting field errors.
func (s *Service) apply(ctx context.Context, q store.Scope, c *store.Campaign, in Input, creating bool) error {
	fields := problem.Fields{}
	if in.Name != nil || creating {
		name := strings.TrimSpace(deref(in.Name))
		if name == "" || len(name) > 200 {
			fields.Add("name", "must be 1 to 200 characters")
		}
		c.Name = name
	}
	if in.ICPProfileID != nil {
		c.ICPProfileID = strings.TrimSpace(*in.ICPProfileID)
		if c.ICPProfileID != "" {
			ok, err := q.ICPProfileExists(ctx, c.ICPProfileID)
			if err != nil {
				return err
			}
			if !ok {
				fields.Add("icpProfileId", "is not an ICP profile of this workspace")
			}
		}
	}
	if in.Timezone != nil || creating {
		tz := strings.TrimSpace(deref(in.Timezone))
		if !timezone.Valid(tz) {
			fields.Add("timezone", "must be an IANA time zone such as Europe/Paris")
		}
		c.Timezone = tz
	}
	if in.SendDays != nil {
		c.SendDays = slices.Clone(*in.SendDays)
		slices.Sort(c.SendDays)
		c.SendDays = slices.Compact(c.SendDays)
	}
	if _, err := rules.WeekdaysFromISO(c.SendDays); err != nil || len(c.SendDays) == 0 {
		fields.Add("sendDays", "must list days 1 (Monday) to 7 (Sunday), at least one")
	}
	if in.SendStart != nil {
		m, err := rules.ParseClock(*in.SendStart)
		if err != nil || m >= rules.MinutesPerDay {
			fields.Add("sendStart", "must be a time of day HH:MM from 00:00 to 23:59")
		}
		c.SendStartMinute = m
	}
	if in.SendEnd != nil {
		m, err := rules.ParseClock(*in.SendEnd)
		if err != nil {
			fields.Add("sendEnd", "must be a time of day HH:MM from 00:01 to 24:00")
		}
		c.SendEndMinute = m
	}
	if c.SendEndMinute <= c.SendStartMinute {
		fields.Add("sendEnd", "must be after sendStart (a window cannot cross midnight)")
	}
	if in.UseLeadTimezone != nil {
		c.UseLeadTimezone = *in.UseLeadTimezone
	}
	if in.StopOnReply != nil {
		c.StopOnReply = *in.StopOnReply
	}
	if in.AllowRisky != nil {
		c.AllowRisky = *in.AllowRisky
	}
	if in.ESPMatching != nil {
		c.ESPMatching = *in.ESPMatching
	}
	if in.StopOnAutoReply != nil {
		c.StopOnAutoReply = *in.StopOnAutoReply
	}
	if in.StopOnCompanyReply != nil {
		c.StopOnCompanyReply = *in.StopOnCompanyReply
	}
	if in.DailyLimit != nil {
		if *in.DailyLimit < 0 || *in.DailyLimit > 100000 {
			fields.Add("dailyLimit", "must be 0 (no campaign limit) to 100000")
		}
		c.DailyLimit = *in.DailyLimit
	}
	if in.MailboxIDs != nil {
		ids := slices.Clone(*in.MailboxIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) > 0 {
			found, err := q.MailboxesByID(ctx, ids)
			if err != nil {
				return err
			}
			if len(found) != len(ids) {
				fields.Add("inboxIds", "lists a mailbox that is not in this workspace")
			}
		}
		c.MailboxIDs = ids
	}
	return fields.Err()
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Create makes a draft campaign.
func (s *Service) Create(ctx context.Context, p account.Principal, in Input, m account.Meta) (View, error) {
	c := store.Campaign{SendDays: []int{1, 2, 3, 4, 5}, SendStartMinute: rules.DefaultStart,
		SendEndMinute: rules.DefaultEnd, StopOnReply: true, MailboxIDs: []string{}}
	err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		if err := s.apply(ctx, q, &c, in, true); err != nil {
			return err
		}
		if err := q.CreateCampaign(ctx, &c); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "campaign.created", c.ID, map[string]any{"name": c.Name}))
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, p.WorkspaceID, c.ID)
}

// Update changes settings of a campaign that is not completed. Mailboxes
// removed from a running campaign hand their leads to the others; leads
// waiting for a mailbox get one of the new ones; jobs held for a setting
// are released so the tick decides them again.
func (s *Service) Update(ctx context.Context, p account.Principal, id string, in Input, m account.Meta) (View, error) {
	var status string
	err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		c, err := q.CampaignForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == store.CampaignCompleted {
			return problem.New(problem.Conflict, "campaign_completed", "A completed campaign cannot be changed.")
		}
		before := slices.Clone(c.MailboxIDs)
		if err := s.apply(ctx, q, &c, in, false); err != nil {
			return err
		}
		if err := q.UpdateCampaignSettings(ctx, &c); err != nil {
			return err
		}
		if in.MailboxIDs != nil && !slices.Equal(before, c.MailboxIDs) {
			if err := q.SetCampaignMailboxes(ctx, c.ID, c.MailboxIDs); err != nil {
				return err
			}
		}
		if _, err := q.ReleaseHeldJobs(ctx, c.ID, s.env.Now()); err != nil {
			return err
		}
		status = c.Status
		return tx.InsertAudit(ctx, audit(p, m, "campaign.updated", c.ID, nil))
	})
	if err != nil {
		return View{}, err
	}
	if in.MailboxIDs != nil && status != store.CampaignDraft {
		// Moving leads takes campaign leads and then their jobs, the order
		// a stop uses, and not the campaign's row, which a tick takes after
		// jobs: so it runs on its own, after the settings committed. It is
		// idempotent: sending the same PATCH again finishes an interrupted
		// move.
		if err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
			return s.rebalance(ctx, tx, p.WorkspaceID, id)
		}); err != nil {
			return View{}, err
		}
	}
	return s.Get(ctx, p.WorkspaceID, id)
}

// rebalance moves leads off mailboxes the campaign no longer uses and gives
// leads without one a mailbox.
func (s *Service) rebalance(ctx context.Context, tx *store.Tx, ws, campaignID string) error {
	q := tx.InWorkspace(ws)
	current, err := q.CampaignMailboxIDs(ctx, campaignID)
	if err != nil {
		return err
	}
	used, err := q.CampaignLeadMailboxes(ctx, campaignID)
	if err != nil {
		return err
	}
	for _, from := range used {
		if from != "" && slices.Contains(current, from) {
			continue
		}
		if _, err := enrollment.Reassign(ctx, tx, ws, campaignID, from, s.env.Now()); err != nil {
			return err
		}
	}
	return nil
}

// Get returns one campaign with its stats, per-step table and next send.
func (s *Service) Get(ctx context.Context, ws, id string) (View, error) {
	q := s.st.InWorkspace(ws)
	c, err := q.Campaign(ctx, id)
	if err != nil {
		return View{}, err
	}
	views, err := s.withStats(ctx, q, []store.Campaign{c})
	if err != nil {
		return View{}, err
	}
	v := views[0]
	if v.Steps, err = s.stepStats(ctx, q, id); err != nil {
		return View{}, err
	}
	if v.NextSend, err = s.nextSend(ctx, q, c); err != nil {
		return View{}, err
	}
	if v.Routes, err = routeStats(ctx, q, id); err != nil {
		return View{}, err
	}
	if v.SequenceVersion, v.StepVersions, err = s.stepVersions(ctx, q, id); err != nil {
		return View{}, err
	}
	return v, nil
}

// List returns a page of campaigns, newest first, with their stats.
func (s *Service) List(ctx context.Context, ws, status, cursor string, limit int) ([]View, error) {
	if status != "" && !slices.Contains([]string{store.CampaignDraft, store.CampaignActive, store.CampaignPaused,
		store.CampaignCompleted}, status) {
		return nil, problem.InvalidField("status", "must be draft, active, paused or completed")
	}
	q := s.st.InWorkspace(ws)
	list, err := q.Campaigns(ctx, status, cursor, limit)
	if err != nil {
		return nil, err
	}
	return s.withStats(ctx, q, list)
}

// Delete removes a campaign that is not running (draft, paused or
// completed); pause a running one first.
func (s *Service) Delete(ctx context.Context, p account.Principal, id string, m account.Meta) error {
	return s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		// The delete removes its jobs: lock them first, as a tick does.
		if err := q.LockCampaignJobs(ctx, id); err != nil {
			return err
		}
		c, err := q.CampaignForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == store.CampaignActive {
			return problem.New(problem.Conflict, "campaign_active", "Pause the campaign before deleting it.")
		}
		if err := q.DeleteCampaign(ctx, id); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "campaign.deleted", id, map[string]any{"name": c.Name}))
	})
}

func audit(p account.Principal, m account.Meta, action, targetID string, data map[string]any) store.AuditEvent {
	return store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID,
		Action: action, TargetType: "campaign", TargetID: targetID, Data: data, IP: m.IP, RequestID: m.RequestID}
}
