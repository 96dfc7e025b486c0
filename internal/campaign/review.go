package campaign

import "context"

// LaunchReview is what a review page shows before a launch: the checks a
// launch would be refused on now, and the leads missing merge fields.
type LaunchReview struct {
	Checks             []Check       `json:"checks"`
	LeadsMissingFields []MissingLead `json:"leadsMissingFields"`
	LeadsMissingCount  int           `json:"leadsMissingFieldsCount"`
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
	return LaunchReview{Checks: checks, LeadsMissingFields: missing, LeadsMissingCount: count}, err
}
