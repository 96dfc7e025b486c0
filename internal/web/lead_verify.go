package web

import (
	"strings"

	"github.com/leadbitz/leadbitz/internal/store"
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
