package web_test

import (
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
)

// replyFixture delivers a message from someone who is not a lead into a
// sandbox mailbox and syncs it: one conversation ("Others"). It returns
// the conversation's and the message's ids.
func replyFixture(t *testing.T, c *apptest.Client, mailboxID string) (conversation, message string) {
	t.Helper()
	c.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": "Pat <pat@prospect.example>",
		"subject": "Your product", "body": "Interested, tell me more about pricing."})
	c.Must(200, "POST", "/api/inboxes/"+mailboxID+"/sync", nil)
	items := c.Must(200, "GET", "/api/replies", nil).Map(t)["items"].([]any)
	if len(items) == 0 {
		t.Fatal("the sync stored no conversation")
	}
	conversation = items[0].(map[string]any)["id"].(string)
	msgs := c.Must(200, "GET", "/api/replies/"+conversation, nil).Map(t)["messages"].([]any)
	return conversation, msgs[0].(map[string]any)["id"].(string)
}

// replyWorld is a workspace with a sandbox mailbox and a launched campaign
// whose first step went to Ann (and Bob); Ann answered and the answer was
// synced.
type replyWorld struct {
	srv        *apptest.Server
	owner      *apptest.Account
	mailbox    string
	campaign   string
	ann, bob   string // lead ids
	annSentID  string // Message-ID of the step Ann got
	bobSentID  string
	subject    string
	annReplyID string // Message-ID of Ann's answer
}

func newReplyWorld(t *testing.T) *replyWorld {
	t.Helper()
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret", "LEADBITZ_SCHEDULER": "off"})
	owner := srv.SignUp(t, "Owner").AddPostalAddress()
	w := &replyWorld{srv: srv, owner: owner}
	w.mailbox = owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sales@sender.test", "displayName": "Sam Sender"}).Map(t)["id"].(string)
	owner.Must(200, "PATCH", "/api/inboxes/"+w.mailbox, map[string]any{"dailyCap": 10, "rampStart": 0, "minGapSeconds": 0})
	w.ann = owner.Must(201, "POST", "/api/leads", map[string]string{"email": "ann@acme.test", "firstName": "Ann", "lastName": "Archer", "company": "Acme"}).Map(t)["id"].(string)
	w.bob = owner.Must(201, "POST", "/api/leads", map[string]string{"email": "bob@globex.test", "firstName": "Bob", "company": "Globex"}).Map(t)["id"].(string)
	w.campaign = owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1 founders", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{w.mailbox}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+w.campaign+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Quick question, {{firstName}}", "body": "Hi {{firstName}}, a question for {{company}}."},
		{"delayDays": 3, "body": "Bumping this."}}})
	owner.Must(200, "POST", "/api/campaigns/"+w.campaign+"/leads", map[string]any{"leadIds": []string{w.ann, w.bob}})
	owner.Must(200, "POST", "/api/campaigns/"+w.campaign+"/launch", nil)
	cron := srv.Client(t)
	cron.Headers["Authorization"] = "Bearer cron-secret"
	if res := cron.Must(200, "POST", "/api/cron/tick", nil).Map(t); res["sent"].(float64) != 2 {
		t.Fatalf("tick: %v", res)
	}
	for _, m := range owner.Must(200, "GET", "/api/inboxes/"+w.mailbox+"/sandbox/messages", nil).Map(t)["items"].([]any) {
		m := m.(map[string]any)
		switch m["to"] {
		case "ann@acme.test":
			w.annSentID, w.subject = m["messageId"].(string), m["subject"].(string)
		case "bob@globex.test":
			w.bobSentID = m["messageId"].(string)
		}
	}
	got := owner.Must(201, "POST", "/api/inboxes/"+w.mailbox+"/sandbox/receive", map[string]string{"from": "Ann Archer <ann@acme.test>",
		"subject": "Re: " + w.subject, "body": "Sounds interesting, can we talk on Tuesday?\n\nOn Mon, Sam wrote:\n> Hi Ann", "inReplyTo": w.annSentID}).Map(t)
	w.annReplyID = got["messageId"].(string)
	w.sync(t)
	return w
}

// sync runs one inbox sync pass, as the scheduler does every minute.
func (w *replyWorld) sync(t *testing.T) {
	t.Helper()
	cron := w.srv.Client(t)
	cron.Headers["Authorization"] = "Bearer cron-secret"
	cron.Must(200, "POST", "/api/cron/sync-inbox", nil)
}

// conversation is the id of the conversation with a lead.
func (w *replyWorld) conversation(t *testing.T, leadID string) string {
	t.Helper()
	for _, it := range w.owner.Must(200, "GET", "/api/replies", nil).Map(t)["items"].([]any) {
		it := it.(map[string]any)
		if l, ok := it["lead"].(map[string]any); ok && l["id"] == leadID {
			return it["id"].(string)
		}
	}
	t.Fatalf("no conversation with lead %s", leadID)
	return ""
}

// sandboxSent are the messages the sandbox mailbox sent, newest first.
func (w *replyWorld) sandboxSent(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range w.owner.Must(200, "GET", "/api/inboxes/"+w.mailbox+"/sandbox/messages", nil).Map(t)["items"].([]any) {
		out = append(out, m.(map[string]any))
	}
	return out
}

// deliverHTML delivers an HTML email from Bob, in reply to his step, into
// the sandbox mailbox and syncs it; it returns Bob's conversation.
func (w *replyWorld) deliverHTML(t *testing.T, body string) string {
	t.Helper()
	raw, err := mailmsg.Build(mailmsg.Outgoing{MessageID: mailmsg.NewMessageID("globex.test"),
		From: mail.Address{Name: "Bob", Address: "bob@globex.test"}, To: []mail.Address{{Address: "sales@sender.test"}},
		Subject: "Re: " + w.subject, HTML: body, InReplyTo: w.bobSentID, References: []string{w.bobSentID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.New(w.srv.Store, w.owner.WorkspaceID, w.mailbox).Deliver(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	w.sync(t)
	return w.conversation(t, w.bob)
}

// navBadge is the Replies nav item's unread count, "" without one.
func navBadge(d *html.Node) string {
	badge := ""
	walk(d, func(n *html.Node) {
		if cls, _ := attr(n, "class"); cls == "nav-badge" {
			badge = strings.TrimSuffix(text(n), " unread")
		}
	})
	return badge
}

func byClass(root *html.Node, class string) []*html.Node {
	var out []*html.Node
	walk(root, func(n *html.Node) {
		if cls, _ := attr(n, "class"); strings.Contains(" "+cls+" ", " "+class+" ") {
			out = append(out, n)
		}
	})
	return out
}

func TestRepliesListFiltersThreadAndActions(t *testing.T) {
	t.Parallel()
	w := newReplyWorld(t)
	c := w.owner.Client
	conv := w.conversation(t, w.ann)

	d := doc(t, get(t, c, "/replies", 200).Body)
	rows := byClass(d, "reply-row")
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	row := text(rows[0])
	for _, want := range []string{"Unread:", "Ann Archer", "· Acme", "Q1 founders", "· step 1", "Sounds interesting, can we talk on Tuesday?"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	if strings.Contains(row, "Hi Ann") {
		t.Errorf("the preview shows the quoted text: %q", row)
	}
	if chip := byClass(rows[0], "chip"); len(chip) == 0 || text(chip[0]) == "Not sorted yet" {
		t.Errorf("no category on the row: %q", row)
	}
	if b := navBadge(d); b != "1" {
		t.Errorf("nav badge %q, want 1", b)
	}

	// Filters are a GET form: the query string narrows the list.
	for q, want := range map[string]int{"?view=unread": 1, "?category=bounce": 0, "?campaign=" + w.campaign: 1,
		"?campaign=nope": 0, "?mailbox=" + w.mailbox: 1, "?view=others": 0, "?category=bogus": 1} {
		if n := len(byClass(doc(t, get(t, c, "/replies"+q, 200).Body), "reply-row")); n != want {
			t.Errorf("/replies%s: %d rows, want %d", q, n, want)
		}
	}
	if got := text(doc(t, get(t, c, "/replies?category=bounce", 200).Body)); !strings.Contains(got, "Nothing matches these filters.") {
		t.Errorf("filtered empty state: %.300s", got)
	}

	// Opening the thread shows it (context box, fixed sender) and changes
	// nothing: a GET never marks read. The page marks it read with a POST.
	td := doc(t, get(t, c, "/replies/"+conv+"?view=unread", 200).Body)
	if navBadge(td) != "1" || len(byClass(td, "is-selected")) != 1 || len(byClass(td, "mark-read")) != 1 {
		t.Fatalf("after a GET of the thread: badge %q, %d selected rows, %d mark-read forms; want it still unread",
			navBadge(td), len(byClass(td, "is-selected")), len(byClass(td, "mark-read")))
	}
	r := postForm(t, c, "/replies/"+conv+"/read?view=unread", nil)
	if loc := r.Header.Get("Location"); loc != "/replies/"+conv+"?view=unread" {
		t.Errorf("after mark read: %q", loc)
	}
	td = doc(t, follow(t, c, r).Body)
	ctx := text(byClass(td, "thread-context")[0])
	for _, want := range []string{"Q1 founders", "Replied after step 1", "Stopped: replied", "sales@sender.test"} {
		if !strings.Contains(ctx, want) {
			t.Errorf("context box %q lacks %q", ctx, want)
		}
	}
	if from := text(byClass(td, "composer-from")[0]); !strings.Contains(from, "From sales@sender.test") || !strings.Contains(from, "To ann@acme.test") {
		t.Errorf("composer: %q", from)
	}
	if len(byClass(td, "mail-frame")) != 0 || !strings.Contains(text(td), "Hi Ann, a question for Acme.") {
		t.Error("the thread does not show the text messages, the sequence email included")
	}
	if byID(td, "thread-category") == nil || len(byClass(td, "is-selected")) != 0 {
		// Opened from the unread view, it is no longer unread: not in the list.
		t.Error("thread header or list state is wrong")
	}
	if b := navBadge(doc(t, get(t, c, "/replies", 200).Body)); b != "" {
		t.Errorf("nav badge after reading %q", b)
	}

	// A manual category wins and says so.
	r = postForm(t, c, "/replies/"+conv+"/category?view=unread", url.Values{"category": {"meeting_request"}})
	if loc := r.Header.Get("Location"); loc != "/replies/"+conv+"?view=unread" {
		t.Errorf("after setting the category: %q", loc)
	}
	got := text(doc(t, follow(t, c, r).Body))
	if !strings.Contains(got, "Category set to “Meeting request”.") || !strings.Contains(got, "set by hand") {
		t.Errorf("after setting the category: %.400s", got)
	}
	if r := postForm(t, c, "/replies/"+conv+"/category", url.Values{"category": {"vip"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown category: %d", r.Status)
	}

	// Mark unread goes back to the list, dot and badge back.
	r = postForm(t, c, "/replies/"+conv+"/unread", nil)
	if loc := r.Header.Get("Location"); loc != "/replies" {
		t.Errorf("after mark unread: %q", loc)
	}
	if d := doc(t, follow(t, c, r).Body); navBadge(d) != "1" || len(byClass(d, "unread-dot")) != 1 {
		t.Error("mark unread did not bring the dot and badge back")
	}

	// An empty reply is refused next to the field; a real one goes out in
	// the thread, from the mailbox that received the conversation.
	r = postForm(t, c, "/replies/"+conv+"/send", url.Values{"body": {"  "}})
	if r.Status != http.StatusUnprocessableEntity || byID(doc(t, r.Body), "f-body-error") == nil {
		t.Errorf("empty reply: %d", r.Status)
	}
	r = postForm(t, c, "/replies/"+conv+"/send", url.Values{"body": {"Tuesday 10:00 works. Talk then!"}})
	if got := text(doc(t, follow(t, c, r).Body)); !strings.Contains(got, "Reply sent to ann@acme.test from sales@sender.test, in the same thread.") {
		t.Errorf("after sending: %.400s", got)
	}
	sent := w.sandboxSent(t)[0]
	if sent["to"] != "ann@acme.test" || !strings.Contains(sent["body"].(string), "Tuesday 10:00 works") ||
		sent["headers"].(map[string]any)["In-Reply-To"] != w.annReplyID || !strings.HasPrefix(sent["subject"].(string), "Re: ") {
		t.Errorf("the reply the sandbox sent: %v", sent)
	}

	// The suggestion fills the composer; nothing is sent by it.
	before := len(w.sandboxSent(t))
	r = postForm(t, c, "/replies/"+conv+"/suggest", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("suggest: %d %.300s", r.Status, r.Body)
	}
	sd := doc(t, r.Body)
	if body := byID(sd, "f-body"); body == nil || strings.TrimSpace(text(body)) == "" {
		t.Error("the suggestion did not fill the composer")
	}
	if !strings.Contains(text(sd), "nothing is sent until you press Send") {
		t.Error("the suggestion does not say a person sends it")
	}
	if n := len(w.sandboxSent(t)); n != before {
		t.Errorf("suggesting sent %d messages", n-before)
	}
}

func TestStopSequenceFromTheThread(t *testing.T) {
	t.Parallel()
	w := newReplyWorld(t)
	c := w.owner.Client
	// Bob's mailbox answers with an out-of-office: his sequence only pauses.
	back := time.Now().UTC().AddDate(0, 0, 9)
	w.owner.Must(201, "POST", "/api/inboxes/"+w.mailbox+"/sandbox/receive", map[string]any{"from": "Bob <bob@globex.test>",
		"subject": "Automatic reply: " + w.subject, "inReplyTo": w.bobSentID,
		"body":    "I am out of the office until " + back.Format("January 2, 2006") + ".",
		"headers": map[string]string{"Auto-Submitted": "auto-replied"}})
	w.sync(t)
	conv := w.conversation(t, w.bob)
	d := doc(t, get(t, c, "/replies/"+conv, 200).Body)
	if ctx := text(byClass(d, "thread-context")[0]); !strings.Contains(ctx, "Paused until") {
		t.Errorf("context of an out-of-office: %q", ctx)
	}
	if !strings.Contains(text(d), "Auto-reply") {
		t.Error("the out-of-office is not marked as an auto-reply")
	}
	r := postForm(t, c, "/replies/"+conv+"/stop", nil)
	if got := text(doc(t, follow(t, c, r).Body)); !strings.Contains(got, "Stopped the sequence") || !strings.Contains(got, "stopped by hand from the Replies inbox") {
		t.Errorf("after stop: %.500s", got)
	}
	x := w.owner.Must(200, "GET", "/api/campaigns/"+w.campaign+"/leads/"+w.bob+"/explain", nil).Map(t)
	if x["leadStatus"] != "stopped" || x["nextStep"].(float64) != 0 {
		t.Errorf("bob after stop: %v", x)
	}
	audit := w.owner.Must(200, "GET", "/api/audit-events", nil).Map(t)["items"].([]any)
	if a := audit[0].(map[string]any); a["action"] != "campaign_lead.stopped" {
		t.Errorf("latest audit event: %v", a)
	}
	// The button is gone once stopped; pressing it again changes nothing.
	if strings.Contains(string(get(t, c, "/replies/"+conv, 200).Body), "/stop") {
		t.Error("Stop sequence is still offered")
	}
	if got := text(doc(t, follow(t, c, postForm(t, c, "/replies/"+conv+"/stop", nil)).Body)); !strings.Contains(got, "already stopped") {
		t.Errorf("second stop: %.300s", got)
	}
}

func TestMessageHTMLFrameIsSanitisedAndSandboxed(t *testing.T) {
	t.Parallel()
	w := newReplyWorld(t)
	conv := w.deliverHTML(t, `<p>Hello</p><script>parent.pwned=1</script><img src="https://tracker.example/p.png" alt="Logo"><a href="https://ok.example">ok</a>`)
	page := get(t, w.owner.Client, "/replies/"+conv, 200)
	checkPage(t, "/replies/{id}", page)
	d := doc(t, page.Body)
	frames := byClass(d, "mail-frame")
	if len(frames) != 1 {
		t.Fatalf("%d frames", len(frames))
	}
	src, _ := attr(frames[0], "src")
	sandbox, _ := attr(frames[0], "sandbox")
	if strings.Contains(sandbox, "allow-scripts") || !strings.Contains(sandbox, "allow-popups") {
		t.Errorf("frame sandbox %q", sandbox)
	}
	if got := text(d); !strings.Contains(got, "1 remote image was not loaded") {
		t.Errorf("no load-images note: %.300s", got)
	}
	r := get(t, w.owner.Client, src, 200)
	body := string(r.Body)
	if strings.Contains(body, "<script") || strings.Contains(body, "tracker.example/p.png\"") && strings.Contains(body, "<img") ||
		!strings.Contains(body, `rel="noopener noreferrer nofollow"`) || !strings.Contains(body, "[image: Logo]") {
		t.Errorf("frame body: %s", body)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'none'") || !strings.Contains(csp, "sandbox") {
		t.Errorf("frame CSP %q", csp)
	}
	if xfo := r.Header.Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
		t.Errorf("X-Frame-Options %q", xfo)
	}
	loaded := get(t, w.owner.Client, src+"?images=1", 200)
	if !strings.Contains(string(loaded.Body), `<img src="https://tracker.example/p.png"`) ||
		!strings.Contains(loaded.Header.Get("Content-Security-Policy"), "img-src https: http:") {
		t.Errorf("with images: %s", loaded.Body)
	}
	// Another conversation's path does not reach the message.
	other := w.conversation(t, w.ann)
	get(t, w.owner.Client, strings.Replace(src, conv, other, 1), http.StatusNotFound)
}

func TestSandboxMailboxPlaysALeadsReplyAndSyncsNow(t *testing.T) {
	t.Parallel()
	w := newReplyWorld(t)
	c := w.owner.Client
	page := "/mailboxes/" + w.mailbox
	r0 := get(t, c, page, 200)
	checkPage(t, "/mailboxes/{id}", r0)
	d := doc(t, r0.Body)
	sel := byID(d, "f-messageId")
	if sel == nil || !strings.Contains(text(sel), "bob@globex.test · Quick question, Bob") {
		t.Fatalf("the try-a-reply form does not offer Bob's email")
	}

	r := postForm(t, c, page+"/sandbox/reply", url.Values{"messageId": {"<nope@x>"}, "body": {""}})
	bad := doc(t, r.Body)
	if r.Status != http.StatusUnprocessableEntity || byID(bad, "f-messageId-error") == nil || byID(bad, "f-body-error") == nil {
		t.Errorf("a reply to nothing, with no text: %d", r.Status)
	}
	r = postForm(t, c, page+"/sandbox/reply", url.Values{"messageId": {w.bobSentID}, "body": {"Please take me off your list."}})
	if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != "/replies" {
		t.Fatalf("after delivering: %d %q", r.Status, loc)
	}
	list := doc(t, follow(t, c, r).Body)
	if got := text(list); !strings.Contains(got, "Delivered a reply from bob@globex.test to the sandbox mailbox and read it") {
		t.Errorf("flash: %.300s", got)
	}
	var bobRow string
	for _, row := range byClass(list, "reply-row") {
		if strings.Contains(text(row), "Bob") {
			bobRow = text(row)
		}
	}
	if !strings.Contains(bobRow, "Do not contact") || !strings.Contains(bobRow, "Please take me off your list.") {
		t.Errorf("Bob's reply in the list: %q", bobRow)
	}
	x := w.owner.Must(200, "GET", "/api/campaigns/"+w.campaign+"/leads/"+w.bob+"/explain", nil).Map(t)
	if x["leadStatus"] != "unsubscribed" {
		t.Errorf("bob after asking to be removed: %v", x["leadStatus"])
	}

	// Check for replies now: nothing new, said so.
	if got := text(doc(t, follow(t, c, postForm(t, c, page+"/sync", nil)).Body)); !strings.Contains(got, "Read the mailbox: nothing new.") {
		t.Errorf("after sync now: %.300s", got)
	}
	// A paused mailbox is not read: the page says why instead of failing.
	follow(t, c, postForm(t, c, page+"/pause", nil))
	if strings.Contains(string(get(t, c, page, 200).Body), "Check for replies now") {
		t.Error("a paused mailbox offers to be read")
	}
	if r := postForm(t, c, page+"/sync", nil); r.Status != http.StatusConflict || byID(doc(t, r.Body), "form-message") == nil {
		t.Errorf("sync of a paused mailbox: %d", r.Status)
	}
}
