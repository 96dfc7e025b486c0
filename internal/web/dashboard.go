package web

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/leadbitz/leadbitz/internal/store"
)

// dashboardCampaigns is how many recent campaigns the dashboard lists.
const dashboardCampaigns = 5

type dashboardData struct {
	Checklist checklist
	Campaigns []campaignRow
	Mailboxes []mailboxRow
	Resume    *resumeCard
}

// resumeCard offers to continue the campaign wizard where the user left it.
type resumeCard struct {
	Name   string
	Link   string
	Step   string
	Number int
	Of     int
}

// dashboard is the home page: the setup checklist until the workspace is
// set up, each item ticked from real data, then the latest campaigns and
// how each mailbox is doing today.
func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	steps := slices.Clone(onboardingSteps)
	dnsLink := ""
	for i := range steps {
		if steps[i].Title == checkDNSTitle {
			steps[i].check = func(ctx context.Context, s store.Scope, _ store.Workspace) (done bool, err error) {
				done, dnsLink, err = w.dnsChecked(ctx, s)
				return done, err
			}
		}
	}
	list, err := buildChecklist(ctx, scope, v.Workspace, steps)
	if err != nil {
		return err
	}
	for i := range list.Items {
		// A failing domain: straight to its mailbox's DNS section.
		if it := &list.Items[i]; it.Title == checkDNSTitle && dnsLink != "" {
			it.Link = dnsLink
		}
	}
	data := dashboardData{Checklist: list}
	campaigns, err := w.Campaigns.List(ctx, v.P.WorkspaceID, "", "", dashboardCampaigns)
	if err != nil {
		return err
	}
	if len(campaigns) > dashboardCampaigns {
		campaigns = campaigns[:dashboardCampaigns]
	}
	for _, c := range campaigns {
		data.Campaigns = append(data.Campaigns, campaignRow{View: c, Schedule: describeSchedule(c)})
	}
	mailboxes, err := w.Mailboxes.List(ctx, v.P.WorkspaceID)
	if err != nil {
		return err
	}
	for _, in := range mailboxes {
		data.Mailboxes = append(data.Mailboxes, mailboxRow{in})
	}
	if data.Resume, err = w.resumeCard(r.Context(), scope); err != nil {
		return err
	}
	// Writing and launching are done in the campaign wizard: the open
	// items lead into it, where the user left it or at its start.
	wizard := "/campaigns/new"
	if data.Resume != nil {
		wizard = data.Resume.Link
	}
	for i := range data.Checklist.Items {
		if it := &data.Checklist.Items[i]; !it.Done && it.Link == "/campaigns" {
			it.Link = wizard
		}
	}
	v.Title, v.Nav, v.Data = "Dashboard", "dashboard", data
	return v.render(rw, http.StatusOK)
}

// resumeCard is the draft whose wizard was used last, nil when none waits.
func (w *Web) resumeCard(ctx context.Context, scope store.Scope) (*resumeCard, error) {
	st, err := scope.LatestCampaignWizard(ctx, wizardDone)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := scope.Campaign(ctx, st.CampaignID)
	if err != nil {
		return nil, err
	}
	i := wizardIndex(st.Step)
	return &resumeCard{Name: c.Name, Link: setupPath(c.ID, wizardSteps[i].Key), Step: wizardSteps[i].Title,
		Number: i + 1, Of: len(wizardSteps)}, nil
}
