package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in webhook.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Webhooks.Create(r.Context(), p, in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	list, err := a.Webhooks.List(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, len(list), func(webhook.View) string { return "" }))
	return nil
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	v, err := a.Webhooks.Get(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) updateWebhook(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in webhook.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Webhooks.Update(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Webhooks.Delete(r.Context(), p, r.PathValue("id"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	v, err := a.Webhooks.RotateSecret(r.Context(), p, r.PathValue("id"), meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) testWebhook(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	d, err := a.Webhooks.Test(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) listWebhookDeliveries(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	list, err := a.Webhooks.Deliveries(r.Context(), p.WorkspaceID, r.PathValue("id"), r.URL.Query().Get("cursor"), limit+1)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, limit, func(d webhook.DeliveryView) string { return d.ID }))
	return nil
}

func (a *API) retryWebhookDelivery(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Webhooks.Retry(r.Context(), p, r.PathValue("id"), r.PathValue("deliveryId"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
