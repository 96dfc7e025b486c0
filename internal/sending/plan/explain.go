package plan

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Explanation says why a lead's next step has or has not gone out, and
// when it will.
type Explanation struct {
	CampaignID     string `json:"campaignId"`
	LeadID         string `json:"leadId"`
	CampaignLeadID string `json:"campaignLeadId"`
	// LeadStatus is the lead's status in the campaign (active, replied…)
	// and StatusReason why it stopped, if it did.
	LeadStatus   string     `json:"leadStatus"`
	StatusReason string     `json:"statusReason,omitempty"`
	StepsSent    int        `json:"stepsSent"`
	LastSentAt   *time.Time `json:"lastSentAt"`
	// NextStep is the step that waits (0 when none does); JobStatus its
	// job's state: scheduled, held, claimed or sending.
	NextStep  int    `json:"nextStep"`
	JobStatus string `json:"jobStatus,omitempty"`
	MailboxID string `json:"inboxId,omitempty"`
	Mailbox   string `json:"inbox,omitempty"`
	// CanSendNow is true when every rule passes at this moment.
	CanSendNow bool `json:"canSendNow"`
	// Reason is the rule (or engine state) that decides, Also the other
	// rules that block now, Detail the sentence to show.
	Reason string   `json:"reason"`
	Also   []string `json:"also,omitempty"`
	Detail string   `json:"detail"`
	// DueAt is when the step's delay is over; NotBefore the earliest moment
	// every rule passes (null when a person must act); NextAttemptAt when
	// the tick will next look at the job.
	DueAt         *time.Time `json:"dueAt"`
	NotBefore     *time.Time `json:"notBefore"`
	NextAttemptAt *time.Time `json:"nextAttemptAt"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"lastError,omitempty"`
	// ESPMatching is set when the campaign matches providers: the
	// recipient's provider, the mailbox's, and whether they match.
	ESPMatching *ExplainMatch `json:"espMatching,omitempty"`
	// Reply routes and step conditions (explain_routes.go).
	RouteFacts
}

// ExplainMatch is ESP matching as explain shows it.
type ExplainMatch struct {
	Recipient string `json:"recipient"` // google, microsoft, other, or "" when not known
	Mailbox   string `json:"mailbox"`
	Matched   bool   `json:"matched"`
	Detail    string `json:"detail"`
}

// explainMatch says how a lead's mailbox matches its provider.
func explainMatch(lead store.Lead, mailbox store.Mailbox) *ExplainMatch {
	m := &ExplainMatch{Mailbox: rules.MailboxProvider(mailbox.Provider)}
	if lead.Verification != nil {
		m.Recipient = lead.Verification.Provider
	}
	m.Matched = m.Recipient != "" && m.Recipient == m.Mailbox
	switch {
	case m.Recipient == "":
		m.Detail = "The recipient's provider is not known yet (its address has not been checked), so any mailbox sends."
	case m.Matched:
		m.Detail = fmt.Sprintf("Matched: a %s recipient, sent from a %s mailbox.", m.Recipient, m.Mailbox)
	default:
		m.Detail = fmt.Sprintf("Not matched: a %s recipient, sent from a %s mailbox (the campaign has no active %s mailbox when it was assigned).",
			m.Recipient, m.Mailbox, m.Recipient)
	}
	return m
}

// Explain answers "why hasn't this lead been emailed?" with the same
// rules.Decide, built from the same rows by Input, that the tick runs.
func Explain(ctx context.Context, st *store.Store, wsID, campaignID, leadID string, now time.Time) (Explanation, error) {
	s := st.InWorkspace(wsID)
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return Explanation{}, err
	}
	cl, err := s.CampaignLeadOf(ctx, campaignID, leadID)
	if err != nil {
		return Explanation{}, err
	}
	lead, err := s.Lead(ctx, leadID)
	if err != nil {
		return Explanation{}, err
	}
	x := Explanation{CampaignID: c.ID, LeadID: leadID, CampaignLeadID: cl.ID, LeadStatus: cl.Status,
		StatusReason: cl.StatusReason, StepsSent: cl.LastStepSent, LastSentAt: cl.LastSentAt, MailboxID: cl.MailboxID}
	job, err := s.PendingJobOf(ctx, cl.ID)
	if errors.Is(err, store.ErrNotFound) {
		return explainIdle(x, c), nil
	}
	if err != nil {
		return x, err
	}
	x.NextStep, x.JobStatus, x.Attempts, x.LastError = job.Step, job.Status, job.Attempts, job.LastError
	x.DueAt, x.NextAttemptAt = &job.DueAt, &job.RunAt
	switch job.Status {
	case store.JobClaimed, store.JobSending:
		x.Reason, x.Detail, x.NextAttemptAt = "sending", fmt.Sprintf("Step %d is being sent right now.", job.Step), nil
		return x, nil
	case store.JobHeld:
		x.NextAttemptAt = nil
	}
	if job.MailboxID == "" {
		x.Reason, x.Detail = rules.ReasonNoMailbox, "No mailbox of the campaign can send for this lead; add or reconnect one."
		return x, nil
	}
	mailbox, err := s.Mailbox(ctx, job.MailboxID)
	if err != nil {
		return x, err
	}
	x.Mailbox = mailbox.Email
	if c.ESPMatching {
		x.ESPMatching = explainMatch(lead, mailbox)
	}
	_, suppressed, err := s.Suppressed(ctx, lead.Email)
	if err != nil {
		return x, err
	}
	in, err := input.For(c, mailbox, lead, cl, suppressed, job.DueAt, now)
	if err != nil {
		x.Reason, x.Detail = string(rules.ReasonScheduleInvalid), err.Error()
		return x, nil
	}
	d := rules.Decide(now, in)
	x.CanSendNow, x.Reason, x.Detail = d.Send, string(d.Reason), d.Detail()
	for _, r := range d.Also {
		x.Also = append(x.Also, string(r))
	}
	if !d.NotBefore.IsZero() {
		x.NotBefore = &d.NotBefore
	}
	switch {
	case job.Status == store.JobHeld && d.Send:
		// Held for a reason the rules do not see (a missing merge field, a
		// provider this build lacks): say that one.
		x.CanSendNow, x.Reason, x.Detail = false, job.DeferReason, job.DeferDetail
	case d.Send && job.RunAt.After(now):
		x.Detail = fmt.Sprintf("Every rule passes now, but mailbox %s works through its queue in turn; this step's turn is about %s.",
			mailbox.Email, job.RunAt.In(in.Schedule.Timezone).Format("Mon 2 Jan 15:04 MST"))
	case d.Send:
		x.Detail = "Every rule passes: the next tick sends it."
	}
	return x, nil
}

// explainIdle covers a lead with no pending job.
func explainIdle(x Explanation, c store.Campaign) Explanation {
	switch {
	case x.LeadStatus == store.CampaignLeadSkipped:
		x.Reason = string(rules.ReasonLeadStopped)
		x.Detail = "Skipped: " + x.StatusReason + "."
	case x.LeadStatus != store.CampaignLeadActive:
		x.Reason = string(rules.ReasonLeadStopped)
		x.Detail = fmt.Sprintf("The lead's sequence has ended (%s).", x.LeadStatus)
		if x.StatusReason != "" {
			x.Detail = fmt.Sprintf("The lead's sequence has ended (%s): %s.", x.LeadStatus, x.StatusReason)
		}
	case c.Status == store.CampaignDraft:
		x.Reason = string(rules.ReasonCampaignDraft)
		x.Detail = "The campaign has not been launched yet; step 1 is scheduled at launch."
	default:
		x.Reason = "not_started"
		x.Detail = "No step is scheduled for this lead yet; the campaign has no sequence or the lead is being started."
	}
	return x
}
