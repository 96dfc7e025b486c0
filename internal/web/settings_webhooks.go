package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

// Settings → Webhooks: the workspace's endpoints and their deliveries. Every
// change calls the webhook service the JSON API calls (internal/webhook),
// with the API's roles (internal/api/routes.go: admins and owners).

// webhooksData is the webhooks list page.
type webhooksData struct {
	Hooks     []webhook.View
	Events    []eventChoice
	Campaigns []campaignChoice
}

// eventChoice is one event type's checkbox on the add and edit forms.
type eventChoice struct {
	Type    string
	Checked bool
}

// campaignChoice is one campaign's checkbox on the add and edit forms, or
// a campaign an endpoint is limited to. Gone marks an id the workspace has
// no campaign for (deleted since, or never its own).
type campaignChoice struct {
	ID, Name string
	Checked  bool
	Gone     bool
}

// webhookData is one endpoint's page: its settings, the edit form's
// choices and recent deliveries.
type webhookData struct {
	Hook       webhook.View
	LimitedTo  []campaignChoice // the stored campaign filter, by name
	Events     []eventChoice
	Campaigns  []campaignChoice
	Deliveries []deliveryRow
}

// deliveryRow is a delivery with its payload as indented JSON.
type deliveryRow struct {
	webhook.DeliveryView
	PayloadJSON string
}

// webhookSecretData is the page that shows a secret, the one time it is
// shown: after the endpoint is added or its secret rotated.
type webhookSecretData struct {
	Hook    webhook.View
	Rotated bool
}

// recentDeliveries is how many deliveries an endpoint's page lists.
const recentDeliveries = 50

// formCampaigns is how many campaigns (the newest) the forms offer: as
// many as a filter may hold (webhook.Service refuses more).
const formCampaigns = 100

func (w *Web) webhooks(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(nil)
	if err := w.loadWebhooks(v, nil, nil); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

// loadWebhooks fills the list page, these boxes of the add form ticked.
func (w *Web) loadWebhooks(v *view, events, campaignIDs []string) error {
	v.Title, v.Nav, v.Tab = "Webhooks", "settings", "webhooks"
	if w.Webhooks == nil {
		return errors.New("webhooks are not configured")
	}
	hooks, err := w.Webhooks.List(v.r.Context(), v.P.WorkspaceID)
	if err != nil {
		return err
	}
	campaigns, err := w.campaignChoices(v.r.Context(), v.P.WorkspaceID, campaignIDs)
	v.Data = webhooksData{Hooks: hooks, Events: eventChoices(events), Campaigns: campaigns}
	return err
}

func eventChoices(checked []string) []eventChoice {
	out := make([]eventChoice, len(event.Types))
	for i, t := range event.Types {
		out[i] = eventChoice{Type: string(t)}
		for _, c := range checked {
			out[i].Checked = out[i].Checked || c == string(t)
		}
	}
	return out
}

// campaignChoices is the workspace's newest campaigns with the checked ones
// ticked, then the checked ones not among them: older ones, and ids of no
// campaign, shown so a form keeps what was submitted or stored.
func (w *Web) campaignChoices(ctx context.Context, ws string, checked []string) ([]campaignChoice, error) {
	list, err := w.Store.InWorkspace(ws).Campaigns(ctx, "", "", formCampaigns)
	if err != nil {
		return nil, err
	}
	list = list[:min(len(list), formCampaigns)]
	out := make([]campaignChoice, 0, len(list))
	rest := slices.Clone(checked)
	for _, c := range list {
		out = append(out, campaignChoice{ID: c.ID, Name: c.Name, Checked: slices.Contains(checked, c.ID)})
		rest = slices.DeleteFunc(rest, func(id string) bool { return id == c.ID })
	}
	more, err := w.namedCampaigns(ctx, ws, rest)
	return append(out, more...), err
}

// namedCampaigns names the campaigns of ids, ticked, in their order.
func (w *Web) namedCampaigns(ctx context.Context, ws string, ids []string) ([]campaignChoice, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	names, err := w.Store.InWorkspace(ws).CampaignNames(ctx, ids)
	out := make([]campaignChoice, len(ids))
	for i, id := range ids {
		c, ok := names[id]
		out[i] = campaignChoice{ID: id, Name: c.Name, Checked: true, Gone: !ok}
	}
	return out, err
}

// webhookInput is the add or edit form as the service's input. Every field
// is given, so an edit replaces all of them; no box ticked is an empty list:
// all events, all campaigns.
func webhookInput(f *form, r *http.Request) webhook.Input {
	url, desc := f.Get("url"), f.Get("description")
	events, campaigns := checkedValues(r, "events"), checkedValues(r, "campaignIds")
	return webhook.Input{URL: &url, Description: &desc, Events: &events, CampaignIDs: &campaigns}
}

// checkedValues is a checkbox group's ticked values, never nil.
func checkedValues(r *http.Request, name string) []string {
	if vs := r.PostForm[name]; vs != nil {
		return vs
	}
	return []string{}
}

// createWebhook answers with the new secret on the page itself, as
// createAPIKey does with a token: it exists only in this response.
func (w *Web) createWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	in := webhookInput(v.Form, r)
	hook, err := w.Webhooks.Create(r.Context(), v.P, in, meta(r))
	if err != nil {
		if lerr := w.loadWebhooks(v, *in.Events, *in.CampaignIDs); lerr != nil {
			return lerr
		}
		v.page = "settings_webhooks"
		return v.formFailed(rw, err)
	}
	v.Title, v.Nav, v.Tab = "Webhook added", "settings", "webhooks"
	v.Data = webhookSecretData{Hook: hook}
	return v.render(rw, http.StatusCreated)
}

func (w *Web) webhookPage(rw http.ResponseWriter, r *http.Request, v *view) error {
	hook, err := w.Webhooks.Get(r.Context(), v.P.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Form = emptyForm(map[string]string{"url": hook.URL, "description": hook.Description})
	if err := w.loadWebhook(v, hook, hook.Events, hook.CampaignIDs); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

// updateWebhook saves the edit form; on bad input the endpoint's page
// comes back with the errors by their fields and what was submitted.
func (w *Web) updateWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx, id := r.Context(), r.PathValue("id")
	v.Form = newForm(r)
	in := webhookInput(v.Form, r)
	hook, err := w.Webhooks.Update(ctx, v.P, id, in, meta(r))
	if err == nil {
		return v.redirect(rw, webhookPath(hook.ID), "Saved the webhook to "+hook.URL+".")
	}
	// The page shows the stored endpoint beside the submitted form (and
	// another workspace's id is not found here, as it was by Update).
	stored, gerr := w.Webhooks.Get(ctx, v.P.WorkspaceID, id)
	if gerr != nil {
		return gerr
	}
	if lerr := w.loadWebhook(v, stored, *in.Events, *in.CampaignIDs); lerr != nil {
		return lerr
	}
	return v.formFailed(rw, err)
}

// loadWebhook fills an endpoint's page: the edit form's boxes ticked as
// given (stored or submitted), the rest from hook.
func (w *Web) loadWebhook(v *view, hook webhook.View, events, campaignIDs []string) error {
	ctx, ws := v.r.Context(), v.P.WorkspaceID
	list, err := w.Webhooks.Deliveries(ctx, ws, hook.ID, "", recentDeliveries)
	if err != nil {
		return err
	}
	limited, err := w.namedCampaigns(ctx, ws, hook.CampaignIDs)
	if err != nil {
		return err
	}
	campaigns, err := w.campaignChoices(ctx, ws, campaignIDs)
	if err != nil {
		return err
	}
	rows := make([]deliveryRow, len(list))
	for i, d := range list {
		rows[i] = deliveryRow{DeliveryView: d}
		if d.Payload != nil {
			b, _ := json.MarshalIndent(d.Payload, "", "  ")
			rows[i].PayloadJSON = string(b)
		}
	}
	v.Title, v.Nav, v.Tab = "Webhook", "settings", "webhooks"
	v.Data = webhookData{Hook: hook, LimitedTo: limited, Events: eventChoices(events), Campaigns: campaigns, Deliveries: rows}
	return nil
}

func webhookPath(id string) string { return "/settings/webhooks/" + id }

// testWebhook sends a webhook.test event now; the page shows how it went.
func (w *Web) testWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	d, err := w.Webhooks.Test(r.Context(), v.P, id)
	if err != nil {
		return err
	}
	msg := "Test sent: the endpoint answered " + httpStatusText(d.ResponseCode) + "."
	if d.ResponseCode == 0 {
		msg = "Test sent, but the endpoint could not be reached: " + d.Error + "."
	}
	return v.redirect(rw, webhookPath(id), msg)
}

func httpStatusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

func (w *Web) rotateWebhookSecret(rw http.ResponseWriter, r *http.Request, v *view) error {
	hook, err := w.Webhooks.RotateSecret(r.Context(), v.P, r.PathValue("id"), meta(r))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Tab = "Secret rotated", "settings", "webhooks"
	v.Data = webhookSecretData{Hook: hook, Rotated: true}
	return v.render(rw, http.StatusOK)
}

func (w *Web) enableWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	return w.setWebhookEnabled(rw, r, v, true)
}

func (w *Web) disableWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	return w.setWebhookEnabled(rw, r, v, false)
}

func (w *Web) setWebhookEnabled(rw http.ResponseWriter, r *http.Request, v *view, on bool) error {
	hook, err := w.Webhooks.Update(r.Context(), v.P, r.PathValue("id"), webhook.Input{Enabled: &on}, meta(r))
	if err != nil {
		return err
	}
	msg := "Disabled: " + hook.URL + " gets no new events."
	if on {
		msg = "Enabled: " + hook.URL + " gets new events again."
	}
	return v.redirect(rw, webhookPath(hook.ID), msg)
}

// confirmDeleteWebhook names the consequence before a delete.
func (w *Web) confirmDeleteWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	hook, err := w.Webhooks.Get(r.Context(), v.P.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Tab, v.Data = "Delete webhook", "settings", "webhooks", hook
	return v.render(rw, http.StatusOK)
}

func (w *Web) deleteWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	hook, err := w.Webhooks.Get(r.Context(), v.P.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := w.Webhooks.Delete(r.Context(), v.P, hook.ID, meta(r)); err != nil {
		return err
	}
	return v.redirect(rw, "/settings/webhooks", "Deleted the webhook to "+hook.URL+".")
}

func (w *Web) retryWebhookDelivery(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	if err := w.Webhooks.Retry(r.Context(), v.P, id, r.PathValue("delivery"), meta(r)); err != nil {
		return err
	}
	return v.redirect(rw, webhookPath(id), "The delivery will be tried again within a few seconds.")
}
