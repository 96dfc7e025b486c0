package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/assist"
)

// icpGenerated is the answer of POST /api/icp/generate.
type icpGenerated struct {
	ICPProfileID string `json:"icpProfileId"`
	Name         string `json:"name"`
	ICP          ai.ICP `json:"icp"`
	Generator    string `json:"generator"`
}

func (a *API) generateICP(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in assist.GenerateICPInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	prof, err := a.Assist.GenerateICP(r.Context(), p, meta(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, icpGenerated{ICPProfileID: prof.ID, Name: prof.Name, ICP: prof.ICP, Generator: prof.Generator})
	return nil
}

func (a *API) listICPProfiles(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	list, err := a.Assist.Profiles(r.Context(), p.WorkspaceID, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, limit, func(p assist.Profile) string { return p.ID }))
	return nil
}

func (a *API) getICPProfile(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	prof, err := a.Assist.Profile(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, prof)
	return nil
}

func (a *API) patchICPProfile(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in assist.ProfilePatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	prof, err := a.Assist.PatchProfile(r.Context(), p, meta(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, prof)
	return nil
}

func (a *API) draftMessage(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in assist.DraftInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := a.Assist.Draft(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) aiUsage(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	rep, err := a.Assist.Usage(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
