package rules

import (
	"fmt"
	"time"
)

// Detail is the decision as one or two plain sentences for the explain
// endpoint and the campaign page, for example "Mailbox a@x.com reached
// today's limit of 12 (ramp day 4 of 14); resets 00:00 Europe/Paris. Next
// send: Tue 3 Mar 09:00 Europe/Paris." It is built on demand so the tick,
// which only stores Reason and NotBefore, does not pay for formatting.
func (d Decision) Detail() string {
	in := d.in
	mailbox := "Mailbox " + in.Mailbox.Email
	if in.Mailbox.Email == "" {
		mailbox = "The mailbox"
	}
	schedLoc := in.Schedule.location(in.Lead.Timezone)
	var s string
	switch d.Reason {
	case ReasonReady:
		return "Every rule passes: it can send now."
	case ReasonLeadStopped:
		return fmt.Sprintf("The lead's sequence has stopped (%s); no further steps are sent.", in.Lead.Status)
	case ReasonSuppressed:
		return "The lead's address or domain is on the suppression list, so it is never emailed."
	case ReasonUndeliverable:
		return "Skipped: " + SkipReason(in.Lead.Verification, in.Lead.VerifyReasons) +
			". The address cannot receive mail, so it is never emailed."
	case ReasonRisky:
		return "Skipped: " + SkipReason(in.Lead.Verification, in.Lead.VerifyReasons) +
			". The campaign does not send to risky addresses (allowRisky is off)."
	case ReasonCampaignDraft:
		return "The campaign has not been launched yet."
	case ReasonCampaignPaused:
		return "The campaign is paused; its leads wait until it is resumed."
	case ReasonCampaignCompleted:
		return "The campaign is completed."
	case ReasonMailboxPaused:
		return mailbox + " is paused; its leads wait until it is resumed."
	case ReasonMailboxDisconnected:
		return mailbox + " is disconnected; its leads wait until it is reconnected."
	case ReasonMailboxError:
		return mailbox + " has an error; its leads wait until it is fixed."
	case ReasonScheduleInvalid:
		return "The campaign's schedule has no sending days or hours."
	case ReasonStepDelay:
		s = "This step is due " + formatAt(in.Due, schedLoc) + "."
	case ReasonOutsideWindow:
		s = fmt.Sprintf("Outside the sending window (%s %s–%s %s).", in.Schedule.describeDays(),
			FormatClock(in.Schedule.Start), FormatClock(in.Schedule.End), orUTC(schedLoc))
	case ReasonCampaignDailyCap:
		s = fmt.Sprintf("The campaign reached its daily limit of %d; resets %s.",
			in.Campaign.DailyLimit, formatClockAt(d.reset, in.Schedule.Timezone))
	case ReasonMailboxDailyCap:
		if in.Mailbox.Limits.DailyCap <= 0 {
			return mailbox + " has a daily limit of 0, so it sends nothing until the limit is raised."
		}
		s = fmt.Sprintf("%s reached today's limit of %d; resets %s.",
			mailbox, d.limit, formatClockAt(d.reset, in.Mailbox.Limits.Timezone))
	case ReasonRampLimit:
		day, total := RampProgress(in.Mailbox.Limits, d.now)
		s = fmt.Sprintf("%s reached today's limit of %d (ramp day %d of %d); resets %s.",
			mailbox, d.limit, day, total, formatClockAt(d.reset, in.Mailbox.Limits.Timezone))
	case ReasonMinGap:
		s = fmt.Sprintf("%s sent at %s and keeps at least %s between sends.",
			mailbox, formatClockAt(in.Mailbox.Usage.LastSentAt, in.Mailbox.Limits.Timezone),
			gap(in.Mailbox.Limits, in.Mailbox.Usage).Round(time.Second))
	default:
		s = string(d.Reason) + "."
	}
	if !d.NotBefore.IsZero() {
		s += " Next send: " + formatAt(d.NotBefore, schedLoc) + "."
	}
	return s
}

// formatAt writes an instant the way the UI speaks: "Tue 3 Mar 09:00
// Europe/Paris".
func formatAt(t time.Time, loc *time.Location) string {
	loc = orUTC(loc)
	return t.In(loc).Format("Mon 2 Jan 15:04") + " " + loc.String()
}

// formatClockAt writes only the clock: "00:00 Europe/Paris".
func formatClockAt(t time.Time, loc *time.Location) string {
	loc = orUTC(loc)
	return t.In(loc).Format("15:04") + " " + loc.String()
}
