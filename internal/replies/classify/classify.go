package classify

import (
	"fmt"
	"strings"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
)

// Classify decides what a received message is. The checks run from the
// most to the least certain: a complaint report, a delivery report (bounce),
// an automatic reply, an unsubscribe request in plain words, and otherwise
// a human reply. It is pure: the same message always gets the same
// verdict, and relative dates are resolved against the message's own Date.
func Classify(m *mailmsg.Inbound) Verdict {
	if m == nil || m.Root == nil {
		return Verdict{Kind: KindReply, Reasons: []string{"no message"}}
	}
	if v, ok := classifyComplaint(m); ok {
		return v
	}
	if v, ok := classifyBounce(m); ok {
		return v
	}
	own := ownText(m.Text)
	if v, ok := classifyAutoReply(m, own); ok {
		return v
	}
	if why, ok := unsubscribeRequest(m.Subject, own); ok {
		v := Verdict{Kind: KindUnsubscribe, Reasons: []string{why}}
		if a := strings.ToLower(m.From.Address); strings.Contains(a, "@") {
			v.Recipients = []string{a}
		}
		return v
	}
	return Verdict{Kind: KindReply, Reasons: []string{"no report, automatic-reply or unsubscribe signal"}}
}

// ClassifyRaw parses a raw RFC 5322 message and classifies it. The only
// error is an empty message (mailmsg.ErrEmpty).
func ClassifyRaw(raw []byte) (Verdict, error) {
	m, err := mailmsg.Parse(raw)
	if err != nil {
		return Verdict{}, fmt.Errorf("classify: %w", err)
	}
	return Classify(m), nil
}
