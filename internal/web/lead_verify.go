package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// verifyReasonText words each address-check reason for the lead page.
var verifyReasonText = map[string]string{
	"syntax":          "the address is not valid",
	"no_mx":           "its domain has no mail server (no MX and no address record)",
	"null_mx":         "its domain says it accepts no mail (null MX)",
	"disposable":      "it is a disposable (throwaway) domain",
	"role":            "it is a role address (info@, sales@…), read by a team rather than a person",
	"free_provider":   "it is at a free mail provider",
	"catch_all":       "its domain accepts any address",
	"smtp_rejected":   "the receiving server refused it",
	"full_inbox":      "its mailbox is full",
	"unverifiable":    "its provider answers every check alike",
	"resolver_failed": "DNS did not answer when it was checked",
	"hard_bounce":     "a message to it bounced for good",
	"replied":         "a person replied from it",
}

// verifyText is a verdict in a sentence: "Undeliverable: its domain has no
// mail server…".
func verifyText(v *store.Verification) string {
	if v == nil {
		return ""
	}
	var why []string
	for _, r := range v.Reasons {
		if t, ok := verifyReasonText[r]; ok {
			why = append(why, t)
		}
	}
	head := map[string]string{store.VerifyDeliverable: "Deliverable", store.VerifyRisky: "Risky",
		store.VerifyUndeliverable: "Undeliverable", store.VerifyUnknown: "Unknown"}[v.Status]
	if head == "" {
		head = v.Status
	}
	tail := map[string]string{
		store.VerifyRisky:         " Campaigns skip it unless they allow risky addresses.",
		store.VerifyUndeliverable: " Campaigns never send to it.",
	}[v.Status]
	if len(why) == 0 {
		return head + "." + tail
	}
	return head + ": " + strings.Join(why, "; ") + "." + tail
}

// verifySource says what decided a verdict.
func verifySource(source string) string {
	switch source {
	case store.VerifySourceDNS:
		return "the DNS check"
	case store.VerifySourceBounce:
		return "a hard bounce"
	case store.VerifySourceReply:
		return "a reply"
	case store.VerifySourceSMTP:
		return "the SMTP check"
	}
	return source
}

// verifyLead checks one lead's address again (the lead page's "Check
// again") and says the verdict.
func (w *Web) verifyLead(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	if _, err := w.Store.InWorkspace(v.P.WorkspaceID).Lead(r.Context(), id); err != nil {
		return err
	}
	out, err := w.Leads.Verify(r.Context(), v.P, meta(r), lead.VerifyRequest{LeadIDs: []string{id}})
	if err != nil {
		return w.verifyRefused(rw, r, "/leads/"+id, err)
	}
	if out.Running {
		return v.redirect(rw, "/leads/"+id, "The check goes on in the background; this page shows its verdict once it is stored.")
	}
	l, err := w.Store.InWorkspace(v.P.WorkspaceID).Lead(r.Context(), id)
	if err != nil {
		return err
	}
	return v.redirect(rw, "/leads/"+id, "Checked the address again. "+verifyText(l.Verification))
}

// verifyAllLeads checks every address of the workspace again (the lead
// list's "Check every address again"); a long pass goes on in the
// background.
func (w *Web) verifyAllLeads(rw http.ResponseWriter, r *http.Request, v *view) error {
	out, err := w.Leads.Verify(r.Context(), v.P, meta(r), lead.VerifyRequest{All: true})
	if err != nil {
		return w.verifyRefused(rw, r, "/leads", err)
	}
	if out.Running {
		return v.redirect(rw, "/leads", "Checking every address in the background: the list shows each verdict as it is stored.")
	}
	return v.redirect(rw, "/leads", verifyCountsText(out.Result))
}

// verifyCountsText sums up a pass: "Checked 120 addresses: 100
// deliverable, 15 risky, 5 undeliverable. 7 verdicts changed."
func verifyCountsText(res verify.Result) string {
	if res.Checked == 0 {
		return "There are no addresses to check."
	}
	var parts []string
	for _, s := range []string{store.VerifyDeliverable, store.VerifyRisky, store.VerifyUndeliverable, store.VerifyUnknown} {
		if n := res.Counts[s]; n > 0 {
			parts = append(parts, formatInt(n)+" "+s)
		}
	}
	text := fmt.Sprintf("Checked %s: %s.", plural(res.Checked, "address", "addresses"), strings.Join(parts, ", "))
	switch res.Changed {
	case 0:
		return text + " No verdict changed."
	case 1:
		return text + " 1 verdict changed."
	}
	return text + " " + formatInt(res.Changed) + " verdicts changed."
}

// verifyRefused shows why a check could not start (one already runs, the
// server has no verification) on the page it came from.
func (w *Web) verifyRefused(rw http.ResponseWriter, r *http.Request, back string, err error) error {
	p, ok := httpserver.AsProblem(err)
	if !ok || p.Kind != problem.Conflict {
		return err
	}
	return w.redirectWithError(rw, r, back, p.Message)
}
