package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/analytics"
)

func analyticsQuery(r *http.Request) analytics.Query {
	q := r.URL.Query()
	return analytics.Query{From: q.Get("from"), To: q.Get("to"), Timezone: q.Get("timezone")}
}

func (a *API) campaignAnalytics(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	rep, err := a.Analytics.Campaign(r.Context(), p.WorkspaceID, r.PathValue("id"), analyticsQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (a *API) workspaceAnalytics(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	rep, err := a.Analytics.Workspace(r.Context(), p.WorkspaceID, analyticsQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (a *API) domainHealth(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	rep, err := a.Analytics.Domains(r.Context(), p.WorkspaceID, analyticsQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (a *API) mailboxHealth(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	rep, err := a.Analytics.Mailbox(r.Context(), p.WorkspaceID, r.PathValue("id"), analyticsQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (a *API) getAnalyticsSettings(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	s, err := a.Analytics.Settings(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) putAnalyticsSettings(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in analytics.Settings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.Analytics.SetSettings(r.Context(), p.WorkspaceID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}
