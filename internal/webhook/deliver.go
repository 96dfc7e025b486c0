package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Bounds of the delivery workers.
const (
	// Timeout bounds one attempt, connection to last byte.
	Timeout = 15 * time.Second
	// lease is how long a claimed delivery is held: past it, a delivery
	// whose worker died is due again.
	lease = 2 * Timeout
	// batchSize is how many events one fan-out and deliveries one claim
	// take.
	batchSize = 200
	// workers is how many attempts run at once on a replica.
	workers = 16
	// keepBody is how much of an answer is kept with the delivery.
	keepBody = 1024
)

// RunOnce fans new events out to their deliveries, then makes one attempt
// of every due delivery, and reports how many attempts it made. The app
// calls it in a loop on every replica; tests call it after moving the
// clock.
func (s *Service) RunOnce(ctx context.Context) (int, error) {
	for {
		n, err := s.fanOut(ctx)
		if err != nil {
			return 0, fmt.Errorf("webhook fan-out: %w", err)
		}
		if n < batchSize {
			break
		}
	}
	total := 0
	for {
		n, err := s.deliverDue(ctx)
		total += n
		if err != nil || n < batchSize {
			return total, err
		}
	}
}

// fanOut makes the deliveries of up to batchSize new events, in one
// transaction with marking them fanned out: each event gets its deliveries
// exactly once, whichever replica does it.
func (s *Service) fanOut(ctx context.Context) (int, error) {
	n := 0
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		events, err := tx.LockPendingEvents(ctx, batchSize)
		if err != nil || len(events) == 0 {
			return err
		}
		n = len(events)
		seen := map[string]bool{}
		var wsIDs, ids []string
		for _, e := range events {
			ids = append(ids, e.ID)
			if !seen[e.WorkspaceID] {
				seen[e.WorkspaceID] = true
				wsIDs = append(wsIDs, e.WorkspaceID)
			}
		}
		hooks, err := tx.EnabledWebhooksOf(ctx, wsIDs)
		if err != nil {
			return err
		}
		var list []store.Delivery
		for _, e := range events {
			for _, w := range hooks {
				if w.WorkspaceID == e.WorkspaceID && e.Type != string(event.WebhookTest) && subscribed(w, e) {
					list = append(list, store.Delivery{WorkspaceID: e.WorkspaceID, WebhookID: w.ID, EventID: e.ID})
				}
			}
		}
		if err := tx.InsertDeliveries(ctx, list); err != nil {
			return err
		}
		return tx.MarkEventsFannedOut(ctx, ids)
	})
	return n, err
}

// deliverDue claims due deliveries (a short transaction), attempts them
// outside any transaction, and records each outcome.
func (s *Service) deliverDue(ctx context.Context) (int, error) {
	now := s.env.Now()
	var claimed []store.Delivery
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		claimed, err = tx.ClaimDeliveries(ctx, now, now.Add(lease), batchSize)
		return err
	})
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	var eventIDs, hookIDs []string
	for _, d := range claimed {
		eventIDs, hookIDs = append(eventIDs, d.EventID), append(hookIDs, d.WebhookID)
	}
	events, err := s.st.EventsByID(ctx, eventIDs)
	if err != nil {
		return 0, err
	}
	hooks, err := s.st.WebhooksByID(ctx, unique(hookIDs))
	if err != nil {
		return 0, err
	}
	// Attempts run Workers at a time, the deliveries of one lead to one
	// endpoint one after the other in event order (leadQueues); their
	// outcomes are recorded together, one transaction for the batch.
	outcomes := make([]outcome, len(claimed))
	queues := leadQueues(claimed, events)
	next := make(chan []int)
	var wg sync.WaitGroup
	for range min(workers, len(queues)) {
		wg.Go(func() {
			for queue := range next {
				for _, i := range queue {
					d := claimed[i]
					outcomes[i] = s.attempt(ctx, d, hooks[d.WebhookID], events[d.EventID])
				}
			}
		})
	}
	for _, q := range queues {
		next <- q
	}
	close(next)
	wg.Wait()
	var disabled []disabledHook
	err = s.st.InTx(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		disabled = nil
		changed := map[string]bool{} // endpoints whose health this batch already changed
		for _, o := range outcomes {
			off, err := s.record(ctx, tx, o, changed)
			if err != nil {
				return err
			}
			if off {
				disabled = append(disabled, disabledHook{w: o.w, reason: o.v.disable})
			}
		}
		return nil
	})
	if err == nil {
		for _, d := range disabled {
			s.mailDisabled(context.WithoutCancel(ctx), d)
		}
	}
	return len(claimed), err
}

// outcome is one attempt's result and what it decides.
type outcome struct {
	d   store.Delivery
	w   store.Webhook
	rec store.Attempt
	v   verdict
}

// attempt sends one delivery and decides what comes of it.
func (s *Service) attempt(ctx context.Context, d store.Delivery, w store.Webhook, e store.Event) outcome {
	if w.ID == "" || !w.Enabled || e.ID == "" {
		now := s.env.Now()
		return outcome{d: d, w: w, rec: store.Attempt{Status: store.DeliveryFailed, At: now, NextAt: now,
			Error: "the endpoint is disabled or the event is gone"}, v: verdict{status: store.DeliveryFailed}}
	}
	start := s.env.Now()
	a := s.post(ctx, w, e)
	now := s.env.Now()
	v := decide(a.answer, d.Attempts, w.FailingSince, now)
	rec := store.Attempt{Status: v.status, NextAt: v.nextAt, Code: a.code, Error: a.err, Body: a.body,
		MS: int(now.Sub(start) / time.Millisecond), At: now}
	if rec.NextAt.IsZero() {
		rec.NextAt = now
	}
	return outcome{d: d, w: w, rec: rec, v: v}
}

// record writes an attempt's outcome and its endpoint's health: a run of
// failures starts or ends, or the endpoint is disabled (its pending
// deliveries failed, a notice for the workspace's admins); disabled says
// it was, for the mail deliverDue sends once the batch committed.
func (s *Service) record(ctx context.Context, tx *store.Tx, o outcome, changed map[string]bool) (disabled bool, err error) {
	if err := tx.RecordAttempt(ctx, o.d.ID, o.rec); err != nil {
		return false, err
	}
	w, v := o.w, o.v
	if w.ID == "" || changed[w.ID] {
		return false, nil
	}
	switch {
	case v.disable != "":
		changed[w.ID] = true
		if err := tx.SetWebhookHealth(ctx, w.ID, w.FailingSince, v.disable); err != nil {
			return false, err
		}
		if err := tx.FailPendingDeliveries(ctx, w.ID, "the endpoint was disabled: "+v.disable); err != nil {
			return false, err
		}
		return true, tx.InWorkspace(w.WorkspaceID).AddNotice(ctx, "webhook_disabled",
			fmt.Sprintf("The webhook to %s was disabled: %s.", w.URL, v.disable))
	case v.healthy && w.FailingSince != nil:
		changed[w.ID] = true
		return false, tx.SetWebhookHealth(ctx, w.ID, nil, "")
	case !v.healthy && v.status == store.DeliveryPending && w.FailingSince == nil:
		changed[w.ID] = true
		at := o.rec.At
		return false, tx.SetWebhookHealth(ctx, w.ID, &at, "")
	}
	return false, nil
}

// answer extends the rule's answer with the body kept.
type postAnswer struct {
	answer
	body string
}

// post makes one HTTP attempt: the envelope, signed, through the address
// guard's client (no redirects, Timeout).
func (s *Service) post(ctx context.Context, w store.Webhook, e store.Event) postAnswer {
	secrets, err := s.signingSecrets(w, s.env.Now())
	if err != nil {
		return postAnswer{answer: answer{err: "cannot open the signing secret"}}
	}
	body, err := json.Marshal(event.Wrap(e, s.baseURL))
	if err != nil {
		return postAnswer{answer: answer{err: err.Error()}}
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return postAnswer{answer: answer{err: "bad URL"}}
	}
	ts := s.env.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Leadbitz-Webhooks/1")
	req.Header.Set("webhook-id", e.ID)
	req.Header.Set("webhook-timestamp", fmt.Sprint(ts.Unix()))
	req.Header.Set("webhook-signature", Sign(secrets, e.ID, ts, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return postAnswer{answer: answer{err: errorText(err)}}
	}
	defer resp.Body.Close()
	kept, _ := io.ReadAll(io.LimitReader(resp.Body, keepBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return postAnswer{answer: answer{code: resp.StatusCode, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), s.env.Now())},
		body: strings.ToValidUTF8(string(kept), "")}
}

// errorText is a transport error for the deliveries list, bounded.
func errorText(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

func unique(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// leadQueues splits a batch of deliveries (indexes into claimed) into
// queues a worker sends in order: the deliveries of one lead's events to
// one endpoint form one queue, in event id order (ids sort by time); any
// other delivery is a queue of its own. This keeps a lead's events in
// order within a batch at no cost; across batches a retried delivery may
// still arrive after a later event of its lead (docs/webhooks.md).
func leadQueues(claimed []store.Delivery, events map[string]store.Event) [][]int {
	var queues [][]int
	byKey := map[string]int{} // webhook id + lead id → index in queues
	for i, d := range claimed {
		lead := leadOfEvent(events[d.EventID])
		if lead == "" {
			queues = append(queues, []int{i})
			continue
		}
		key := d.WebhookID + "\x00" + lead
		if q, ok := byKey[key]; ok {
			queues[q] = append(queues[q], i)
			continue
		}
		byKey[key] = len(queues)
		queues = append(queues, []int{i})
	}
	for _, q := range queues {
		slices.SortFunc(q, func(a, b int) int { return strings.Compare(claimed[a].EventID, claimed[b].EventID) })
	}
	return queues
}

// leadOfEvent is the id of the lead an event's data names, "" for none.
func leadOfEvent(e store.Event) string {
	if !strings.Contains(e.Data, `"lead"`) {
		return ""
	}
	var d struct {
		Lead *struct {
			ID string `json:"id"`
		} `json:"lead"`
	}
	if json.Unmarshal([]byte(e.Data), &d) != nil || d.Lead == nil {
		return ""
	}
	return d.Lead.ID
}
