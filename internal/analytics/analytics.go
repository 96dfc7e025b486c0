// Package analytics answers "what works": per campaign, step and variant,
// the sends, deliveries, replies, positive replies, bounces, unsubscribes
// and spam complaints, their rates with 95 % Wilson intervals, the call on
// a winning variant, daily series, and the health of mailboxes and sending
// domains. Every number is read from counters that the send engine and the
// reply loop write in the same transactions as their own rows, derived from
// those rows by one definition (internal/store/analytics_counts.go; the
// migration backfills them, a test recounts them from the rows).
//
// Rates are fractions of delivered (sent − bounced). A reply is credited to
// the step that was the last one sent before it; a bounce, an unsubscribe
// or a complaint to the lead's last step sent.
package analytics

import (
	"context"
	"sort"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// Categories are the reply categories (internal/replies) a workspace may
// count as positive.
var Categories = []string{"interested", "meeting_request", "not_interested", "out_of_office", "unsubscribe",
	"wrong_person", "bounce", "other"}

// Service computes reports.
type Service struct {
	st  *store.Store
	env env.Env
}

// New returns the service.
func New(st *store.Store, e env.Env) *Service { return &Service{st: st, env: e} }

// Counts are the numbers of a variant, a step, a campaign or a workspace.
type Counts struct {
	Sent         int  `json:"sent"`
	Delivered    int  `json:"delivered"`
	Replied      int  `json:"replied"`
	Positive     int  `json:"positive"`
	Bounced      int  `json:"bounced"`
	Unsubscribed int  `json:"unsubscribed"`
	Complained   int  `json:"complained"`
	ReplyRate    Rate `json:"replyRate"`
	PositiveRate Rate `json:"positiveRate"`
}

func (c *Counts) add(t store.VariantTally) {
	c.Sent += t.Sent
	c.Replied += t.Replied
	c.Positive += t.Positive
	c.Bounced += t.Bounced
	c.Unsubscribed += t.Unsubscribed
	c.Complained += t.Complained
}

// finish fills delivered and the rates from the counts.
func (c *Counts) finish() {
	c.Delivered = max(0, c.Sent-c.Bounced)
	c.ReplyRate = Wilson(c.Replied, c.Delivered)
	c.PositiveRate = Wilson(c.Positive, c.Delivered)
}

// Variant is one row of the step × variant table.
type Variant struct {
	Variant string `json:"variant"`
	Counts
}

// Step is a step's variants and the call on them.
type Step struct {
	Step int `json:"step"` // the ledger position: a reply route's steps are route×100+step
	// Label names the step for people: "step 2" or "route 1 (Later) step 1".
	Label    string    `json:"label"`
	Variants []Variant `json:"variants"`
	Winner   *Winner   `json:"winner,omitempty"`
}

// Day is one day of a series, in the report's time zone.
type Day struct {
	Date         string `json:"date"`
	Sent         int    `json:"sent"`
	Replied      int    `json:"replied"`
	Positive     int    `json:"positive"`
	Bounced      int    `json:"bounced"`
	Unsubscribed int    `json:"unsubscribed"`
	Complained   int    `json:"complained"`
}

// CampaignReport is GET /api/campaigns/{id}/analytics.
type CampaignReport struct {
	CampaignID         string   `json:"campaignId"`
	Name               string   `json:"name"`
	Timezone           string   `json:"timezone"`
	From               string   `json:"from"`
	To                 string   `json:"to"`
	PositiveCategories []string `json:"positiveCategories"`
	Totals             Counts   `json:"totals"`
	Steps              []Step   `json:"steps"`
	Daily              []Day    `json:"daily"`
}

// CampaignRow is a campaign's totals in the workspace report.
type CampaignRow struct {
	CampaignID string `json:"campaignId"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Counts
}

// WorkspaceReport is GET /api/analytics.
type WorkspaceReport struct {
	Timezone           string        `json:"timezone"`
	From               string        `json:"from"`
	To                 string        `json:"to"`
	PositiveCategories []string      `json:"positiveCategories"`
	Totals             Counts        `json:"totals"`
	Campaigns          []CampaignRow `json:"campaigns"`
	Daily              []Day         `json:"daily"`
}

// Query is a report's window as the request gives it.
type Query struct {
	From, To string // YYYY-MM-DD
	Timezone string // the workspace report's zone; a campaign uses its own
}

// Campaign reports one campaign over a window of days in its time zone.
func (s *Service) Campaign(ctx context.Context, ws, campaignID string, q Query) (CampaignReport, error) {
	sc := s.st.InWorkspace(ws)
	c, err := sc.Campaign(ctx, campaignID)
	if err != nil {
		return CampaignReport{}, err
	}
	w, err := ParseWindow(q.From, q.To, timezone.Or(c.Timezone), s.env.Now())
	if err != nil {
		return CampaignReport{}, err
	}
	positive, err := sc.PositiveCategories(ctx)
	if err != nil {
		return CampaignReport{}, err
	}
	f := store.AnalyticsFilter{CampaignID: c.ID, From: w.From(), To: w.To()}
	tallies, err := sc.VariantTallies(ctx, f)
	if err != nil {
		return CampaignReport{}, err
	}
	daily, err := s.daily(ctx, sc, f, w, "")
	if err != nil {
		return CampaignReport{}, err
	}
	routes, _, err := routing.Load(ctx, sc, c.ID)
	if err != nil {
		return CampaignReport{}, err
	}
	r := CampaignReport{CampaignID: c.ID, Name: c.Name, Timezone: w.Location.String(), From: w.Dates[0],
		To: w.Dates[len(w.Dates)-1], PositiveCategories: positive, Daily: daily, Steps: Steps(tallies, routes)}
	for _, t := range tallies {
		r.Totals.add(t)
	}
	r.Totals.finish()
	return r, nil
}

// Steps groups tallies (of one campaign) into steps with their variants,
// in order, names them after the campaign's reply routes, and calls each
// step's winner.
func Steps(tallies []store.VariantTally, routes []routing.Route) []Step {
	byStep := map[int]*Step{}
	for _, t := range tallies {
		st, ok := byStep[t.Step]
		if !ok {
			st = &Step{Step: t.Step, Label: routing.StepLabel(t.Step, routes)}
			byStep[t.Step] = st
		}
		v := Variant{Variant: t.Variant}
		v.add(t)
		v.finish()
		st.Variants = append(st.Variants, v)
	}
	out := make([]Step, 0, len(byStep))
	for _, st := range byStep {
		sort.Slice(st.Variants, func(i, j int) bool { return st.Variants[i].Variant < st.Variants[j].Variant })
		in := make([]VariantResult, len(st.Variants))
		for i, v := range st.Variants {
			in[i] = VariantResult{Variant: v.Variant, Sent: v.Sent, Delivered: v.Delivered, Positive: v.Positive}
		}
		st.Winner = DecideWinner(in)
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Step < out[j].Step })
	return out
}

// daily is the series of a campaign (or the workspace, or a mailbox): the
// counters' slots summed into the window's days.
func (s *Service) daily(ctx context.Context, sc store.Scope, f store.AnalyticsFilter, w Window, mailboxID string) ([]Day, error) {
	totals, err := sc.PeriodTotals(ctx, f, mailboxID, w.Edges)
	if err != nil {
		return nil, err
	}
	days := make([]Day, len(w.Dates))
	for i, d := range w.Dates {
		t := totals[i]
		days[i] = Day{Date: d, Sent: t.Sent, Replied: t.Replied, Positive: t.Positive, Bounced: t.Bounced,
			Unsubscribed: t.Unsubscribed, Complained: t.Complained}
	}
	return days, nil
}

// Workspace reports every campaign of the workspace over a window of days
// in q.Timezone (UTC when empty).
func (s *Service) Workspace(ctx context.Context, ws string, q Query) (WorkspaceReport, error) {
	zone := q.Timezone
	if zone == "" {
		zone = "UTC"
	}
	loc, err := timezone.Location(zone)
	if err != nil {
		return WorkspaceReport{}, problem.InvalidField("timezone", "is not a known time zone")
	}
	w, err := ParseWindow(q.From, q.To, loc, s.env.Now())
	if err != nil {
		return WorkspaceReport{}, err
	}
	sc := s.st.InWorkspace(ws)
	positive, err := sc.PositiveCategories(ctx)
	if err != nil {
		return WorkspaceReport{}, err
	}
	f := store.AnalyticsFilter{From: w.From(), To: w.To()}
	tallies, err := sc.VariantTallies(ctx, f)
	if err != nil {
		return WorkspaceReport{}, err
	}
	daily, err := s.daily(ctx, sc, f, w, "")
	if err != nil {
		return WorkspaceReport{}, err
	}
	r := WorkspaceReport{Timezone: zone, From: w.Dates[0], To: w.Dates[len(w.Dates)-1], PositiveCategories: positive,
		Daily: daily, Campaigns: []CampaignRow{}}
	rows := map[string]*CampaignRow{}
	var ids []string
	for _, t := range tallies {
		r.Totals.add(t)
		row, ok := rows[t.CampaignID]
		if !ok {
			row = &CampaignRow{CampaignID: t.CampaignID}
			rows[t.CampaignID] = row
			ids = append(ids, t.CampaignID)
		}
		row.add(t)
	}
	r.Totals.finish()
	names, err := sc.CampaignNames(ctx, ids)
	if err != nil {
		return WorkspaceReport{}, err
	}
	for _, id := range ids {
		row := rows[id]
		row.finish()
		row.Name, row.Status = names[id].Name, names[id].Status
		r.Campaigns = append(r.Campaigns, *row)
	}
	sort.Slice(r.Campaigns, func(i, j int) bool {
		if r.Campaigns[i].Sent != r.Campaigns[j].Sent {
			return r.Campaigns[i].Sent > r.Campaigns[j].Sent
		}
		return r.Campaigns[i].CampaignID < r.Campaigns[j].CampaignID
	})
	return r, nil
}

// Settings are the workspace's analytics settings.
type Settings struct {
	PositiveCategories []string `json:"positiveCategories"`
}

// Settings returns the workspace's analytics settings.
func (s *Service) Settings(ctx context.Context, ws string) (Settings, error) {
	list, err := s.st.InWorkspace(ws).PositiveCategories(ctx)
	if list == nil {
		list = []string{}
	}
	return Settings{PositiveCategories: list}, err
}

// SetSettings validates and stores the workspace's analytics settings.
func (s *Service) SetSettings(ctx context.Context, ws string, in Settings) (Settings, error) {
	list, err := ValidCategories(in.PositiveCategories)
	if err != nil {
		return Settings{}, err
	}
	if err := s.st.InWorkspace(ws).SetPositiveCategories(ctx, list); err != nil {
		return Settings{}, err
	}
	return Settings{PositiveCategories: list}, nil
}

// ValidCategories checks a list of positive categories: known names, each
// once, in the order given.
func ValidCategories(in []string) ([]string, error) {
	known := map[string]bool{}
	for _, c := range Categories {
		known[c] = true
	}
	seen := map[string]bool{}
	out := []string{}
	for _, c := range in {
		if !known[c] {
			return nil, problem.InvalidField("positiveCategories", "unknown category "+quote(c)+"; known: interested, meeting_request, not_interested, out_of_office, unsubscribe, wrong_person, bounce, other")
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + s + "\""
}
