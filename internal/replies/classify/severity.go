package classify

import (
	"strings"

	"github.com/leadbitz/leadbitz/internal/textmatch"
)

// severity is what a permanent (5.x.x) status code says about the address
// on its own; docs/bounce-classifier.md has the table in words.
type severity int

const (
	// sevText: the code does not say (5.0.0, 5.1.0, 5.4.1, 5.4.4…); the
	// wording decides, soft first.
	sevText severity = iota
	// sevHard: the address is dead (user or host unknown, null MX).
	sevHard
	// sevSoft: the address may well be fine (full, disabled, too large,
	// system or protocol trouble).
	sevSoft
	// sevPolicy: a 5.7.x security or policy rejection: soft unless the
	// wording is a clear dead-address statement ("5.7.1 … User unknown").
	sevPolicy
)

// statusTable is the backbone of the hard/soft call: RFC 3463 codes (with
// RFC 7505's 5.1.10) by what they say about the recipient address.
var statusTable = map[string]struct {
	sev  severity
	name string
}{
	"5.1.1":  {sevHard, "bad destination mailbox"},
	"5.1.2":  {sevHard, "bad destination domain"},
	"5.1.3":  {sevHard, "bad address syntax"},
	"5.1.4":  {sevSoft, "ambiguous destination address"},
	"5.1.6":  {sevHard, "mailbox has moved"},
	"5.1.7":  {sevSoft, "bad sender address syntax"},
	"5.1.8":  {sevSoft, "bad sender domain"},
	"5.1.10": {sevHard, "recipient domain has a null MX"},
	"5.2.1":  {sevSoft, "mailbox disabled"},
	"5.2.2":  {sevSoft, "mailbox full"},
	"5.2.3":  {sevSoft, "message too large for the mailbox"},
	"5.2.4":  {sevSoft, "mailing list expansion problem"},
	"5.4.2":  {sevSoft, "bad connection"},
	"5.4.3":  {sevSoft, "directory server failure"},
	"5.4.5":  {sevSoft, "mail system congestion"},
	"5.4.6":  {sevSoft, "routing loop"},
	"5.4.7":  {sevSoft, "delivery time expired"},
}

// statusSeverity looks a code up in statusTable, then by its subject
// (the middle number) for details the table does not list.
func statusSeverity(status string) (severity, string) {
	if s, ok := statusTable[status]; ok {
		return s.sev, s.name
	}
	_, rest, _ := strings.Cut(status, ".")
	subject, _, _ := strings.Cut(rest, ".")
	switch subject {
	case "2":
		return sevSoft, "mailbox status"
	case "3":
		return sevSoft, "mail system status"
	case "5":
		return sevSoft, "protocol status"
	case "6":
		return sevSoft, "message content"
	case "7":
		return sevPolicy, "security or policy"
	}
	return sevText, ""
}

// reasonRule names a wording in a diagnostic. Soft rules are tried before
// hard ones: "mailbox unavailable (blocked as spam)" is a block, not a
// dead address.
type reasonRule struct {
	re   textmatch.Pattern
	name string
}

var softRules = []reasonRule{
	{textmatch.MustCompile(`mailbox (?:is )?full|over ?quota|quota exceeded|exceeded (?:its |the |their )?(?:storage|quota)|insufficient (?:system )?storage|out of storage|not enough (?:storage|space)|mailbox size limit|storage allocation`), "mailbox full"},
	{textmatch.MustCompile(`too (?:large|big)|size limit|exceeds? (?:the )?(?:maximum )?(?:allowed )?(?:message )?size|message size exceeds`), "message too large"},
	{textmatch.MustCompile(`spam|blacklist|blocklist|black list|block list|spamhaus|spamcop|barracuda|reputation|unsolicited|blocked|bulk mail`), "spam or reputation block"},
	{textmatch.MustCompile(`policy|prohibited|dmarc|\bspf\b|dkim|authentication (?:failed|required)|unauthenticated|not permitted|relay(?:ing)? (?:access )?denied|relay not permitted|filtered|content restriction|not accept(?:ing)? (?:e-?)?mail from|not a member|only members|rejected by (?:the )?(?:list|moderator)`), "policy rejection"},
	{textmatch.MustCompile(`disabled|suspended|inactive|deactivated|account (?:is )?locked`), "account disabled"},
	{textmatch.MustCompile(`rate limit|too many|try again later|temporar|greylist|deferred|timed? ?out|connection refused`), "transient failure"},
}

// userUnknown is the wording of a dead mailbox; it alone may turn a 5.7.x
// policy rejection hard.
var userUnknown = reasonRule{textmatch.MustCompile(`user unknown|unknown user|no such (?:user|recipient|mailbox|address|account|person)|unknown (?:recipient|address|mailbox|local part)|recipient (?:unknown|not found|does not exist)|(?:user|mailbox|account|address|recipient)(?: name)? (?:is )?(?:not found|does not exist|doesn't exist|is unknown)|does ?n[o']t exist|not exist|invalid (?:recipient|mailbox|address|user)|unrouteable address|no mailbox here|mailbox unavailable|mailbox not found|not a valid (?:mailbox|address|user)|couldn't be found|could not be found|(?:wasn't|was not) found|recip(?:ient)?notfound|recipaddrnotfound|bad destination mailbox|doesn't have an? [^ ]+ account|no longer (?:exists|valid|available|in use)|not our customer|non-?existent (?:user|mailbox|address|recipient)`), "user unknown"}

var hardRules = []reasonRule{
	userUnknown,
	// Exchange Online's directory-based edge blocking: the recipient is
	// not in the tenant's directory (5.4.1, whose code alone says nothing).
	{textmatch.MustCompile(`address rejected: access denied`), "user unknown"},
	{textmatch.MustCompile(`host unknown|unknown host|host not found|host or domain name not found|domain not found|no such domain|(?:non-?existent|unknown|invalid) domain|domain (?:does not|doesn't) exist|name service error|no mx|nonexistentdomain|unrout(?:e)?able domain|couldn't find any host|no mail (?:hosts?|servers?|exchangers?) (?:for|found)`), "host unknown"},
	{textmatch.MustCompile(`does not accept (?:e-?)?mail|null ?mx|nullmx`), "domain does not accept mail (null MX)"},
}

// judge decides hard or soft for one failure from its Action, status and
// diagnostic text (folded). A 4.x.x or "delayed" is always soft; otherwise
// statusTable decides when the code says enough, a 5.7.x policy rejection
// is soft unless its wording is a dead mailbox, and the rest goes by the
// wording, soft first. decided is false when only the class spoke, so the
// caller can look at more text.
func judge(action, status, text string) (hard bool, reason string, decided bool) {
	switch {
	case action == "delayed":
		return false, "action delayed (still retrying)", true
	case strings.HasPrefix(status, "4"):
		return false, "transient status " + status, true
	}
	sev, name := statusSeverity(status)
	switch sev {
	case sevHard:
		return true, "status " + status + " " + name, true
	case sevSoft:
		return false, "status " + status + " " + name, true
	case sevPolicy:
		for _, r := range softRules {
			if w := r.re.FindString(text); w != "" {
				return false, "status " + status + " " + r.name + ` ("` + w + `")`, true
			}
		}
		if w := userUnknown.re.FindString(text); w != "" {
			return true, "status " + status + " with " + userUnknown.name + ` ("` + w + `")`, true
		}
		return false, "status " + status + " (" + name + ")", true
	}
	for _, r := range softRules {
		if w := r.re.FindString(text); w != "" {
			return false, r.name + ` ("` + w + `")`, true
		}
	}
	for _, r := range hardRules {
		if w := r.re.FindString(text); w != "" {
			return true, r.name + ` ("` + w + `")`, true
		}
	}
	return false, "permanent failure without a dead-address reason", false
}
