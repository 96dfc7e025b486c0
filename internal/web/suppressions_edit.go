package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/lead"
	leadfield "github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Adding and removing suppressions (docs/ui.md §9: destructive actions go to a
// confirm page that names the consequence). The rules are the leads
// service's; these pages only ask first.

// suppressionConfirm is the confirm page of an addition: what will be
// suppressed and whom it stops.
type suppressionConfirm struct {
	Kind      string // email or domain
	Value     string // normalised as the suppression list compares it
	Leads     int    // leads active in running or paused campaigns it stops
	Campaigns int
}

func (w *Web) newSuppressionForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav, v.Tab, v.Form = "Suppress an address or a domain", "leads", "suppressions", emptyForm(map[string]string{"reason": store.ReasonManual})
	v.page = "suppression_new"
	return v.render(rw, http.StatusOK)
}

// addSuppression asks for confirmation, naming the leads it stops, then
// adds the entry through the leads service.
func (w *Web) addSuppression(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	f := v.Form
	v.Title, v.Nav, v.Tab = "Suppress an address or a domain", "leads", "suppressions"
	in := lead.SuppressionInput{Email: f.Get("email"), Domain: f.Get("domain"), Reason: f.Get("reason"), Source: f.Get("source")}
	if f.Get("confirm") != "yes" {
		c, err := w.suppressionImpact(r.Context(), w.Store.InWorkspace(v.P.WorkspaceID), in)
		if err != nil {
			v.page = "suppression_new"
			return v.formFailed(rw, err)
		}
		v.Title, v.Data, v.page = "Suppress "+c.Value+"?", c, "suppression_confirm"
		return v.render(rw, http.StatusOK)
	}
	sup, created, err := w.Leads.AddSuppression(r.Context(), v.P, meta(r), in)
	if err != nil {
		v.page = "suppression_new"
		return v.formFailed(rw, err)
	}
	msg := "Suppressed " + sup.Value + ": no campaign will email it again."
	if !created {
		msg = sup.Value + " was already suppressed; nothing changed."
	}
	return v.redirect(rw, "/leads/suppressions", msg)
}

// suppressionImpact normalises the entry as the service will and counts
// the leads it stops in running and paused campaigns.
func (w *Web) suppressionImpact(ctx context.Context, scope store.Scope, in lead.SuppressionInput) (suppressionConfirm, error) {
	var c suppressionConfirm
	switch {
	case in.Email != "" && in.Domain != "":
		return c, problem.New(problem.Invalid, "validation_failed", "Give either an email or a domain, not both.")
	case in.Email != "":
		email, err := leadfield.NormalizeEmail(in.Email)
		if err != nil {
			return c, problem.InvalidField("email", strings.TrimSuffix(err.Error(), "."))
		}
		c.Kind, c.Value = store.SuppressEmail, email
		l, err := scope.LeadByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			return c, nil
		}
		if err != nil {
			return c, err
		}
		in, err := scope.CampaignLeadsOfLead(ctx, l.ID)
		if err != nil {
			return c, err
		}
		for _, cl := range in {
			if cl.Status == store.CampaignLeadActive {
				c.Leads, c.Campaigns = 1, c.Campaigns+1
			}
		}
	case in.Domain != "":
		domain, err := lead.NormalizeDomain(in.Domain)
		if err != nil {
			return c, err
		}
		c.Kind, c.Value = store.SuppressDomain, domain
		for _, status := range []string{store.CampaignActive, store.CampaignPaused} {
			list, err := scope.Campaigns(ctx, status, "", suppressionImpactCampaigns)
			if err != nil {
				return c, err
			}
			for _, camp := range list {
				ids, err := scope.ActiveCampaignLeadsAtDomain(ctx, camp.ID, domain)
				if err != nil {
					return c, err
				}
				if len(ids) > 0 {
					c.Leads += len(ids)
					c.Campaigns++
				}
			}
		}
	default:
		return c, problem.Fields{"email": "give an email or a domain"}.Err()
	}
	return c, nil
}

// suppressionImpactCampaigns bounds the campaigns of each status the
// confirm page counts leads in.
const suppressionImpactCampaigns = 200

func (w *Web) confirmRemoveSuppression(rw http.ResponseWriter, r *http.Request, v *view) error {
	sup, err := w.Store.InWorkspace(v.P.WorkspaceID).Suppression(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Tab, v.Data = "Remove a suppression?", "leads", "suppressions", sup
	return v.render(rw, http.StatusOK)
}

func (w *Web) removeSuppression(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	sup, err := w.Store.InWorkspace(v.P.WorkspaceID).Suppression(r.Context(), id)
	if err != nil {
		return err
	}
	if err := w.Leads.RemoveSuppression(r.Context(), v.P, meta(r), id); err != nil {
		if p, ok := problem.As(err); ok && p.Kind == problem.Conflict {
			v.Title, v.Nav, v.Tab, v.Data, v.page = "Remove a suppression?", "leads", "suppressions", sup, "suppression_remove"
			return v.formFailed(rw, err)
		}
		return err
	}
	return v.redirect(rw, "/leads/suppressions", "Removed "+sup.Value+" from the suppression list. Campaigns may email it again; leads it stopped stay stopped.")
}
