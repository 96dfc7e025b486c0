package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// wizardLeadsData is step 3: upload a CSV (mapped and imported as on the
// Leads page, with its progress here) or pick leads already in the
// workspace; then the campaign's lead count.
type wizardLeadsData struct {
	wizardPage
	Import   *importData        // the wizard's import, until its leads are added
	Sources  []store.LeadSource // earlier imports to add from
	HasLeads bool               // the workspace has leads to pick
	MaxSize  string
}

// wizardSources bounds the earlier imports offered.
const wizardSources = 20

func (w *Web) wizardLeads(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.loadWizardLeads(v); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadWizardLeads(v *view) error {
	ctx := v.r.Context()
	p, err := w.loadWizard(v, v.r.PathValue("id"), "leads")
	if err != nil {
		return err
	}
	data := wizardLeadsData{wizardPage: p, MaxSize: sizeText(w.Config.ImportMaxBytes)}
	if p.State.ImportID != "" {
		d, err := w.importData(v.r, v, p.State.ImportID, 0)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			d.Wizard = &p
			data.Import = &d
		}
	}
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	sources, err := scope.LeadSources(ctx, "", wizardSources)
	if err != nil {
		return err
	}
	for _, s := range sources {
		if s.Status == store.ImportDone && s.Created > 0 && s.ID != p.State.ImportID {
			data.Sources = append(data.Sources, s)
		}
	}
	some, err := scope.Leads(ctx, store.LeadQuery{Status: store.LeadActive, Limit: 1})
	if err != nil {
		return err
	}
	data.HasLeads = len(some) > 0
	if v.Form == nil {
		v.Form = emptyForm(nil)
	}
	v.Data = data
	return nil
}

// uploadWizardLeads stages the file and opens the mapping step.
func (w *Web) uploadWizardLeads(rw http.ResponseWriter, r *http.Request, v *view) error {
	p, err := w.loadWizard(v, r.PathValue("id"), "leads")
	if err != nil {
		return err
	}
	id := p.Campaign.ID
	token, name, err := w.stageUpload(r, v.P)
	if err != nil {
		if lerr := w.loadWizardLeads(v); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	http.Redirect(rw, r, mapURL(setupPath(id, "leads/map"), token, name), http.StatusSeeOther)
	return nil
}

func (w *Web) wizardLeadsMap(rw http.ResponseWriter, r *http.Request, v *view) error {
	p, err := w.loadWizard(v, r.PathValue("id"), "leads")
	if err != nil {
		return err
	}
	token := r.PathValue("upload")
	data := importMapData{Action: setupPath(p.Campaign.ID, "leads/map/"+token), Cancel: setupPath(p.Campaign.ID, "leads"), Wizard: &p}
	if err := w.loadImportMap(v, token, r.URL.Query().Get("file"), nil, data); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

// startWizardImport starts the import and remembers it in the wizard, with
// the staged file kept to add the file's leads when it ends.
func (w *Web) startWizardImport(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	p, err := w.loadWizard(v, r.PathValue("id"), "leads")
	if err != nil {
		return err
	}
	token := r.PathValue("upload")
	src, err := w.startImport(r, v, token, true)
	if err != nil {
		data := importMapData{Action: setupPath(p.Campaign.ID, "leads/map/"+token), Cancel: setupPath(p.Campaign.ID, "leads"), Wizard: &p}
		if lerr := w.loadImportMap(v, token, v.Form.Get("fileName"), mappingFrom(r), data); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	st := p.State
	if st.Upload != "" && st.Upload != token {
		w.removeStaged(v.P, st.Upload)
	}
	st.CampaignID, st.ImportID, st.Upload = p.Campaign.ID, src.ID, token
	if err := w.Store.InWorkspace(v.P.WorkspaceID).SaveCampaignWizard(r.Context(), &st); err != nil {
		return err
	}
	return v.redirect(rw, setupPath(p.Campaign.ID, "leads"), "Import started. When it ends, add its leads to the campaign.")
}

// addWizardLeads adds leads to the campaign: the wizard's finished import
// (every lead of its file, the ones that were already leads included), an
// earlier import, or every active lead of the workspace.
func (w *Web) addWizardLeads(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	p, err := w.loadWizard(v, r.PathValue("id"), "leads")
	if err != nil {
		return err
	}
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	var ids []string
	st := p.State
	switch from := r.PostFormValue("from"); from {
	case "import":
		if st.ImportID == "" {
			return store.ErrNotFound
		}
		imp, err := w.Imports.Status(ctx, v.P, st.ImportID, 0, 1)
		if err != nil {
			return err
		}
		if imp.Status == store.ImportRunning {
			return w.leadsStepFailed(rw, v, problem.New(problem.Conflict, "import_running", "The import is still running: add its leads when it ends."))
		}
		if ids, err = w.fileLeadIDs(ctx, v.P, st.Upload, imp.Mapping); errors.Is(err, store.ErrNotFound) {
			// The staged copy is gone (another replica, or an hour passed
			// since the import ended):
			// the leads the import created are still known.
			ids, err = leadIDs(ctx, scope, store.LeadQuery{SourceID: st.ImportID})
		}
		if err != nil {
			return err
		}
	case "source":
		if _, err := scope.LeadSource(ctx, r.PostFormValue("source")); err != nil {
			return err
		}
		if ids, err = leadIDs(ctx, scope, store.LeadQuery{SourceID: r.PostFormValue("source")}); err != nil {
			return err
		}
	case "all":
		if ids, err = leadIDs(ctx, scope, store.LeadQuery{Status: store.LeadActive}); err != nil {
			return err
		}
	default:
		return w.leadsStepFailed(rw, v, problem.InvalidField("from", "must be import, source or all"))
	}
	res, err := w.addLeads(ctx, v.P, p.Campaign.ID, ids, meta(r))
	if err != nil {
		return w.leadsStepFailed(rw, v, err)
	}
	if r.PostFormValue("from") == "import" {
		w.removeStaged(v.P, st.Upload)
		st.CampaignID, st.ImportID, st.Upload = p.Campaign.ID, "", ""
		if err := scope.SaveCampaignWizard(ctx, &st); err != nil {
			return err
		}
	}
	return v.redirect(rw, setupPath(p.Campaign.ID, "leads"), addedText(res))
}

func (w *Web) leadsStepFailed(rw http.ResponseWriter, v *view, err error) error {
	if lerr := w.loadWizardLeads(v); lerr != nil {
		return lerr
	}
	return v.formFailed(rw, err)
}

// continueWizardLeads moves on to the sequence.
func (w *Web) continueWizardLeads(rw http.ResponseWriter, r *http.Request, v *view) error {
	p, err := w.loadWizard(v, r.PathValue("id"), "leads")
	if err != nil {
		return err
	}
	return w.advance(rw, v, p, "")
}

// addLeads adds leads to a campaign through the campaign service (which
// skips suppressed, inactive and already added ones), in requests of the
// size it accepts.
func (w *Web) addLeads(ctx context.Context, p account.Principal, campaignID string, ids []string, m account.Meta) (campaign.AddLeadsResult, error) {
	var total campaign.AddLeadsResult
	for start := 0; start < len(ids); start += campaign.MaxLeadsPerRequest {
		res, err := w.Campaigns.AddLeads(ctx, p, campaignID, ids[start:min(start+campaign.MaxLeadsPerRequest, len(ids))], m)
		if err != nil {
			return total, err
		}
		total.Added += res.Added
		total.SkippedDuplicate += res.SkippedDuplicate
		total.SkippedSuppressed += res.SkippedSuppressed
		total.SkippedInactive += res.SkippedInactive
	}
	return total, nil
}

// addedText states the result of adding leads with its numbers.
func addedText(res campaign.AddLeadsResult) string {
	msg := "Added " + plural(res.Added, "lead", "leads") + " to the campaign."
	var skipped []string
	if res.SkippedDuplicate > 0 {
		skipped = append(skipped, formatInt(res.SkippedDuplicate)+" already in it")
	}
	if res.SkippedSuppressed > 0 {
		skipped = append(skipped, formatInt(res.SkippedSuppressed)+" on the suppression list")
	}
	if res.SkippedInactive > 0 {
		skipped = append(skipped, formatInt(res.SkippedInactive)+" bounced or unsubscribed")
	}
	if len(skipped) > 0 {
		msg += " Skipped " + strings.Join(skipped, ", ") + "."
	}
	return msg
}

// leadIDs lists the ids of every lead matching q.
func leadIDs(ctx context.Context, scope store.Scope, q store.LeadQuery) ([]string, error) {
	var ids []string
	err := scope.EachLead(ctx, q, func(l store.Lead) error {
		ids = append(ids, l.ID)
		return nil
	})
	return ids, err
}

// emailBatch is how many addresses of a file are looked up at once.
const emailBatch = 500

// fileLeadIDs reads a staged file with the import's mapping and returns the
// ids of the leads its addresses belong to now, in file order, each once.
func (w *Web) fileLeadIDs(ctx context.Context, p account.Principal, token string, mapping csv.Mapping) ([]string, error) {
	scope := w.Store.InWorkspace(p.WorkspaceID)
	f, err := w.openStaged(p, token)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ir, err := csv.NewReader(f, csv.Options{Mapping: mapping})
	if err != nil {
		return nil, err
	}
	var ids, batch []string
	seen := map[string]bool{}
	flush := func() error {
		found, err := scope.LeadsByEmails(ctx, batch)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if l, ok := found[e]; ok {
				ids = append(ids, l.ID)
			}
		}
		batch = batch[:0]
		return nil
	}
	for {
		row, err := ir.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if row.Err != nil || row.Fields.Email == "" || seen[row.Fields.Email] {
			continue
		}
		seen[row.Fields.Email] = true
		if batch = append(batch, row.Fields.Email); len(batch) == emailBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
