package ai

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai/internal/replytext"
)

// CategorizeByRules decides the cases that need no model because headers or unmistakable
// wording settle them: delivery failures (bounce), automatic replies (out_of_office, or
// wrong_person when the notice says the person left, or other for a help-desk
// acknowledgement) and explicit unsubscribe requests. It reports false when the reply needs
// judgement; callers then ask a Generator. Quoted text and signature footers are ignored, so
// an "unsubscribe" link in a signature or in our own quoted email does not count.
func CategorizeByRules(in ReplyInput) (Category, bool) {
	body := Clean(in.Body, 4*MaxEmailRunes)
	reply := replytext.Split(body)
	subject := replytext.Fold(strings.TrimSpace(Clean(in.Subject, MaxFieldRunes)))
	if c, ok := bounceRule(in, subject, reply); ok {
		return c, true
	}
	if c, ok := autoReplyRule(in, subject, reply); ok {
		return c, true
	}
	if c, ok := unsubscribeRule(subject, reply); ok {
		return c, true
	}
	return Category{}, false
}

func ruleCategory(category string, confidence float64, reasons ...string) Category {
	return Category{Category: category, Confidence: confidence, Reasons: reasons, Generator: GeneratorRules}
}

var reportDSN = regexp.MustCompile(`(?i)multipart/report.*report-type\s*=\s*"?(delivery-status|disposition-notification)`)

func bounceRule(in ReplyInput, subject string, reply replytext.Reply) (Category, bool) {
	if ct := in.Header("Content-Type"); reportDSN.MatchString(ct) && strings.Contains(strings.ToLower(ct), "delivery-status") {
		return ruleCategory(CategoryBounce, 0.99, "header Content-Type: multipart/report; report-type=delivery-status"), true
	}
	if in.Header("X-Failed-Recipients") != "" {
		return ruleCategory(CategoryBounce, 0.98, "header X-Failed-Recipients"), true
	}
	from := replytext.Fold(in.From)
	// A forwarded bounce keeps the failure report below the forward marker, so read it all.
	text := replytext.Fold(reply.Fresh + "\n" + reply.Quoted)
	textScore, found := replytext.BounceText.Match(text)
	sender := replytext.BounceSender.MatchString(from)
	subj := replytext.BounceSubject.MatchString(subject)
	var reasons []string
	if sender {
		reasons = append(reasons, "sender is a mail system ("+senderLocal(from)+")")
	}
	if subj {
		reasons = append(reasons, "delivery-failure subject")
	}
	for _, f := range found {
		reasons = append(reasons, fmt.Sprintf("failure report text %q", f))
	}
	switch {
	case sender && (subj || textScore >= 2):
		return ruleCategory(CategoryBounce, 0.98, reasons...), true
	case subj && textScore >= 2:
		return ruleCategory(CategoryBounce, 0.95, reasons...), true
	case sender, subj:
		return ruleCategory(CategoryBounce, 0.85, reasons...), true
	case textScore >= 6:
		// Several DSN fields (Final-Recipient, Status, Diagnostic-Code) with no other sign.
		return ruleCategory(CategoryBounce, 0.9, reasons...), true
	}
	return Category{}, false
}

func senderLocal(from string) string {
	if m := replytext.BounceSender.FindString(from); m != "" {
		return strings.Trim(m, `<" `)
	}
	return "mail delivery system"
}

// autoReplySignals lists the header and subject evidence that a message was sent by a
// machine on the recipient's behalf (RFC 3834 and the de-facto vendor headers).
func autoReplySignals(in ReplyInput, subject string) []string {
	var s []string
	if v := strings.ToLower(strings.TrimSpace(in.Header("Auto-Submitted"))); v != "" && v != "no" {
		s = append(s, "header Auto-Submitted: "+Truncate(v, 30))
	}
	for _, h := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder"} {
		if in.Header(h) != "" {
			s = append(s, "header "+h)
		}
	}
	if strings.EqualFold(strings.TrimSpace(in.Header("Precedence")), "auto_reply") {
		s = append(s, "header Precedence: auto_reply")
	}
	if strings.EqualFold(strings.TrimSpace(in.Header("X-Apple-Action")), "vacation") {
		s = append(s, "header X-Apple-Action: VACATION")
	}
	if in.Header("X-MS-Exchange-Inbox-Rules-Loop") != "" {
		s = append(s, "header X-MS-Exchange-Inbox-Rules-Loop")
	}
	if replytext.AutoSubject.MatchString(subject) {
		s = append(s, "automatic-reply subject")
	}
	return s
}

func autoReplyRule(in ReplyInput, subject string, reply replytext.Reply) (Category, bool) {
	auto := autoReplySignals(in, subject)
	if len(auto) == 0 {
		return Category{}, false
	}
	text := replytext.Fold(reply.Fresh)
	if _, left := replytext.LeftCompany.Match(text); len(left) > 0 {
		return ruleCategory(CategoryWrongPerson, 0.9, append(auto, fmt.Sprintf("says the person left: %q", left[0]))...), true
	}
	oooScore, ooo := replytext.OutOfOffice.Match(text)
	if _, ack := replytext.AutoAck.Match(text); len(ack) > 0 && oooScore == 0 {
		return ruleCategory(CategoryOther, 0.8, append(auto, fmt.Sprintf("help-desk acknowledgement: %q", ack[0]))...), true
	}
	for _, o := range ooo {
		auto = append(auto, fmt.Sprintf("absence wording %q", o))
	}
	if oooScore > 0 {
		return ruleCategory(CategoryOutOfOffice, 0.97, auto...), true
	}
	return ruleCategory(CategoryOutOfOffice, 0.85, auto...), true
}

var replyPrefix = regexp.MustCompile(`^((re|aw|fwd?|wg|tr|rv|sv)\s?:\s?)+`)
var nonWord = regexp.MustCompile(`[^\p{L}\p{N}'\- ]+`)

func unsubscribeRule(subject string, reply replytext.Reply) (Category, bool) {
	text := replytext.Fold(reply.Fresh)
	if alone := strings.TrimSpace(nonWord.ReplaceAllString(text, " ")); alone != "" && replytext.UnsubscribeAlone.MatchString(strings.Join(strings.Fields(alone), " ")) {
		return ruleCategory(CategoryUnsubscribe, 0.97, fmt.Sprintf("the whole reply is %q", Truncate(alone, 30))), true
	}
	if text == "" {
		s := strings.TrimSpace(nonWord.ReplaceAllString(replyPrefix.ReplaceAllString(subject, ""), " "))
		if replytext.UnsubscribeAlone.MatchString(strings.Join(strings.Fields(s), " ")) {
			return ruleCategory(CategoryUnsubscribe, 0.95, fmt.Sprintf("empty reply with subject %q", Truncate(s, 30))), true
		}
		return Category{}, false
	}
	if _, found := replytext.Unsubscribe.Match(text); len(found) > 0 {
		return ruleCategory(CategoryUnsubscribe, 0.95, fmt.Sprintf("asks to be removed: %q", found[0])), true
	}
	return Category{}, false
}
