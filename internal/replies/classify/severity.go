package classify

import (
	"github.com/leadbitz/leadbitz/internal/textmatch"

	"strings"
)

// hardStatuses are the RFC 3463 codes that mean the address is dead:
// bad mailbox (5.1.1), bad domain (5.1.2), bad syntax (5.1.3), moved
// (5.1.6), null MX (5.1.10).
var hardStatuses = map[string]string{
	"5.1.1":  "status 5.1.1 bad destination mailbox",
	"5.1.2":  "status 5.1.2 bad destination domain",
	"5.1.3":  "status 5.1.3 bad address syntax",
	"5.1.6":  "status 5.1.6 mailbox has moved",
	"5.1.10": "status 5.1.10 recipient not found",
}

// reasonRule names a wording in a diagnostic. Soft rules are tried before
// hard ones: "mailbox unavailable (blocked as spam)" is a block, not a
// dead address.
type reasonRule struct {
	re   textmatch.Pattern
	name string
}

var softRules = []reasonRule{
	{textmatch.MustCompile(`mailbox (?:is )?full|over ?quota|quota exceeded|exceeded (?:its |the |their )?(?:storage|quota)|insufficient (?:system )?storage|out of storage|not enough (?:storage|space)|mailbox size limit`), "mailbox full"},
	{textmatch.MustCompile(`too (?:large|big)|size limit|exceeds? (?:the )?(?:maximum )?(?:allowed )?(?:message )?size|message size exceeds`), "message too large"},
	{textmatch.MustCompile(`spam|blacklist|blocklist|black list|block list|spamhaus|spamcop|barracuda|reputation|unsolicited|blocked|bulk mail`), "spam or reputation block"},
	{textmatch.MustCompile(`policy|prohibited|dmarc|\bspf\b|dkim|authentication (?:failed|required)|unauthenticated|not permitted|relay(?:ing)? (?:access )?denied|relay not permitted`), "policy rejection"},
	{textmatch.MustCompile(`disabled|suspended|inactive|deactivated|account (?:is )?locked`), "account disabled"},
	{textmatch.MustCompile(`rate limit|too many|try again later|temporar|greylist|deferred|timed? ?out|connection refused`), "transient failure"},
}

var hardRules = []reasonRule{
	{textmatch.MustCompile(`user unknown|unknown user|no such (?:user|recipient|mailbox|address|account|person)|unknown (?:recipient|address|mailbox|local part)|recipient (?:unknown|not found|does not exist)|(?:user|mailbox|account|address|recipient)(?: name)? (?:not found|does not exist|doesn't exist|is unknown)|does ?n[o']t exist|not exist|invalid (?:recipient|mailbox|address|user)|unrouteable address|no mailbox here|mailbox unavailable|mailbox not found|not a valid (?:mailbox|address|user)|couldn't be found|could not be found|(?:wasn't|was not) found|recip(?:ient)?notfound|bad destination mailbox|doesn't have an? [^ ]+ account|address rejected: access denied|no longer (?:exists|valid|available|in use)|not our customer|non-?existent (?:user|mailbox|address|recipient)`), "user unknown"},
	{textmatch.MustCompile(`host unknown|unknown host|host not found|host or domain name not found|domain not found|no such domain|(?:non-?existent|unknown|invalid) domain|domain (?:does not|doesn't) exist|name service error|no mx|nonexistentdomain|unrout(?:e)?able domain|couldn't find any host`), "host unknown"},
}

// judge decides hard or soft for one failure from its Action, status and
// diagnostic text (folded), by reason rather than class alone: a 4.x.x or
// "delayed" is always soft; a dead-address code is hard; otherwise the
// wording decides, soft first; 5.x.x with no known reason stays soft.
// decided is false when only the class spoke, so the caller can look at
// more text.
func judge(action, status, text string) (hard bool, reason string, decided bool) {
	switch {
	case action == "delayed":
		return false, "action delayed (still retrying)", true
	case strings.HasPrefix(status, "4"):
		return false, "transient status " + status, true
	}
	if r, ok := hardStatuses[status]; ok {
		return true, r, true
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
	switch {
	case strings.HasPrefix(status, "5.2.2"), strings.HasPrefix(status, "5.2.3"), strings.HasPrefix(status, "5.3.4"):
		return false, "status " + status + " (mailbox or size limit)", true
	case strings.HasPrefix(status, "5.7."):
		return false, "status " + status + " (policy)", true
	}
	return false, "permanent failure without a dead-address reason", false
}
