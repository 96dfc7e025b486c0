package web

import (
	"net/http"
)

// dashboardCampaigns is how many recent campaigns the dashboard lists.
const dashboardCampaigns = 5

type dashboardData struct {
	Checklist checklist
	Campaigns []campaignRow
	Mailboxes []mailboxRow
}

// dashboard is the home page: the setup checklist until the workspace is
// set up, each item ticked from real data, then the latest campaigns and
// how each mailbox is doing today.
func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	list, err := buildChecklist(ctx, scope, v.Workspace, onboardingSteps)
	if err != nil {
		return err
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
	inboxes, err := w.Inboxes.List(ctx, v.P.WorkspaceID)
	if err != nil {
		return err
	}
	for _, in := range inboxes {
		data.Mailboxes = append(data.Mailboxes, mailboxRow{in})
	}
	v.Title, v.Nav, v.Data = "Dashboard", "dashboard", data
	return v.render(rw, http.StatusOK)
}
