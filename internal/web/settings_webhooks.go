package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

// Settings → Webhooks: the workspace's endpoints and their deliveries. Every
// change calls the webhook service the JSON API calls (internal/webhook),
// with the API's roles (internal/api/routes.go: admins and owners).

// webhooksData is the webhooks list page.
type webhooksData struct {
	Hooks  []webhook.View
	Events []eventChoice
}

// eventChoice is one event type's checkbox on the add form.
type eventChoice struct {
	Type    string
	Checked bool
}

// webhookData is one endpoint's page: its settings and recent deliveries.
type webhookData struct {
	Hook       webhook.View
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

func (w *Web) webhooks(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(nil)
	if err := w.loadWebhooks(v, nil); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadWebhooks(v *view, checked []string) error {
	v.Title, v.Nav, v.Tab = "Webhooks", "settings", "webhooks"
	if w.Webhooks == nil {
		return errors.New("webhooks are not configured")
	}
	hooks, err := w.Webhooks.List(v.r.Context(), v.P.WorkspaceID)
	v.Data = webhooksData{Hooks: hooks, Events: eventChoices(checked)}
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

// createWebhook answers with the new secret on the page itself, as
// createAPIKey does with a token: it exists only in this response.
func (w *Web) createWebhook(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	url, desc := v.Form.Get("url"), v.Form.Get("description")
	events := r.PostForm["events"]
	if events == nil {
		events = []string{}
	}
	hook, err := w.Webhooks.Create(r.Context(), v.P, webhook.Input{URL: &url, Description: &desc, Events: &events}, meta(r))
	if err != nil {
		if lerr := w.loadWebhooks(v, events); lerr != nil {
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
	ctx, id := r.Context(), r.PathValue("id")
	hook, err := w.Webhooks.Get(ctx, v.P.WorkspaceID, id)
	if err != nil {
		return err
	}
	list, err := w.Webhooks.Deliveries(ctx, v.P.WorkspaceID, id, "", recentDeliveries)
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
	v.Data = webhookData{Hook: hook, Deliveries: rows}
	return v.render(rw, http.StatusOK)
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
