package rules

import "strings"

// Address verification statuses, as internal/verify stores them.
const (
	VerifyRisky         = "risky"
	VerifyUndeliverable = "undeliverable"
)

// VerificationGate is the send gate of address verification: a campaign
// never sends to an undeliverable address, sends to a risky one only when
// it allows risky addresses, and sends to unknown and never-checked ones
// (a resolver that did not answer is no reason to hold mail back). It
// returns the blocking reason, or "".
func VerificationGate(status string, allowRisky bool) Reason {
	switch {
	case status == VerifyUndeliverable:
		return ReasonUndeliverable
	case status == VerifyRisky && !allowRisky:
		return ReasonRisky
	}
	return ""
}

// SkipReason says why the gate skips a lead, in the words the campaign
// lead's status reason and explain show: "undeliverable (no MX)".
func SkipReason(status string, reasons []string) string {
	words := make([]string, 0, len(reasons))
	for _, r := range reasons {
		if w, ok := reasonWords[r]; ok {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return status
	}
	return status + " (" + strings.Join(words, ", ") + ")"
}

// reasonWords are the verification reasons that explain a skip, in plain
// words; informational ones (free_provider, resolver_failed) are left out.
var reasonWords = map[string]string{
	"syntax":        "invalid address",
	"no_mx":         "no MX",
	"null_mx":       "null MX",
	"disposable":    "disposable domain",
	"role":          "role address",
	"catch_all":     "catch-all domain",
	"smtp_rejected": "rejected by the receiving server",
	"full_inbox":    "full inbox",
	"hard_bounce":   "hard bounce",
}
