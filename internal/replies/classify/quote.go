package classify

import (
	"github.com/leadbitz/leadbitz/internal/textmatch"

	"strings"
)

// quoteMarkers find where a reply stops being the sender's own words: the
// attribution line before quoted text in the languages we classify, the
// Outlook/Exchange separators and header blocks, and the signature
// delimiter. Everything from the first marker on is dropped before
// matching, so our own footer ("reply unsubscribe") quoted back to us never
// counts.
var quoteMarkers = []textmatch.Pattern{
	// "On Mon, 30 Nov 2026 at 10:00, Ann <a@b.c> wrote:" (may wrap onto a
	// second line), and its German ("Am … schrieb Ann <a@b.c>:"), French,
	// Spanish, Dutch, Italian, Portuguese and Nordic forms.
	textmatch.MustCompile(`(?im)^[ \t]*(?:on|am|le|el|op|il|em|den|w dniu)\b[^\n]{0,200}(?:\n[^\n]{0,200})?(?:wrote|schrieb|a écrit|a ecrit|escribió|escribio|schreef|ha scritto|escreveu|skrev|napisał)[^\n]{0,150}:[ \t]*$`),
	textmatch.MustCompile(`(?im)^[ \t]*-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado|oorspronkelijk bericht|doorgestuurd bericht|messaggio originale|messaggio inoltrato|mensagem original|mensagem encaminhada)\s*-{2,}`),
	textmatch.MustCompile(`(?m)^[ \t]*_{20,}[ \t]*$`),
	// An Outlook header block: "From: …" followed within two lines by
	// "Sent:"/"Date:" (or their translations).
	textmatch.MustCompile(`(?im)^[ \t]*\*?(?:from|von|de|da|van|från|fra)\s*:\*?[^\n]*\n(?:[^\n]*\n)?[ \t]*\*?(?:sent|date|gesendet|datum|envoyé|date d'envoi|enviado(?: el)?|fecha|verzonden|inviato|data|skickat|sendt)\s*:`),
	textmatch.MustCompile(`(?m)^-- ?$`),
}

// ownText returns the part of a reply the sender wrote: text before the
// first quote marker, without ">"-quoted lines, with runs of blank lines
// collapsed and typographic apostrophes made ASCII.
func ownText(text string) string {
	cut := len(text)
	for _, re := range quoteMarkers {
		if loc := re.FindStringIndex(text[:cut]); loc != nil {
			cut = loc[0]
		}
	}
	var b strings.Builder
	for _, line := range strings.Split(text[:cut], "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), ">") {
			continue
		}
		b.WriteString(strings.TrimRight(line, " \t\r"))
		b.WriteByte('\n')
	}
	s := strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u00a0", " ").Replace(b.String())
	return strings.TrimSpace(s)
}
