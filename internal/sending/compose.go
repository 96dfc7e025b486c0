package sending

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/template"
)

// Sequence is a campaign's steps with their templates parsed once.
type Sequence struct {
	Steps []Step
	extra sequenceRoutes // reply routes and step conditions (routes.go)
}

// Step is one parsed step.
type Step struct {
	Delay    rules.Delay
	Variants []Variant // A first
}

// Variant is one parsed version of a step's message.
type Variant struct {
	Letter  string
	Subject *template.Template
	Body    *template.Template
}

// ParseSequence parses every template of a stored sequence. The sequence
// was checked when saved, so an error here means the data changed under us.
func ParseSequence(steps []store.SequenceStep) (*Sequence, error) {
	seq := &Sequence{Steps: make([]Step, len(steps))}
	for i, st := range steps {
		seq.Steps[i].Delay = rules.Delay{Days: st.DelayDays, Minutes: st.DelayMinutes}
		for _, v := range st.Variants {
			subject, err := template.Parse(v.Subject)
			if err != nil {
				return nil, fmt.Errorf("step %d variant %s subject: %w", st.Position, v.Variant, err)
			}
			body, err := template.Parse(v.Body)
			if err != nil {
				return nil, fmt.Errorf("step %d variant %s body: %w", st.Position, v.Variant, err)
			}
			seq.Steps[i].Variants = append(seq.Steps[i].Variants, Variant{Letter: v.Variant, Subject: subject, Body: body})
		}
	}
	return seq, nil
}

// variant returns a step's variant by letter, falling back to the first
// when the sequence was edited and the letter is gone, with its index (the
// spintax seed uses it).
func (s *Sequence) variant(step int, letter string) (Variant, int, bool) {
	st := s.stepAt(step)
	if st == nil || len(st.Variants) == 0 {
		return Variant{}, 0, false
	}
	vs := st.Variants
	for i, v := range vs {
		if v.Letter == letter {
			return v, i, true
		}
	}
	return vs[0], 0, true
}

// Render produces a step's subject and body for a lead, deterministically
// (template.Seed of lead, step and variant). A later step with an empty
// subject replies in the thread: "Re: " + the first step's subject.
func (s *Sequence) Render(step int, letter string, l store.Lead, firstSubject string) (subject, body string, err error) {
	return s.render(step, letter, l, firstSubject, nil)
}

// render is Render; with a mark function it never fails on a missing
// value and puts mark(name) in its place instead (template.Preview), which
// is how a test send renders for a lead that lacks a value.
func (s *Sequence) render(step int, letter string, l store.Lead, firstSubject string, mark func(string) string) (subject, body string, err error) {
	v, idx, ok := s.variant(step, letter)
	if !ok {
		return "", "", fmt.Errorf("step %d does not exist", step)
	}
	seed := template.Seed(l.ID, step, idx)
	data := input.LeadData(l)
	if mark != nil {
		subject, body = v.Subject.Preview(data, seed, mark), v.Body.Preview(data, seed, mark)
	} else {
		if subject, err = v.Subject.Render(data, seed); err != nil {
			return "", "", err
		}
		if body, err = v.Body.Render(data, seed); err != nil {
			return "", "", err
		}
	}
	subject = strings.TrimSpace(subject)
	if subject == "" && step > 1 {
		subject = mailmsg.ReplySubject(firstSubject)
	}
	return subject, body, nil
}

// footer is the workspace's CAN-SPAM block: its optional text and the
// sender's postal address, which a campaign cannot launch without
// (campaign's postal_address_missing check).
type footer struct {
	address, text string
}

// message is everything compose needs for one send.
type message struct {
	mailbox    store.Mailbox
	lead       store.Lead
	cl         store.CampaignLead
	step       int
	subject    string
	body       string
	footer     footer
	unsubURL   string
	messageID  string
	date       time.Time
	inReplyTo  string
	references []string // the thread's ids before this message
	// test marks a test send: it goes to a person trying the campaign,
	// so it carries no List-Unsubscribe (an unsubscribe from the tester
	// would otherwise reach the reply loop) and the footer shows where
	// each lead's own link goes.
	test bool
}

// testUnsubscribeText stands in the footer of a test send for the link
// each lead gets.
const testUnsubscribeText = "(each lead gets their own unsubscribe link here)"

// optOutLine is the visible opt-out every message ends with (CAN-SPAM
// 7704(a)(3) and (5)): the lead's own one-click link, on an http server too,
// where the List-Unsubscribe header can only offer mailto.
func optOutLine(link string) string {
	return "Unsubscribe: " + link
}

// withFooter appends the signature and the footer block to a body: the
// workspace's text, its postal address and the opt-out line, which every
// message carries whatever the workspace filled in.
func withFooter(m message) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(m.body, "\n"))
	if sig := strings.TrimSpace(m.mailbox.Signature); sig != "" {
		b.WriteString("\n\n" + sig)
	}
	b.WriteString("\n\n--\n")
	for _, line := range []string{m.footer.text, m.footer.address} {
		if line != "" {
			b.WriteString(line + "\n")
		}
	}
	link := m.unsubURL
	if m.test {
		link = testUnsubscribeText
	}
	b.WriteString(optOutLine(link) + "\n")
	return b.String()
}

// compose builds the RFC 5322 message with mailmsg: our Message-ID, the
// thread headers for a follow-up, the one-click List-Unsubscribe pair, the
// mailbox's signature and the footer with the opt-out line.
func compose(m message) (out provider.OutgoingMessage, text string, err error) {
	text = withFooter(m)
	mm := mailmsg.Outgoing{
		MessageID: m.messageID,
		Date:      m.date,
		From:      mail.Address{Name: m.mailbox.DisplayName, Address: m.mailbox.Email},
		To:        []mail.Address{{Name: strings.TrimSpace(m.lead.FirstName + " " + m.lead.LastName), Address: m.lead.Email}},
		Subject:   m.subject,
		Text:      text,
	}
	if !m.test {
		mm.ListUnsubscribeMailto = "mailto:" + m.mailbox.Email + "?subject=unsubscribe"
	}
	// RFC 8058 one-click needs https; a server on plain http (local use)
	// offers only the mailto address, which the reply loop honours.
	if !m.test && strings.HasPrefix(m.unsubURL, "https://") {
		mm.ListUnsubscribeURL = m.unsubURL
	}
	if m.inReplyTo != "" {
		mm.InReplyTo = m.inReplyTo
		mm.References = m.references
	}
	raw, err := mailmsg.Build(mm)
	if err != nil {
		return out, "", err
	}
	return provider.OutgoingMessage{From: m.mailbox.Email, To: m.lead.Email, MessageID: m.messageID, Raw: raw,
		ThreadID: m.cl.ThreadID, InReplyTo: m.inReplyTo}, text, nil
}

// threadOf returns the In-Reply-To and References of a campaign lead's next
// message: the previous message and every one before it.
func threadOf(cl store.CampaignLead) (inReplyTo string, references []string) {
	if cl.LastMessageID == "" {
		return "", nil
	}
	refs := cl.References
	if len(refs) == 0 || refs[len(refs)-1] != cl.LastMessageID {
		refs = append(append([]string{}, refs...), cl.LastMessageID)
	}
	return cl.LastMessageID, refs
}
