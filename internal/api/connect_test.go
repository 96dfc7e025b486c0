package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

// This file drives the real mailbox providers through the HTTP API: a
// Gmail mailbox connected by the OAuth flow against gmailfake, a Microsoft
// 365 one against graphfake (connect_graph_test.go), and an SMTP+IMAP one
// against a real Postfix and Dovecot (connect_smtp_test.go). Each launches a
// campaign and sees a reply, a hard bounce and an out-of-office that arrive
// through the provider acted on by the inbox sync.

// syncMailboxes runs one inbox sync pass (the reply loop over every active
// mailbox) on the app's database, opening mailboxes through the app's
// provider registry, as the scheduler's sync does.
func syncMailboxes(t *testing.T, srv *apptest.Server) replies.Totals {
	t.Helper()
	openers := srv.Connect.Openers()
	openers[store.ProviderSandbox] = sandbox.Opener(srv.Store)
	svc, err := replies.New(replies.Config{Store: srv.Store, Env: env.New(nil, nil), Fallback: offline.Classify, Providers: openers})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.SyncAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// oauthConnect runs the browser's part of an OAuth flow: start (with the
// account's session), consent at the fake provider, callback. It returns
// the query of the page the callback sends the browser to.
func oauthConnect(t *testing.T, owner *apptest.Account, provider, query string) url.Values {
	t.Helper()
	r := owner.Do("GET", "/api/oauth/"+provider+"/start"+query, nil)
	if r.Status != http.StatusFound {
		t.Fatalf("start: status %d, body %s", r.Status, r.Body)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(r.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("consent: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !strings.HasPrefix(cb.String(), owner.URL()+"/api/oauth/"+provider+"/callback?") {
		t.Fatalf("the provider redirects to %s, not to our callback", cb)
	}
	back := owner.Do("GET", cb.Path+"?"+cb.RawQuery, nil)
	loc, err := url.Parse(back.Header.Get("Location"))
	if back.Status != http.StatusFound || err != nil || loc.Path != "/mailboxes" {
		t.Fatalf("callback: status %d, location %q", back.Status, back.Header.Get("Location"))
	}
	return loc.Query()
}

// mailboxView finds a mailbox in GET /api/inboxes.
func mailboxView(t *testing.T, owner *apptest.Account, id string) map[string]any {
	t.Helper()
	for _, it := range owner.Must(200, "GET", "/api/inboxes", nil).Map(t)["items"].([]any) {
		if m := it.(map[string]any); m["id"] == id {
			return m
		}
	}
	t.Fatalf("mailbox %s is not listed", id)
	return nil
}

// providerCampaign launches a two-step campaign from one mailbox, always in
// its window, to the given leads; it returns the campaign id and the lead
// ids by address.
func providerCampaign(t *testing.T, owner *apptest.Account, mailboxID string, leads ...string) (string, map[string]string) {
	t.Helper()
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"dailyCap": 100, "rampStart": 0, "minGapSeconds": 0})
	ids := map[string]string{}
	for _, addr := range leads {
		first, _, _ := strings.Cut(addr, "@")
		ids[addr] = createLead(t, owner, addr, strings.ToUpper(first[:1])+first[1:])
	}
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Providers", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Quick question, {{firstName}}", "body": "Hi {{firstName}}, a question for {{company}}."},
		{"delayDays": 3, "body": "Bumping this."}}})
	var list []string
	for _, id := range ids {
		list = append(list, id)
	}
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": list})
	owner.AddPostalAddress()
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	return cid, ids
}

func leadStatus(t *testing.T, owner *apptest.Account, campaignID, leadID string) map[string]any {
	t.Helper()
	return owner.Must(200, "GET", "/api/campaigns/"+campaignID+"/leads/"+leadID+"/explain", nil).Map(t)
}

// replyRaw is a person's answer to our message.
func replyRaw(t *testing.T, from, to, subject, parent, text string) []byte {
	t.Helper()
	raw, err := mailmsg.Build(mailmsg.Outgoing{MessageID: mailmsg.NewMessageID(mailmsg.Domain(from)),
		From: mail.Address{Address: from}, To: []mail.Address{{Address: to}}, Subject: "Re: " + subject, Text: text,
		InReplyTo: parent, References: []string{parent}})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// outOfOfficeRaw is an RFC 3834 automatic reply with a return date.
func outOfOfficeRaw(t *testing.T, from, to, subject, parent string, back time.Time) []byte {
	t.Helper()
	raw, err := mailmsg.Build(mailmsg.Outgoing{MessageID: mailmsg.NewMessageID(mailmsg.Domain(from)),
		From: mail.Address{Address: from}, To: []mail.Address{{Address: to}}, Subject: "Out of office: " + subject,
		Text:      "I am out of the office until " + back.Format("January 2, 2006") + " with limited access to email.",
		InReplyTo: parent, References: []string{parent},
		Extra: []mailmsg.Field{{Key: "Auto-Submitted", Value: "auto-replied"}}})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// bounceRaw is an RFC 3464 delivery status notification of a permanent
// failure (5.1.1) for rcpt, returning our message's headers.
func bounceRaw(from, to, rcpt, original string) []byte {
	b := "b0undary"
	return []byte(strings.ReplaceAll(fmt.Sprintf(`From: Mail Delivery Subsystem <%s>
To: %s
Subject: Delivery Status Notification (Failure)
Message-ID: <dsn-%d@%s>
Date: %s
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="%s"

--%s
Content-Type: text/plain; charset=utf-8

Your message wasn't delivered to %s because the address couldn't be found.

--%s
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; %s
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does not exist.

--%s
Content-Type: text/rfc822-headers

From: %s
To: %s
Subject: Quick question
Message-ID: %s

--%s--
`, from, to, time.Now().UnixNano(), mailmsg.Domain(from), time.Now().UTC().Format(time.RFC1123Z), b, b, rcpt, b, rcpt, b,
		to, rcpt, original, b), "\n", "\r\n"))
}
