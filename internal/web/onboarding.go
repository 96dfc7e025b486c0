package web

import (
	"context"
	"strings"

	"github.com/leadbitz/leadbitz/internal/store"
)

// onboardingStep is one item of the dashboard's setup checklist (docs/ui.md §8).
// check reads the workspace's real data to tell whether the step is done;
// it is nil while the feature behind the step has nothing in the store to
// read, and the step then stays open and links to its page.
type onboardingStep struct {
	Title  string
	Text   string
	Link   string
	Action string
	check  func(ctx context.Context, s store.Scope, ws store.Workspace) (bool, error)
}

// checkDNSTitle names the "Check DNS" step.
const checkDNSTitle = "Check DNS"

// onboardingSteps is the order a new workspace is set up in.
var onboardingSteps = []onboardingStep{
	{Title: "Connect a mailbox", Link: "/mailboxes", Action: "Connect a mailbox",
		Text:  "The Gmail, Microsoft 365 or SMTP/IMAP account your emails go out from. A sandbox mailbox lets you try everything without sending real email.",
		check: hasMailbox},
	// Its check needs the DNS checker: the dashboard gives it one.
	{Title: checkDNSTitle, Link: "/mailboxes", Action: "Check DNS",
		Text: "Receivers look up your sending domain's MX, SPF, DKIM and DMARC records before they trust your email. Each mailbox's page shows what passes and the record to add when something fails. Sandbox mailboxes have nothing to check."},
	{Title: "Add your postal address", Link: "/settings", Action: "Add the address",
		Text: "Anti-spam law (CAN-SPAM) wants a physical address in every cold email. Leadbitz puts it in the footer for you.",
		check: func(_ context.Context, _ store.Scope, ws store.Workspace) (bool, error) {
			return strings.TrimSpace(ws.FooterAddress) != "", nil
		}},
	{Title: "Import leads", Link: "/leads", Action: "Import leads",
		Text: "Upload a CSV of the people you want to reach. Duplicates and anyone who unsubscribed are skipped.",
		check: func(ctx context.Context, s store.Scope, _ store.Workspace) (bool, error) {
			leads, err := s.Leads(ctx, store.LeadQuery{Limit: 1})
			return len(leads) > 0, err
		}},
	{Title: "Write a sequence", Link: "/campaigns", Action: "Write a sequence",
		Text:  "A first email and a few follow-ups, with merge tags like {{firstName}} and an AI draft if you want one.",
		check: hasSequence},
	{Title: "Launch a campaign", Link: "/campaigns", Action: "Review and launch",
		Text:  "Check the review list, preview each email for a real lead, then start sending inside your schedule.",
		check: hasLaunched},
}

func hasMailbox(ctx context.Context, s store.Scope, _ store.Workspace) (bool, error) {
	list, err := s.Mailboxes(ctx)
	return len(list) > 0, err
}

// recentCampaigns bounds the campaigns the checklist looks at: a workspace
// with more than this has long finished its setup.
const recentCampaigns = 50

// hasSequence is done when a recent campaign has a step with a body.
func hasSequence(ctx context.Context, s store.Scope, _ store.Workspace) (bool, error) {
	list, err := s.Campaigns(ctx, "", "", recentCampaigns)
	if err != nil {
		return false, err
	}
	for _, c := range list {
		steps, err := s.Sequence(ctx, c.ID)
		if err != nil {
			return false, err
		}
		for _, st := range steps {
			for _, v := range st.Variants {
				if strings.TrimSpace(v.Body) != "" {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// hasLaunched is done once any campaign has been launched.
func hasLaunched(ctx context.Context, s store.Scope, _ store.Workspace) (bool, error) {
	for _, status := range []string{store.CampaignActive, store.CampaignPaused, store.CampaignCompleted} {
		list, err := s.Campaigns(ctx, status, "", 1)
		if err != nil || len(list) > 0 {
			return len(list) > 0, err
		}
	}
	return false, nil
}

// checklistItem is a step as the dashboard shows it.
type checklistItem struct {
	onboardingStep
	Number int
	Done   bool
	Next   bool // the first open step: it gets the one primary button
}

type checklist struct {
	Items []checklistItem
	Done  int
}

// Complete reports whether every step is done.
func (c checklist) Complete() bool { return c.Done == len(c.Items) }

// Percent is the share of steps done, for the progress bar.
func (c checklist) Percent() int {
	if len(c.Items) == 0 {
		return 100
	}
	return c.Done * 100 / len(c.Items)
}

// buildChecklist ticks each step from the workspace's data.
func buildChecklist(ctx context.Context, s store.Scope, ws store.Workspace, steps []onboardingStep) (checklist, error) {
	var c checklist
	next := false
	for i, st := range steps {
		item := checklistItem{onboardingStep: st, Number: i + 1}
		if st.check != nil {
			done, err := st.check(ctx, s, ws)
			if err != nil {
				return c, err
			}
			item.Done = done
		}
		if item.Done {
			c.Done++
		} else if !next {
			item.Next, next = true, true
		}
		c.Items = append(c.Items, item)
	}
	return c, nil
}
