package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

// RotationOverlap is how long the secret a rotation replaced keeps
// signing, beside the new one.
const RotationOverlap = 24 * time.Hour

// Options configure the service.
type Options struct {
	Keys    *secrets.KeyRing
	Allow   []netip.Prefix // LEADBITZ_ALLOW_PRIVATE_NETWORKS
	BaseURL string         // for the events' appUrl
	// Mailer tells the workspace's admins when an endpoint is disabled,
	// when it is configured (LEADBITZ_SMTP_URL); nil or unconfigured, the
	// in-app notice is the only word.
	Mailer account.Mailer
}

// Service manages subscriptions and delivers events.
type Service struct {
	st      *store.Store
	env     env.Env
	keys    *secrets.KeyRing
	allow   []netip.Prefix
	client  *http.Client
	baseURL string
	mailer  account.Mailer
}

// New builds the service; deliveries go through the address guard.
func New(st *store.Store, e env.Env, o Options) *Service {
	client := netguard.New(netguard.Options{Allow: o.Allow}).HTTPClient(Timeout)
	// Keep a connection per worker to a busy endpoint (the default keeps
	// two, so most attempts would dial again).
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = workers
	return &Service{st: st, env: e, keys: o.Keys, allow: o.Allow, baseURL: o.BaseURL, client: client, mailer: o.Mailer}
}

// sealAD binds a sealed secret to its endpoint.
func sealAD(id string) []byte { return []byte("webhook-secret:" + id) }

func (s *Service) signingSecrets(w store.Webhook, now time.Time) ([]string, error) {
	cur, err := s.keys.Decrypt(w.Secret, sealAD(w.ID))
	if err != nil {
		return nil, err
	}
	list := []string{string(cur)}
	if w.OldSecret != "" && w.OldSecretUntil != nil && now.Before(*w.OldSecretUntil) {
		if old, err := s.keys.Decrypt(w.OldSecret, sealAD(w.ID)); err == nil {
			list = append(list, string(old))
		}
	}
	return list, nil
}

// Input is what POST and PATCH /api/webhooks take.
type Input struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	Events      *[]string `json:"events"`
	CampaignIDs *[]string `json:"campaignIds"`
	Enabled     *bool     `json:"enabled"`
}

// View is an endpoint as the API shows it (never its secret, except
// Secret right after creation or rotation).
type View struct {
	ID             string     `json:"id"`
	URL            string     `json:"url"`
	Description    string     `json:"description"`
	Events         []string   `json:"events"`
	CampaignIDs    []string   `json:"campaignIds"`
	Enabled        bool       `json:"enabled"`
	DisabledReason string     `json:"disabledReason,omitempty"`
	FailingSince   *time.Time `json:"failingSince,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	Secret         string     `json:"secret,omitempty"`
}

func viewOf(w store.Webhook) View {
	v := View{ID: w.ID, URL: w.URL, Description: w.Description, Events: w.Events, CampaignIDs: w.CampaignIDs,
		Enabled: w.Enabled, DisabledReason: w.DisabledReason, FailingSince: w.FailingSince, CreatedAt: w.CreatedAt}
	if v.Events == nil {
		v.Events = []string{}
	}
	if v.CampaignIDs == nil {
		v.CampaignIDs = []string{}
	}
	return v
}

// apply checks an input and writes it to w.
func (s *Service) apply(w *store.Webhook, in Input) error {
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		if why := checkURL(u, s.allow); why != "" {
			return problem.InvalidField("url", why)
		}
		w.URL = u
	}
	if in.Description != nil {
		if len(*in.Description) > 500 {
			return problem.InvalidField("description", "must be at most 500 characters")
		}
		w.Description = strings.TrimSpace(*in.Description)
	}
	if in.Events != nil {
		if len(*in.Events) > len(event.Types) {
			return problem.InvalidField("events", "too many event types")
		}
		for _, t := range *in.Events {
			if !event.Known(t) {
				return problem.InvalidField("events", "unknown event type "+t)
			}
		}
		w.Events = *in.Events
	}
	if in.CampaignIDs != nil {
		if len(*in.CampaignIDs) > 100 {
			return problem.InvalidField("campaignIds", "at most 100 campaigns")
		}
		ids := slices.Clone(*in.CampaignIDs)
		slices.Sort(ids)
		w.CampaignIDs = slices.Compact(ids)
	}
	if in.Enabled != nil {
		w.Enabled = *in.Enabled
		if w.Enabled {
			w.DisabledReason, w.FailingSince = "", nil
		}
	}
	return nil
}

// checkCampaigns refuses a filter naming a campaign the workspace does not
// have, but keeps the ids the endpoint already had: a deleted campaign's
// id must not make the endpoint impossible to edit.
func checkCampaigns(ctx context.Context, q store.Scope, before, after []string) error {
	var added []string
	for _, id := range after {
		if !slices.Contains(before, id) {
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		return nil
	}
	found, err := q.CampaignNames(ctx, added)
	if err != nil {
		return err
	}
	for _, id := range added {
		if _, ok := found[id]; !ok {
			return problem.InvalidField("campaignIds", "lists a campaign that is not in this workspace")
		}
	}
	return nil
}

func audit(p account.Principal, m account.Meta, action, id string) store.AuditEvent {
	return store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID, Action: action,
		TargetType: "webhook", TargetID: id, IP: m.IP, RequestID: m.RequestID}
}

// Create adds an endpoint; its secret is in the answer, this once.
func (s *Service) Create(ctx context.Context, p account.Principal, in Input, m account.Meta) (View, error) {
	if in.URL == nil {
		return View{}, problem.InvalidField("url", "is required")
	}
	w := store.Webhook{ID: store.NewID(), Enabled: true}
	if err := s.apply(&w, in); err != nil {
		return View{}, err
	}
	secret := NewSecret()
	sealed, err := s.keys.Encrypt([]byte(secret), sealAD(w.ID))
	if err != nil {
		return View{}, err
	}
	w.Secret = sealed
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		if list, err := q.Webhooks(ctx); err != nil {
			return err
		} else if len(list) >= 20 {
			return problem.New(problem.Conflict, "too_many_webhooks", "A workspace has at most 20 webhooks.")
		}
		if err := checkCampaigns(ctx, q, nil, w.CampaignIDs); err != nil {
			return err
		}
		if err := q.CreateWebhook(ctx, &w); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "webhook.created", w.ID))
	})
	if err != nil {
		return View{}, err
	}
	v := viewOf(w)
	v.Secret = secret
	return v, nil
}

// List is the workspace's endpoints.
func (s *Service) List(ctx context.Context, ws string) ([]View, error) {
	list, err := s.st.InWorkspace(ws).Webhooks(ctx)
	out := make([]View, len(list))
	for i, w := range list {
		out[i] = viewOf(w)
	}
	return out, err
}

// Get is one endpoint.
func (s *Service) Get(ctx context.Context, ws, id string) (View, error) {
	w, err := s.st.InWorkspace(ws).Webhook(ctx, id)
	return viewOf(w), err
}

// Update changes an endpoint; enabling it again clears its failures.
func (s *Service) Update(ctx context.Context, p account.Principal, id string, in Input, m account.Meta) (View, error) {
	var w store.Webhook
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		var err error
		if w, err = q.Webhook(ctx, id); err != nil {
			return err
		}
		before := w.CampaignIDs
		if err := s.apply(&w, in); err != nil {
			return err
		}
		if err := checkCampaigns(ctx, q, before, w.CampaignIDs); err != nil {
			return err
		}
		if err := q.UpdateWebhook(ctx, w); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "webhook.updated", id))
	})
	return viewOf(w), err
}

// Delete removes an endpoint and its deliveries.
func (s *Service) Delete(ctx context.Context, p account.Principal, id string, m account.Meta) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(p.WorkspaceID).DeleteWebhook(ctx, id); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "webhook.deleted", id))
	})
}

// RotateSecret gives an endpoint a new secret (in the answer, this once);
// the old one keeps signing beside it for RotationOverlap.
func (s *Service) RotateSecret(ctx context.Context, p account.Principal, id string, m account.Meta) (View, error) {
	secret := NewSecret()
	var w store.Webhook
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		var err error
		if w, err = q.Webhook(ctx, id); err != nil {
			return err
		}
		sealed, err := s.keys.Encrypt([]byte(secret), sealAD(w.ID))
		if err != nil {
			return err
		}
		until := s.env.Now().Add(RotationOverlap)
		w.OldSecret, w.OldSecretUntil, w.Secret = w.Secret, &until, sealed
		if err := q.UpdateWebhook(ctx, w); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "webhook.secret_rotated", id))
	})
	if err != nil {
		return View{}, err
	}
	v := viewOf(w)
	v.Secret = secret
	return v, nil
}

// Test sends a webhook.test event to the endpoint now and returns the
// delivery as it stands after the attempt.
func (s *Service) Test(ctx context.Context, p account.Principal, id string) (DeliveryView, error) {
	var d store.Delivery
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		w, err := tx.InWorkspace(p.WorkspaceID).Webhook(ctx, id)
		if err != nil {
			return err
		}
		e, err := event.New(p.WorkspaceID, event.Test{WebhookID: w.ID, Message: "A test from Leadbitz."})
		if err != nil {
			return err
		}
		e.ID = store.NewID()
		if err := tx.InsertEvents(ctx, []store.Event{e}); err != nil {
			return err
		}
		if err := tx.MarkEventsFannedOut(ctx, []string{e.ID}); err != nil {
			return err
		}
		d = store.Delivery{ID: store.NewID(), WorkspaceID: p.WorkspaceID, WebhookID: w.ID, EventID: e.ID}
		return tx.InsertDeliveries(ctx, []store.Delivery{d})
	})
	if err != nil {
		return DeliveryView{}, err
	}
	if _, err := s.RunOnce(ctx); err != nil {
		return DeliveryView{}, err
	}
	list, err := s.st.InWorkspace(p.WorkspaceID).Deliveries(ctx, id, "", 50)
	if err != nil {
		return DeliveryView{}, err
	}
	for _, x := range list {
		if x.ID == d.ID {
			return s.deliveryView(ctx, p.WorkspaceID, x)
		}
	}
	return DeliveryView{}, errors.New("the test delivery is gone")
}

// DeliveryView is a delivery as the API shows it, with its payload.
type DeliveryView struct {
	ID           string          `json:"id"`
	EventID      string          `json:"eventId"`
	EventType    string          `json:"eventType"`
	Status       string          `json:"status"`
	Attempts     int             `json:"attempts"`
	NextAttempt  *time.Time      `json:"nextAttemptAt,omitempty"`
	ResponseCode int             `json:"responseCode"`
	Response     string          `json:"response"`
	Error        string          `json:"error,omitempty"`
	DurationMS   int             `json:"durationMs"`
	LastAttempt  *time.Time      `json:"lastAttemptAt,omitempty"`
	CreatedAt    time.Time       `json:"createdAt"`
	Payload      *event.Envelope `json:"payload,omitempty"`
}

func (s *Service) deliveryView(ctx context.Context, ws string, d store.Delivery) (DeliveryView, error) {
	v := DeliveryView{ID: d.ID, EventID: d.EventID, Status: d.Status, Attempts: d.Attempts, ResponseCode: d.LastCode,
		Response: d.LastBody, Error: d.LastError, DurationMS: d.LastMS, LastAttempt: d.LastAt, CreatedAt: d.CreatedAt}
	if d.Status == store.DeliveryPending {
		at := d.NextAt
		v.NextAttempt = &at
	}
	e, err := s.st.InWorkspace(ws).Event(ctx, d.EventID)
	if err == nil {
		env := event.Wrap(e, s.baseURL)
		v.EventType, v.Payload = e.Type, &env
	} else if !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	return v, nil
}

// Deliveries lists an endpoint's deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, ws, id, cursor string, limit int) ([]DeliveryView, error) {
	q := s.st.InWorkspace(ws)
	if _, err := q.Webhook(ctx, id); err != nil {
		return nil, err
	}
	list, err := q.Deliveries(ctx, id, cursor, limit)
	if err != nil {
		return nil, err
	}
	out := make([]DeliveryView, 0, len(list))
	for _, d := range list {
		v, err := s.deliveryView(ctx, ws, d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Retry makes a delivery due again now.
func (s *Service) Retry(ctx context.Context, p account.Principal, id, deliveryID string, m account.Meta) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(p.WorkspaceID).RetryDelivery(ctx, id, deliveryID); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "webhook.delivery_retried", id))
	})
}

// Run delivers in a loop until ctx ends: on every replica, every interval
// (the claim's SKIP LOCKED shares the work).
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
			s.env.Log().ErrorContext(ctx, "webhook deliveries", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
