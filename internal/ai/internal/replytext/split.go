package replytext

import (
	"strings"

	"github.com/leadbitz/leadbitz/internal/textmatch"
)

// Reply is an inbound message body taken apart.
type Reply struct {
	// Fresh is what the sender wrote in this message: quoted thread, signature and
	// newsletter-style footer lines removed.
	Fresh string
	// Quoted is everything from the first quote marker on (a reply header, an
	// "Original Message" or "Forwarded message" separator, "> " lines).
	Quoted string
	// Footer holds the removed footer lines (legal and unsubscribe boilerplate).
	Footer []string
}

var (
	// replyHeader matches "On … wrote:" in the languages we support, on folded text.
	replyHeader = textmatch.MustCompile(`^(on|am|le|el|il|op|em|den|w dniu)\s.{4,220}\s(wrote|schrieb|a ecrit|escribio|ha scritto|schreef|escreveu|skrev|napisal)\s?:?\s*$` +
		// German and Dutch put the sender after the verb: "Am … schrieb Sam <s@x>:".
		`|^(am|op)\s.{4,120}\s(schrieb|schreef)\s.{1,160}:\s*$`)
	// replyHeaderStart is the first line of a reply header wrapped over two lines.
	replyHeaderStart = textmatch.MustCompile(`^(on|am|le|el|il|op|em)\s.{4,200}$`)
	replyHeaderEnd   = textmatch.MustCompile(`^.{0,120}(wrote|schrieb|a ecrit|escribio|ha scritto|schreef|escreveu)\s?:\s*$`)
	separator        = textmatch.MustCompile(`^-{2,}\s*(original message|ursprungliche nachricht|urspr\. nachricht|message d'origine|message original|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original|forwarded message|weitergeleitete nachricht|message transfere|mensaje reenviado|messaggio inoltrato)\s*-*\s*$`)
	appleForward     = textmatch.MustCompile(`^(begin forwarded message|anfang der weitergeleiteten nachricht|debut du message reexpedie|inicio del mensaje reenviado)\s?:`)
	underscores      = textmatch.MustCompile(`^_{8,}\s*$`)
	headerFrom       = textmatch.MustCompile(`^(from|von|de|da|van|fra)\s?:\s?\S`)
	headerNext       = textmatch.MustCompile(`^(sent|date|to|subject|cc|gesendet|datum|an|betreff|envoye|objet|a|enviado|fecha|para|asunto|inviato|oggetto|verzonden|onderwerp)\s?:`)

	// signatureCut starts a signature: "-- ", "Sent from my iPhone" and friends.
	signatureCut = textmatch.MustCompile(`^(--|-- |—|__+)\s*$|^(sent from my|sent from outlook|get outlook for|von meinem .{1,30} gesendet|gesendet von|envoye de mon|envoye depuis|enviado desde mi|enviado desde|inviato da|verzonden vanaf|enviado do meu)`)
	// signOff is a closing line ("Best,", "Viele Grüße", "Saludos, Marta"), on folded text.
	signOff = textmatch.MustCompile(`^(best|best regards|best wishes|kind regards|warm regards|warmly|regards|many thanks|thanks|thank you|thanks again|thx|cheers|sincerely|yours|all the best|br|viele grusse|beste grusse|liebe grusse|freundliche grusse|mit freundlichen grussen|herzliche grusse|schone grusse|gruss|grusse|lg|vg|mfg|cordialement|bien cordialement|bien a vous|salutations|bonne journee|saludos|un saludo|saludos cordiales|atentamente|abrazos|obrigado|obrigada|cumprimentos|atenciosamente|cordiali saluti|saluti|distinti saluti|met vriendelijke groet|groeten|hartelijke groet)[,.!]?(\s+[\p{L}.\-]+){0,2}\s*$`)

	// footerLine is newsletter and legal boilerplate in a signature: a line that offers to
	// unsubscribe from something, or a confidentiality notice. Such lines must not be read
	// as the sender asking to unsubscribe.
	footerLine = textmatch.MustCompile(`(unsubscribe|abmelden|desinscri|desabonn|darse de baja|opt[- ]out).{0,80}(click|here|link|website|web site|at any time|preferences|manage|visit|hier|lien|enlace|aqui|http)` +
		`|(click|here|if you (no longer|don't|do not)|don't want|do not want|no longer wish|to unsubscribe from|hier|pour vous desinscrire|para darse de baja).{0,60}(unsubscribe|abmelden|desinscri|desabonn|darse de baja|opt[- ]out)`)
	// legalLine is a confidentiality notice.
	legalLine = textmatch.MustCompile(`this (e-?mail|message)( and any attachments)? (is|are|may be) (confidential|intended)|confidentiality notice|disclaimer:`)
	// firstPerson tells "please unsubscribe me, here is why" from boilerplate.
	firstPerson = textmatch.Words("me", "my", "mich", "mir", "meine", "moi", "mi", "mis")
)

// Split takes an inbound body apart into the fresh text, the quoted thread and footer lines.
func Split(body string) Reply {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	lines := strings.Split(body, "\n")
	cut := quoteStart(lines)
	r := Reply{Quoted: strings.TrimSpace(strings.Join(lines[cut:], "\n"))}
	fresh := stripSignature(lines[:cut])
	var kept []string
	for _, l := range fresh {
		if f := Fold(l); legalLine.MatchString(f) || (footerLine.MatchString(f) && !firstPerson.MatchString(f)) {
			r.Footer = append(r.Footer, strings.TrimSpace(l))
			continue
		}
		kept = append(kept, l)
	}
	r.Fresh = strings.TrimSpace(strings.Join(kept, "\n"))
	return r
}

// quoteStart returns the index of the first line of the quoted thread, or len(lines).
func quoteStart(lines []string) int {
	for i, raw := range lines {
		l := strings.TrimSpace(Fold(raw))
		switch {
		case strings.HasPrefix(l, ">"),
			replyHeader.MatchString(l),
			separator.MatchString(l),
			appleForward.MatchString(l),
			underscores.MatchString(l) && i+1 < len(lines) && headerFrom.MatchString(strings.TrimSpace(Fold(lines[i+1]))):
			return i
		case replyHeaderStart.MatchString(l) && i+1 < len(lines) && replyHeaderEnd.MatchString(strings.TrimSpace(Fold(lines[i+1]))):
			return i
		case headerFrom.MatchString(l) && headerBlockFollows(lines[i+1:]):
			return i
		}
	}
	return len(lines)
}

// headerBlockFollows reports whether one of the next few lines is another header field,
// which tells an Outlook-style quoted header ("From: …" then "Sent: …") from a sentence.
func headerBlockFollows(next []string) bool {
	for i, l := range next {
		if i == 4 {
			break
		}
		if headerNext.MatchString(strings.TrimSpace(Fold(l))) {
			return true
		}
	}
	return false
}

// stripSignature drops everything from a signature marker or a closing line on, but never
// the first line with text: a reply that only says "Thanks." is not a signature.
func stripSignature(lines []string) []string {
	seenText := false
	for i, raw := range lines {
		l := strings.TrimSpace(Fold(raw))
		if l == "" {
			continue
		}
		if signatureCut.MatchString(l) || (seenText && signOff.MatchString(l)) {
			return lines[:i]
		}
		seenText = true
	}
	return lines
}
