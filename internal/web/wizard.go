package web

import (
	"errors"
	"net/http"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/store"
)

// The campaign wizard (docs/ui.md §2) walks a draft campaign's setup in order:
// mailboxes → product and ICP → leads → sequence → schedule and limits →
// review and launch. Each step is a page under /campaigns/{id}/setup/ whose
// POST saves what the step sets through the service the JSON API uses, then
// records the next step in the campaign's wizard state
// (store.CampaignWizard) and goes there. GET /campaigns/{id}/setup resumes
// at the recorded step, so a user who leaves finds their place again. Back
// and skip are allowed; only the review step launches.
//
// Once a campaign runs, the same pages edit it (its mailboxes, sequence and
// schedule) and show the campaign's tabs instead of the step bar.

// wizardStep is one step of the wizard.
type wizardStep struct {
	Key   string // the last segment of its path
	Title string
	Short string // in the step bar
}

var wizardSteps = []wizardStep{
	{"mailboxes", "Mailboxes", "Mailboxes"},
	{"icp", "Product & ICP", "Product"},
	{"leads", "Leads", "Leads"},
	{"sequence", "Sequence", "Sequence"},
	{"schedule", "Schedule & limits", "Schedule"},
	{"review", "Review & launch", "Launch"},
}

// wizardDone is the wizard state of a launched campaign.
const wizardDone = "done"

func wizardIndex(key string) int {
	for i, s := range wizardSteps {
		if s.Key == key {
			return i
		}
	}
	if key == wizardDone {
		return len(wizardSteps)
	}
	return 0
}

func setupPath(campaignID, step string) string {
	return "/campaigns/" + campaignID + "/setup/" + step
}

// wizardPage is what every wizard page shows around its own form: the
// campaign, the step bar (or the campaign's tabs once it runs) and where the
// wizard stands.
type wizardPage struct {
	Campaign campaign.View
	State    store.CampaignWizard
	Step     wizardStep
	Number   int             // 1-based number of the step shown
	Draft    bool            // the campaign is a draft: the step bar, else the tabs
	Bar      []wizardBarStep // the step bar
	Next     string          // path of the step after this one
	Back     string          // path of the step before it, "" on the first
}

// wizardBarStep is one item of the step bar.
type wizardBarStep struct {
	Number  int
	Title   string
	Href    string
	Current bool
	Done    bool
}

// loadWizard reads the campaign and its wizard state for the step key and
// sets the page's title.
func (w *Web) loadWizard(v *view, id, key string) (wizardPage, error) {
	ctx := v.r.Context()
	c, err := w.Campaigns.Get(ctx, v.P.WorkspaceID, id)
	if err != nil {
		return wizardPage{}, err
	}
	st, err := w.Store.InWorkspace(v.P.WorkspaceID).CampaignWizard(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		st, err = store.CampaignWizard{CampaignID: id, Step: wizardSteps[0].Key}, nil
	}
	if err != nil {
		return wizardPage{}, err
	}
	idx := wizardIndex(key)
	reached := wizardIndex(st.Step)
	if c.Status != store.CampaignDraft {
		reached = len(wizardSteps)
	}
	p := wizardPage{Campaign: c, State: st, Step: wizardSteps[idx], Number: idx + 1, Draft: c.Status == store.CampaignDraft}
	for i, s := range wizardSteps {
		p.Bar = append(p.Bar, wizardBarStep{Number: i + 1, Title: s.Short, Href: setupPath(id, s.Key),
			Current: i == idx, Done: i < reached && i != idx})
	}
	if idx+1 < len(wizardSteps) {
		p.Next = setupPath(id, wizardSteps[idx+1].Key)
	}
	if idx > 0 {
		p.Back = setupPath(id, wizardSteps[idx-1].Key)
	}
	v.Title, v.Nav = p.Step.Title+" · "+c.Name, "campaigns"
	v.Tab = key
	return p, nil
}

// advance finishes a step: a draft's wizard moves on to the next step, or
// back to the furthest step reached when the user came back to fix an
// earlier one (the review's fix links), and the browser goes there; a
// running campaign's page reloads with the flash.
func (w *Web) advance(rw http.ResponseWriter, v *view, p wizardPage, message string) error {
	id := p.Campaign.ID
	if !p.Draft {
		return v.redirect(rw, setupPath(id, p.Step.Key), message)
	}
	next := min(max(wizardIndex(p.Step.Key)+1, wizardIndex(p.State.Step)), len(wizardSteps)-1)
	st := p.State
	st.CampaignID, st.Step = id, wizardSteps[next].Key
	if err := w.Store.InWorkspace(v.P.WorkspaceID).SaveCampaignWizard(v.r.Context(), &st); err != nil {
		return err
	}
	return v.redirect(rw, setupPath(id, st.Step), message)
}

// resumeWizard sends the user to the step their setup stopped at, or to the
// campaign page once it is launched.
func (w *Web) resumeWizard(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	p, err := w.loadWizard(v, id, wizardSteps[0].Key)
	if err != nil {
		return err
	}
	if !p.Draft || p.State.Step == wizardDone {
		http.Redirect(rw, r, "/campaigns/"+id, http.StatusSeeOther)
		return nil
	}
	http.Redirect(rw, r, setupPath(id, wizardSteps[wizardIndex(p.State.Step)].Key), http.StatusSeeOther)
	return nil
}

// skipStep moves a draft's wizard past a step without saving anything.
func (w *Web) skipStep(key string) handlerFunc {
	return func(rw http.ResponseWriter, r *http.Request, v *view) error {
		p, err := w.loadWizard(v, r.PathValue("id"), key)
		if err != nil {
			return err
		}
		return w.advance(rw, v, p, "")
	}
}
