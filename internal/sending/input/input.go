// Package input turns stored rows (campaigns, mailboxes, leads) into the
// inputs of internal/sending/rules and of the templates. The tick, explain,
// forecast and enrolment (internal/enrollment, which spreads leads over
// mailboxes by capacity) all build them here, so none of them can read a
// mailbox's usage or a campaign's schedule differently; the engine, the
// launch checks and the previews read a lead's merge values with LeadData.
package input

import (
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/template"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// DayFormat names a local date in the usage counters.
const DayFormat = "2006-01-02"

// leadLocation is the lead's zone when it is known and valid, else nil (the
// schedule then uses the campaign's zone).
func leadLocation(name string) *time.Location {
	if name == "" {
		return nil
	}
	loc, err := timezone.Location(name)
	if err != nil {
		return nil
	}
	return loc
}

// Schedule is a campaign's sending window as the rules read it.
func Schedule(c store.Campaign) (rules.Schedule, error) {
	loc, err := timezone.Location(c.Timezone)
	if err != nil {
		return rules.Schedule{}, err
	}
	days, err := rules.WeekdaysFromISO(c.SendDays)
	if err != nil {
		return rules.Schedule{}, err
	}
	return rules.Schedule{Timezone: loc, Days: days, Start: c.SendStartMinute, End: c.SendEndMinute,
		UseLeadTimezone: c.UseLeadTimezone}, nil
}

// CampaignSide is the campaign's state at now: status, limit, and the sends
// counted in its zone's current day.
func CampaignSide(c store.Campaign, loc *time.Location, now time.Time) rules.Campaign {
	sent := 0
	if c.SentTodayDate == now.In(loc).Format(DayFormat) {
		sent = c.SentToday
	}
	return rules.Campaign{Status: rules.CampaignStatus(c.Status), DailyLimit: c.DailyLimit, SentToday: sent,
		AllowRisky: c.AllowRisky}
}

// Limits are a mailbox's sending limits as the rules read them.
func Limits(i store.Mailbox) (rules.MailboxLimits, error) {
	loc, err := timezone.Location(i.Timezone)
	if err != nil {
		return rules.MailboxLimits{}, err
	}
	return rules.MailboxLimits{DailyCap: i.DailyCap, RampStart: i.RampStart, RampIncrement: i.RampIncrement,
		MinGap: time.Duration(i.MinGapSeconds) * time.Second, Timezone: loc, ActiveSince: i.RampStartedAt}, nil
}

// Usage is what a mailbox has sent so far, seen at now: the day's count only
// when it is today's, and the gap drawn after its latest send.
func Usage(i store.Mailbox, loc *time.Location, now time.Time) rules.MailboxUsage {
	var u rules.MailboxUsage
	if i.SentTodayDate == now.In(loc).Format(DayFormat) {
		u.SentToday = i.SentToday
	}
	if i.LastSentAt != nil {
		u.LastSentAt = *i.LastSentAt
		if i.NextSendAt != nil && i.NextSendAt.After(u.LastSentAt) {
			u.Gap = i.NextSendAt.Sub(u.LastSentAt)
		}
	}
	return u
}

// MailboxSide is a mailbox as the rules read it at now.
func MailboxSide(i store.Mailbox, now time.Time) (rules.Mailbox, error) {
	limits, err := Limits(i)
	if err != nil {
		return rules.Mailbox{}, err
	}
	return rules.Mailbox{Email: i.Email, Status: rules.MailboxStatus(i.Status), Limits: limits,
		Usage: Usage(i, limits.Timezone, now)}, nil
}

// LeadSide is the lead's state: its zone, whether it is suppressed, and
// whether its sequence still runs (a lead erased, bounced or unsubscribed
// workspace-wide has stopped in every campaign).
func LeadSide(l store.Lead, cl store.CampaignLead, suppressed bool) rules.Lead {
	status := rules.LeadStatus(cl.Status)
	if cl.Status == store.CampaignLeadActive && l.Status != "" && l.Status != store.LeadActive {
		status = rules.LeadStatus(l.Status)
	}
	lead := rules.Lead{Timezone: leadLocation(l.Timezone), Suppressed: suppressed, Status: status}
	if v := l.Verification; v != nil {
		lead.Verification, lead.VerifyReasons = v.Status, v.Reasons
	}
	return lead
}

// For assembles everything Decide looks at for one pending step. It is
// the single place the tick, explain and forecast build it.
func For(c store.Campaign, mailbox store.Mailbox, l store.Lead, cl store.CampaignLead, suppressed bool, due, now time.Time) (rules.Input, error) {
	sched, err := Schedule(c)
	if err != nil {
		return rules.Input{}, err
	}
	in, err := MailboxSide(mailbox, now)
	if err != nil {
		return rules.Input{}, err
	}
	return rules.Input{Schedule: sched, Campaign: CampaignSide(c, sched.Timezone, now), Mailbox: in,
		Lead: LeadSide(l, cl, suppressed), Due: due}, nil
}

// Delays are the sequence's step delays as the rules read them.
func Delays(steps []store.SequenceStep) []rules.Delay {
	d := make([]rules.Delay, len(steps))
	for i, s := range steps {
		d[i] = rules.Delay{Days: s.DelayDays, Minutes: s.DelayMinutes}
	}
	return d
}

// LeadData is what a template may read about a lead.
func LeadData(l store.Lead) template.Data {
	return template.Data{Email: l.Email, FirstName: l.FirstName, LastName: l.LastName, Company: l.Company,
		Title: l.Title, Website: l.Website, LinkedInURL: l.LinkedinURL, Phone: l.Phone, Custom: l.Custom}
}
