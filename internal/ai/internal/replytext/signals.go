package replytext

import "github.com/leadbitz/leadbitz/internal/textmatch"

// The phrase lists below are written for folded text: lower case, no accents, straight
// apostrophes. English, German, French and Spanish are covered throughout; Italian,
// Portuguese and Dutch where a phrase is common.

// Bounces.
var (
	// BounceSubject is a delivery-failure subject, possibly forwarded ("Fwd: Undeliverable: …").
	BounceSubject = textmatch.MustCompile(`^((fwd?|fw|wg|tr|rv|enc|re|aw)\s?:\s?)*(undeliverable|undelivered mail|delivery status notification|mail delivery failed|mail delivery failure|returned mail|failure notice|delivery failure|delivery has failed|message not delivered|message blocked|delivery notification|could not be delivered|delivery (failed|failure)|non-?deliverable|unzustellbar|nicht zustellbar|non remis|non distribuable|echec de (la )?remise|no se puede entregar|no entregado|onbestelbaar|niet bezorgd|mensagem nao entregue|non recapitabile|impossibile recapitare)`)
	// BounceSender is the local part or display name of a mail system, on the folded From.
	BounceSender = textmatch.MustCompile(`(^|[<\s"])(mailer-daemon|mailer_daemon|mail-daemon|maildaemon|postmaster)@|mail delivery (system|subsystem)`)
	// BounceText is DSN content or a mail system's failure wording.
	BounceText = Signals{
		S(3, `final-recipient\s?:`, `diagnostic-code\s?:`, `action\s?:\s?(failed|delayed)`),
		S(3, `[45]\d\d[ -]#?[45]\.\d{1,3}\.\d{1,3}`, `\(#[45]\.\d\.\d{1,3}\)`),
		S(2, `address not found`, `(wasn't|was not|could not be|couldn't be|cannot be|can't be|konnte nicht) (delivered|zugestellt)`,
			`delivery (has failed|to the following recipients? failed|incomplete|failed)`, `permanent (error|failure)`,
			`user unknown`, `unknown user`, `no such user`, `mailbox (unavailable|is full|full|not found)`, `recipient address rejected`,
			`no mailbox here`, `domain name not found`, `unable to deliver your message`, `temporary problem delivering`,
			`nicht zugestellt werden`, `empfanger unbekannt`, `echec de la remise`, `est introuvable`, `error en la entrega`,
			`no se pudo entregar`, `recipientnotfound`, `mail delivery (software|system)`,
			`(was )?(blocked|rejected) by the recipient'?s? (mail )?server`, `(permanent|fatal) (fatal )?errors?`, `transcript of session`,
			`(was|is) undeliverable`, `(existiert|gibt es) nicht`, `no existe`, `n'existe pas`),
	}
)

// Automatic replies.
var (
	// AutoSubject is the subject prefix of an automatic reply, folded.
	AutoSubject = textmatch.MustCompile(`^((re|aw|fwd?)\s?:\s?)?(automatic reply|auto reply|auto-reply|autoreply|auto response|autoresponse|auto-response|auto\s?:|out of (the )?office|ooo\s?:|abwesenheitsnotiz|abwesenheit|abwesend|automatische antwort|reponse automatique|absence|absent\s?:|respuesta automatica|fuera de la oficina|resposta automatica|ausencia|risposta automatica|fuori sede|automatisch antwoord|afwezig)`)
	// OutOfOffice is wording of an absence notice.
	OutOfOffice = Signals{
		S(3, `out of (the )?office`, `ooo`, `on (annual |parental |maternity |paternity |sick |medical |study |holiday |vacation )?leave`,
			`on (vacation|holidays?|pto|sabbatical)`, `away (from (the|my) (office|desk) )?(until|till|through|thru|from|this week|on)`,
			`limited access to (my )?e-?mails?`, `(no|without) access to (my )?e-?mails?`, `out sick`, `currently (away|travell?ing|out|on leave|unavailable)`,
			`attending (a|the) (conference|trade ?show|event|offsite)`, `away (on|for) (holiday|vacation|business|leave|a trip)`,
			`out of the country`, `(checking|reading) (my )?(e-?mails?|messages) (intermittently|sporadically|occasionally|only)`, `no laptop`,
			`on a business trip`, `auf (messe|geschaftsreise|dienstreise|reisen)`, `unterwegs`, `en deplacement`, `fuera de la ciudad`, `de viaje de negocios`, `estare fuera`, `fuera hasta`, `sin acceso (al|a mi) correo`, `(i'm|i am) off (this|next|until|till|today|for)`,
			`not checking (my )?e-?mails?`, `(at|on) a (trade fair|trade show|conference|retreat|offsite)`, `trade fair`,
			`(once|when|as soon as) (i'm|i am|i get) (home|back)`, `(patchy|limited|no|bad) (signal|wifi|wi-fi|internet|connectivity|reception)`,
			`(away|out) (all|this|next) week`, `ausser haus`, `(auf|im) (messe|reise|krankenstand)`, `krankgeschrieben`, `en arret maladie`, `des mon retour`,
			`de baja (medica|por (maternidad|paternidad|enfermedad))`, `(pas|sans) acces a (mes|ma) (e-?mails?|messagerie|boite)`, `(family|business) trip`, `(bin|sind) (bis|vom)`, `vom \d{1,2}\.? bis`, `(du|del) \d{1,2} (au|al) \d{1,2}`,
			`nicht im (buro|buero|haus|office)`, `abwesend`, `(im|in) urlaub`, `urlaubsbedingt`, `elternzeit`, `keinen zugriff auf (meine )?e-?mails`,
			`wieder (erreichbar|im (buro|buero|haus)|fur sie da|da)`,
			`absente? (du bureau|jusqu)`, `en conge`, `en vacances`, `hors du bureau`, `acces limite`,
			`fuera de la oficina`, `de vacaciones`, `ausente hasta`, `de viaje`, `acceso limitado`,
			`fuori ufficio`, `in ferie`, `fora do escritorio`, `de ferias`, `op vakantie`, `afwezig`),
		S(2, `(will be|i'll be|i am|i'm) back (on|in|next|at)`, `back (on|in the office on) (monday|tuesday|wednesday|thursday|friday|the)`, `when i (return|get back|am back)`,
			`(upon|on) my return`, `returning on`, `i return on`, `will (respond|reply|get back to you) (when|on|upon|after|next week)`,
			`a mon retour`, `de retour le`, `a mi regreso`, `regresare`, `volvere`, `estare de vuelta`, `rientrero`, `ab dem .{1,20} wieder`, `nach meiner ruckkehr`,
			`(melde|melden) (mich|uns) (danach|nach)`, `je reviens vers vous`, `until (the )?\d{1,2}(st|nd|rd|th)?`, `bis (ende|zum|\d)`, `jusqu'(a|au) (lundi|mardi|mercredi|jeudi|vendredi|\d)`, `hasta el (lunes|martes|miercoles|jueves|viernes|\d)`),
	}
	// LeftCompany says the person is gone for good, which makes a reply wrong_person rather
	// than a temporary absence.
	LeftCompany = Signals{
		S(4, `no longer (with|at|employed|part of|working (at|for|with)|works? (at|for|here))`, `(has|have|had) left (the|our) (company|firm|business|organi[sz]ation|team)`,
			`left (the company|us|the firm|the business)`, `not with (the company|us) anymore`, `(i|we) sold the (restaurant|company|business|shop|store|practice)`,
			`nicht mehr (bei|im unternehmen|fur|in unserem)`, `(hat|haben) (das unternehmen|uns|die firma) verlassen`,
			`ne (travaille|fait) plus`, `a quitte (la societe|l'entreprise|notre)`, `n'est plus (chez|dans|avec)`,
			`ya no (trabajo|trabaja|esta en|forma parte)`, `dejo la empresa`, `moved on from`, `(doesn't|does not|don't|do not) work (at|for|here) .{0,40}(any ?more|any longer)`, `(no trabaja|ne travaille) (ya|plus)`, `(has|have) moved (on|to another)`, `no longer here`, `doesn't work here`, `does not work here`, `(i've |i have |i )?retired`, `(bin|ist) (in rente|im ruhestand|pensioniert)`, `(suis|est) (a la )?retraite`, `(estoy|esta) jubilad\w*`, `non lavora piu`, `nao trabalha mais`, `werkt (hier )?niet meer`),
	}
	// AutoAck is a help-desk acknowledgement ("we received your request, ticket #…"):
	// automatic, but not an absence.
	AutoAck = Signals{
		S(3, `ticket (number|#|no\.?|id)`, `\[ticket`, `(we|we've|we have) received your (request|message|e-?mail|inquiry|enquiry)`,
			`case (number|#)`, `reference number`, `a member of our team will`, `will (respond|reply|get back to you) within`,
			`ihre anfrage (ist|wurde)`, `nous avons bien recu`, `hemos recibido`),
	}
)

// Unsubscribe requests. These are read on the fresh text with footer lines already removed.
var (
	Unsubscribe = Signals{
		S(4, `unsubscribe me`, `please unsubscribe`, `remove me`, `remove my (e-?mail|address|name|details|contact)`, `take me off`,
			`opt me out`, `stop (e-?mailing|mailing|sending|contacting|writing to|spamming|messaging)`,
			`(do not|don't|never|dont) (contact|e-?mail|write to|message|spam) me`, `no more (e-?mails|emails|mails|messages)`,
			`not (to )?contact me again`, `take my (e-?mail|address|name|details|contact)( address| details)? off`, `delete my (data|details|address|e-?mail|contact)`,
			`(off|from) your (database|system|crm|records)`, `never signed up`, `take (us|me) off`, `remove (us|me)`, `(whatever|this|that|your) (mailing )?list`, `stop (emailing|contacting|messaging) (this|us|our)`,
			`(don't|do not) contact (this|us|our)`, `no (more|further) (contact|e-?mails|messages)`, `(this is|reported as|report (this|you) as) spam`, `(don't|do not|stop|never) send(ing)? (me|us) (these|this|that|any|more|emails?|messages?)`,
			`remove (this|my|the) (e-?mail|address|contact)`, `gdpr`, `dsgvo`, `rgpd`, `widerspreche`, `(bitte um |um )?loschung`, `delete (my|this|our) (data|address|details|e-?mail|contact)`, `off (of )?your (mailing |contact |e-?mail )?list`, `from your (mailing |contact |e-?mail )?list`,
			`abmelden`, `austragen`, `(aus|von) (ihrem|dem|eurem|diesem) verteiler`, `keine (weiteren )?(e-?mails|mails|nachrichten|werbung|zusendungen)`,
			`nicht mehr (kontaktieren|anschreiben|anzuschreiben|zu kontaktieren)`, `(loschen|entfernen) sie (meine|mich)`, `nehmen sie mich (aus|von)`, `streichen sie mich`, `von (ihrer|der|eurer) liste`, `meine daten (loschen|entfernen)`,
			`desinscri\w*`, `desabonn\w*`, `ne plus (me |m')(contacter|solliciter|ecrire|envoyer|ecrivez|contactez)`, `ne (me |m')(contactez|ecrivez|envoyez) plus`, `ne plus recevoir`, `(retirez|supprimez)[- ]moi`, `me retirer de`, `retirez mon adresse`, `effacez[- ]moi`, `(de|hors de) votre (liste|fichier|base)`,
			`(dar|darme|denme|deme|darse) de baja`, `no me (envie|envien|escriba|escriban|contacte|contacten|manden) mas`, `dejen de (enviar|escribir)`,
			`eliminenme`, `quitenme`, `borr(en|e|a)me`, `de (su|vuestra|tu) (lista|base de datos)`, `cancellami`, `non contattatemi`, `descadastr\w*`, `afmelden`, `uitschrijven`),
	}
	// UnsubscribeAlone is a whole message that is only an unsubscribe word ("Unsubscribe",
	// "STOP", "Opt out"); such a word inside a longer message is not enough.
	UnsubscribeAlone = textmatch.MustCompile(`^(please )?(unsubscribe|unsub|opt[- ]?out|remove|stop|abmelden|austragen|desinscription|desinscrire|desabonner|baja|darme de baja)( me)?( please| thanks| thank you)?$`)
)

// Human intents, for the offline classifier.
var (
	WrongPerson = Signals{
		S(4, `not the (right|best|correct|appropriate|relevant) (person|contact)`, `wrong (person|contact|guy|department)`, `not the decision[- ]?maker`,
			`not (involved|responsible) (in|for|with)`, `(don't|do not|dont) (handle|deal with|manage|look after|decide on|own)`,
			`(isn't|is not) something i (decide|handle|deal|own)`, `not my (area|department|call|decision|responsibility)`,
			`you('d| would| should| will)? (want|need) to (speak|talk|reach out|get in touch) (with|to)`, `(speak|talk|reach out|write) to .{1,40} instead`,
			`(the )?(right|best|correct) person (to talk to|would be|is)`, `would be the (one|person) to`,
			`nicht zustandig`, `nicht der richtige ansprechpartner`, `bei mir falsch`, `falschen? ansprechpartner`, `wenden sie sich (bitte )?an`,
			`pas la bonne personne`, `pas le bon (interlocuteur|contact)`, `contactez plutot`, `ne m'occupe pas`,
			`no soy la persona (adecuada|indicada|correcta)`, `no me encargo`, `mejor habla con`, `no es mi area`, `persona equivocada`,
			`non sono la persona giusta`, `nao sou a pessoa certa`,
			`(you're|you are) looking for`, `looking for my (colleague|boss|manager|partner)`, `(i'm|i am) (just|only) (the|a|an) `,
			`(the |our |my )?(owner|boss|manager|ceo|cfo|coo|gm|general manager|accountant|hr|finance team|head office|headquarters|partner) (deals|handles|takes care|decides|is in charge|looks after|is the one|does that|does this)`,
			`nicht der richtige (kontakt|ansprechpartner|adressat)`, `(probieren|versuchen) sie es (bei|mit)`, `ce n'est pas moi qui`, `voyez (avec|plutot)`, `adressez-vous (a|plutot)`,
			`no soy yo (quien|el que|la que)`, `(is|are) (who|the one) you (want|need)`, `who you (want|need|should talk to)`, `i only (look after|handle|do|manage|run)`,
			`(entscheidet|entscheiden) (bei uns )?(die|der|unser|unsere)`,
			`(you|you'll|you will) need (someone|somebody|to speak|to talk|to contact)`, `someone (in|from|on) (hr|finance|operations|accounting|payroll|it|purchasing|procurement|the .{1,20} team)`,
			`(forward|pass) (this|it|your (e-?mail|message|note)) (on )?to the (right|correct|relevant) (person|team|people)`, `la bonne personne`, `pas (mon|de mon) (domaine|ressort|role)`,
			`(leite|leiten) (es|das|ihre (nachricht|e-?mail)) (an|weiter)`, `lo reenvio a`, `no es mi (area|departamento|tema)`, `lo lleva`, `te paso su (correo|contacto|e-?mail|numero)`, `pregunt(a|e) a`, `(hable|hablen) con`),
		S(2, `(please )?contact (our|my) `, `please (contact|email|write to) \S+@`, `talk to (our|my) `, `try (our|my|reaching out to) `,
			`(escribele|hable|habla) (a|con) `, `contactez (notre|mon|ma) `,
			`(he|she|they) (runs|handles|manages|is in charge of|takes care of|looks after|owns|decides)`, `my colleague`, `nicht ich`, `(i'm|i am) (in|on the) (marketing|sales|it|finance|operations|accounting|engineering|kitchen|culinary|front of house)`, `zentrale`, `mi socio`, `(sits|lies) with (our|my|the) `, `(goes|go) through (our|my|the) `, `meine (kollegin|kollege)`, `mein kollege`, `(mon|ma) (collegue)`, `mi (companero|companera|colega)`),
	}
	Meeting = Signals{
		S(3, `calendar invite`, `send (me )?(an? )?(calendar )?invite`, `(book|grab|pick|find) (a |some )?(time|slot|call|meeting|something)`,
			`set up (a |some )?(call|meeting|time|chat|demo)`, `schedule (a |the )?(call|meeting|time|chat|demo)`, `calendly`, `what times`,
			`when (are you|would you be) (free|available)`, `are you (free|available)`, `(i'm|i am) (free|available)`, `works? (best )?for me`,
			`let's (talk|chat|meet|do|jump|set|hop|connect|schedule|find|speak)`, `happy to (chat|talk|meet|hop|jump)`, `(jump|hop) on a (call|zoom)`,
			`give me a call`, `call me`, `(can|could|shall) we (do|have|set up|schedule|get|book|arrange|talk|speak|meet)`, `how about (monday|tuesday|wednesday|thursday|friday|tomorrow|next|this|\d)`,
			`does (monday|tuesday|wednesday|thursday|friday|tomorrow|that|this|\d).{0,20} work`,
			`termin`, `telefonieren`, `passt (ihnen|es|dir|euch)`, `(kurzen|kurzes) (call|gesprach|telefonat)`,
			`rendez-vous`, `vous conviendrait`, `ca vous va`, `(je suis|suis) disponible`, `prevoir un (appel|echange|rendez)`,
			`agend\w*`, `(te|le|les) viene bien`, `que tal el (lunes|martes|miercoles|jueves|viernes|\d)`, `(una|la) (llamada|reunion)`,
			`possiamo sentirci`, `marcar uma reuniao`,
			`times? that (work|suit|suits)`, `send (an|a|me an?) (invite|invitation)`, `i have \d+ ?(minutes|mins|min)`, `(any|every) (day|time) (this|next) week`,
			`(ruf|rufen) (sie )?mich`, `anrufen`, `(un|d'un) echange`, `echangeons`, `appelez[- ]moi`, `hablamos`, `(llamame|llameme)`, `nos vemos`, `quedamos`,
			`(i|we) can (talk|meet|chat|speak|do a call|hop on|jump on)`, `(can|could|shall) (we|i|you) (talk|speak|chat|meet|call)`, `(in|on|into) my calendar`,
			`podemos (hablar|vernos|reunirnos|llamarnos)`, `call my (mobile|cell|phone|number|office)`, `ring me`, `give me a ring`,
			`(two|2|a few|some|couple of) (slots|times|options)`, `your availability`, `(my|the) diary`, `(grab|get) (a )?coffee`, `(come|drop|stop) by`, `meet (up|in person)`,
			`(\d|monday|tuesday|wednesday|thursday|friday|tomorrow|that) works`, `termin\w*`, `zeitfenster`, `creneaux?`, `disponibilites`, `cuando te (viene|va) bien`, `horarios?`, `hueco`, `(konnen|wollen|sollen) wir (uns )?(kurz )?(sprechen|reden|telefonieren|treffen)`, `kurz sprechen`,
			`(on peut|pouvons-nous|peut-on) (se parler|s'appeler|echanger|en parler)`, `free for a`),
		// Day, time and meeting words each add one, so "jeudi 10h ?" or "Tuesday 3pm call" add up.
		S(1, `mon|tue|tues|wed|thu|thur|thurs|fri|monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes`),
		S(1, `\d{1,2}(:\d{2})?\s?(am|pm|uhr)`, `\d{1,2}h\d{0,2}`, `(at|um|a|ab|after|before|around) \d{1,2}(:\d{2})?`, `a las \d`, `(morning|afternoon|noon|lunch|vormittags?|nachmittags?|mittags?|matin|apres-midi|midi|manana|tarde|mediodia)`),
		S(1, `tomorrow|next week|this week|morgen|nachste woche|diese woche|demain|semaine prochaine|manana|proxima semana|esta semana`),
		S(1, `call|demo|meeting|zoom|chat|calendar|kalender|appel|llamada|reunion|gesprach|telefonisch|videocall|rendez|treffen`),
	}
	NotInterested = Signals{
		S(4, `not interested`, `no interest`, `kein interesse`, `nicht interessiert`, `pas interesse\w*`, `no (estamos|estoy|somos) interesad\w*`,
			`no (nos|me) interesa`, `non (siamo|sono) interessat\w*`, `nao (temos|estou|estamos) interess\w*`, `geen interesse`),
		S(3, `no,? thanks?( you)?`, `no thank you`, `nein,? danke`, `non,? merci`, `no,? gracias`, `no,? grazie`, `nee,? bedankt`,
			`not (a |our )?(priority|fit|good fit|for us|relevant|needed|something we need)`, `(not|no) (right )?now`, `not at (this|the) (time|moment)`,
			`timing (isn't|is not|isn't quite) right`, `bad timing`, `(we're|we are|i'm|i am) (good|all set|set|covered|fine)`, `all set`,
			`happy with (our|the|my) (current|existing)`, `already (use|have|work with|using|signed|got|renewed)`, `just renewed`,
			`(don't|do not|won't|will not|dont|wont) need`, `no need`, `not looking (for|to|at)`, `no budget`, `in-?house`, `(don't|do not) have (the )?time`,
			`maybe (next|later|in (a|the|\d))`, `check back (in|later|next)`, `circle back`, `pass on this`, `we'll pass`,
			`keinen bedarf`, `kein bedarf`, `(aktuell|derzeit|momentan|zurzeit) nicht`, `(haben|nutzen) (bereits|schon)`, `vielleicht (im|nachstes|spater)`,
			`pas (une )?priorite`, `pas pour le moment`, `pas le moment`, `(avons|utilisons) deja`, `pas besoin`,
			`(por ahora|de momento|ahora) no`, `no por ahora`, `ya (tenemos|usamos|contamos)`, `no necesitamos`, `(quizas|tal vez|quiza) (el|mas|en)`,
			`non ci interessa`,
			`stick with`, `not for us`, `overkill`, `(not|no) (the )?right (fit|time)`, `(doesn't|does not|wouldn't|would not) (fit|work for us|be a fit)`, `not relevant`,
			`(i'll|we'll|i will|we will) pass`, `good luck`, `not at this (stage|point)`, `(we're|we are) fine`,
			`(sind|bin) versorgt`, `kein thema`, `passt nicht`, `brauchen wir nicht`, `nicht relevant`,
			`ne nous concerne pas`, `ca ne nous interesse pas`, `pas pour nous`,
			`estamos bien`, `no es para nosotros`, `no aplica`, `no lo necesitamos`,
			`not a (need|priority|fit)`, `locked (in|into)`, `under contract`, `nothing to discuss`, `(but|so) no[.!]*$`, `for now`, `ca ira`, `trabajamos con otro`, `sorted`, `decided (to go|against|on another|on a different)`, `(another|a different|other) (way|direction|route|provider|vendor|solution)`,
			`(don't|do not|no need to) follow up`, `not (pursuing|buying|in the market)`, `keep (it|things) as (is|they are)`, `best of luck`,
			`no (nos )?encaja`, `no es (el|buen) momento`, `(ce n'est|c'est) pas le moment`, `pas d'actualite`, `passt (gerade|aktuell|derzeit) nicht`, `nicht der richtige zeitpunkt`, `(have|use) (another|a different) (provider|vendor|tool|solution)`),
		// A reply that opens with a bare "no" declines ("No, gracias", "Nope.", "Non, ça ira").
		S(3, `^(no|nope|nah|nein|non|nee)[.,!]`),
	}
	Interested = Signals{
		N(3, `interested`, `interesting`, `interessant`, `interessiert`, `m'interesse`, `interesse`, `me interesa`, `interesante`, `interessante`),
		N(2, `sounds (good|great|interesting|promising)`, `tell me more`, `(more|some|further) (info|information|details)`,
			`send (me |us |over )?(more|the|a|some|your|over)`, `one-?pager`, `deck`, `brochure`, `case stud(y|ies)`, `pricing`, `prices?`,
			`(what|how much) (would|does|will) (it|this|that) cost`, `how much`, `how (does|do|would|long|is this|is it)`, `what does`,
			`curious`, `could be (useful|a fit|helpful|interesting|relevant)`, `might be a fit`, `(looking|look) (at|into) (options|this|solutions)`,
			`who else`, `(good|interesting) timing`, `yes,? please`, `we might`,
			`klingt (gut|spannend|interessant)`, `hort sich gut an`, `(mehr|weitere) (infos?|informationen)`, `unterlagen`, `was kostet`, `preise`,
			`tarifs?`, `documentation`, `plus d'informations`, `envoyez-moi`,
			`suena bien`, `cuentame mas`, `mas informacion`, `precios?`, `demo`, `mais informacoes`,
			`(you've|you have) got my attention`, `struggling with`, `(exactly|precisely) (this|what we need)`, `possibly`, `pourquoi pas`, `spannend`, `podria (ser|servir)`, `could work`, `timing is (actually )?(good|decent|great|right|perfect)`, `what would .{1,30} look like`,
			`relevant`, `grundsatzlich ja`, `haben sie (referenzen|beispiele|unterlagen|infos|informationen)`, `combien`, `pourrait (nous )?(aider|interesser|servir)`,
			`cuanto (cuesta|vale|cobran)`, `keen`, `(love|like|want) to (learn|hear|see|know) more`, `open to (it|learning|hearing|a look)`, `worth a look`, `next steps?`,
			`how do (we|i) (get started|start|sign up)`, `(free )?trial`, `(minimum|contract) (contract|term|length|commitment)`, `setup fee`, `per (user|seat|location|month|employee)`,
			`overview`, `gerne mehr`, `mehr erfahren`, `en savoir plus`, `je veux bien`, `presentation`, `saber mas`, `(mandame|enviame|envieme)`, `wie ?viel kostet`, `send (the )?pricing`),
		// A question about the product itself (how it works, what it supports) is interest.
		N(2, `how (does|do|would|can|will) (it|this|that|you)`, `how it works`, `what'?s the (setup|process|onboarding|price|cost)`, `what (integrations|features|systems)`,
			`which (integrations|systems|pos|tools|features)`, `(can|could) (you|it) (share|show|send|handle|integrate|work|do)`, `does it (work|integrate|handle|support)`,
			`do you (support|integrate|have|offer|work)`, `wie funktioniert`, `funktioniert (das|es)`, `gibt es`, `unterstutz(t|en) (das|ihr|es)`,
			`comment (ca )?fonctionne`, `(vous avez|avez-vous) (un|une|des)`, `est-ce que (ca|vous)`, `como funciona`, `(tienen|tiene|ofrecen) `, `funciona con`),
	}
	// Other holds questions about the sender rather than the offer; they keep a reply from
	// being read as interest.
	Other = Signals{
		S(3, `who (is this|are you)`, `how did you get (my|this)`, `where did you get (my|this)`, `what is this (about|regarding)`,
			`is this (a real person|automated|spam|a bot)`, `woher haben sie`, `wer sind sie`, `qui etes-vous`, `de (que|cual) empresa`,
			`quien (es|eres)`, `que es esto`, `resend`, `forward (this|it) (internally|to)`, `(i'll|i will) (get back to you|let you know)`,
			`ich melde mich`,
			`is this about`, `worum geht es`, `de quoi s'agit-il`, `de que se trata`, `have we met`, `do i know you`, `(ai|chatgpt|bot)[- ]written`, `written by (ai|a bot|chatgpt)`,
			`spelled .{1,40} wrong`, `who referred you`, `what company (is this|are you)`, `(i'm|i am) confused`, `no entiendo`, `je ne comprends pas`, `verstehe (ich )?nicht`, `which \w+\?`),
	}
)
