package analytics

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/bounceguard"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// Health bands.
const (
	BandGood   = "good"
	BandWatch  = "watch"
	BandAtRisk = "at_risk"
)

// Health band thresholds, over the last HealthWindowDays days.
const (
	HealthWindowDays  = 7
	HealthMinSent     = 20    // fewer sends: too few to judge
	BounceAtRisk      = 0.03  // the bounce guard's default threshold
	BounceWatch       = 0.015 // half of it
	UnsubscribeAtRisk = 0.01
	UnsubscribeWatch  = 0.005
	// Spam complaints: Gmail's and Yahoo's sender rules ask for under
	// 0.1 % and treat 0.3 % as the limit.
	ComplaintAtRisk = 0.003
	ComplaintWatch  = 0.001
)

// HealthInput is what the band is decided from: the last seven days of a
// mailbox or domain, and whether the bounce guard holds it paused.
type HealthInput struct {
	Sent, Bounced, Unsubscribed, Complained int
	PausedByGuard                           bool
	Status                                  string // a mailbox's status ("" for a domain)
}

// Band is a health band and the rule that set it.
type Band struct {
	Band string `json:"band"`
	Rule string `json:"rule"`
}

// DecideBand applies the first matching rule: paused by the bounce guard,
// disconnected or failing, the bounce, complaint and unsubscribe rates
// against their at-risk then watch limits; with fewer than HealthMinSent
// sends the rates are not judged.
func DecideBand(in HealthInput) Band {
	if in.PausedByGuard {
		return Band{BandAtRisk, "the bounce guard paused it"}
	}
	if in.Status == "disconnected" || in.Status == "error" {
		return Band{BandAtRisk, "the mailbox is " + in.Status + ": nothing can be sent or read"}
	}
	if in.Sent < HealthMinSent {
		return Band{BandGood, fmt.Sprintf("%d sends in %d days: too few to judge the rates", in.Sent, HealthWindowDays)}
	}
	bounce := float64(in.Bounced) / float64(in.Sent)
	unsub := float64(in.Unsubscribed) / float64(in.Sent)
	complaint := float64(in.Complained) / float64(in.Sent)
	rule := func(what string, rate, limit float64) string {
		return fmt.Sprintf("%s rate %.1f %% over %d days is above %.1f %%", what, 100*rate, HealthWindowDays, 100*limit)
	}
	switch {
	case bounce > BounceAtRisk:
		return Band{BandAtRisk, rule("bounce", bounce, BounceAtRisk)}
	case complaint > ComplaintAtRisk:
		return Band{BandAtRisk, rule("spam complaint", complaint, ComplaintAtRisk)}
	case unsub > UnsubscribeAtRisk:
		return Band{BandAtRisk, rule("unsubscribe", unsub, UnsubscribeAtRisk)}
	case bounce > BounceWatch:
		return Band{BandWatch, rule("bounce", bounce, BounceWatch)}
	case complaint > ComplaintWatch:
		return Band{BandWatch, rule("spam complaint", complaint, ComplaintWatch)}
	case unsub > UnsubscribeWatch:
		return Band{BandWatch, rule("unsubscribe", unsub, UnsubscribeWatch)}
	}
	return Band{BandGood, fmt.Sprintf("bounce %.1f %%, complaint %.2f %% and unsubscribe %.1f %% over %d days are within limits",
		100*bounce, 100*complaint, 100*unsub, HealthWindowDays)}
}

// HealthDay is one day of a mailbox or domain.
type HealthDay struct {
	Date            string  `json:"date"`
	Sent            int     `json:"sent"`
	Replied         int     `json:"replied"`
	Bounced         int     `json:"bounced"`
	Unsubscribed    int     `json:"unsubscribed"`
	Complained      int     `json:"complained"`
	BounceRate      float64 `json:"bounceRate"`
	UnsubscribeRate float64 `json:"unsubscribeRate"`
	ComplaintRate   float64 `json:"complaintRate"`
}

// GuardEvent is one change of a mailbox's state in the audit log.
type GuardEvent struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"` // paused, resumed, disconnected, reconnected
	By     string    `json:"by"`     // bounce_guard, a person, the sync
	Detail string    `json:"detail,omitempty"`
}

// Guard is the bounce guard's view of a mailbox.
type Guard struct {
	State     string       `json:"state"` // paused (by the guard) or watching
	Threshold float64      `json:"threshold"`
	History   []GuardEvent `json:"history"`
}

// MailboxHealth is GET /api/inboxes/{id}/health.
type MailboxHealth struct {
	MailboxID string      `json:"mailboxId"`
	Email     string      `json:"email"`
	Domain    string      `json:"domain"`
	Status    string      `json:"status"`
	Timezone  string      `json:"timezone"`
	From      string      `json:"from"`
	To        string      `json:"to"`
	Health    Band        `json:"health"`
	Last7     HealthDay   `json:"last7Days"`
	Guard     Guard       `json:"bounceGuard"`
	Daily     []HealthDay `json:"daily"`
}

// DomainHealth is one sending domain in GET /api/analytics/domains.
type DomainHealth struct {
	Domain    string      `json:"domain"`
	Mailboxes []string    `json:"mailboxIds"`
	Health    Band        `json:"health"`
	Last7     HealthDay   `json:"last7Days"`
	Daily     []HealthDay `json:"daily"`
}

// DomainsReport is GET /api/analytics/domains.
type DomainsReport struct {
	From    string         `json:"from"`
	To      string         `json:"to"`
	Domains []DomainHealth `json:"domains"`
}

// guardPaused reports whether a mailbox is held by the bounce guard.
func guardPaused(m store.Mailbox) bool {
	return m.Status == "paused" && strings.HasPrefix(m.StatusReason, "Paused by the bounce guard")
}

// Mailbox reports a mailbox's health over a window of days in its zone.
func (s *Service) Mailbox(ctx context.Context, ws, mailboxID string, q Query) (MailboxHealth, error) {
	sc := s.st.InWorkspace(ws)
	m, err := sc.Mailbox(ctx, mailboxID)
	if err != nil {
		return MailboxHealth{}, err
	}
	w, err := ParseWindow(q.From, q.To, timezone.Or(m.Timezone), s.env.Now())
	if err != nil {
		return MailboxHealth{}, err
	}
	daily, last7, err := s.mailboxDays(ctx, sc, m.ID, w)
	if err != nil {
		return MailboxHealth{}, err
	}
	h := MailboxHealth{MailboxID: m.ID, Email: m.Email, Domain: domainOf(m.Email), Status: m.Status,
		Timezone: w.Location.String(), From: w.Dates[0], To: w.Dates[len(w.Dates)-1], Daily: daily, Last7: last7}
	h.Health = DecideBand(HealthInput{Sent: last7.Sent, Bounced: last7.Bounced, Unsubscribed: last7.Unsubscribed,
		Complained: last7.Complained, PausedByGuard: guardPaused(m), Status: m.Status})
	h.Guard = Guard{State: "watching", Threshold: bounceguard.DefaultThreshold, History: []GuardEvent{}}
	if guardPaused(m) {
		h.Guard.State = "paused"
	}
	events, err := sc.MailboxEvents(ctx, m.ID, w.From().AddDate(0, 0, -90), 200)
	if err != nil {
		return MailboxHealth{}, err
	}
	for _, e := range events {
		if g, ok := guardEvent(e); ok {
			h.Guard.History = append(h.Guard.History, g)
		}
	}
	return h, nil
}

// guardEvent reads an audited mailbox change as a history row.
func guardEvent(e store.MailboxEvent) (GuardEvent, bool) {
	by, _ := e.Data["by"].(string)
	if by == "" {
		by = "a person"
	}
	g := GuardEvent{At: e.At, By: by}
	switch e.Action {
	case "inbox.paused":
		g.Action = "paused"
		if by == "bounce_guard" {
			g.Detail = fmt.Sprintf("%v of %v contacted leads hard-bounced", e.Data["hardBounced"], e.Data["contacted"])
		}
	case "inbox.updated":
		st, _ := e.Data["status"].(string)
		switch st {
		case "active":
			g.Action = "resumed"
		case "paused":
			g.Action = "paused"
		default:
			return g, false
		}
	case "inbox.disconnected":
		g.Action, g.By = "disconnected", "sync"
	case "inbox.reconnected":
		g.Action = "reconnected"
	default:
		return g, false
	}
	return g, true
}

// mailboxDays is a mailbox's daily series and its last seven days
// (counted up to now, whatever the window).
func (s *Service) mailboxDays(ctx context.Context, sc store.Scope, mailboxID string, w Window) ([]HealthDay, HealthDay, error) {
	f := store.AnalyticsFilter{From: w.From(), To: w.To()}
	days, err := s.daily(ctx, sc, f, w, mailboxID)
	if err != nil {
		return nil, HealthDay{}, err
	}
	out := make([]HealthDay, len(days))
	for i, d := range days {
		out[i] = healthDay(d)
	}
	lw, err := ParseWindow("", "", w.Location, s.env.Now())
	if err != nil {
		return nil, HealthDay{}, err
	}
	lw.Dates, lw.Edges = lw.Dates[len(lw.Dates)-HealthWindowDays:], lw.Edges[len(lw.Edges)-HealthWindowDays-1:]
	recent, err := s.daily(ctx, sc, store.AnalyticsFilter{From: lw.From(), To: lw.To()}, lw, mailboxID)
	if err != nil {
		return nil, HealthDay{}, err
	}
	return out, sumDays(recent, lw.Dates[0]+" – "+lw.Dates[len(lw.Dates)-1]), nil
}

func healthDay(d Day) HealthDay {
	h := HealthDay{Date: d.Date, Sent: d.Sent, Replied: d.Replied, Bounced: d.Bounced, Unsubscribed: d.Unsubscribed,
		Complained: d.Complained}
	if d.Sent > 0 {
		h.BounceRate = float64(d.Bounced) / float64(d.Sent)
		h.UnsubscribeRate = float64(d.Unsubscribed) / float64(d.Sent)
		h.ComplaintRate = float64(d.Complained) / float64(d.Sent)
	}
	return h
}

func sumDays(days []Day, label string) HealthDay {
	var t Day
	for _, d := range days {
		t.Sent += d.Sent
		t.Replied += d.Replied
		t.Bounced += d.Bounced
		t.Unsubscribed += d.Unsubscribed
		t.Complained += d.Complained
	}
	t.Date = label
	return healthDay(t)
}

// Domains reports the health of every sending domain of the workspace (its
// mailboxes' days added up) over a window of days in UTC.
func (s *Service) Domains(ctx context.Context, ws string, q Query) (DomainsReport, error) {
	sc := s.st.InWorkspace(ws)
	w, err := ParseWindow(q.From, q.To, time.UTC, s.env.Now())
	if err != nil {
		return DomainsReport{}, err
	}
	mailboxes, err := sc.Mailboxes(ctx)
	if err != nil {
		return DomainsReport{}, err
	}
	byDomain := map[string]*DomainHealth{}
	sums := map[string][]Day{}
	recent := map[string][]Day{}
	paused := map[string]bool{}
	lw, err := ParseWindow("", "", time.UTC, s.env.Now())
	if err != nil {
		return DomainsReport{}, err
	}
	lw.Dates, lw.Edges = lw.Dates[len(lw.Dates)-HealthWindowDays:], lw.Edges[len(lw.Edges)-HealthWindowDays-1:]
	window, err := sc.MailboxPeriodTotals(ctx, w.Edges)
	if err != nil {
		return DomainsReport{}, err
	}
	last7, err := sc.MailboxPeriodTotals(ctx, lw.Edges)
	if err != nil {
		return DomainsReport{}, err
	}
	for _, m := range mailboxes {
		d := domainOf(m.Email)
		if byDomain[d] == nil {
			byDomain[d] = &DomainHealth{Domain: d}
			sums[d] = make([]Day, len(w.Dates))
			recent[d] = make([]Day, len(lw.Dates))
		}
		byDomain[d].Mailboxes = append(byDomain[d].Mailboxes, m.ID)
		paused[d] = paused[d] || guardPaused(m)
		addDays(sums[d], periodDays(window[m.ID], len(w.Dates)))
		addDays(recent[d], periodDays(last7[m.ID], len(lw.Dates)))
	}
	r := DomainsReport{From: w.Dates[0], To: w.Dates[len(w.Dates)-1], Domains: []DomainHealth{}}
	for d, dh := range byDomain {
		for i, day := range sums[d] {
			day.Date = w.Dates[i]
			dh.Daily = append(dh.Daily, healthDay(day))
		}
		dh.Last7 = sumDays(recent[d], lw.Dates[0]+" – "+lw.Dates[len(lw.Dates)-1])
		dh.Health = DecideBand(HealthInput{Sent: dh.Last7.Sent, Bounced: dh.Last7.Bounced,
			Unsubscribed: dh.Last7.Unsubscribed, Complained: dh.Last7.Complained, PausedByGuard: paused[d]})
		r.Domains = append(r.Domains, *dh)
	}
	sort.Slice(r.Domains, func(i, j int) bool { return r.Domains[i].Domain < r.Domains[j].Domain })
	return r, nil
}

// periodDays reads a mailbox's periods as days (none: n empty days).
func periodDays(p []store.PeriodCounts, n int) []Day {
	days := make([]Day, n)
	for i, t := range p {
		days[i] = Day{Sent: t.Sent, Replied: t.Replied, Bounced: t.Bounced, Unsubscribed: t.Unsubscribed,
			Complained: t.Complained}
	}
	return days
}

func addDays(into, days []Day) {
	for i, d := range days {
		into[i].Sent += d.Sent
		into[i].Replied += d.Replied
		into[i].Bounced += d.Bounced
		into[i].Unsubscribed += d.Unsubscribed
		into[i].Complained += d.Complained
	}
}

func domainOf(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return strings.ToLower(email[i+1:])
	}
	return ""
}
