package campaign

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// LaunchReview is what a review page shows before a launch: the checks a
// launch would be refused on now, and the leads missing merge fields.
type LaunchReview struct {
	Checks             []Check       `json:"checks"`
	LeadsMissingFields []MissingLead `json:"leadsMissingFields"`
	LeadsMissingCount  int           `json:"leadsMissingFieldsCount"`
	// Verification counts the campaign's active leads by address verdict,
	// and how many the send gate will skip.
	Verification VerificationCounts `json:"verification"`
}

// VerificationCounts are a campaign's active leads by address verdict.
// Skipped is what the send gate (internal/sending/rules.VerificationGate)
// will not send to: the undeliverable ones, and the risky ones unless the
// campaign allows them.
type VerificationCounts struct {
	Deliverable   int  `json:"deliverable"`
	Risky         int  `json:"risky"`
	Undeliverable int  `json:"undeliverable"`
	Unknown       int  `json:"unknown"`
	Unchecked     int  `json:"unchecked"`
	AllowRisky    bool `json:"allowRisky"`
	Skipped       int  `json:"skipped"`
}

// verificationCounts reads the counts of a campaign's active leads.
func verificationCounts(ctx context.Context, q store.Scope, c store.Campaign) (VerificationCounts, error) {
	by, err := q.CampaignVerifyCounts(ctx, c.ID)
	if err != nil {
		return VerificationCounts{}, err
	}
	v := VerificationCounts{Deliverable: by[store.VerifyDeliverable], Risky: by[store.VerifyRisky],
		Undeliverable: by[store.VerifyUndeliverable], Unknown: by[store.VerifyUnknown], Unchecked: by[""],
		AllowRisky: c.AllowRisky}
	for status, n := range by {
		if rules.VerificationGate(status, c.AllowRisky) != "" {
			v.Skipped += n
		}
	}
	return v, nil
}

// Review runs the launch checks without launching. They are the rules
// Launch applies, so the web app's review step never promises a launch that
// Launch then refuses.
func (s *Service) Review(ctx context.Context, ws, id string) (LaunchReview, error) {
	q := s.st.InWorkspace(ws)
	c, err := q.Campaign(ctx, id)
	if err != nil {
		return LaunchReview{}, err
	}
	checks, missing, count, err := s.launchChecks(ctx, q, c)
	if err != nil {
		return LaunchReview{}, err
	}
	counts, err := verificationCounts(ctx, q, c)
	return LaunchReview{Checks: checks, LeadsMissingFields: missing, LeadsMissingCount: count, Verification: counts}, err
}
