package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/sending/plan"
	"github.com/leadbitz/leadbitz/internal/store"
)

// campaignLeadsPageSize is small: each row asks the send engine why the
// lead waits.
const campaignLeadsPageSize = 25

// campaignLeadsData is a campaign's Leads tab: each lead's state in the
// campaign and the send engine's answer to "why is this lead waiting".
type campaignLeadsData struct {
	Campaign campaign.View
	Rows     []campaignLeadRow
	Newest   string
	Next     string
	First    bool
}

type campaignLeadRow struct {
	Lead store.Lead
	plan.Explanation
}

func (w *Web) campaignLeads(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	id, cursor := r.PathValue("id"), r.URL.Query().Get("cursor")
	c, err := w.Campaigns.Get(ctx, v.P.WorkspaceID, id)
	if err != nil {
		return err
	}
	list, err := w.Store.InWorkspace(v.P.WorkspaceID).Leads(ctx, store.LeadQuery{CampaignID: id, Cursor: cursor, Limit: campaignLeadsPageSize})
	if err != nil {
		return err
	}
	base := "/campaigns/" + id + "/leads"
	data := campaignLeadsData{Campaign: c, First: cursor == "", Newest: base}
	if len(list) > campaignLeadsPageSize {
		list = list[:campaignLeadsPageSize]
		data.Next = pageURL(base, nil, list[campaignLeadsPageSize-1].ID)
	}
	for _, l := range list {
		x, err := w.Campaigns.Explain(ctx, v.P.WorkspaceID, id, l.ID)
		if err != nil {
			return err
		}
		data.Rows = append(data.Rows, campaignLeadRow{Lead: l, Explanation: x})
	}
	v.Title, v.Nav, v.Tab, v.Data = "Leads · "+c.Name, "campaigns", "leads", data
	return v.render(rw, http.StatusOK)
}
