package offline

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ai/internal/replytext"
)

// Classify sorts a reply without a model: ai.CategorizeByRules first, then weighted
// multilingual cues read on the fresh text only (quoted thread, signature and footer lines
// removed), decided in an order that reflects what matters most to a sender:
//
//  1. the person left the company → wrong_person;
//  2. an absence notice written by hand → out_of_office (even if it names a colleague);
//  3. a removal request → unsubscribe;
//  4. "not me, ask X" → wrong_person (even if it sounds interested);
//  5. a concrete scheduling cue → meeting_request, unless declining outweighs it;
//  6. declining vs interest, declining winning ties ("not now, maybe next quarter");
//  7. anything else → other.
func Classify(in ai.ReplyInput) ai.Category {
	if c, ok := ai.CategorizeByRules(in); ok {
		return c
	}
	reply := replytext.Split(ai.Clean(in.Body, ai.MaxEmailRunes))
	text := reply.Fresh
	if text == "" {
		text = subjectText(in.Subject)
	}
	f := replytext.Fold(text)

	if _, left := replytext.LeftCompany.Match(f); len(left) > 0 {
		return category(ai.CategoryWrongPerson, 5, left)
	}
	ooo, oooFound := replytext.OutOfOffice.Match(f)
	meeting, meetingFound := replytext.Meeting.Match(f)
	if (ooo >= 3 && ooo >= meeting) || (ooo >= 2 && meeting < 3) {
		return category(ai.CategoryOutOfOffice, ooo, oooFound)
	}
	if _, found := replytext.Unsubscribe.Match(f); len(found) > 0 {
		return category(ai.CategoryUnsubscribe, 4, found)
	}
	if wp, found := replytext.WrongPerson.Match(f); wp >= 4 || (wp >= 2 && meeting < 3) {
		return category(ai.CategoryWrongPerson, wp, found)
	}
	notInterested, niFound := replytext.NotInterested.Match(f)
	interested, intFound := replytext.Interested.Match(f)
	other, otherFound := replytext.Other.Match(f)
	switch {
	case meeting >= 3 && meeting > notInterested:
		return category(ai.CategoryMeetingRequest, meeting, meetingFound)
	case notInterested > 0 && notInterested >= interested:
		return category(ai.CategoryNotInterested, notInterested, niFound)
	case interested > 0 && interested > other:
		return category(ai.CategoryInterested, interested, intFound)
	case other > 0:
		return category(ai.CategoryOther, other, otherFound)
	}
	return ai.Category{Category: ai.CategoryOther, Confidence: 0.4, Reasons: []string{"no category cue found"}, Generator: ai.GeneratorOffline}
}

var subjectPrefix = regexp.MustCompile(`(?i)^((re|aw|fwd?|wg|tr|rv|sv)\s?:\s?)+`)

// subjectText reads the subject as the message when the body is empty, without "Re:".
func subjectText(subject string) string {
	return strings.TrimSpace(subjectPrefix.ReplaceAllString(ai.Clean(subject, ai.MaxFieldRunes), ""))
}

func category(name string, score int, found []string) ai.Category {
	reasons := make([]string, 0, len(found))
	for _, f := range found {
		if len(reasons) == 4 {
			break
		}
		reasons = append(reasons, fmt.Sprintf("phrase %q", ai.Truncate(f, 60)))
	}
	return ai.Category{
		Category:   name,
		Confidence: min(0.9, 0.5+0.08*float64(score)),
		Reasons:    reasons,
		Generator:  ai.GeneratorOffline,
	}
}
