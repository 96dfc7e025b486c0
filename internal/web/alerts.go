package web

import (
	"context"
	"slices"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

// alertSource finds one kind of workspace-wide problem (a disconnected
// mailbox, a blocked campaign) for the strip at the top of every page.
type alertSource func(f *alertFacts) ([]alert, error)

// alertFacts is what the alert sources read for one page, each read at
// most once however many sources look at it.
type alertFacts struct {
	ctx       context.Context
	s         store.Scope
	mailboxes []store.Mailbox
	read      bool
}

// mailboxesWhere are the workspace's mailboxes that keep accepts; the
// mailboxes are read on first use.
func (f *alertFacts) mailboxesWhere(keep func(store.Mailbox) bool) ([]store.Mailbox, error) {
	if !f.read {
		list, err := f.s.Mailboxes(f.ctx)
		if err != nil {
			return nil, err
		}
		f.mailboxes, f.read = list, true
	}
	var out []store.Mailbox
	for _, m := range f.mailboxes {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// alertSources are checked on every signed-in page, in this order; keep
// each one a single indexed query (the mailboxes are read once for all).
var alertSources = []alertSource{brokenMailboxes}

// brokenMailboxes warns when a mailbox cannot send until someone reconnects
// it: every campaign using it holds those sends meanwhile.
func brokenMailboxes(f *alertFacts) ([]alert, error) {
	broken, err := f.mailboxesWhere(func(m store.Mailbox) bool { return mailboxBroken(m.Status) })
	if err != nil {
		return nil, err
	}
	switch len(broken) {
	case 0:
		return nil, nil
	case 1:
		msg := broken[0].Email + " cannot send"
		if broken[0].StatusReason != "" {
			msg += " (" + broken[0].StatusReason + ")"
		}
		return []alert{{Level: "danger", Nav: "mailboxes", Link: "/mailboxes", Action: "See the mailbox",
			Message: msg + ". Campaigns using it hold those emails until it is reconnected."}}, nil
	default:
		return []alert{{Level: "danger", Nav: "mailboxes", Link: "/mailboxes", Action: "See the mailboxes",
			Message: plural(len(broken), "mailbox", "mailboxes") + " cannot send. Campaigns using them hold those emails until they are reconnected."}}, nil
	}
}

// alerts collects the workspace's current problems.
func (w *Web) alerts(ctx context.Context, p account.Principal) ([]alert, error) {
	facts := &alertFacts{ctx: ctx, s: w.Store.InWorkspace(p.WorkspaceID)}
	var all []alert
	sources := alertSources
	if p.CanManage() {
		sources = append(slices.Clip(sources), managerAlertSources...)
	}
	for _, src := range sources {
		list, err := src(facts)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	return all, nil
}

// managerAlertSources are checked for owners and admins only: what they
// alone can fix.
var managerAlertSources = []alertSource{disabledWebhooks, failingSentCopies}

// failingSentCopies warns while an SMTP mailbox's copies to Sent fail
// (internal/connect records it): its emails still go out, but a crash
// could no longer be checked against the copies.
func failingSentCopies(f *alertFacts) ([]alert, error) {
	failing, err := f.mailboxesWhere(func(m store.Mailbox) bool {
		return m.SentCopyError != "" && m.Status == store.MailboxActive
	})
	if err != nil {
		return nil, err
	}
	switch len(failing) {
	case 0:
		return nil, nil
	case 1:
		return []alert{{Level: "warn", Nav: "mailboxes", Link: "/mailboxes/" + failing[0].ID + "#sent-copy", Action: "See the mailbox",
			Message: "Copies to Sent fail for " + failing[0].Email + ": " + failing[0].SentCopyError + ". Its emails still go out."}}, nil
	default:
		return []alert{{Level: "warn", Nav: "mailboxes", Link: "/mailboxes", Action: "See the mailboxes",
			Message: "Copies to Sent fail for " + plural(len(failing), "mailbox", "mailboxes") + ". Their emails still go out."}}, nil
	}
}

// disabledWebhooks warns while an endpoint the delivery workers disabled
// (410, or three days of failures: internal/webhook) stays disabled; one
// disabled by hand has no reason and no alert. It is the in-app side of
// the notice and the mail the workers send.
func disabledWebhooks(f *alertFacts) ([]alert, error) {
	list, err := f.s.Webhooks(f.ctx)
	if err != nil {
		return nil, err
	}
	var off []store.Webhook
	for _, w := range list {
		if !w.Enabled && w.DisabledReason != "" {
			off = append(off, w)
		}
	}
	switch len(off) {
	case 0:
		return nil, nil
	case 1:
		return []alert{{Level: "warn", Nav: "settings", Link: "/settings/webhooks/" + off[0].ID, Action: "See the webhook",
			Message: "The webhook to " + off[0].URL + " was disabled: " + off[0].DisabledReason + ". It gets no events until it is enabled again."}}, nil
	default:
		return []alert{{Level: "warn", Nav: "settings", Link: "/settings/webhooks", Action: "See the webhooks",
			Message: plural(len(off), "webhook was", "webhooks were") + " disabled after failed deliveries. They get no events until they are enabled again."}}, nil
	}
}
