package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending"
)

func (a *API) createCampaign(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in campaign.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Campaigns.Create(r.Context(), p, in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *API) listCampaigns(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	list, err := a.Campaigns.List(r.Context(), p.WorkspaceID, r.URL.Query().Get("status"), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, limit, func(v campaign.View) string { return v.ID }))
	return nil
}

func (a *API) getCampaign(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	v, err := a.Campaigns.Get(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) patchCampaign(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in campaign.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Campaigns.Update(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) deleteCampaign(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Campaigns.Delete(r.Context(), p, r.PathValue("id"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) getSequence(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	v, err := a.Campaigns.Sequence(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) putSequence(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in campaign.SequenceInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if dry := r.URL.Query().Get("dryRun"); dry != "" && dry != "false" {
		if dry != "true" {
			return problem.InvalidField("dryRun", "must be true or false")
		}
		sum, err := a.Campaigns.DryRunSequence(r.Context(), p, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, sum)
		return nil
	}
	v, err := a.Campaigns.PutSequence(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) addCampaignLeads(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in struct {
		LeadIDs []string `json:"leadIds"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.Campaigns.AddLeads(r.Context(), p, r.PathValue("id"), in.LeadIDs, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) launchCampaign(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	return a.campaignAction(w, r, a.Campaigns.Launch, p)
}

func (a *API) pauseCampaign(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	return a.campaignAction(w, r, a.Campaigns.Pause, p)
}

func (a *API) resumeCampaign(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	return a.campaignAction(w, r, a.Campaigns.Resume, p)
}

type campaignVerb func(ctx context.Context, p account.Principal, id string, m account.Meta) (campaign.View, error)

func (a *API) campaignAction(w http.ResponseWriter, r *http.Request, do campaignVerb, p account.Principal) error {
	v, err := do(r.Context(), p, r.PathValue("id"), meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) campaignForecast(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	days := 14
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return problem.InvalidField("days", "must be a whole number")
		}
		days = n
	}
	f, err := a.Campaigns.Forecast(r.Context(), p.WorkspaceID, r.PathValue("id"), days)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) explainCampaignLead(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	x, err := a.Campaigns.ExplainWithVersions(r.Context(), p.WorkspaceID, r.PathValue("id"), r.PathValue("leadId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (a *API) sendCampaignTest(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if a.TestSends == nil {
		return problem.New(problem.Unavailable, "test_send_unavailable", "Test sends are not available on this server.")
	}
	var in sending.TestInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.TestSends.Send(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
