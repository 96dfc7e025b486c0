package offline

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ai/internal/replytext"
)

// SuggestReply proposes the next message for a conversation from the category of its last
// inbound message (classified first when the request has none): two concrete times for
// interest, a confirmation of the time they proposed for a meeting request, a courteous
// close for a no, a thank-you to whoever they referred you to, an honest "who we are" for
// a question. For bounces, unsubscribe requests and absence notices it sets ShouldSend to
// false and says in Note what to do instead (suppress, pause); for an absence it still
// drafts the email to send after their return.
func (*Generator) SuggestReply(ctx context.Context, req ai.SuggestRequest) (ai.Suggestion, error) {
	if err := ctx.Err(); err != nil {
		return ai.Suggestion{}, err
	}
	last, ok := req.LastInbound()
	if !ok {
		return ai.Suggestion{}, fmt.Errorf("%w: the conversation has no inbound message", ai.ErrInvalidInput)
	}
	category := req.Category
	if category == "" {
		category = Classify(ai.ReplyInput{From: last.From, Subject: last.Subject, Body: last.Body, Headers: last.Headers}).Category
	}
	if !ai.ValidCategory(category) {
		return ai.Suggestion{}, fmt.Errorf("%w: unknown category %q", ai.ErrInvalidInput, category)
	}
	s := newSuggester(req, last)
	out := s.write(category)
	out.Category = category
	out.Subject = replySubject(last.Subject)
	allowed := ai.AllowedText(req.ProductDescription, last.Body)
	out.Body = ai.StripUnrequested(out.Body, allowed, nil)
	out.Note = ai.StripUnrequested(out.Note, allowed, nil)
	out.Generator = ai.GeneratorOffline
	return out, nil
}

type suggester struct {
	d     *drafter
	req   ai.SuggestRequest
	fresh string // what they wrote, quoted text removed
	now   time.Time
}

func newSuggester(req ai.SuggestRequest, last ai.Message) *suggester {
	lead := req.Lead
	if lead.FirstName == "" {
		lead.FirstName = firstNameFrom(last.From)
	}
	d := &drafter{
		req:  ai.DraftRequest{SenderName: req.SenderName, Tone: req.Tone, Lead: lead},
		lead: sanitiseLead(lead),
	}
	d.readTone(req.Tone, "")
	var p profile
	if desc := ai.Clean(req.ProductDescription, ai.MaxDescriptionRunes); desc != "" {
		p, _ = analyze(ai.ICPRequest{ProductDescription: desc})
	} else if req.ICP != nil {
		p, _ = analyze(ai.ICPRequest{ProductDescription: icpText(*req.ICP)})
	}
	d.name, d.topic, d.segment = p.name, p.topic(), p.segment()
	switch {
	case req.ICP != nil:
		d.icp = *req.ICP
	case p.desc != "":
		d.icp, _ = BuildICP(ai.ICPRequest{ProductDescription: p.desc})
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	return &suggester{d: d, req: req, fresh: replytext.Split(ai.Clean(last.Body, ai.MaxEmailRunes)).Fresh, now: now}
}

// firstNameFrom reads "Anna" from "Anna Rossi <anna@…>".
func firstNameFrom(from string) string {
	a, err := mail.ParseAddress(from)
	if err != nil || a.Name == "" {
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(a.Name), " ")
	if strings.ContainsAny(first, "@.") {
		return ""
	}
	return first
}

var replyPrefix = regexp.MustCompile(`(?i)^((re|aw|sv|fwd?|wg|tr|rv)\s?:\s?)+`)

func replySubject(subject string) string {
	s := strings.TrimSpace(replyPrefix.ReplaceAllString(oneLine(ai.Clean(subject, ai.MaxFieldRunes)), ""))
	if s == "" {
		return ""
	}
	return "Re: " + s
}

func (s *suggester) write(category string) ai.Suggestion {
	d := s.d
	hi, bye := d.greeting(), d.signOff()
	f := fold(s.fresh)
	switch category {
	case ai.CategoryInterested:
		a, b := s.slots()
		answer, why := s.answerLine(f)
		return ai.Suggestion{ShouldSend: true,
			Body: fmt.Sprintf("%s\n\nThanks for getting back to me, glad this is relevant. %s\n\nThe quickest way to see if it fits is a 15-minute call. Would %s or %s work for you?\n\n%s", hi, answer, a, b, bye),
			RationaleBullets: []string{"They showed interest: thank them and answer what they asked.", why,
				"Proposes two concrete times so the next step takes one reply."}}
	case ai.CategoryMeetingRequest:
		if booking := bookingLink(s.fresh); booking {
			return ai.Suggestion{ShouldSend: true,
				Body:             fmt.Sprintf("%s\n\nGreat, thank you. I'll pick a time through your booking link and look forward to speaking.\n\n%s", hi, bye),
				RationaleBullets: []string{"They sent a booking link: confirm you will use it; no need to propose times."}}
		}
		if t := proposedTime(s.fresh); t != "" {
			return ai.Suggestion{ShouldSend: true,
				Body: fmt.Sprintf("%s\n\n%s works for me. I'll send a calendar invite shortly; if anyone else should join, just let me know.\n\n%s", hi, upperFirst(t), bye),
				RationaleBullets: []string{fmt.Sprintf("They proposed a time (%q): accept it as is instead of negotiating.", t),
					"Promises the invite so there is nothing left for them to do."}}
		}
		a, b := s.slots()
		return ai.Suggestion{ShouldSend: true,
			Body:             fmt.Sprintf("%s\n\nGreat, thanks. How about %s or %s (your time)? I'll send a calendar invite as soon as you confirm.\n\n%s", hi, a, b, bye),
			RationaleBullets: []string{"They asked to meet without naming a time: offer two concrete slots in the next business days."}}
	case ai.CategoryNotInterested:
		body := fmt.Sprintf("%s\n\nUnderstood, thanks for letting me know. I won't follow up on this.\n\n%s", hi, bye)
		why := "A short, gracious close keeps the door open and ends the sequence."
		if when := laterHint.FindString(f); when != "" {
			body = fmt.Sprintf("%s\n\nUnderstood, thanks for letting me know. I'll check back %s as you suggested; if you'd rather I didn't, just say so.\n\n%s", hi, strings.TrimSpace(when), bye)
			why = fmt.Sprintf("They named a later time (%q): promise to come back then, and only then.", strings.TrimSpace(when))
		}
		return ai.Suggestion{ShouldSend: true, Body: body, Note: "Stop the sequence for this lead.", RationaleBullets: []string{why}}
	case ai.CategoryOutOfOffice:
		note := "Automatic absence notice. Pause the sequence and follow up after they return."
		if back := returnHint.FindStringSubmatch(s.fresh); back != nil {
			note = fmt.Sprintf("Automatic absence notice (away %s). Pause the sequence and follow up after they return.", strings.TrimSpace(back[0]))
		}
		value, _ := d.value(1)
		return ai.Suggestion{ShouldSend: false, Note: note,
			Body:             fmt.Sprintf("%s\n\nHope you had a good time away. Picking up my earlier note about %s: %s\n\nWould a short call next week make sense?\n\n%s", hi, d.topic, value, bye),
			RationaleBullets: []string{"Replying to an auto-reply reaches nobody; the draft is for after their return.", "A colleague named in an absence notice covers urgent matters for them, not sales emails."}}
	case ai.CategoryUnsubscribe:
		return ai.Suggestion{ShouldSend: false, Note: "They asked not to be contacted again. Suppress the address and do not reply.",
			RationaleBullets: []string{"Honouring an opt-out at once is required by anti-spam law in most countries and protects your sending reputation."}}
	case ai.CategoryWrongPerson:
		who := referral(s.fresh)
		if who != "" {
			return ai.Suggestion{ShouldSend: true, Note: fmt.Sprintf("Stop the sequence for this address; add %s as a new lead if you reach out.", who),
				Body:             fmt.Sprintf("%s\n\nThanks for pointing me in the right direction, much appreciated. I'll reach out to %s directly.\n\n%s", hi, who, bye),
				RationaleBullets: []string{fmt.Sprintf("They named who to talk to (%s): thank them briefly and move on.", who)}}
		}
		return ai.Suggestion{ShouldSend: true, Note: "Stop the sequence for this address.",
			Body:             fmt.Sprintf("%s\n\nThanks for letting me know. Could you tell me who looks after %s at your company? I'll take it from there.\n\n%s", hi, d.topic, bye),
			RationaleBullets: []string{"They are not the buyer and named nobody: one polite question for the right contact, then stop."}}
	case ai.CategoryBounce:
		return ai.Suggestion{ShouldSend: false, Note: "The message bounced. Suppress this address and look for another contact at the company.",
			RationaleBullets: []string{"A bounce comes from a mail server; there is no one to reply to, and resending hurts deliverability."}}
	}
	if whoAsked.MatchString(f) {
		sender := oneLine(ai.Clean(s.req.SenderName, ai.MaxFieldRunes))
		intro := "I'm the person who wrote to you"
		if sender != "" {
			intro = "I'm " + sender
		}
		return ai.Suggestion{ShouldSend: true,
			Body:             fmt.Sprintf("%s\n\nFair question. %s; I wrote because we help %s with %s, and your company looked like a fit. If you'd rather not hear from me, just say so and I won't email again.\n\n%s", hi, intro, d.segment, d.topic, bye),
			RationaleBullets: []string{"They asked who you are: answer plainly and offer an easy opt-out."}}
	}
	value, _ := d.value(0)
	return ai.Suggestion{ShouldSend: true,
		Body:             fmt.Sprintf("%s\n\nThanks for getting back to me. In short: %s\n\nIs %s something you're looking at right now?\n\n%s", hi, value, d.topic, bye),
		RationaleBullets: []string{"The reply had no clear intent: restate the point in one line and ask one question."}}
}

var (
	priceAsked    = w(`pric\w*`, `cost\w*`, `how much`, `tarifs?`, `preis\w*`, `kosten?`, `kostet`, `precios?`, `cuanto`, `combien`)
	infoAsked     = w(`deck`, `one-?pager`, `case stud\w*`, `overview`, `brochure`, `(more|some|further) (info|information|details)`, `documentation`, `unterlagen`, `informationen`, `informacion`, `presentation`)
	whoAsked      = w(`who (is this|are you)`, `how did you get`, `where did you (get|find)`, `wer sind sie`, `woher haben sie`, `qui etes-vous`, `de (que|cual) empresa`, `quien (es|eres)`, `what company`)
	laterHint     = regexp.MustCompile(`(?i)\b(next (quarter|year|month|spring|summer|autumn|fall|winter)|in q[1-4]|in (a few|\d+|two|three|six) months|later this year|nachstes jahr|im nachsten jahr|el proximo trimestre|el proximo ano|l'annee prochaine)\b`)
	returnHint    = regexp.MustCompile(`(?i)\b(until|till|through|back on|returning( on)?|bis( zum)?|jusqu'(?:au|à)|hasta( el)?)\s+[^.,;\n]{2,30}`)
	calendarHosts = w(`calendly`, `cal\.com`, `savvycal`, `zcal`, `meetings\.hubspot`, `hubspot\.com/meetings`, `tidycal`, `youcanbook`, `doodle`)
	dayTime       = regexp.MustCompile(`(?i)\b((?:mon|tue|tues|wed|thu|thur|thurs|fri)(?:day|nesday|sday|rsday)?|tomorrow|today|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miércoles|miercoles|jueves|viernes)\b[^.?!\n]{0,25}?\b(\d{1,2}(?:[:.h]\d{2})?\s?(?:am|pm|uhr|h)?|noon|morning|afternoon)\b`)
	refName       = regexp.MustCompile(`(?:talk to|speak (?:to|with)|reach out to|contact|try|ask|write to|email|wenden sie sich (?:bitte )?an|contactez(?: plutôt)?|habla con|escríbele a|escribele a)\s+(?:my colleague |our [A-Za-z ]{2,25}?, |our [A-Za-z]+ |the new [A-Za-z]+, )?((?:Frau |Herr |Mr\.? |Ms\.? |Mrs\.? )?[A-ZÀ-Ý][a-zà-ÿ]+(?: [A-ZÀ-Ý][a-zà-ÿ]+)?)`)
)

// refRole finds "Our COO Priya" and "our controller, Dave".
var refRole = regexp.MustCompile(`\b(?:[Oo]ur|[Mm]y) (?:[A-Za-z]+ ){0,3}?(?:[A-Z]{2,4}|manager|director|controller|colleague|boss|owner|partner|head of [A-Za-z]+),? ([A-Z][a-z]+)`)

func (s *suggester) answerLine(f string) (string, string) {
	switch {
	case priceAsked.MatchString(f):
		return "On pricing: it depends on your size and setup, so I'd rather give you a real number than a range. I'll walk you through it on a call and confirm it in writing.",
			"They asked about price: acknowledge it and move the number to a call where it can be accurate."
	case infoAsked.MatchString(f):
		return "Happy to send a short overview.", "They asked for material: agree to send it, then still offer the call."
	}
	value, _ := s.d.value(0)
	return "In short: " + value, "Restates the main value in one line."
}

// slots returns two concrete times on the next business days, two days out at 10:00
// and three days out at 15:00, in the requester's clock.
func (s *suggester) slots() (string, string) {
	var days []time.Time
	for d := s.now.AddDate(0, 0, 2); len(days) < 2; d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append(days, d)
		}
	}
	at := func(d time.Time, hour int) string {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, d.Location()).Format("Monday 2 January at 15:04")
	}
	return at(days[0], 10), at(days[1], 15)
}

func bookingLink(text string) bool {
	for _, l := range ai.FindLinks(text) {
		if calendarHosts.MatchString(fold(l)) {
			return true
		}
	}
	return false
}

func proposedTime(text string) string {
	return strings.TrimSpace(dayTime.FindString(text))
}

// referral finds who they pointed to: a name after "talk to" and friends, else an address.
func referral(text string) string {
	if m := refName.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	if m := refRole.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	for _, l := range ai.FindLinks(text) {
		if strings.Contains(l, "@") {
			return l
		}
	}
	return ""
}
