package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/store"
)

// wizardICPData is step 2: the product in the user's words and the ideal
// customer profile the AI (or the offline generator) proposes from it, every
// field editable. The profile feeds the AI drafts of the sequence step.
type wizardICPData struct {
	wizardPage
	Available bool            // the server has an AI service
	Profile   *assist.Profile // the campaign's profile, nil before one is made
	Lists     []icpListField  // the profile's lists as editable fields
	Others    []assist.Profile
}

// icpListField is one list of the profile, edited one item per line.
type icpListField struct {
	Name  string // form and problem field name: "icp.industries"
	Label string
	Hint  string
}

var icpListFields = []icpListField{
	{"icp.industries", "Industries", "e.g. Logistics"},
	{"icp.companySizes", "Company sizes", "e.g. 50–200 employees"},
	{"icp.regions", "Regions", "e.g. Nordics"},
	{"icp.titles", "Job titles to reach", "e.g. Head of Operations"},
	{"icp.painPoints", "Their pain points", "What keeps them up at night"},
	{"icp.valueProps", "Why you (value propositions)", "What you do for them, in their words"},
	{"icp.disqualifiers", "Not a fit when", "Who to leave out"},
}

// icpOthersShown bounds the earlier profiles offered for reuse.
const icpOthersShown = 10

func (w *Web) wizardICP(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.loadWizardICP(v, true); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

// loadWizardICP reads the step; fill puts the stored profile in the form.
func (w *Web) loadWizardICP(v *view, fill bool) error {
	ctx := v.r.Context()
	p, err := w.loadWizard(v, v.r.PathValue("id"), "icp")
	if err != nil {
		return err
	}
	data := wizardICPData{wizardPage: p, Available: w.Assist != nil, Lists: icpListFields}
	if v.Form == nil {
		v.Form = emptyForm(nil)
	}
	if w.Assist == nil {
		v.Data = data
		return nil
	}
	if id := p.Campaign.ICPProfileID; id != nil && *id != "" {
		prof, err := w.Assist.Profile(ctx, v.P.WorkspaceID, *id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			data.Profile = &prof
			if fill {
				fillICPForm(v.Form, prof)
			}
		}
	}
	others, err := w.Assist.Profiles(ctx, v.P.WorkspaceID, "", icpOthersShown)
	if err != nil {
		return err
	}
	for _, o := range others {
		if data.Profile == nil || o.ID != data.Profile.ID {
			data.Others = append(data.Others, o)
		}
	}
	if len(data.Others) > icpOthersShown {
		data.Others = data.Others[:icpOthersShown]
	}
	v.Data = data
	return nil
}

func fillICPForm(f *form, prof assist.Profile) {
	f.Values["productDescription"] = prof.ProductDescription
	f.Values["website"] = prof.Website
	f.Values["notes"] = prof.Notes
	f.Values["name"] = prof.Name
	f.Values["icp.summary"] = prof.ICP.Summary
	lists := map[string][]string{"icp.industries": prof.ICP.Industries, "icp.companySizes": prof.ICP.CompanySizes,
		"icp.regions": prof.ICP.Regions, "icp.titles": prof.ICP.Titles, "icp.painPoints": prof.ICP.PainPoints,
		"icp.valueProps": prof.ICP.ValueProps, "icp.disqualifiers": prof.ICP.Disqualifiers}
	for k, items := range lists {
		f.Values[k] = strings.Join(items, "\n")
	}
}

// generateWizardICP asks the AI service for a profile of the described
// product and gives it to the campaign.
func (w *Web) generateWizardICP(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	f := v.Form
	ctx := r.Context()
	if w.Assist == nil {
		return store.ErrNotFound
	}
	p, err := w.loadWizard(v, r.PathValue("id"), "icp")
	if err != nil {
		return err
	}
	prof, err := w.Assist.GenerateICP(ctx, v.P, meta(r), assist.GenerateICPInput{Name: f.Get("name"),
		ProductDescription: f.Get("productDescription"), Website: f.Get("website"), Notes: f.Get("notes")})
	if err != nil {
		if lerr := w.loadWizardICP(v, false); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	if _, err := w.Campaigns.Update(ctx, v.P, p.Campaign.ID, campaign.Input{ICPProfileID: &prof.ID}, meta(r)); err != nil {
		return err
	}
	return v.redirect(rw, setupPath(p.Campaign.ID, "icp"), "Wrote a profile with the "+generatorName(prof.Generator)+
		". Check each field and change what is not right, then continue.")
}

// useWizardICP gives the campaign an earlier profile of the workspace.
func (w *Web) useWizardICP(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	if w.Assist == nil {
		return store.ErrNotFound
	}
	p, err := w.loadWizard(v, r.PathValue("id"), "icp")
	if err != nil {
		return err
	}
	prof, err := w.Assist.Profile(ctx, v.P.WorkspaceID, r.PostFormValue("profile"))
	if err != nil {
		return err
	}
	if _, err := w.Campaigns.Update(ctx, v.P, p.Campaign.ID, campaign.Input{ICPProfileID: &prof.ID}, meta(r)); err != nil {
		return err
	}
	return v.redirect(rw, setupPath(p.Campaign.ID, "icp"), "The campaign uses the profile “"+prof.Name+"”.")
}

// saveWizardICP saves the user's edits of the profile and moves on.
func (w *Web) saveWizardICP(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	f := v.Form
	ctx := r.Context()
	p, err := w.loadWizard(v, r.PathValue("id"), "icp")
	if err != nil {
		return err
	}
	id := p.Campaign.ICPProfileID
	if w.Assist == nil || id == nil || *id == "" {
		return w.advance(rw, v, p, "")
	}
	lists := map[string]*[]string{}
	for _, l := range icpListFields {
		items := lines(f.Values[l.Name])
		lists[l.Name] = &items
	}
	summary, name, desc, website, notes := f.Get("icp.summary"), f.Get("name"), f.Get("productDescription"), f.Get("website"), f.Get("notes")
	patch := assist.ProfilePatch{Name: &name, ProductDescription: &desc, Website: &website, Notes: &notes, ICP: &assist.ICPPatch{
		Summary: &summary, Industries: lists["icp.industries"], CompanySizes: lists["icp.companySizes"],
		Regions: lists["icp.regions"], Titles: lists["icp.titles"], PainPoints: lists["icp.painPoints"],
		ValueProps: lists["icp.valueProps"], Disqualifiers: lists["icp.disqualifiers"]}}
	if _, err := w.Assist.PatchProfile(ctx, v.P, meta(r), *id, patch); err != nil {
		if lerr := w.loadWizardICP(v, false); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	return w.advance(rw, v, p, "Saved the profile. The AI drafts of your sequence are written for it.")
}

// lines splits a textarea into its non-blank lines, trimmed.
func lines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// generatorName says which generator wrote an AI answer, in words.
func generatorName(g string) string {
	if g == "offline" || g == "" {
		return "offline generator (rules, no AI service configured)"
	}
	return "AI model (" + g + ")"
}
