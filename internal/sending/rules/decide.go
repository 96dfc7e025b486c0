package rules

import "time"

// CampaignStatus is a campaign's state; only active campaigns send.
type CampaignStatus string

const (
	CampaignDraft     CampaignStatus = "draft"
	CampaignActive    CampaignStatus = "active"
	CampaignPaused    CampaignStatus = "paused"
	CampaignCompleted CampaignStatus = "completed"
)

// MailboxStatus is a mailbox's state, as the API names it; only active
// mailboxes send. The others hold their leads' work, never drop it.
type MailboxStatus string

const (
	MailboxActive       MailboxStatus = "active"
	MailboxPaused       MailboxStatus = "paused"
	MailboxDisconnected MailboxStatus = "disconnected"
	MailboxError        MailboxStatus = "error"
)

// LeadStatus is a lead's state in a campaign. Only LeadActive sends; any
// other value (replied, bounced, …) has stopped the sequence.
type LeadStatus string

const (
	LeadActive       LeadStatus = "active"
	LeadReplied      LeadStatus = "replied"
	LeadBounced      LeadStatus = "bounced"
	LeadUnsubscribed LeadStatus = "unsubscribed"
	LeadCompleted    LeadStatus = "completed"
	LeadFailed       LeadStatus = "failed"
)

// Campaign is the campaign side of a decision.
type Campaign struct {
	Status CampaignStatus
	// DailyLimit caps the campaign's sends per local day of the schedule's
	// zone, across its mailboxes; zero or less means no campaign limit.
	DailyLimit int
	// SentToday counts the campaign's sends in the schedule-zone day that
	// contains now.
	SentToday int
	// AllowRisky sends to leads whose address is risky.
	AllowRisky bool
}

// Inbox is the mailbox a lead is assigned to.
type Mailbox struct {
	// Email names the mailbox in explanations.
	Email  string
	Status MailboxStatus
	Limits MailboxLimits
	Usage  MailboxUsage
}

// Lead is the lead side of a decision.
type Lead struct {
	// Timezone is the lead's zone when known, used when the schedule asks.
	Timezone   *time.Location
	Suppressed bool
	Status     LeadStatus
	// Verification is the address check's status (deliverable, risky,
	// undeliverable, unknown, or "" when never checked) and VerifyReasons
	// its reasons.
	Verification  string
	VerifyReasons []string
}

// Input is everything Decide looks at for one pending step.
type Input struct {
	Schedule Schedule
	Campaign Campaign
	Mailbox  Mailbox
	Lead     Lead
	// Due is when the step becomes due: Delay.After(the previous step's
	// send, or when the lead joined). The zero time means due already.
	Due time.Time
}

// Reason says which rule decided. The strings are stable: they are stored
// with deferred jobs, counted in metrics and returned by the API.
type Reason string

const (
	ReasonReady               Reason = "ready"
	ReasonLeadStopped         Reason = "lead_stopped"
	ReasonSuppressed          Reason = "suppressed"
	ReasonUndeliverable       Reason = "undeliverable"
	ReasonRisky               Reason = "risky"
	ReasonCampaignDraft       Reason = "campaign_draft"
	ReasonCampaignPaused      Reason = "campaign_paused"
	ReasonCampaignCompleted   Reason = "campaign_completed"
	ReasonMailboxPaused       Reason = "inbox_paused"
	ReasonMailboxDisconnected Reason = "inbox_disconnected"
	ReasonMailboxError        Reason = "inbox_error"
	ReasonScheduleInvalid     Reason = "schedule_invalid"
	ReasonStepDelay           Reason = "step_delay"
	ReasonOutsideWindow       Reason = "outside_window"
	ReasonCampaignDailyCap    Reason = "campaign_daily_cap"
	ReasonMailboxDailyCap     Reason = "inbox_daily_cap"
	ReasonRampLimit           Reason = "ramp_limit"
	ReasonMinGap              Reason = "min_gap"
)

// Decision is Decide's answer.
type Decision struct {
	// Send is true when every rule passes now.
	Send bool
	// NotBefore is, when Send is false, the earliest instant at which every
	// rule passes if usage stays as it is (daily counts restart on a new
	// local day). It is after now. It is zero when no time will do: the
	// lead stopped, or a person must resume, reconnect or fix something.
	NotBefore time.Time
	// Reason is the rule that blocks now and would open last; ReasonReady
	// when Send.
	Reason Reason
	// Also lists the other rules that block now, in the order checked.
	Also []Reason

	now   time.Time
	in    Input
	limit int       // TodayLimit at now, for Detail
	reset time.Time // when the blocking daily count restarts, for Detail
}

// blocker is a time-based rule failing now and the instant it alone would
// pass.
type blocker struct {
	reason Reason
	at     time.Time
	reset  time.Time
}

// Decide applies every rule to one pending step at now. Rules that wait for
// a person (stopped lead, suppression, paused campaign or mailbox, a
// schedule that never opens, a zero cap) answer first and without a time;
// the time-based ones (step delay, window, caps, gap) are combined into the
// earliest moment they all pass.
func Decide(now time.Time, in Input) Decision {
	d := Decision{now: now, in: in}
	if r := blockedForGood(in); r != "" {
		d.Reason = r
		return d
	}
	limits, usage := in.Mailbox.Limits, in.Mailbox.Usage
	var found [5]blocker
	blockers := found[:0]
	if now.Before(in.Due) {
		blockers = append(blockers, blocker{reason: ReasonStepDelay, at: in.Due})
	}
	window := NextWindowStart(in.Schedule, in.Lead.Timezone, now)
	if !window.Equal(now) {
		blockers = append(blockers, blocker{reason: ReasonOutsideWindow, at: window})
	}
	d.limit = TodayLimit(limits, now)
	if in.Campaign.DailyLimit > 0 && in.Campaign.SentToday >= in.Campaign.DailyLimit {
		reset := NextDayStart(in.Schedule.Timezone, now)
		blockers = append(blockers, blocker{reason: ReasonCampaignDailyCap, at: reset, reset: reset})
	}
	if usage.SentToday >= d.limit {
		reason := ReasonMailboxDailyCap
		if d.limit < limits.DailyCap {
			reason = ReasonRampLimit
		}
		reset := NextDayStart(limits.Timezone, now)
		blockers = append(blockers, blocker{reason: reason, at: reset, reset: reset})
	}
	if g := gap(limits, usage); g > 0 && !usage.LastSentAt.IsZero() {
		if next := usage.LastSentAt.Add(g); now.Before(next) {
			blockers = append(blockers, blocker{reason: ReasonMinGap, at: next})
		}
	}
	if len(blockers) == 0 {
		d.Send, d.Reason = true, ReasonReady
		return d
	}

	// Every rule but the window is "not before X"; the earliest instant
	// passing them all is the first window opening at or after the latest X.
	earliest, main := now, 0
	for i, b := range blockers {
		if b.reason != ReasonOutsideWindow {
			earliest = later(earliest, b.at)
		}
		if b.at.After(blockers[main].at) {
			main = i
		}
	}
	d.NotBefore = window
	if earliest.After(now) {
		d.NotBefore = NextWindowStart(in.Schedule, in.Lead.Timezone, earliest)
	}
	if d.NotBefore.IsZero() {
		// A valid schedule always opens within searchDays; keep the
		// promise that a zero NotBefore means a person must act.
		d.Reason = ReasonScheduleInvalid
		return d
	}
	d.Reason, d.reset = blockers[main].reason, blockers[main].reset
	if len(blockers) > 1 {
		d.Also = make([]Reason, 0, len(blockers)-1)
		for i, b := range blockers {
			if i != main {
				d.Also = append(d.Also, b.reason)
			}
		}
	}
	return d
}

// blockedForGood returns the reason no time will do, or "".
func blockedForGood(in Input) Reason {
	switch {
	case in.Lead.Status != LeadActive:
		return ReasonLeadStopped
	case in.Lead.Suppressed:
		return ReasonSuppressed
	}
	if r := VerificationGate(in.Lead.Verification, in.Campaign.AllowRisky); r != "" {
		return r
	}
	switch in.Campaign.Status {
	case CampaignActive:
	case CampaignDraft:
		return ReasonCampaignDraft
	case CampaignCompleted:
		return ReasonCampaignCompleted
	default:
		return ReasonCampaignPaused
	}
	switch in.Mailbox.Status {
	case MailboxActive:
	case MailboxPaused:
		return ReasonMailboxPaused
	case MailboxDisconnected:
		return ReasonMailboxDisconnected
	default:
		return ReasonMailboxError
	}
	if in.Schedule.Validate() != nil {
		return ReasonScheduleInvalid
	}
	if in.Mailbox.Limits.DailyCap <= 0 {
		return ReasonMailboxDailyCap
	}
	return ""
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
