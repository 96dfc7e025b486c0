// Command gen writes the labelled classifier corpus (../*.eml and
// ../labels.json). Run from the repository root:
//
//	go run ./internal/replies/classify/testdata/labelled/gen
//
// Every message is written from a template that follows a published format
// (RFC 3464 delivery reports, RFC 3463 status codes, RFC 5965 feedback
// reports, RFC 3834 automatic replies) or an MTA's or provider's documented
// bounce text, crossed with a table of failure reasons whose hard/soft label
// is decided by the status-code table in docs/bounce-classifier.md. The output
// is deterministic (fixed seed): rerunning gives the same files.
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// label is one entry of labels.json.
type label struct {
	Kind   string `json:"kind"` // bounce | complaint | auto-reply | human
	Hard   *bool  `json:"hard,omitempty"`
	Source string `json:"source"`
	Case   string `json:"case"`
	// Rcpt is the address a bounce or complaint is about, where the
	// message states it.
	Rcpt string `json:"rcpt,omitempty"`
}

var (
	rng    = rand.New(rand.NewSource(15))
	labels = map[string]label{}
	outDir string
	seq    int
	// lastRcpt is the recipient of the message being written.
	lastRcpt string
)

var firsts = []string{"jordan", "priya", "lukas", "ana", "marco", "kim", "olivia", "hiro", "fatima", "noah", "ines", "tomasz", "sofia", "yuki", "liam", "chloe", "omar", "elena", "raj", "mia"}
var lasts = []string{"miles", "shah", "weber", "souza", "rossi", "lee", "brown", "tanaka", "khan", "smith", "garcia", "nowak", "costa", "sato", "murphy", "martin", "haddad", "petrova", "iyer", "jensen"}
var domains = []string{"brightloop.com", "northwind-labs.com", "contoso.com", "fabrikam.de", "initech.example", "globex.example", "tailspintoys.com", "litware.example", "vento-energia.com.br", "kitsune-robotics.jp", "umbrella-corp.example", "wayne-enterprises.example", "pastificio-rossi.it", "hooli.example", "piedpiper.example", "acmewidgets.co.uk", "blueriver.io", "stark-industries.example"}
var companies = []string{"your hiring pipeline", "outbound at {co}", "a quick idea", "your Q1 plans", "intro", "the partnership", "your data stack", "scaling support"}

func pick[T any](xs []T) T { return xs[rng.Intn(len(xs))] }

func hexid(n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[rng.Intn(16)]
	}
	return string(b)
}

// env is what one message is about: our sender, the recipient, our
// original message.
type env struct {
	rcpt, rcptName, rcptDomain string
	ourMsgID, ourSubject       string
	date, ourDate              string
	ip                         string
}

func newEnv(domain string) env {
	f, l := pick(firsts), pick(lasts)
	if domain == "" {
		domain = pick(domains)
	}
	day := 1 + rng.Intn(27)
	hh, mm := 8+rng.Intn(10), rng.Intn(60)
	subj := strings.ReplaceAll(pick(companies), "{co}", strings.Split(domain, ".")[0])
	lastRcpt = f + "." + l + "@" + domain
	return env{
		rcpt:       lastRcpt,
		rcptName:   strings.ToUpper(f[:1]) + f[1:] + " " + strings.ToUpper(l[:1]) + l[1:],
		rcptDomain: domain,
		ourMsgID:   "<" + hexid(24) + "@acme.io>",
		ourSubject: "Quick question about " + subj,
		date:       fmt.Sprintf("Mon, %d Nov 2026 %02d:%02d:%02d +0000", day, hh, mm+0, rng.Intn(60)),
		ourDate:    fmt.Sprintf("Mon, %d Nov 2026 %02d:%02d:00 +0000", day, hh, mm),
		ip:         fmt.Sprintf("203.0.113.%d", 1+rng.Intn(250)),
	}
}

// original is our message's header block as reports return it.
func (e env) original() string {
	return "Return-Path: <sam@acme.io>\r\nFrom: Sam Carter <sam@acme.io>\r\nTo: " + e.rcptName + " <" + e.rcpt + ">\r\nSubject: " + e.ourSubject +
		"\r\nMessage-ID: " + e.ourMsgID + "\r\nDate: " + e.ourDate + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
}

func (e env) originalWithBody() string {
	return e.original() + "\r\nHi " + strings.Fields(e.rcptName)[0] + ",\r\n\r\nI noticed your team is growing. Worth a chat?\r\n\r\nSam\r\n"
}

// part is one MIME part: its Content-Type and body.
type part struct{ ctype, body string }

func multipart(sub, params string, parts ...part) (ctype, body string) {
	b := "b" + hexid(20)
	var sb strings.Builder
	sb.WriteString("This is a MIME-encapsulated message.\r\n\r\n")
	for _, p := range parts {
		sb.WriteString("--" + b + "\r\nContent-Type: " + p.ctype + "\r\n\r\n" + p.body + "\r\n")
	}
	sb.WriteString("--" + b + "--\r\n")
	return "multipart/" + sub + "; boundary=\"" + b + "\"" + params, sb.String()
}

func message(headers, ctype, body string) string {
	if !strings.Contains(headers, "Message-ID:") {
		headers += "Message-ID: <" + hexid(16) + "@mail.example.net>\r\n"
	}
	return headers + "MIME-Version: 1.0\r\nContent-Type: " + ctype + "\r\n\r\n" + body
}

func write(source, cs, kind string, hard *bool, raw string) {
	seq++
	name := fmt.Sprintf("%03d_%s_%s.eml", seq, source, cs)
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	if err := os.WriteFile(filepath.Join(outDir, name), []byte(raw), 0o644); err != nil {
		panic(err)
	}
	l := label{Kind: kind, Hard: hard, Source: source, Case: cs}
	if kind == "bounce" || kind == "complaint" {
		l.Rcpt = lastRcpt
	}
	labels[name] = l
}

func b(v bool) *bool { return &v }

// reason is a failure as a receiving server states it; hard is the
// reference label (see docs/bounce-classifier.md).
type reason struct {
	name   string
	status string // RFC 3463 code the report carries ("" = none)
	smtp   string // the server's reply; {r} is the recipient, {d} its domain, {ip} ours
	hard   bool
	delay  bool // a 4.x.x still being retried
}

var reasons = []reason{
	{"user_unknown_postfix", "5.1.1", "550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table", true, false},
	{"user_unknown_local", "5.1.1", "550 5.1.1 <{r}>: Recipient address rejected: User unknown in local recipient table", true, false},
	{"user_unknown_gmail", "5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.", true, false},
	{"recipient_not_found_o365", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", true, false},
	{"dbeb_access_denied", "5.4.1", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]", true, false},
	{"no_such_user_cpanel", "", "550 No Such User Here", true, false},
	{"sendmail_user_unknown", "5.1.1", "550 5.1.1 <{r}>... User unknown", true, false},
	{"mailbox_not_found_aol", "", "552 1 Requested mail action aborted, mailbox not found", true, false},
	{"invalid_recipient", "5.1.1", "550 5.1.1 Invalid recipient <{r}>", true, false},
	{"mailbox_unavailable", "5.0.0", "550 Requested action not taken: mailbox unavailable", true, false},
	{"address_not_exist_icloud", "5.1.1", "550 5.1.1 <{r}>: user does not exist", true, false},
	{"host_not_found", "5.4.4", "Host or domain name not found. Name service error for name={d} type=A: Host not found", true, false},
	{"host_unknown_sendmail", "5.1.2", "550 5.1.2 {r}... Host unknown (Name server: {d}: host not found)", true, false},
	{"null_mx_postfix", "5.1.10", "Domain {d} does not accept mail (nullMX)", true, false},
	{"null_mx_556", "", "556 5.1.10 <{r}>: Recipient address rejected: Domain {d} does not accept mail", true, false},
	{"null_mx_no_enhanced", "", "556 Domain does not accept mail", true, false},
	{"bad_syntax", "5.1.3", "553 5.1.3 <{r}>... Bad recipient address syntax", true, false},
	{"moved", "5.1.6", "551 5.1.6 User has moved; please try <new.{r}>", true, false},
	{"policy_user_unknown", "5.7.1", "550 5.7.1 <{r}>: Recipient address rejected: User unknown", true, false},
	{"mailbox_full_gmail", "5.2.2", "552-5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm", false, false},
	{"mailbox_full_generic", "5.2.2", "552 5.2.2 <{r}>: Mailbox full", false, false},
	{"quota_o365", "5.2.2", "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded", false, false},
	{"mailbox_full_transient", "4.2.2", "452 4.2.2 The email account that you tried to reach is over quota.", false, true},
	{"disabled", "5.2.1", "550 5.2.1 The email account that you tried to reach is disabled.", false, false},
	{"spam_gmail", "5.7.1", "550-5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.", false, false},
	{"spamhaus", "5.7.1", "554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org", false, false},
	{"dmarc", "5.7.26", "550-5.7.26 Unauthenticated email from acme.io is not accepted due to domain's DMARC policy.", false, false},
	{"ip_banned_o365", "5.7.708", "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.", false, false},
	{"blocklist_o365", "5.7.1", "550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", false, false},
	{"relay_denied", "5.7.1", "554 5.7.1 <{r}>: Relay access denied", false, false},
	{"policy_access_denied", "5.7.1", "554 5.7.1 <{r}>: Recipient address rejected: Access denied", false, false},
	{"filtered", "5.7.1", "550 5.7.1 Message filtered. Please see the rules for sending mail.", false, false},
	{"content_rejected", "5.7.1", "550 5.7.1 Message rejected due to content restrictions", false, false},
	{"not_accepting_from_ip", "5.7.1", "550 5.7.1 {d} does not accept mail from {ip}", false, false},
	{"yahoo_deferred", "4.7.0", "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints", false, true},
	{"greylisted", "4.2.0", "450 4.2.0 <{r}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/{d}.html", false, true},
	{"too_large", "5.3.4", "552 5.3.4 Message size exceeds fixed limit", false, false},
	{"expired", "4.4.7", "Message expired, connection timed out", false, true},
	{"conn_refused", "4.4.1", "connect to mx.{d}[198.51.100.7]:25: Connection refused", false, true},
	{"system_full", "5.3.2", "552 5.3.2 Requested mail action aborted: exceeded storage allocation", false, false},
}

func (r reason) text(e env) string {
	s := strings.ReplaceAll(r.smtp, "{r}", e.rcpt)
	s = strings.ReplaceAll(s, "{d}", e.rcptDomain)
	return strings.ReplaceAll(s, "{ip}", e.ip)
}

// code is the status a report shows: the enhanced code, or for reasons
// without one the SMTP reply's class.
func (r reason) code() string {
	if r.status != "" {
		return r.status
	}
	if strings.HasPrefix(r.smtp, "4") {
		return "4.0.0"
	}
	return "5.0.0"
}

func (r reason) action() string {
	if r.delay {
		return "delayed"
	}
	return "failed"
}

// dsn is a message/delivery-status body for one recipient.
func dsn(mta string, e env, r reason, diagType string) string {
	diag := r.text(e)
	if diagType == "" {
		diagType = "smtp"
	}
	return "Reporting-MTA: dns; " + mta + "\r\nArrival-Date: " + e.ourDate + "\r\n\r\nFinal-Recipient: rfc822; " + e.rcpt +
		"\r\nOriginal-Recipient: rfc822;" + e.rcpt + "\r\nAction: " + r.action() + "\r\nStatus: " + r.code() +
		"\r\nRemote-MTA: dns; mx1." + e.rcptDomain + "\r\nDiagnostic-Code: " + diagType + "; " + diag + "\r\n"
}

// ---- bounce formats ------------------------------------------------------

func postfix(e env, r reason) string {
	host := "mail" + fmt.Sprint(rng.Intn(9)) + ".acme.io"
	subj := "Undelivered Mail Returned to Sender"
	intro := "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below."
	if r.delay {
		subj = "Delayed Mail (still being retried)"
		intro = "####################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n\nYour message could not be delivered for more than 4 hour(s).\nIt will be retried until it is 5 day(s) old."
	}
	diagType := "smtp"
	if r.name == "host_not_found" || r.name == "null_mx_postfix" || r.name == "conn_refused" {
		diagType = "X-Postfix"
	}
	text := "This is the mail system at host " + host + ".\n\n" + intro + "\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<" + e.rcpt + ">: host mx1." + e.rcptDomain + "[198.51.100.7] said: " + r.text(e) + " (in reply to RCPT TO command)\n"
	ct, body := multipart("report", "; report-type=delivery-status",
		part{"text/plain; charset=us-ascii", text},
		part{"message/delivery-status", dsn(host, e, r, diagType)},
		part{"text/rfc822-headers", e.original()})
	return message("Return-Path: <>\nFrom: MAILER-DAEMON@"+host+" (Mail Delivery System)\nTo: sam@acme.io\nSubject: "+subj+"\nAuto-Submitted: auto-replied\nDate: "+e.date+"\n", ct, body)
}

func exim(e env, r reason) string {
	host := "server" + fmt.Sprint(rng.Intn(90)) + ".hosting.example"
	perm := "This is a permanent error. The following address(es) failed:"
	subj := "Mail delivery failed: returning message to sender"
	if r.delay {
		perm = "This message has not yet been delivered. No action is required on your part.\nDelivery attempts will continue for some time, and this warning may be\nrepeated at intervals if the message remains undelivered.\nThe following address(es) have not yet been delivered:"
		subj = "Warning: message 1wQ2xY-000" + hexid(4) + " delayed 24 hours"
	}
	body := "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. " + perm + "\n\n  " + e.rcpt + "\n    host mx1." + e.rcptDomain + " [198.51.100.7]\n    SMTP error from remote mail server after RCPT TO:<" + e.rcpt + ">:\n    " + r.text(e) + "\n\n------ This is a copy of the message, including all the headers. ------\n\n" + e.originalWithBody()
	h := "Return-path: <>\nFrom: Mail Delivery System <Mailer-Daemon@" + host + ">\nTo: sam@acme.io\nSubject: " + subj + "\nAuto-Submitted: auto-replied\nDate: " + e.date + "\n"
	if !r.delay {
		h += "X-Failed-Recipients: " + e.rcpt + "\n"
	}
	return message(h, "text/plain; charset=us-ascii", body)
}

func sendmail(e env, r reason) string {
	host := "relay.acme-mail.example"
	head := "   ----- The following addresses had permanent fatal errors -----\n<" + e.rcpt + ">\n    (reason: " + r.text(e) + ")\n\n   ----- Transcript of session follows -----\n... while talking to mx1." + e.rcptDomain + ".:\n>>> RCPT To:<" + e.rcpt + ">\n<<< " + r.text(e) + "\n"
	subj := "Returned mail: see transcript for details"
	if r.delay {
		head = "    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      **\n    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n\nThe original message was received at " + e.ourDate + "\n\n   ----- Transcript of session follows -----\n<" + e.rcpt + ">... Deferred: " + r.text(e) + "\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n"
		subj = "Warning: could not send message for past 4 hours"
	}
	ct, body := multipart("report", "; report-type=delivery-status",
		part{"text/plain", "The original message was received at " + e.ourDate + "\nfrom localhost [127.0.0.1]\n\n" + head},
		part{"message/delivery-status", dsn(host, e, r, "SMTP")},
		part{"message/rfc822", e.originalWithBody()})
	return message("From: Mail Delivery Subsystem <MAILER-DAEMON@"+host+">\nTo: <sam@acme.io>\nSubject: "+subj+"\nAuto-Submitted: auto-generated (failure)\nDate: "+e.date+"\n", ct, body)
}

func qmail(e env, r reason) string {
	st := r.code()
	body := "Hi. This is the qmail-send program at mail.hosting.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<" + e.rcpt + ">:\n198.51.100.7 does not like recipient.\nRemote host said: " + r.text(e) + "\nGiving up on 198.51.100.7.\n\n--- Below this line is a copy of the message.\n\n" + e.originalWithBody()
	switch r.name {
	case "user_unknown_local", "no_such_user_cpanel":
		body = strings.Replace(body, "198.51.100.7 does not like recipient.\nRemote host said: "+r.text(e)+"\nGiving up on 198.51.100.7.", "Sorry, no mailbox here by that name. (#5.1.1)", 1)
	case "host_unknown_sendmail":
		body = strings.Replace(body, "198.51.100.7 does not like recipient.\nRemote host said: "+r.text(e)+"\nGiving up on 198.51.100.7.", "Sorry, I couldn't find any host named "+e.rcptDomain+". (#5.1.2)", 1)
		st = "5.1.2"
	case "mailbox_full_generic":
		body = strings.Replace(body, "198.51.100.7 does not like recipient.\nRemote host said: "+r.text(e)+"\nGiving up on 198.51.100.7.", "user is over quota (#5.2.2)", 1)
	}
	_ = st
	return message("Return-Path: <>\nFrom: MAILER-DAEMON@mail.hosting.example\nTo: sam@acme.io\nSubject: failure notice\nDate: "+e.date+"\n", "text/plain", body)
}

func o365(e env, r reason) string {
	what := "Your message to " + e.rcpt + " couldn't be delivered."
	text := "Delivery has failed to these recipients or groups:\n\n" + e.rcpt + "\n" + what + "\n\nDiagnostic information for administrators:\n\nGenerating server: AM0PR04MB" + hexid(4) + ".eurprd04.prod.outlook.com\n\n" + e.rcpt + "\nRemote Server returned '" + r.text(e) + "'\n\nOriginal message headers:\n\n" + e.original()
	subj := "Undeliverable: " + e.ourSubject
	if r.delay {
		subj = "Delivery delayed:" + e.ourSubject
		text = "Delivery is delayed to these recipients or groups:\n\n" + e.rcpt + "\n\nThis message hasn't been delivered yet. Delivery will continue to be attempted.\n\nThe server will keep trying to deliver this message for the next 1 days, 19 hours and 52 minutes. You'll be notified if the message can't be delivered by that time.\n\nDiagnostic information for administrators:\n\n" + e.rcpt + "\nServer at " + e.rcptDomain + " returned '" + r.text(e) + "'\n"
	}
	ct2, alt := multipart("alternative", "", part{"text/plain; charset=\"us-ascii\"", text}, part{"text/html; charset=\"us-ascii\"", "<html><body><p>" + what + "</p></body></html>"})
	ct, body := multipart("report", "; report-type=delivery-status",
		part{ct2, alt},
		part{"message/delivery-status", dsn("AM0PR04MB7156.eurprd04.prod.outlook.com", e, r, "smtp")},
		part{"message/rfc822", e.originalWithBody()})
	return message("From: Microsoft Outlook <postmaster@"+pick([]string{"outlook.com", "contoso.onmicrosoft.com", "acme.io"})+">\nTo: <sam@acme.io>\nSubject: "+subj+"\nThread-Topic: "+e.ourSubject+"\nX-MS-Exchange-Message-Is-Ndr: \nAuto-Submitted: auto-replied\nDate: "+e.date+"\n", ct, body)
}

func exchangeLegacy(e env, r reason) string {
	body := "Your message did not reach some or all of the intended recipients.\n\n      Subject:\t" + e.ourSubject + "\n      Sent:\t" + e.ourDate + "\n\nThe following recipient(s) cannot be reached:\n\n      " + e.rcptName + " on " + e.ourDate + "\n            " + r.text(e) + "\n            <" + e.rcpt + ">\n"
	return message("From: System Administrator <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@"+e.rcptDomain+">\nTo: Sam Carter <sam@acme.io>\nSubject: Undeliverable: "+e.ourSubject+"\nDate: "+e.date+"\n", "text/plain; charset=\"us-ascii\"", body)
}

func gmail(e env, r reason) string {
	title, lead := "Address not found", "Your message wasn't delivered to "+e.rcpt+" because the address couldn't be found, or is unable to receive mail."
	subj := "Delivery Status Notification (Failure)"
	if !r.hard {
		title, lead = "Message not delivered", "There was a problem delivering your message to "+e.rcpt+". See the technical details below."
	}
	if r.delay {
		title, lead = "Message delayed", "Your message to "+e.rcpt+" has been delayed. See the technical details below."
		subj = "Delivery Status Notification (Delay)"
	}
	if strings.HasPrefix(r.name, "host_") || strings.HasPrefix(r.name, "null_mx") {
		title, lead = "Address not found", "Your message wasn't delivered to "+e.rcpt+" because the domain "+e.rcptDomain+" couldn't be found. Check for typos or unnecessary spaces and try again."
	}
	text := "\n** " + title + " **\n\n" + lead + "\n\nThe response was:\n\n" + r.text(e) + "\n"
	ct, body := multipart("report", "; report-type=delivery-status",
		part{"text/plain; charset=\"UTF-8\"", text},
		part{"message/delivery-status", dsn("googlemail.com", e, r, "smtp")},
		part{"message/rfc822", e.originalWithBody()})
	return message("Return-Path: <>\nFrom: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: sam@acme.io\nAuto-Submitted: auto-replied\nSubject: "+subj+"\nReferences: "+e.ourMsgID+"\nIn-Reply-To: "+e.ourMsgID+"\nX-Failed-Recipients: "+e.rcpt+"\nDate: "+e.date+"\n", ct, body)
}

func yahoo(e env, r reason) string {
	body := "Sorry, we were unable to deliver your message to the following address.\n\n<" + e.rcpt + ">:\n" + r.text(e) + "\n\n--- Below this line is a copy of the message.\n\n" + e.originalWithBody()
	return message("From: MAILER-DAEMON@yahoo.com\nTo: sam@acme.io\nSubject: Failure Notice\nDate: "+e.date+"\n", "text/plain", body)
}

func verizon(e env, r reason) string {
	body := "This Message was undeliverable due to the following reason:\n\nEach of the following recipients was rejected by a remote mail server.\nThe reasons given by the server are included to help you determine why\neach recipient was rejected.\n\n    Recipient: <" + e.rcpt + ">\n    Reason:    " + r.text(e) + "\n\nPlease reply to Postmaster@vzwpix.com\nif you feel this message to be in error.\n\n" + e.originalWithBody()
	return message("From: Mail Administrator <Postmaster@vzwpix.com>\nReply-To: <Postmaster@vzwpix.com>\nTo: sam@acme.io\nSubject: Mail System Error - Returned Mail\nDate: "+e.date+"\n", "text/plain", body)
}

func kddi(e env, r reason) string {
	why := "Due to the following SMTP relay error: " + r.text(e)
	switch {
	case r.name == "mailbox_full_generic" || r.name == "mailbox_full_gmail":
		why = "As their mailbox is full."
	case r.name == "user_unknown_local":
		why = "As their mailbox is not found."
	}
	body := "Your mail sent on: " + e.ourDate + "\n   Could not be delivered to: <" + e.rcpt + ">\n   " + why + "\n\n" + e.original()
	return message("From: Mail Delivery Subsystem <MAILER-DAEMON@ezweb.ne.jp>\nTo: sam@acme.io\nSubject: Mail System Error - Returned Mail\nDate: "+e.date+"\n", "text/plain; charset=\"iso-2022-jp\"", body)
}

func james(e env, r reason) string {
	body := "Hi. This is the James mail server at mail.acme-james.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.  Below\nI include the list of recipients and the reason why I was unable to deliver\nyour message.\n\nFailed recipient(s):\n" + e.rcpt + "\n\nError message:\n" + r.text(e) + "\n\n"
	ct, bd := multipart("mixed", "", part{"text/plain; charset=us-ascii", body}, part{"message/rfc822", e.originalWithBody()})
	from := pick([]string{"postmaster@mail.acme-james.example", "James Mail Server <james@mail.acme-james.example>"})
	return message("From: "+from+"\nTo: sam@acme.io\nSubject: [BOUNCE]\nDate: "+e.date+"\n", ct, bd)
}

func opensmtpd(e env, r reason) string {
	what := "An error has occurred while attempting to deliver a message for\nthe following list of recipients:"
	subj := "Delivery status notification: error"
	if r.delay {
		what = "A message is delayed for more than 4 hours for the following\nlist of recipients:"
		subj = "Delivery status notification: delay"
	}
	body := "Hi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\n\n" + what + "\n\n" + e.rcpt + ": " + r.text(e) + "\n\nBelow is a copy of the original message:\n\n" + e.originalWithBody()
	return message("From: Mailer Daemon <MAILER-DAEMON@mx.openbsd-host.example>\nTo: sam@acme.io\nSubject: "+subj+"\nDate: "+e.date+"\n", "text/plain; charset=us-ascii", body)
}

func fml(e env, r reason) string {
	ml := "sales-team@lists." + e.rcptDomain
	body := "Your mail to <" + ml + "> was rejected.\nYou (sam@acme.io) are not a member of this mailing list;\nonly members may post.\n\nIf you have any questions or problems,\n   please contact " + strings.Replace(ml, "@", "-admin@", 1) + "\n\n" + e.original()
	return message("From: "+strings.Replace(ml, "@", "-admin@", 1)+"\nTo: sam@acme.io\nSubject: Rejected: "+e.ourSubject+"\nX-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\nX-ML-Info: If you have a question, send e-mail with the body\n \"help\" (without quotes) to the address "+strings.Replace(ml, "@", "-ctl@", 1)+"\nPrecedence: bulk\nDate: "+e.date+"\n", "text/plain; charset=us-ascii", body)
}

func fmlError(e env) string {
	ml := "info@lists." + e.rcptDomain
	body := "fml system error message: your mail could not be delivered.\n\n>>> " + e.ourSubject + "\n\tunknown user " + e.rcpt + "\n\n" + e.original()
	return message("From: "+strings.Replace(ml, "@", "-admin@", 1)+"\nTo: sam@acme.io\nSubject: fml system error message\nX-MLServer: fml [fml 8.0]\nDate: "+e.date+"\n", "text/plain", body)
}

func sesDSN(e env, r reason) string {
	text := "An error occurred while trying to deliver the mail to the following recipients:\n" + e.rcpt + "\n"
	ct, body := multipart("report", "; report-type=delivery-status",
		part{"text/plain; charset=UTF-8", text},
		part{"message/delivery-status", dsn("a27-33.smtp-out.us-west-2.amazonses.com", e, r, "smtp")},
		part{"message/rfc822", e.originalWithBody()})
	return message("From: MAILER-DAEMON@amazonses.com\nTo: sam@acme.io\nSubject: Delivery Status Notification (Failure)\nDate: "+e.date+"\n", ct, body)
}

// sesJSON is an Amazon SES notification as its SNS email subscription
// delivers it: the notification JSON inside an SNS envelope.
func sesJSON(e env, notification map[string]any, envelope bool) string {
	inner, _ := json.MarshalIndent(notification, "", "  ")
	body := string(inner)
	if envelope {
		outer := map[string]any{
			"Type": "Notification", "MessageId": hexid(8) + "-" + hexid(4) + "-" + hexid(4) + "-" + hexid(12),
			"TopicArn": "arn:aws:sns:us-east-1:123456789012:ses-feedback", "Message": string(inner),
			"Timestamp": "2026-11-20T09:31:15.000Z", "SignatureVersion": "1",
		}
		o, _ := json.MarshalIndent(outer, "", "  ")
		body = string(o)
	}
	body += "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\nhttps://sns.us-east-1.amazonaws.com/unsubscribe.html?SubscriptionArn=arn:aws:sns:us-east-1:123456789012:ses-feedback:" + hexid(8) + "\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support\n"
	return message("From: AWS Notifications <no-reply@sns.amazonaws.com>\nTo: ops@acme.io\nSubject: AWS Notification Message\nDate: "+e.date+"\n", "text/plain; charset=UTF-8", body)
}

func sesMail(e env) map[string]any {
	return map[string]any{
		"timestamp": "2026-11-20T09:31:10.000Z", "source": "sam@acme.io", "messageId": hexid(16) + "-" + hexid(8),
		"destination": []string{e.rcpt}, "headersTruncated": false,
		"commonHeaders": map[string]any{"from": []string{"Sam Carter <sam@acme.io>"}, "to": []string{e.rcpt}, "messageId": e.ourMsgID, "subject": e.ourSubject},
	}
}

// ---- complaints ----------------------------------------------------------

func arf(e env, feedbackType, ua, from string, extra string) string {
	fr := "Feedback-Type: " + feedbackType + "\r\nUser-Agent: " + ua + "\r\nVersion: 1\r\nOriginal-Mail-From: <bounces+" + hexid(6) + "@acme.io>\r\nOriginal-Rcpt-To: <" + e.rcpt + ">\r\nArrival-Date: " + e.ourDate + "\r\nSource-IP: " + e.ip + "\r\nReported-Domain: acme.io\r\n" + extra
	ct, body := multipart("report", "; report-type=feedback-report",
		part{"text/plain; charset=\"US-ASCII\"", "This is an email abuse report for an email message received from IP " + e.ip + " on " + e.ourDate + ".\nFor more information about this format please see http://www.mipassoc.org/arf/.\n"},
		part{"message/feedback-report", fr},
		part{"message/rfc822", e.originalWithBody()})
	return message("From: "+from+"\nTo: fbl@acme.io\nSubject: FW: "+e.ourSubject+"\nDate: "+e.date+"\n", ct, body)
}

// ---- auto-replies and humans ---------------------------------------------

func plain(from, subject, extra, body string, e env) string {
	return message("From: "+from+"\nTo: Sam Carter <sam@acme.io>\nSubject: "+subject+"\nDate: "+e.date+"\nIn-Reply-To: "+e.ourMsgID+"\nReferences: "+e.ourMsgID+"\n"+extra, "text/plain; charset=utf-8", body)
}

func quoted(e env) string {
	return "\n\nOn " + e.ourDate + ", Sam Carter <sam@acme.io> wrote:\n> Hi " + strings.Fields(e.rcptName)[0] + ",\n>\n> I noticed your team is growing. Worth a chat?\n>\n> Sam\n"
}

func main() {
	outDir = "internal/replies/classify/testdata/labelled"
	if len(os.Args) > 1 {
		outDir = os.Args[1]
	}
	old, _ := filepath.Glob(filepath.Join(outDir, "*.eml"))
	for _, f := range old {
		_ = os.Remove(f)
	}

	// Bounces: every vendor format crossed with the reasons it plausibly
	// sends (each vendor gets a sample of the table so the corpus stays a
	// few hundred messages).
	type vendor struct {
		name   string
		render func(env, reason) string
		n      int
		domain string
	}
	vendors := []vendor{
		{"postfix", postfix, 24, ""},
		{"exim", exim, 20, ""},
		{"sendmail", sendmail, 16, ""},
		{"qmail", qmail, 14, ""},
		{"o365", o365, 22, ""},
		{"exchange2007", exchangeLegacy, 8, ""},
		{"gmail", gmail, 20, "gmail.com"},
		{"yahoo", yahoo, 8, "yahoo.com"},
		{"verizon", verizon, 8, "verizon.net"},
		{"kddi", kddi, 8, "ezweb.ne.jp"},
		{"james", james, 12, ""},
		{"opensmtpd", opensmtpd, 14, ""},
		{"ses_dsn", sesDSN, 12, ""},
	}
	for _, v := range vendors {
		perm := rng.Perm(len(reasons))
		for i := 0; i < v.n; i++ {
			r := reasons[perm[i%len(perm)]]
			if r.delay && (v.name == "qmail" || v.name == "yahoo" || v.name == "verizon" || v.name == "kddi" || v.name == "james" || v.name == "exchange2007" || v.name == "ses_dsn") {
				continue // these formats only report final failures
			}
			e := newEnv(v.domain)
			if v.domain == "" || strings.HasPrefix(r.name, "host_") || strings.HasPrefix(r.name, "null_mx") {
				e = newEnv("")
			}
			write(v.name, r.name, "bounce", b(r.hard), v.render(e, r))
		}
	}
	// Vendor texts that are not in the reason table.
	for i := 0; i < 4; i++ {
		e := newEnv("yahoo.com")
		write("yahoo", "no_account", "bounce", b(true), yahoo(e, reason{smtp: "554: delivery error: dd This user doesn't have a yahoo.com account (" + e.rcpt + ") [0] - mta1234.mail.gq1.yahoo.com", hard: true}))
		e = newEnv("verizon.net")
		write("verizon", "disabled", "bounce", b(false), verizon(e, reason{smtp: "554 delivery error: dd Sorry your message to " + e.rcpt + " cannot be delivered. This mailbox is disabled (554.30). - mta1001.mail.bf1.yahoo.com"}))
		e = newEnv("")
		write("fml", "not_member", "bounce", b(false), fml(e, reason{}))
		e = newEnv("")
		write("fml", "system_error_unknown_user", "bounce", b(true), fmlError(e))
		e = newEnv("au.com")
		write("kddi", "mailbox_full", "bounce", b(false), kddi(e, reason{name: "mailbox_full_generic"}))
		e = newEnv("ezweb.ne.jp")
		write("kddi", "not_found", "bounce", b(true), kddi(e, reason{name: "user_unknown_local"}))
	}
	// Amazon SES notifications (SNS email subscription).
	sesBounces := []struct {
		typ, sub, status, diag string
		hard                   bool
	}{
		{"Permanent", "General", "5.1.1", "smtp; 550 5.1.1 user unknown", true},
		{"Permanent", "NoEmail", "5.1.1", "smtp; 550 5.1.1 <{r}>: Recipient address rejected: User unknown", true},
		{"Permanent", "Suppressed", "5.1.1", "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.", true},
		{"Permanent", "OnAccountSuppressionList", "5.1.1", "Amazon SES did not send the message to this address because it is on the suppression list for your account.", true},
		{"Transient", "MailboxFull", "5.2.2", "smtp; 552 5.2.2 Mailbox full", false},
		{"Transient", "MessageTooLarge", "5.3.4", "smtp; 552 5.3.4 Message too big", false},
		{"Transient", "ContentRejected", "5.7.1", "smtp; 550 5.7.1 Message rejected due to content", false},
		{"Transient", "General", "4.4.7", "smtp; 421 4.4.7 Message expired", false},
		{"Undetermined", "Undetermined", "", "", false},
	}
	for i, sb := range sesBounces {
		for j := 0; j < 3; j++ {
			e := newEnv("")
			rc := map[string]any{"emailAddress": e.rcpt}
			if sb.status != "" {
				rc["action"] = "failed"
				rc["status"] = sb.status
				rc["diagnosticCode"] = strings.ReplaceAll(sb.diag, "{r}", e.rcpt)
			}
			n := map[string]any{"notificationType": "Bounce", "bounce": map[string]any{
				"bounceType": sb.typ, "bounceSubType": sb.sub, "bouncedRecipients": []any{rc},
				"timestamp": "2026-11-20T09:31:15.000Z", "feedbackId": hexid(16) + "-" + hexid(8), "reportingMTA": "dsn; a27-33.smtp-out.us-west-2.amazonses.com",
			}, "mail": sesMail(e)}
			write("ses_sns", strings.ToLower(sb.typ+"_"+sb.sub), "bounce", b(sb.hard), sesJSON(e, n, (i+j)%2 == 0))
		}
	}
	for _, ft := range []string{"abuse", "abuse", "fraud", "virus", "other", "", "abuse", "not-spam"} {
		e := newEnv("")
		c := map[string]any{"complainedRecipients": []any{map[string]any{"emailAddress": e.rcpt}}, "timestamp": "2026-11-20T10:00:00.000Z", "feedbackId": hexid(16), "userAgent": "Yahoo!-Mail-Feedback/2.0", "arrivalDate": "2026-11-20T09:31:10.000Z"}
		if ft != "" {
			c["complaintFeedbackType"] = ft
		}
		kind := "complaint"
		if ft == "not-spam" {
			kind = "auto-reply"
		}
		write("ses_sns", "complaint_"+cmpOr(ft, "none"), kind, nil, sesJSON(e, map[string]any{"notificationType": "Complaint", "complaint": c, "mail": sesMail(e)}, rng.Intn(2) == 0))
	}
	for i := 0; i < 3; i++ {
		e := newEnv("")
		n := map[string]any{"notificationType": "Delivery", "delivery": map[string]any{"timestamp": "2026-11-20T09:31:12.000Z", "recipients": []string{e.rcpt}, "smtpResponse": "250 2.6.0 Message received", "reportingMTA": "a8-70.smtp-out.amazonses.com"}, "mail": sesMail(e)}
		write("ses_sns", "delivery", "auto-reply", nil, sesJSON(e, n, true))
	}

	// Complaints: RFC 5965 feedback reports from the big feedback loops.
	fbls := []struct{ src, ua, from, extra string }{
		{"yahoo", "Yahoo!-Mail-Feedback/2.0", "feedback@arf.mail.yahoo.com", ""},
		{"aol", "AOL SComp", "scomp@aol.net", ""},
		{"comcast", "Comcast Feedback Loop (V0.01)", "feedbackloop@comcastfbl.senderscore.net", ""},
		{"fastmail", "Fastmail/1.0", "abuse@fastmail.com", "Original-Envelope-Id: " + hexid(10) + "\r\n"},
		{"yandex", "Yandex FBL/1.0", "fbl@yandex-team.ru", "X-Yandex-FBL: 1\r\n"},
		{"mailru", "Mail.Ru Feedback Loop", "fbl@corp.mail.ru", ""},
		{"ses_arf", "Amazon SES Feedback Loop", "complaints@email-abuse.amazonses.com", "Feedback-ID: " + hexid(16) + "\r\n"},
		{"rfc5965", "SomeGenerator/1.0", "arf@mailbox-provider.example", "Authentication-Results: mail.example.com; spf=pass smtp.mail=acme.io\r\nReported-Uri: http://acme.io/u/" + hexid(6) + "\r\n"},
	}
	for _, f := range fbls {
		for _, ft := range []string{"abuse", "abuse", "fraud", "other"} {
			e := newEnv("")
			write("arf_"+f.src, ft, "complaint", nil, arf(e, ft, f.ua, f.from, f.extra))
		}
	}
	// Feedback reports that bend RFC 5965: no report-type parameter, the
	// report part as text/plain, automatic-message headers on top.
	for i := 0; i < 8; i++ {
		e := newEnv("")
		raw := arf(e, "abuse", "ISP-FBL/0.9", "fbl@isp"+fmt.Sprint(i)+".example", "")
		raw = strings.Replace(raw, "; report-type=feedback-report", "", 1)
		if i%2 == 0 {
			raw = strings.Replace(raw, "Content-Type: message/feedback-report", "Content-Type: text/plain; name=\"feedback-report.txt\"", 1)
		}
		raw = strings.Replace(raw, "Subject: FW: ", "Auto-Submitted: auto-generated\r\nSubject: Abuse report: ", 1)
		write("arf_nonstandard", fmt.Sprint("variant", i%4), "complaint", nil, raw)
	}
	for i := 0; i < 8; i++ {
		e := newEnv("hotmail.com")
		ct, body := multipart("mixed", "", part{"text/plain", "This is a Junk Mail Reporting Program report from Outlook.com.\n"}, part{"message/rfc822", e.originalWithBody()})
		write("jmrp_outlook", "complaint", "complaint", nil, message("From: staff@hotmail.com\nTo: fbl@acme.io\nSubject: complaint about message from "+e.ip+"\nX-HmXmrOriginalRecipient: <"+e.rcpt+">\nDate: "+e.date+"\n", ct, body))
	}
	for i := 0; i < 3; i++ {
		e := newEnv("")
		write("arf_dmarc", "auth_failure", "auto-reply", nil, arf(e, "auth-failure", "DMARC-Reporter/1.0", "dmarc@receiver.example", "Auth-Failure: dmarc\r\n"))
	}

	// Delivery reports that report success: automatic messages.
	for i := 0; i < 6; i++ {
		e := newEnv("")
		r := reason{status: "2.0.0", smtp: "250 2.0.0 OK " + hexid(10)}
		d := strings.Replace(dsn("mail.acme.io", e, r, "smtp"), "Action: failed", "Action: "+pick([]string{"delivered", "relayed", "expanded"}), 1)
		ct, body := multipart("report", "; report-type=delivery-status", part{"text/plain", "This is the mail system at host mail.acme.io.\n\nYour message was successfully delivered to the destination(s)\nlisted below.\n"}, part{"message/delivery-status", d}, part{"text/rfc822-headers", e.original()})
		write("dsn", "success", "auto-reply", nil, message("From: MAILER-DAEMON@mail.acme.io (Mail Delivery System)\nTo: sam@acme.io\nSubject: Successful Mail Delivery Report\nAuto-Submitted: auto-replied\nDate: "+e.date+"\n", ct, body))
	}
	// Read receipts (RFC 8098): automatic.
	for i := 0; i < 4; i++ {
		e := newEnv("")
		ct, body := multipart("report", "; report-type=disposition-notification", part{"text/plain", "This is a receipt for the mail you sent to " + e.rcpt + " at " + e.ourDate + "\n\nThis receipt verifies that the message has been displayed on the recipient's computer."}, part{"message/disposition-notification", "Reporting-UA: " + e.rcptDomain + "; Thunderbird\r\nFinal-Recipient: rfc822;" + e.rcpt + "\r\nOriginal-Message-ID: " + e.ourMsgID + "\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n"})
		write("mdn", "read_receipt", "auto-reply", nil, message("From: "+e.rcptName+" <"+e.rcpt+">\nTo: sam@acme.io\nSubject: Read: "+e.ourSubject+"\nDate: "+e.date+"\n", ct, body))
	}

	// Automatic replies (RFC 3834 and the de-facto forms).
	oooBodies := []string{
		"I am out of the office until Monday, December 7, with limited access to email. For urgent matters please contact support@{d}.",
		"Thank you for your email. I'm currently on annual leave and will respond when I return on 14 December.",
		"Ich bin bis zum 10.12. nicht im Büro. In dringenden Fällen wenden Sie sich bitte an info@{d}.",
		"Je suis absent du bureau jusqu'au 8 décembre. En cas d'urgence, contactez accueil@{d}.",
		"Estoy fuera de la oficina hasta el 9 de diciembre con acceso limitado al correo.",
		"Ik ben afwezig tot 11 december. Bij dringende zaken kunt u mailen naar info@{d}.",
		"Sono fuori ufficio fino al 7 dicembre. Per urgenze scrivere a info@{d}.",
		"I'm away on parental leave until January. Please contact my colleague at hello@{d}.",
	}
	autoForms := []struct{ name, subj, hdr string }{
		{"exchange", "Automatic reply: {s}", "X-MS-Exchange-Inbox-Rules-Loop: {r}\nAuto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n"},
		{"gmail_vacation", "{s}", "Auto-Submitted: auto-replied\nPrecedence: bulk\n"},
		{"sieve_vacation", "Auto: {s}", "Auto-Submitted: auto-replied (vacation)\n"},
		{"ooo_subject", "Out of Office: {s}", ""},
		{"x_autoreply", "Re: {s}", "X-Autoreply: yes\n"},
		{"abwesenheit", "Abwesenheitsnotiz: {s}", ""},
		{"absence_fr", "Réponse automatique : {s}", ""},
		{"body_only", "Re: {s}", ""},
	}
	for i := 0; i < 40; i++ {
		e := newEnv("")
		f := autoForms[i%len(autoForms)]
		body := strings.ReplaceAll(oooBodies[(i/len(autoForms)+i)%len(oooBodies)], "{d}", e.rcptDomain)
		if f.name == "body_only" {
			body = "I am currently out of the office until 12 December with limited access to email. I will reply upon my return."
		}
		subj := strings.ReplaceAll(f.subj, "{s}", e.ourSubject)
		hdr := strings.ReplaceAll(f.hdr, "{r}", e.rcpt)
		write("autoreply", f.name, "auto-reply", nil, plain(e.rcptName+" <"+e.rcpt+">", subj, hdr, body+"\n", e))
	}
	tickets := []struct{ name, from, subj, hdr, body string }{
		{"zendesk", "Support <support@{d}>", "[{D}] Re: {s}", "Auto-Submitted: auto-generated\nX-Mailer: Zendesk Mailer\n", "Your request (48213) has been received and is being reviewed by our support staff.\n\nTo add additional comments, reply to this email."},
		{"freshdesk", "Helpdesk <help@{d}>", "Ticket Received - {s}", "X-Autoreply: true\n", "Thank you for contacting us. This is an automated response confirming the receipt of your ticket. Ticket #90122."},
		{"noreply", "no-reply@{d}", "Thanks for reaching out", "Precedence: auto_reply\n", "We have received your message and will get back to you within 2 business days. Please do not reply to this email."},
		{"autoack", "info@{d}", "Automatic reply: {s}", "", "Thank you for your e-mail. We have received your message and a member of our team will be in touch."},
		{"hubspot_ack", "Sales <sales@{d}>", "We got your message", "Auto-Submitted: auto-replied\n", "This is an automated message. Someone from our team will reply shortly."},
	}
	for i := 0; i < 20; i++ {
		e := newEnv("")
		t := tickets[i%len(tickets)]
		rp := strings.NewReplacer("{d}", e.rcptDomain, "{D}", strings.ToUpper(e.rcptDomain[:1])+strings.Split(e.rcptDomain, ".")[0][1:], "{s}", e.ourSubject)
		write("autoreply", t.name, "auto-reply", nil, plain(rp.Replace(t.from), rp.Replace(t.subj), t.hdr, rp.Replace(t.body)+"\n", e))
	}

	// Human replies, many of which quote or talk about bounces.
	humans := []struct{ name, from, subj, hdr, body string }{
		{"interested", "{n} <{r}>", "Re: {s}", "", "Hi Sam,\n\nYes, happy to chat. Does Thursday at 3pm work?\n\nBest,\n{f}{q}"},
		{"not_now", "{n} <{r}>", "Re: {s}", "", "Not a priority this quarter, maybe ping me in March.{q}"},
		{"colleague_bounced", "{n} <{r}>", "Re: {s}", "", "Hi Sam, I tried to forward this to my colleague Tom but it came back as undeliverable - he left last month. Try maria@{d} instead.{q}"},
		{"wasnt_delivered_words", "{n} <{r}>", "Re: {s}", "", "Your message wasn't delivered to our CEO because he does not read this inbox. Your message couldn't be delivered to the right person, so I'm answering instead.{q}"},
		{"pastes_ndr", "{n} <{r}>", "Re: {s}", "", "FYI when I replied to your colleague I got this:\n\n  Delivery has failed to these recipients or groups:\n  jane@acme.io\n  550 5.1.1 User unknown\n\nIs there another address?{q}"},
		{"forward_subject", "{n} <{r}>", "Fwd: Undeliverable: {s}", "", "Sam - this bounced from our old domain, see below. Use {r} from now on.\n\n---------- Forwarded message ---------\nFrom: Microsoft Outlook <postmaster@old-{d}>\nSubject: Undeliverable: {s}\n\nDelivery has failed to these recipients or groups:\n\nold.{r}\nThe email address you entered couldn't be found.\n\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'\n"},
		{"subject_undeliverable_question", "{n} <{r}>", "Undeliverable emails from your tool?", "", "Hi Sam, a few of our people say your emails to them end up undeliverable or in spam. Is anything wrong on your side? Thanks, {f}"},
		{"postmaster_human", "Postmaster <postmaster@{d}>", "Re: {s}", "", "Hello,\n\nI run the mail here. Please stop writing to our staff, we are not interested.\n\nRegards,\nIT{q}"},
		{"mail_delivery_failed_words", "{n} <{r}>", "Re: {s}", "", "Mail delivery failed for my last two replies to you, not sure why. Trying again: yes, let's talk next week.{q}"},
		{"german", "{n} <{r}>", "AW: {s}", "", "Hallo Sam,\n\ndanke, passt. Rufen Sie mich am Dienstag an.\n\nGruß\n{f}{q}"},
		{"spam_word", "{n} <{r}>", "Re: {s}", "", "Your emails keep landing in my spam folder, and our filter blocked the last one. Anyway: send me the deck.{q}"},
		{"mailbox_full_words", "{n} <{r}>", "Re: {s}", "", "Sorry for the late answer, my mailbox was full after the holidays. Interested, call me.{q}"},
		{"no_longer_here", "{n} <{r}>", "Re: {s}", "", "Hi, Peter no longer works here and his address does not exist anymore. I'm his replacement, happy to talk.{q}"},
		{"ooo_past", "{n} <{r}>", "Re: {s}", "", "I was out of the office last week, sorry. Let's talk Monday.{q}"},
		{"unsubscribe", "{n} <{r}>", "Re: {s}", "", "Please remove me from your list.{q}"},
		{"delivery_status_thread", "{n} <{r}>", "Re: Delivery Status Notification (Failure)", "", "Hi Sam, you forwarded me that bounce - the correct address is sales@{d}. Cheers{q}"},
		{"html_outlook", "{n} <{r}>", "RE: {s}", "X-MS-Has-Attach: \nX-Auto-Response-Suppress: All\n", "Thanks Sam, forwarding to procurement.\n\n________________________________\nFrom: Sam Carter <sam@acme.io>\nSent: Monday\nSubject: {s}\n\nHi, ...\n"},
	}
	for i := 0; i < 60; i++ {
		e := newEnv("")
		h := humans[i%len(humans)]
		rp := strings.NewReplacer("{n}", e.rcptName, "{r}", e.rcpt, "{d}", e.rcptDomain, "{s}", e.ourSubject, "{f}", strings.Fields(e.rcptName)[0], "{q}", quoted(e))
		write("human", h.name, "human", nil, plain(rp.Replace(h.from), rp.Replace(h.subj), h.hdr, rp.Replace(h.body)+"\n", e))
	}
	// A person forwarding a whole bounce as an attachment.
	for i := 0; i < 6; i++ {
		e := newEnv("")
		inner := postfix(e, reasons[i%3])
		if i%2 == 1 {
			inner = gmail(e, reasons[2])
		}
		ct, body := multipart("mixed", "", part{"text/plain; charset=utf-8", "Sam, see the attached bounce - " + e.rcpt + " is gone, try " + strings.Replace(e.rcpt, ".", "_", 1) + ".\n\n" + strings.Fields(e.rcptName)[0]}, part{"message/rfc822", inner})
		write("human", "forward_attached_bounce", "human", nil, message("From: "+e.rcptName+" <boss@"+e.rcptDomain+">\nTo: Sam Carter <sam@acme.io>\nSubject: Fwd: Undelivered Mail Returned to Sender\nDate: "+e.date+"\n", ct, body))
	}
	for i := 0; i < 3; i++ {
		e := newEnv("")
		ct, body := multipart("mixed", "", part{"text/plain; charset=utf-8", "Is this complaint about us? Someone at our ISP forwarded it."}, part{"message/rfc822", arf(e, "abuse", "Yahoo!-Mail-Feedback/2.0", "feedback@arf.mail.yahoo.com", "")})
		write("human", "forward_attached_arf", "human", nil, message("From: "+e.rcptName+" <"+e.rcpt+">\nTo: Sam Carter <sam@acme.io>\nSubject: Fwd: "+e.ourSubject+"\nDate: "+e.date+"\n", ct, body))
	}

	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	sb.WriteString("{\n")
	for i, n := range names {
		j, _ := json.Marshal(labels[n])
		sb.WriteString("  " + jsonString(n) + ": " + string(j))
		if i < len(names)-1 {
			sb.WriteString(",")
		}
		sb.WriteString("\n")
	}
	sb.WriteString("}\n")
	if err := os.WriteFile(filepath.Join(outDir, "labels.json"), []byte(sb.String()), 0o644); err != nil {
		panic(err)
	}
	fmt.Println(len(labels), "messages")
}

func jsonString(s string) string { j, _ := json.Marshal(s); return string(j) }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
