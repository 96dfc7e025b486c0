package classify

import (
	"github.com/leadbitz/leadbitz/internal/textmatch"

	"bytes"
	"cmp"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
)

// Non-RFC 3464 bounces (qmail, Exim, old Exchange, Yahoo, Sendmail text)
// are recognised by these patterns; all run on folded text except where
// noted.
var (
	bounceSubject = textmatch.MustCompile(`^(?:undeliverable|undelivered mail|undelivered message|delivery status notification \((?:failure|delay)\)|mail delivery failed|delivery failure|failure notice|returned mail|mail system error|message not delivered|delivery notification: delivery has failed|delivery has failed|non-?delivery|nondeliverable|mail could not be delivered|could not send message|warning: could not send message|message delivery failure|delivery failed|unzustellbar|nicht zustellbar|\[bounce\]|fml system error message|non remis|non distribuable|echec de la remise|no se puede entregar|no se pudo entregar|onbestelbaar|niet bezorgd|non recapitabile|mancato recapito|nao entregue|nao foi possivel entregar)`)
	bounceBody    = textmatch.MustCompile(`this is the qmail-send program|this message was created automatically by mail delivery software|mail delivery failed: returning message to sender|delivery has failed to these recipients or groups|your message did not reach some or all of the intended recipients|the following recipient\(s\) cannot be reached|sorry, we were unable to deliver your message|i'm sorry to have to inform you that your message could not|this is the mail system at host|delivery to the following recipients? failed|the following addresses had permanent fatal errors|your message wasn't delivered to|your message couldn't be delivered|could not be delivered to (?:one or more|the following)|unable to deliver (?:your )?message to the following|a message that you sent could not be delivered|the following recipients did not receive this message|message could not be delivered to the following|this is the james mail server|i'm afraid i wasn't able to deliver your message|an error has occurred while attempting to deliver a message|this is the mailer-daemon, please do not reply|this message was undeliverable due to the following reason|could not be delivered to: <`)
	// forwardSubject: a human passing a bounce on is not a bounce.
	forwardSubject = textmatch.MustCompile(`^(?:fwd?|wg|tr|rv|enc|doorst|re|aw|sv|antw|rif|res)\s*:`)
	// copyMarker (raw text) starts the returned copy of our message in
	// text bounces; diagnostics are read only before it.
	// Some servers (Verizon, Lotus Domino) put the returned headers right
	// after their text with no announcing line: the copy then starts at
	// its Return-Path.
	copyMarker = textmatch.MustCompile(`(?i)this is a copy of the message|below this line is a copy of the message|original message follows|-+ ?original message ?-+|original message headers|unsent message below|the header of the original message|message headers follow|returned message follows|below is a copy of the original message|kopfzeilen der urspr(?:ü|ue)nglichen nachricht|urspr(?:ü|ue)ngliche nachricht|(?m:^return-path:[ \t]*<[^<>\s]+@[^<>\s]+>)`)

	// Recipient patterns (raw text).
	angleAddrLine = textmatch.MustCompile(`(?mi)^[ \t]*(?:recipient:[ \t]*)?<([^<>\s@]+@[^<>\s]+)>`)
	deliveredTo   = textmatch.MustCompile(`(?i)(?:wasn't|was not|could not be|couldn't be|not be) delivered to:?\s+<?([^\s<>()]+@[^\s<>()]+?)>?(?:[\s,;]|\.(?:\s|$)|$)`)
	rcptTo        = textmatch.MustCompile(`(?i)rcpt to:\s*<([^<>\s]+@[^<>\s]+)>`)
	anyAddr       = textmatch.MustCompile(`[a-zA-Z0-9._%+'=-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}`)
	listMarker    = textmatch.MustCompile(`(?im)^.*(?:failed|cannot be reached|recipients or groups|following address|following recipient|following list of recipients|fatal errors|did not receive).*:[ \t]*$`)

	// enhancedStatus is an RFC 3463 code not embedded in an IP address.
	enhancedStatus = textmatch.MustCompile(`(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?:[^\d.]|\.(?:\D|$)|$)`)
	smtpCode       = textmatch.MustCompile(`(?m)(?:^|[\s;(#])([45][0-5]\d)(?:[\s:-]|$)`)
	// fmlError: the subjects of fml mailing-list servers' error returns.
	fmlError      = textmatch.MustCompile(`^(?:rejected|fml system error|fml system message|fml status report|error|returned mail)`)
	bodyMessageID = textmatch.MustCompile(`(?im)^[ \t]*message-id:\s*(<[^<>\s]+>)`)
)

// daemonLocals are the local parts of delivery-report senders.
var daemonLocals = map[string]bool{
	"mailer-daemon": true, "postmaster": true, "mail-daemon": true, "mailerdaemon": true,
	"maildaemon": true, "mailer_daemon": true, "mail_daemon": true,
	"mdaemon": true, // MDaemon's delivery reports
}

func localPart(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[:i]
	}
	return addr
}

// isDaemon reports whether a From address is a mail system, not a person.
func isDaemon(a mail.Address) bool {
	local := localPart(a.Address)
	// Lotus Domino names people and servers hierarchically:
	// Postmaster/ORG@ORG.
	local, _, _ = strings.Cut(local, "/")
	if daemonLocals[local] {
		return true
	}
	n := fold(a.Name)
	return strings.Contains(n, "mail delivery subsystem") || strings.Contains(n, "mail delivery system") || strings.Contains(n, "mailer-daemon")
}

// classifyBounce reads delivery reports: RFC 3464 first, then the text
// formats. A report that only says "delivered" comes back as an automatic
// reply, which is what it is.
func classifyBounce(m *mailmsg.Inbound) (Verdict, bool) {
	if ds := findOwn(m.Root, "message/delivery-status", "message/global-delivery-status"); ds != nil {
		if v, ok := bounceFromDSN(m, ds); ok {
			return v, true
		}
	}
	section, _ := diagnosticSection(m.Text)
	signals, strong := bounceSignals(m, section)
	if len(signals) == 0 {
		return Verdict{}, false
	}
	if !strong && len(signals) < 2 {
		// One weak signal (a bounce subject, bounce wording, a postmaster
		// answering in a thread) is what people write too: "Undeliverable
		// emails from your tool?". It needs a status code in the message's
		// own text (not quoted) to count.
		if st, _ := textStatus(ownText(section)); st == "" {
			return Verdict{}, false
		}
	}
	return bounceFromText(m, section, signals), true
}

func bounceFromDSN(m *mailmsg.Inbound, ds *mailmsg.Part) (Verdict, bool) {
	recips := parseDeliveryStatus(ds.Body)
	var failed, delayed []dsnRecipient
	for _, r := range recips {
		switch r.action {
		case "failed":
			failed = append(failed, r)
		case "delayed":
			delayed = append(delayed, r)
		}
	}
	use := failed
	if len(use) == 0 {
		use = delayed
	}
	if len(use) == 0 {
		if len(recips) == 0 {
			return Verdict{}, false // unreadable report: try the text
		}
		return Verdict{
			Kind:          KindAutoReply,
			AutoReplyKind: AutoReplyAutoGenerated,
			Reasons:       []string{"delivery-status report without failures (action " + recips[0].action + ")"},
		}, true
	}
	v := Verdict{Kind: KindBounce, Reasons: []string{ds.MediaType + " report"}}
	section, _ := diagnosticSection(m.Text)
	hard := true
	ex := excluded(m)
	for _, r := range use {
		status := refineStatus(r.status, r.diagnostic)
		h, why, decided := judge(r.action, status, fold(r.diagnostic))
		if !decided {
			// The report's human-readable part often says more.
			if h2, why2, ok := judge(r.action, status, fold(section)); ok {
				h, why = h2, why2
			}
		}
		hard = hard && h
		v.Reasons = appendUnique(v.Reasons, why)
		if r.addr != "" && !ex[r.addr] {
			v.Recipients = appendUnique(v.Recipients, r.addr)
		}
		if v.Status == "" {
			v.Status, v.Diagnostic = status, r.diagnostic
		}
	}
	v.Hard = hard
	if len(v.Recipients) == 0 {
		v.Recipients = textRecipients(m, section, ex)
	}
	v.OriginalMessageID = originalMessageID(m)
	return v, true
}

// bounceSignals lists what marks a message without a readable report as a
// bounce: a mail-system sender, X-Failed-Recipients, an fml list server's
// error, a bounce subject, or a known MTA's wording (not in replies or
// forwards). strong is set when one signal is enough on its own: the
// header, the list server, or a mail-system sender not answering in a
// thread.
func bounceSignals(m *mailmsg.Inbound, section string) (s []string, strong bool) {
	subj := fold(m.Subject)
	if isDaemon(m.From) {
		s = append(s, "sender is a mail system ("+strings.ToLower(cmp.Or(m.From.Address, m.From.Name))+")")
		strong = !forwardSubject.MatchString(subj)
	}
	if m.Header.Has("X-Failed-Recipients") {
		s = append(s, "X-Failed-Recipients header")
		strong = true
	}
	if strings.EqualFold(strings.TrimSpace(m.Header.Get("X-MDDSN-Message")), "yes") {
		s = append(s, "X-MDDSN-Message header (MDaemon delivery report)")
		strong = true
	}
	if strings.Contains(strings.ToLower(m.Header.Get("X-MLServer")), "fml") && fmlError.MatchString(subj) {
		s = append(s, "fml list server error ("+truncate(m.Subject, 60)+")")
		strong = true
	}
	if bounceSubject.MatchString(subj) {
		s = append(s, "bounce subject")
	}
	if !forwardSubject.MatchString(subj) {
		if w := bounceBody.FindString(fold(section)); w != "" {
			s = append(s, "bounce wording: "+w)
		}
	}
	return s, strong
}

func bounceFromText(m *mailmsg.Inbound, section string, signals []string) Verdict {
	ex := excluded(m)
	v := Verdict{Kind: KindBounce, Reasons: signals}
	v.Recipients = textRecipients(m, section, ex)
	v.Status, v.Diagnostic = textStatus(section)
	hard, why, decided := judge("", v.Status, fold(v.Diagnostic))
	if !decided {
		if h2, why2, ok := judge("", v.Status, fold(section)); ok {
			hard, why = h2, why2
		} else if v.Status == "" {
			why = "no status code or dead-address wording"
		}
	}
	v.Hard = hard
	v.Reasons = append(v.Reasons, why)
	v.OriginalMessageID = originalMessageID(m)
	return v
}

// diagnosticSection is a text bounce up to the line that announces the
// returned copy of our message; copy is what follows that line.
func diagnosticSection(text string) (section, copy string) {
	loc := copyMarker.FindStringIndex(text)
	if loc == nil {
		return text, ""
	}
	start := strings.LastIndexByte(text[:loc[0]], '\n') + 1
	end := len(text)
	if i := strings.IndexByte(text[loc[1]:], '\n'); i >= 0 {
		end = loc[1] + i + 1
	}
	return text[:start], text[end:]
}

// textRecipients finds the failed addresses of a text bounce:
// X-Failed-Recipients, "<addr>:" lines (qmail, Postfix, Yahoo, Sendmail),
// "wasn't delivered to addr", RCPT TO:<addr>, the lines after a
// "…failed:" heading (Exim, Exchange, Gmail), and failing all of those the
// To of our returned message.
func textRecipients(m *mailmsg.Inbound, section string, ex map[string]bool) []string {
	var out []string
	add := func(a string) {
		a = strings.ToLower(strings.Trim(strings.TrimSpace(a), "<>.,;:'")) // 'addr' (SmarterMail)
		if strings.Contains(a, "@") && !ex[a] && !daemonLocals[localPart(a)] {
			out = appendUnique(out, a)
		}
	}
	for _, v := range m.Header.Values("X-Failed-Recipients") {
		for _, a := range strings.Split(v, ",") {
			add(a)
		}
	}
	for _, re := range []textmatch.Pattern{angleAddrLine, deliveredTo, rcptTo} {
		for _, mm := range re.FindAllStringSubmatch(section, -1) {
			add(mm[1])
		}
	}
	for _, loc := range listMarker.FindAllStringIndex(section, -1) {
		lines := strings.Split(section[loc[1]:], "\n")
		found := false
		for i, l := range lines {
			if i > 10 || strings.TrimSpace(l) == "" && found {
				break
			}
			for _, a := range anyAddr.FindAllString(l, -1) {
				add(a)
				found = true
			}
		}
	}
	if len(out) == 0 {
		for _, a := range mailmsg.ParseAddressList(returnedHeader(m).Get("To")) {
			add(a.Address)
		}
	}
	return out
}

// excluded are addresses that are never the failed recipient: the bounce's
// own sender and addressees (our user).
func excluded(m *mailmsg.Inbound) map[string]bool {
	ex := map[string]bool{strings.ToLower(m.From.Address): true}
	for _, list := range [][]mail.Address{m.To, m.Cc} {
		for _, a := range list {
			ex[strings.ToLower(a.Address)] = true
		}
	}
	delete(ex, "")
	return ex
}

// textStatus finds the status code and the diagnostic line of a text
// bounce: an enhanced code if any, else the SMTP reply's class ("5.0.0").
func textStatus(section string) (status, diagnostic string) {
	if mm := enhancedStatus.FindStringSubmatchIndex(section); mm != nil {
		return section[mm[2]:mm[3]], lineAround(section, mm[2])
	}
	if mm := smtpCode.FindStringSubmatchIndex(section); mm != nil {
		return basicStatus(section[mm[2]:mm[3]]), lineAround(section, mm[2])
	}
	return "", ""
}

// refineStatus replaces a missing or class-only DSN status ("5.0.0") with
// the specific code its diagnostic gives ("550-5.1.1 …").
func refineStatus(status, diag string) string {
	if status != "" && !strings.HasSuffix(status, ".0.0") {
		return status
	}
	if mm := enhancedStatus.FindStringSubmatch(diag); mm != nil && (status == "" || mm[1][0] == status[0]) {
		return mm[1]
	}
	if mm := smtpCode.FindStringSubmatch(diag); mm != nil {
		if b := basicStatus(mm[1]); status == "" || b != status && b[0] == status[0] {
			return b
		}
	}
	return status
}

// lineAround returns the line holding pos, with the line before it when the
// line alone is too short to explain anything ("<mx.example.com #5.1.1>").
func lineAround(text string, pos int) string {
	start := strings.LastIndexByte(text[:pos], '\n') + 1
	end := len(text)
	if i := strings.IndexByte(text[pos:], '\n'); i >= 0 {
		end = pos + i
	}
	line := strings.TrimSpace(text[start:end])
	if len(line) < 40 && start > 1 {
		prev := strings.TrimRight(text[:start-1], " \t\r\n")
		if p := strings.TrimSpace(prev[strings.LastIndexByte(prev, '\n')+1:]); p != "" {
			line = p + " " + line
		}
	}
	return truncate(strings.Join(strings.Fields(line), " "), 500)
}

// returnedHeader is the header of our message as a report returns it:
// an attached message/rfc822, a text/rfc822-headers part, or an inline copy
// after a text bounce's copy marker. Empty when there is none.
func returnedHeader(m *mailmsg.Inbound) mailmsg.Header {
	var found mailmsg.Header
	m.Root.Walk(func(p *mailmsg.Part) bool {
		if found != nil {
			return false
		}
		switch p.MediaType {
		case "message/rfc822", "message/global":
			if p != m.Root && len(p.Parts) > 0 && len(p.Parts[0].Header) > 0 {
				found = p.Parts[0].Header
			}
			return false
		case "text/rfc822-headers", "message/rfc822-headers", "message/global-headers":
			if h, _ := mailmsg.ParseHeader(trimBlank(p.Body)); len(h) > 0 {
				found = h
			}
			return false
		}
		return true
	})
	if found != nil {
		return found
	}
	if _, copy := diagnosticSection(m.Text); copy != "" {
		h, _ := mailmsg.ParseHeader(trimBlank([]byte(copy)))
		return h
	}
	return nil
}

// originalMessageID is the Message-ID of the returned message, if any.
func originalMessageID(m *mailmsg.Inbound) string {
	if ids := mailmsg.ParseMsgIDs(returnedHeader(m).Get("Message-ID")); len(ids) > 0 {
		return ids[0]
	}
	if mm := bodyMessageID.FindStringSubmatch(m.Text); mm != nil {
		if ids := mailmsg.ParseMsgIDs(mm[1]); len(ids) > 0 {
			return ids[0]
		}
	}
	return ""
}

func trimBlank(b []byte) []byte { return bytes.TrimLeft(b, "\r\n \t") }

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// basicStatus turns an SMTP reply code into the status it stands for: 556
// is RFC 7505's "domain does not accept mail" (null MX, 5.1.10); any other
// gives only its class ("5.0.0").
func basicStatus(code string) string {
	if code == "556" {
		return "5.1.10"
	}
	return code[:1] + ".0.0"
}

// findOwn is Part.Find that does not look inside attached messages: a
// report forwarded by a person as an attachment is not a report to us.
func findOwn(root *mailmsg.Part, types ...string) *mailmsg.Part {
	var found *mailmsg.Part
	root.Walk(func(q *mailmsg.Part) bool {
		if found != nil {
			return false
		}
		for _, t := range types {
			if q.MediaType == t {
				found = q
				return false
			}
		}
		return q == root || (q.MediaType != "message/rfc822" && q.MediaType != "message/global")
	})
	return found
}
