package classify

import (
	"github.com/leadbitz/leadbitz/internal/textmatch"

	"strings"
)

// maxUnsubscribeText bounds the own text of a reply read for unsubscribe
// wording: requests are short, and long messages that mention the word are
// almost always about something else.
const maxUnsubscribeText = 1200

// unsubscribePhrases are requests to stop, on folded text, in English,
// German, French, Spanish, Dutch, Italian and Portuguese. A bare
// "unsubscribe" is handled separately (only in very short replies) so that
// "can you lower our unsubscribe rate?" stays a reply.
var unsubscribePhrases = textmatch.MustCompile(`\bunsubscribe (?:me|us|this|my|from)\b|\bplease unsubscribe\b|\b(?:want|wish|like|need|would like) to unsubscribe\b|\bhow (?:do|can) i unsubscribe\b|\bremove (?:me|us|my (?:e-?mail|address|name|details|contact|data)|this (?:e-?mail|address))\b|\btake (?:me|us|my (?:e-?mail|address|name)) (?:off|out of)\b|\bopt (?:me |us )?out\b|\bstop (?:e-?mailing|contacting|messaging|writing to|sending (?:me|us)|spamming|mailing)\b|\b(?:don't|do not|dont) (?:contact|e-?mail|message|write to|mail) (?:me|us)\b|\bno (?:more|further) (?:e-?mails|mails|messages|contact)\b|\bdelete my (?:e-?mail|address|data|contact|details)\b|\bleave me alone\b|\bdo not contact list\b|\babmelden\b|\bmelden sie mich ab\b|\b(?:entfernen|loschen|streichen) sie (?:mich|meine (?:e-?mail|adresse|daten))\b|\bkeine (?:weiteren )?(?:e-?mails|mails|nachrichten)\b|\bnicht mehr (?:kontaktieren|anschreiben|schreiben|anmailen)\b|\baus (?:ihrem|dem|ihrer|eurem|der) (?:e-?mail-?)?(?:verteiler|liste|mailingliste)\b|\bkontaktieren sie mich nicht\b|\bdesabonner\b|\bdesinscri(?:re|vez|ption)\b|\b(?:retirez|supprimez|enlevez)[- ]moi\b|\bsupprimer mon (?:adresse|e-?mail)\b|\bne (?:plus|pas) me (?:contacter|recontacter|ecrire|solliciter)\b|\bne me (?:contactez|recontactez|ecrivez|sollicitez) plus\b|\bme retirer de (?:votre|vos|la|ce) (?:liste|fichier|base)\b|\bdarme de baja\b|\bdar(?:se)? de baja\b|\bdenme de baja\b|\bdeme de baja\b|\bme doy de baja\b|\beliminen?(?:me)? de (?:su|la|tu|sus) (?:lista|base)\b|\bno me (?:contacten|contactes|escriban|escribas|envien) mas\b|\bdejen? de (?:escribirme|contactarme|enviarme)\b|\bcancelar (?:la |mi )?suscripcion\b|\bdesuscribirme\b|\buitschrijven\b|\bafmelden\b|\bschrijf (?:me|mij) uit\b|\bverwijder (?:mij|me|mijn (?:e-?mail|adres|gegevens))\b|\bgeen (?:e-?mails|mails|berichten) meer\b|\bniet meer (?:contacteren|mailen|benaderen)\b|\bdisiscriver(?:e|mi)\b|\bcancellami\b|\brimuovetemi\b|\brimuover(?:e|mi) (?:il mio|dalla)\b|\bcancellare (?:la mia iscrizione|il mio indirizzo)\b|\bnon (?:contattatemi|scrivetemi|mi contattate|mi scrivete) piu\b|\bdescadastr(?:ar|e|em)(?:-me)?\b|\bremov(?:a|am|er)[- ]me\b|\bcancelar (?:a )?(?:inscricao|subscricao)\b|\bnao (?:me )?(?:contatem|envie|enviem|mandem) mais\b|\bsair da (?:sua )?lista\b`)

// bareUnsubscribe: the whole message (or subject) is just the request.
var bareUnsubscribe = textmatch.MustCompile(`^(?:please\s+)?(?:unsubscribe|remove|stop|opt[- ]out|abmelden|desabonner|desinscription|baja|uitschrijven|afmelden|disiscrivi|cancellami|descadastrar)(?:\s+(?:me|please|thanks|thank you|bitte|merci|gracias|grazie|obrigado|obrigada|bedankt|danke))?[\s.!]*$`)

// wordyUnsubscribe: a lone "unsubscribe" in a reply of a few words.
var wordyUnsubscribe = textmatch.MustCompile(`\bunsubscribe\b`)

// negation in the clause before a match turns it around: "I'd not
// unsubscribe", "please don't remove me", "no need to take me off".
var negation = textmatch.MustCompile(`n't\b|\b(?:not|never|no need|nicht|kein|pas|niet|nooit|non|nao|jamais|nunca|no)\b`)

// politeNo is refusal wording that is not a negation of what follows:
// "no thanks please remove me", "not interested take me off your list".
var politeNo = textmatch.MustCompile(`\b(?:no,? thanks?(?: you)?|not interested|nein,? danke|kein interesse|non,? merci|pas interesse|no,? gracias|no me interesa|nee,? bedankt|geen interesse|no,? grazie|non mi interessa|nao,? obrigad[oa]|nao tenho interesse)\b`)

// clauseBreak ends the clause a negation can reach: sentence ends, commas,
// dashes, and "but".
var clauseBreak = textmatch.MustCompile(`[.!?;,:\n]|\s[-–—]\s|\bbut\b|\baber\b|\bmais\b|\bpero\b|\bmaar\b|\bma\b|\bmas\b`)

// unsubscribeRequest reports whether a human reply asks to stop, and which
// words decided. own is the sender's own text (quotes and signature cut).
func unsubscribeRequest(subject, own string) (string, bool) {
	subj := strings.TrimSpace(fold(subject))
	for {
		rest, ok := strings.CutPrefix(subj, "re:")
		if !ok {
			break
		}
		subj = strings.TrimSpace(rest)
	}
	if bareUnsubscribe.MatchString(subj) {
		return "subject asks to unsubscribe: " + subj, true
	}
	body := fold(own)
	if len(body) > maxUnsubscribeText {
		return "", false
	}
	if bareUnsubscribe.MatchString(body) {
		return "reply is only an unsubscribe request", true
	}
	for _, loc := range unsubscribePhrases.FindAllStringIndex(body, -1) {
		if !negated(body, loc[0]) {
			return "unsubscribe wording: " + body[loc[0]:loc[1]], true
		}
	}
	if len(strings.Fields(body)) <= 8 {
		for _, loc := range wordyUnsubscribe.FindAllStringIndex(body, -1) {
			if !negated(body, loc[0]) {
				return "short reply says unsubscribe", true
			}
		}
	}
	return "", false
}

// negated reports whether the clause before pos contains a negation.
func negated(text string, pos int) bool {
	clause := text[:pos]
	if locs := clauseBreak.FindAllStringIndex(clause, -1); len(locs) > 0 {
		clause = clause[locs[len(locs)-1][1]:]
	}
	return negation.MatchString(politeNo.ReplaceAllString(clause, " "))
}
