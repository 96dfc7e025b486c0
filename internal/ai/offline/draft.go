package offline

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// Draft writes one email of a sequence. The first email is a personal opener built from the
// lead's fields, one pain and one value from the ICP, and a soft question, in under about
// 110 words; follow-ups are shorter, say they follow up, and add a new point instead of
// repeating the first email; the fourth and later steps close the loop politely. Subjects
// stay under six words and avoid spam-filter words. The offline generator writes English
// and honours tone, length and call-to-action hints in the instructions; other free-form
// instructions need a model, which the rationale says.
func (*Generator) Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error) {
	if err := ctx.Err(); err != nil {
		return ai.Draft{}, err
	}
	d, err := newDrafter(req)
	if err != nil {
		return ai.Draft{}, err
	}
	draft := d.write()
	allowed := ai.AllowedText(req.ProductDescription, req.Instructions)
	draft.Subject = ai.StripUnrequested(draft.Subject, allowed, req.MergeTags)
	draft.Body = ai.StripUnrequested(draft.Body, allowed, req.MergeTags)
	draft.Generator = ai.GeneratorOffline
	return draft, nil
}

// drafter holds everything one draft is written from, already cleaned.
type drafter struct {
	req      ai.DraftRequest
	icp      ai.ICP
	name     string // product name, or "" to write "we"
	topic    string
	segment  string
	lead     ai.LeadFields // sanitised: one line per field, no links or template syntax
	tone     string        // "friendly", "formal" or "direct"
	noCall   bool          // instructions asked not to ask for a call
	applied  []string      // instruction hints honoured
	unparsed bool          // instructions had more than hints
	why      []string      // rationale bullets
}

func newDrafter(req ai.DraftRequest) (*drafter, error) {
	d := &drafter{req: req, lead: sanitiseLead(req.Lead)}
	var p profile
	if desc := ai.Clean(req.ProductDescription, ai.MaxDescriptionRunes); desc != "" {
		var err error
		if p, err = analyze(ai.ICPRequest{ProductDescription: desc}); err != nil {
			return nil, err
		}
	}
	switch {
	case req.ICP != nil:
		d.icp = *req.ICP
		if len(p.functions) == 0 {
			// Read the topic from the ICP itself when there is no description.
			p2, err := analyze(ai.ICPRequest{ProductDescription: icpText(d.icp)})
			if err == nil {
				p.functions, p.industries = p2.functions, p2.industries
			}
		}
	case p.desc != "":
		icp, err := BuildICP(ai.ICPRequest{ProductDescription: p.desc})
		if err != nil {
			return nil, err
		}
		d.icp = icp
	default:
		return nil, fmt.Errorf("%w: drafting needs an ICP or a product description", ai.ErrInvalidInput)
	}
	d.name = p.name
	d.topic = p.topic()
	d.segment = p.segment()
	d.readTone(req.Tone, ai.Clean(req.Instructions, ai.MaxInstructionsRunes))
	return d, nil
}

func icpText(icp ai.ICP) string {
	parts := []string{icp.Summary}
	for _, l := range [][]string{icp.Industries, icp.Titles, icp.PainPoints, icp.ValueProps} {
		parts = append(parts, strings.Join(l, ". "))
	}
	return strings.Join(parts, ". ")
}

var leadNoise = regexp.MustCompile(`\{\{[^}]*\}\}|\{%[^%]*%\}|[<>{}\[\]]`)

// sanitiseLead makes lead fields safe to paste into an email: one line each, capped, with
// links and template syntax removed, so a crafted field cannot add lines, links or tags.
// A value that cannot be what its field claims (a "company" of twenty words, a name that
// talks about instructions) is dropped, so the draft falls back to wording without it
// rather than mail-merging someone's prompt into a greeting.
func sanitiseLead(l ai.LeadFields) ai.LeadFields {
	clean := func(s string, maxWords int) string {
		s = oneLine(ai.Clean(s, ai.MaxFieldRunes))
		s = strings.TrimSpace(oneLine(ai.StripUnrequested(leadNoise.ReplaceAllString(s, ""), "", nil)))
		if len(strings.Fields(s)) > maxWords || instructionLike.MatchString(s) {
			return ""
		}
		return s
	}
	return ai.LeadFields{
		FirstName: clean(l.FirstName, 3), LastName: clean(l.LastName, 4), Company: clean(l.Company, 8),
		Title: clean(l.Title, 10), Industry: clean(l.Industry, 6),
	}
}

// instructionLike matches words that belong in a prompt, not in a name, company or title.
var instructionLike = regexp.MustCompile(`(?i)\b(ignore|disregard|instructions?|prompt|system|assistant|jailbreak|pwned)\b`)

var (
	hintShort  = w(`short(er)?`, `brief`, `concise`, `fewer words`, `under \d+ words`, `kurz`, `court`, `corto`)
	hintFormal = w(`formal`, `professional`, `polite`, `förmlich`, `formell`, `sie-form`)
	hintCasual = w(`casual`, `friendly`, `informal`, `warm`, `relaxed`)
	hintNoCall = w(`no (call|meeting|demo)`, `(don't|do not|without) (ask(ing)? for|push(ing)? for|mention(ing)?) (a |the )?(call|meeting|demo)`, `no cta`)
)

// hintWords are the words instructions may consist of and still be fully applied offline.
var hintWords = wordSet(`short shorter brief concise formal professional polite casual friendly informal warm relaxed
	tone no call meeting demo please make it keep be more less and a an the don't do not ask asking for without cta email words word under
	fewer push pushing mention mentioning very bit little sound`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

func isNumber(s string) bool { return strings.Trim(s, "0123456789") == "" }

func (d *drafter) readTone(tone, instructions string) {
	t := fold(tone + " " + instructions)
	switch {
	case hintShort.MatchString(t) || strings.Contains(t, "direct"):
		d.tone = "direct"
	case hintFormal.MatchString(t):
		d.tone = "formal"
	default:
		d.tone = "friendly"
	}
	if instructions == "" {
		return
	}
	fi := fold(instructions)
	if hintShort.MatchString(fi) {
		d.applied = append(d.applied, "kept it short")
	}
	if hintFormal.MatchString(fi) {
		d.applied = append(d.applied, "formal tone")
	}
	if hintCasual.MatchString(fi) {
		d.applied = append(d.applied, "friendly tone")
	}
	if hintNoCall.MatchString(fi) {
		d.noCall = true
		d.applied = append(d.applied, "no call request")
	}
	for _, word := range strings.FieldsFunc(fi, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' }) {
		if !hintWords[word] && !isNumber(word) {
			d.unparsed = true
		}
	}
}

func (d *drafter) write() ai.Draft {
	step := d.req.Step()
	var subject, body string
	switch {
	case step == 1:
		subject, body = d.firstEmail()
	case step >= 4:
		subject, body = d.breakup()
	default:
		subject, body = d.followUp(step)
	}
	body = strings.TrimSpace(body)
	d.why = append(d.why, fmt.Sprintf("%d words, short enough to read on a phone.", wordCount(body)))
	if len(d.applied) > 0 {
		d.why = append(d.why, "From your instructions: "+strings.Join(d.applied, ", ")+".")
	}
	if d.unparsed {
		d.why = append(d.why, "The offline generator only applies tone, length and call-to-action hints; the rest of your instructions needs the AI model (set OPENAI_API_KEY).")
	}
	return ai.Draft{Subject: subject, Body: body, RationaleBullets: d.why}
}

func (d *drafter) firstEmail() (subject, body string) {
	subject = d.subject()
	opener, openerWhy := d.opener()
	pain, painWhy := d.pain(0)
	value, valueWhy := d.value(d.valueFor(0))
	var b strings.Builder
	b.WriteString(d.greeting() + "\n\n")
	b.WriteString(opener)
	if d.tone != "direct" && pain != "" {
		b.WriteString(" " + pain)
	}
	b.WriteString("\n\n" + value + "\n\n" + d.cta(1) + "\n\n" + d.signOff())
	d.why = append(d.why,
		fmt.Sprintf("Subject %q: %d words, names the topic, no spam-filter words.", subject, wordCount(subject)),
		openerWhy)
	if d.tone != "direct" && painWhy != "" {
		d.why = append(d.why, painWhy)
	}
	d.why = append(d.why, valueWhy,
		"Ends with one low-effort question rather than a meeting link: easier to answer for someone who has never heard of you.")
	return subject, b.String()
}

func (d *drafter) followUp(step int) (subject, body string) {
	subject = d.threadSubject(fmt.Sprintf("Following up on %s", d.topic))
	value, valueWhy := d.value(d.followUpValue(step))
	var b strings.Builder
	b.WriteString(d.greeting() + "\n\n")
	if step == 2 {
		b.WriteString(fmt.Sprintf("Following up on my note about %s. %s", d.topic, value))
		d.why = append(d.why, "Step 2 follow-up: shorter than the first email, says it follows up, and adds a different value point instead of repeating the first.")
	} else {
		pain, _ := d.pain(1)
		b.WriteString(fmt.Sprintf("One more thought on %s. %s %s", d.topic, pain, value))
		d.why = append(d.why, "Step 3 follow-up: a new angle (another pain from the ICP) so it is not a plain bump.")
	}
	b.WriteString("\n\n" + d.cta(step) + "\n\n" + d.signOff())
	d.why = append(d.why, valueWhy, fmt.Sprintf("Subject %q keeps the thread together.", subject))
	return subject, b.String()
}

func (d *drafter) breakup() (subject, body string) {
	subject = d.threadSubject("Closing the loop")
	body = fmt.Sprintf("%s\n\nI haven't heard back, so I'll assume %s isn't a priority right now and won't follow up again. If that changes, just reply to this email.\n\n%s",
		d.greeting(), d.topic, d.signOff())
	d.why = append(d.why,
		fmt.Sprintf("Step %d: a polite close-the-loop email; it often gets the replies the earlier steps did not, and ends the sequence cleanly.", d.req.Step()),
		fmt.Sprintf("Subject %q keeps the thread together.", subject))
	return subject, body
}

// threadSubject keeps the previous step's subject, so the follow-up lands in the same thread.
func (d *drafter) threadSubject(fallback string) string {
	if prev := oneLine(ai.Clean(d.req.PreviousSubject, ai.MaxFieldRunes)); prev != "" {
		return prev
	}
	return upperFirst(fallback)
}

var spamWords = w(`free`, `guarantee\w*`, `act now`, `urgent`, `limited time`, `winner`, `cash`, `cheap`, `discount`, `offer`, `buy now`, `click here`, `risk-free`,
	`100 ?%`, `\$\$+`, `re`, `fwd?`, `congratulations`, `promo\w*`)

// subject picks the first candidate under six words without spam-filter words.
func (d *drafter) subject() string {
	topic := upperFirst(d.topic)
	var candidates []string
	if c := d.company(); c != "" && wordCount(c) <= 3 {
		candidates = append(candidates, fmt.Sprintf("%s at %s", topic, c))
	}
	candidates = append(candidates, "Quick question about "+d.topic, topic+" idea", "Quick question")
	for _, c := range candidates {
		if wordCount(c) <= 6 && !spamWords.MatchString(fold(c)) && !strings.Contains(c, "!") {
			return c
		}
	}
	return "Quick question"
}

// company is the lead's company, or the {{company}} merge tag when allowed, or "".
func (d *drafter) company() string {
	if d.lead.Company != "" {
		return d.lead.Company
	}
	if d.tagAllowed("company") {
		return "{{company}}"
	}
	return ""
}

func (d *drafter) firstName() string {
	if d.lead.FirstName != "" {
		return d.lead.FirstName
	}
	if d.tagAllowed("firstName") {
		return "{{firstName}}"
	}
	return ""
}

func (d *drafter) title() string {
	if d.lead.Title != "" {
		return d.lead.Title
	}
	if d.tagAllowed("title") {
		return "{{title}}"
	}
	return ""
}

func (d *drafter) tagAllowed(tag string) bool {
	return slices.ContainsFunc(d.req.MergeTags, func(t string) bool { return strings.EqualFold(t, tag) })
}

func (d *drafter) greeting() string {
	name := d.firstName()
	switch {
	case d.tone == "formal" && name != "":
		return "Hello " + name + ","
	case d.tone == "formal":
		return "Hello,"
	case name != "":
		return "Hi " + name + ","
	}
	return "Hi there,"
}

func (d *drafter) signOff() string {
	closing := "Best,"
	if d.tone == "formal" {
		closing = "Kind regards,"
	}
	switch sender := oneLine(ai.Clean(d.req.SenderName, ai.MaxFieldRunes)); {
	case sender != "":
		return closing + "\n" + sender
	case d.tagAllowed("senderName"):
		return closing + "\n{{senderName}}"
	}
	// No name to sign with: the mailbox signature will follow, so no dangling "Best,".
	return ""
}

// leadSegment names the lead's kind of business for prose: the dictionary's phrase when
// the lead's industry field matches a known vertical, else the ICP's segment.
func (d *drafter) leadSegment() string {
	if d.lead.Industry != "" {
		f := fold(d.lead.Industry)
		for _, i := range industries {
			if i.match.MatchString(f) || strings.EqualFold(i.name, d.lead.Industry) {
				return i.segment
			}
		}
		return "companies in " + d.lead.Industry
	}
	return d.segment
}

func (d *drafter) opener() (text, why string) {
	company, title := d.company(), d.title()
	switch {
	case title != "" && company != "":
		return fmt.Sprintf("As %s at %s, %s probably lands on your desk.", title, company, d.topic),
			fmt.Sprintf("Opens with their role and company (%s, %s) so it reads as written for them, without claiming research we did not do.", title, company)
	case company != "":
		return fmt.Sprintf("I'm reaching out to %s because we work on %s for %s.", company, d.topic, d.segment),
			"Opens with their company; no title was known, so it says plainly why we are writing."
	case title != "":
		return fmt.Sprintf("As %s, %s probably lands on your desk.", withArticle(title), d.topic),
			"Opens with their role; no company was known."
	}
	return fmt.Sprintf("Quick question about how your team handles %s.", d.topic),
		"No lead fields were given, so the opener is a plain question about the topic."
}

func withArticle(title string) string {
	if strings.HasPrefix(title, "{{") {
		return title
	}
	if strings.ContainsAny(strings.ToLower(title[:1]), "aeiou") {
		return "an " + title
	}
	return "a " + title
}

// pain returns the i-th pain as a sentence, preferring pains in the lead's industry.
func (d *drafter) pain(i int) (text, why string) {
	pains := d.icp.PainPoints
	if len(pains) == 0 {
		return "", ""
	}
	p := strings.TrimRight(pains[i%len(pains)], ".")
	who := d.leadSegment()
	return fmt.Sprintf("A common problem for %s: %s.", who, lowerFirst(p)),
		fmt.Sprintf("Names one pain from the ICP (%q) rather than a list, so there is one thing to react to.", ai.Truncate(p, 80))
}

var nounSubjects = map[string]bool{"owners": true, "teams": true, "restaurants": true, "customers": true, "managers": true, "users": true, "businesses": true,
	"companies": true, "clients": true, "employees": true, "agencies": true, "stores": true, "clinics": true, "practices": true, "firms": true, "brands": true,
	"sellers": true, "reps": true, "recruiters": true, "founders": true, "operators": true, "staff": true, "merchants": true, "guests": true, "patients": true}

// value returns the i-th value proposition as a sentence with the product as subject.
func (d *drafter) value(i int) (text, why string) {
	values := d.icp.ValueProps
	if len(values) == 0 {
		return fmt.Sprintf("We help %s with %s.", d.segment, d.topic), "No value propositions in the ICP, so the value line stays general."
	}
	v := strings.TrimRight(values[i%len(values)], ".")
	why = fmt.Sprintf("One value from the ICP (%q), tied to the pain it answers.", ai.Truncate(v, 80))
	first, rest, _ := strings.Cut(v, " ")
	lf := strings.ToLower(first)
	verbFirst := rest != "" && len(lf) >= 4 && strings.HasSuffix(lf, "s") && !strings.HasSuffix(lf, "ss") && !nounSubjects[lf]
	switch {
	case verbFirst && d.name != "":
		return fmt.Sprintf("%s %s %s.", d.name, lf, rest), why
	case verbFirst:
		return fmt.Sprintf("We %s %s.", baseVerb(lf), rest), why
	case d.name != "":
		return fmt.Sprintf("With %s, %s.", d.name, lowerFirst(v)), why
	}
	return upperFirst(v) + ".", why
}

// followUpValue picks a value for step 2 and later that the first email did not use.
func (d *drafter) followUpValue(step int) int {
	n := len(d.icp.ValueProps)
	if n < 2 {
		return 0
	}
	used := d.valueFor(0)
	var rest []int
	for i := range n {
		if i != used {
			rest = append(rest, i)
		}
	}
	return rest[(step-2)%len(rest)]
}

// valueFor returns the index of the value proposition that shares the most words with the
// i-th pain, so the email's value line answers the pain it just named.
func (d *drafter) valueFor(i int) int {
	pains, values := d.icp.PainPoints, d.icp.ValueProps
	if len(pains) == 0 || len(values) == 0 {
		return 0
	}
	pain := stems(pains[i%len(pains)])
	best, bestScore := 0, 0
	for j, v := range values {
		score := 0
		for s := range stems(v) {
			if pain[s] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = j, score
		}
	}
	return best
}

var stopWords = wordSet(`the and for with your you our are that this from into more less than still dealing every each their them they its`)

// stems returns five-letter prefixes of the content words, enough to match "calculates"
// with "calculations".
func stems(s string) map[string]bool {
	out := map[string]bool{}
	for _, word := range strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(word) < 3 || stopWords[word] {
			continue
		}
		out[word[:min(5, len(word))]] = true
	}
	return out
}

// baseVerb turns "calculates" into "calculate" for "We calculate…".
func baseVerb(v string) string {
	switch {
	case strings.HasSuffix(v, "ies"):
		return strings.TrimSuffix(v, "ies") + "y"
	case strings.HasSuffix(v, "ches"), strings.HasSuffix(v, "shes"), strings.HasSuffix(v, "sses"), strings.HasSuffix(v, "xes"), strings.HasSuffix(v, "zes"):
		return strings.TrimSuffix(v, "es")
	}
	return strings.TrimSuffix(v, "s")
}

func (d *drafter) cta(step int) string {
	company := d.company()
	fit := "your team"
	if company != "" {
		fit = company
	}
	switch {
	case d.noCall && step == 1:
		return "Would it help if I sent a one-page overview?"
	case d.noCall:
		return "Should I send a short overview, or is this not a priority?"
	case step == 1 && d.tone == "formal":
		return fmt.Sprintf("Would you be open to a brief call to see whether this could be useful for %s?", fit)
	case step == 1 && d.tone == "direct":
		return "Open to a 15-minute call next week?"
	case step == 1:
		return fmt.Sprintf("Would it be worth a quick 15-minute call to see if this fits %s?", fit)
	case step == 2:
		return "Worth a quick look?"
	}
	return "Is this on your list for this quarter, or should I check back later?"
}
