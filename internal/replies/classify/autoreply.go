package classify

import (
	"github.com/leadbitz/leadbitz/internal/textmatch"

	"strings"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
)

// Patterns run on folded text (lower case, no diacritics, see fold).
var (
	// oooSubject: absence notices by subject, in the languages we support.
	oooSubject = textmatch.MustCompile(`^(?:out of (?:the )?office|ooo\b|away from (?:the )?office|on vacation|on leave|abwesenheitsnotiz|abwesend|abwesenheit|nicht im buro|ausser haus|urlaub|absence du bureau|absent du bureau|absence\b|absent\b|en conges|fuera de la oficina|fuera de oficina|ausente|de vacaciones|afwezig|afwezigheid|niet aanwezig|buiten kantoor|met vakantie|fuori sede|fuori ufficio|assente|in ferie|ausencia|fora do escritorio|de ferias)`)
	// autoSubject: generic automatic-reply prefixes (Exchange localises
	// "Automatic reply:"), which in practice are almost always absences.
	autoSubject = textmatch.MustCompile(`^(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response|respond|answer)|autoreply|autoresponse|auto:|automatische antwort|automatische antwoord|automatisch antwoord|reponse automatique|respuesta automatica|risposta automatica|resposta automatica|automatisk svar|autosvar)`)
	// ackBody: ticket systems and "we got your message" robots.
	ackBody = textmatch.MustCompile(`we(?:'ve| have) received your (?:message|e-?mail|request|inquiry|enquiry)|thank you for contacting|your (?:request|ticket|message|case)(?: \(?#?\d+\)?)? has been (?:received|created|logged|opened)|ticket (?:#|number|id|no\.?)\s*:?\s*\d+|this is an automated (?:response|reply|message|notification|e-?mail)|(?:please )?do not reply to this (?:e-?mail|message)|this (?:mailbox|address|inbox) is (?:not monitored|unmonitored)|wir haben ihre (?:nachricht|anfrage|e-mail) erhalten|nous avons (?:bien )?recu votre (?:message|demande|e-?mail|courriel)|hemos recibido (?:su|tu) (?:mensaje|solicitud|correo)|wij hebben uw (?:bericht|aanvraag|e-?mail) ontvangen|abbiamo ricevuto (?:il tuo|la tua|il suo|la sua) (?:messaggio|richiesta|e-?mail)|recebemos (?:a sua|sua|seu|o seu) (?:mensagem|solicitacao|e-?mail|pedido)`)
	// automatedBody: a message saying in so many words that a machine
	// sent it; enough on its own.
	automatedBody = textmatch.MustCompile(`this is an automated (?:response|reply|message)|this is an automatic (?:reply|response|message)|(?:^|\n)\s*(?:auto-?reply|automatic reply)\s*[:\n]|dies ist eine automatische (?:antwort|nachricht)|ceci est une reponse automatique|ceci est un message automatique|esta es una respuesta automatica|este es un mensaje automatico|dit is een automatisch (?:antwoord|bericht)|questa e una risposta automatica|questo e un messaggio automatico|esta e uma resposta automatica|esta e uma mensagem automatica`)
	// absenceBody: someone saying they are away, now or soon, in the
	// first person — "I was out last week" does not match.
	absenceBody = textmatch.MustCompile(`\b(?:i am|i'm|im|i will be|i'll be)\s+(?:currently\s+|now\s+|presently\s+)?(?:out of (?:the )?office|away|on (?:annual |parental |maternity |paternity |sick |business )?(?:leave|holidays?|vacation|a business trip)|travell?ing|out of town|off work|not in the office)|\bcurrently (?:out of (?:the )?office|away from (?:the |my )?(?:office|desk)|on (?:leave|holiday|vacation))|\bout of (?:the )?office (?:until|till|through|from|on|and|with)\b|\bich bin (?:derzeit |zurzeit |momentan |aktuell |vom [^.\n]{0,40}|bis [^.\n]{0,40})?(?:nicht im buro|abwesend|im urlaub|ausser haus|nicht erreichbar|auf (?:geschafts)?reise)|\bje (?:suis|serai) (?:actuellement |absent[e]? |en ce moment )?(?:absent|absente|en conges?|en vacances|hors du bureau|en deplacement|absent du bureau)|\b(?:estoy|estare|me encuentro) (?:actualmente )?(?:fuera de la oficina|fuera de oficina|ausente|de vacaciones|fuera)|\bik ben (?:momenteel |tot [^.\n]{0,40}|van [^.\n]{0,40})?(?:afwezig|niet aanwezig|op vakantie|niet op kantoor|met verlof|buiten kantoor)|\b(?:sono|saro) (?:attualmente |al momento )?(?:fuori sede|fuori ufficio|assente|in ferie|in vacanza)|\b(?:estou|estarei) (?:atualmente |neste momento )?(?:ausente|fora do escritorio|de ferias|fora)`)
	// absenceSupport: the second signal a body-only absence needs.
	absenceSupport = textmatch.MustCompile(`limited access|upon my return|when i return|on my return|after my return|will (?:respond|reply|get back)|for (?:urgent|immediate)|in urgent cases|please contact|(?:back|return(?:ing)?) (?:on|in the office|to the office)|\buntil\b|eingeschrankt|in dringenden fallen|nach meiner ruckkehr|wieder (?:im buro|erreichbar|zuruck|da)|zuruck am|\bbis\b|en cas d'urgence|a mon retour|de retour|acces limite|jusqu|en caso de urgencia|a mi regreso|a mi vuelta|acceso limitado|\bhasta\b|in dringende gevallen|bij terugkomst|na mijn terugkeer|weer (?:op kantoor|aanwezig|bereikbaar)|\btot\b|per urgenze|al mio rientro|accesso limitato|\bfino al?\b|em caso de urgencia|no meu retorno|ao meu regresso|acesso limitado|\bate\b`)
)

// autoHeaderNames are de-facto "I am a robot" headers: any value counts.
var autoHeaderNames = []string{"X-Autoreply", "X-Autorespond", "X-AutoReply-From", "X-Mail-Autoreply", "X-Autoresponder"}

// classifyAutoReply recognises automatic replies: RFC 3834 Auto-Submitted
// first, then the de-facto headers, subjects and, for messages with no
// header signal, first-person absence wording in the body.
func classifyAutoReply(m *mailmsg.Inbound, own string) (Verdict, bool) {
	h := m.Header
	subject := fold(strings.TrimSpace(m.Subject))
	var reasons []string
	ooo := false

	if v := h.Get("Auto-Submitted"); v != "" {
		if kw := strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0])); kw != "no" {
			reasons = append(reasons, "Auto-Submitted: "+kw)
		}
	}
	for _, name := range autoHeaderNames {
		if h.Has(name) {
			reasons = append(reasons, name+" header")
		}
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Autogenerated")), "reply") {
		reasons = append(reasons, "X-Autogenerated: Reply")
	}
	// "Precedence: list" is left out on purpose: a person replying through
	// a group address (sales@ on Google Groups) carries it, and missing a
	// human reply costs more than mislabelling a list message, which would
	// not thread to a campaign anyway.
	switch p := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); p {
	case "auto_reply", "bulk", "junk":
		reasons = append(reasons, "Precedence: "+p)
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Apple-Action")), "vacation") {
		reasons = append(reasons, "X-Apple-Action: VACATION")
		ooo = true
	}
	autoSubj := autoSubject.MatchString(subject)
	oooSubj := oooSubject.MatchString(subject)
	if h.Has("X-MS-Exchange-Inbox-Rules-Loop") && (autoSubj || oooSubj) {
		reasons = append(reasons, "X-MS-Exchange-Inbox-Rules-Loop with automatic-reply subject")
	}
	if oooSubj {
		reasons = append(reasons, "out-of-office subject")
		ooo = true
	} else if autoSubj {
		reasons = append(reasons, "automatic-reply subject")
	}

	body := fold(own)
	ack := ackBody.MatchString(body)
	absence := absenceBody.MatchString(body)
	if automatedBody.MatchString(body) {
		reasons = append(reasons, "body says it is automatic")
	}
	switch {
	case absence && (len(reasons) > 0 || absenceSupport.MatchString(body)):
		// Behind a header or subject signal one absence phrase is enough;
		// on its own it needs a second one ("until…", "limited access").
		reasons = append(reasons, "out-of-office wording in body")
		ooo = true
	case ack && len(reasons) > 0:
		reasons = append(reasons, "acknowledgement wording in body")
	}
	if len(reasons) == 0 {
		return Verdict{}, false
	}
	switch {
	case ack && !absence:
		ooo = false // a ticket robot, whatever its subject says
	case autoSubj:
		ooo = true // Exchange's "Automatic reply:" is an absence notice
	}
	v := Verdict{Kind: KindAutoReply, AutoReplyKind: AutoReplyAutoGenerated, Reasons: reasons}
	if ooo {
		v.AutoReplyKind = AutoReplyOutOfOffice
		v.ReturnDate = returnDate(body+"\n\n"+subject, m.Date)
		if v.ReturnDate != nil {
			v.Reasons = append(v.Reasons, "return date "+v.ReturnDate.Format("2006-01-02"))
		}
	}
	return v, true
}
