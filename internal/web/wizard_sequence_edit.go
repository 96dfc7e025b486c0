package web

import (
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Saving a launched campaign's sequence (internal/campaign/edit.go): the
// editor first shows what the save would do to leads (the dry run) and
// saves only when the user confirms it. The confirmation carries the
// version it was shown for: if the sequence changed since, the dry run is
// shown again.

// launched says whether saving the campaign's sequence is an edit under
// leads part-way through it.
func launched(status string) bool {
	return status == store.CampaignActive || status == store.CampaignPaused
}

// confirmSequenceEdit returns true when the save may go ahead; otherwise it
// has rendered the editor with the dry run's summary to confirm.
func (w *Web) confirmSequenceEdit(rw http.ResponseWriter, v *view, p wizardPage, steps []seqStep, in campaign.SequenceInput) (bool, error) {
	if !launched(p.Campaign.Status) {
		return true, nil
	}
	sum, err := w.Campaigns.DryRunSequence(v.r.Context(), v.P, p.Campaign.ID, in)
	if err != nil {
		return false, w.sequenceFailed(rw, v, p, steps, err)
	}
	if !sum.Changed || v.Form.Get("confirmVersion") == strconv.Itoa(sum.Version) {
		return true, nil
	}
	if err := w.loadWizardSequence(v, p, steps, ""); err != nil {
		return false, err
	}
	d := v.Data.(wizardSequenceData)
	d.Confirm = &sum
	v.Data = d
	return false, v.render(rw, http.StatusOK)
}

// sequenceConfirm is the dry run the editor asks the user to confirm.
type sequenceConfirm = campaign.EditSummary
